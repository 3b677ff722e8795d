/** What an offline database says of a public address. Core never opens the database: the agent passes a lookup in. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2 country code. */
  country?: string;
  /** Autonomous system number, where the database has one. */
  asn?: number;
  /** Autonomous system organisation. */
  asOrg?: string;
}

export type GeoLookup = (address: string) => GeoInfo | undefined;

const names = new Map<string, Intl.DisplayNames>();

/** "Netherlands" / "オランダ" for NL: the runtime's CLDR names, so no table of 250 countries to keep. */
export function countryName(code: string, lang: 'en' | 'ja'): string {
  let dn = names.get(lang);
  if (!dn) names.set(lang, (dn = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' })));
  try {
    return dn.of(code) ?? code;
  } catch {
    return code;
  }
}

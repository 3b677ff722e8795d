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

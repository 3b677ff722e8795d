/** A phrase in every language the product speaks. Tables carry both so output never falls back silently. */
export interface Text {
  en: string;
  ja: string;
}

export type Lang = keyof Text;

export const LANGS: readonly Lang[] = ['en', 'ja'];

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

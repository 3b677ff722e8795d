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

/**
 * The language to answer in: the one chosen (a setting, a flag) when it is one we speak, else the locale's
 * (`ja`, `ja-JP`, `ja_JP.UTF-8`), else English. The CLI, the language server and the extension all decide so.
 */
export function chooseLang(chosen: unknown, locale: string | undefined): Lang {
  if (typeof chosen === 'string' && isLang(chosen)) return chosen;
  return locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

import type { Text } from '../i18n/text.js';

/** A place on one line: 0-based line, character offsets [start, end) in UTF-16 code units (what LSP counts). */
export interface IptablesSpan {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export type IptablesSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface IptablesPosition {
  readonly line: number;
  readonly character: number;
}

/** Replace the text between two positions: a quick fix is a list of these, applied together. */
export interface IptablesTextEdit {
  readonly start: IptablesPosition;
  readonly end: IptablesPosition;
  readonly newText: string;
}

export interface IptablesFix {
  readonly title: Text;
  readonly edits: readonly IptablesTextEdit[];
}

/**
 * One finding about a rules file, from the parser (syntax) or a lint rule (meaning). `code` is stable (tests,
 * settings and suppressions use it); `message` is in every language the product speaks.
 */
export interface IptablesDiagnostic {
  readonly severity: IptablesSeverity;
  readonly code: string;
  readonly message: Text;
  readonly span: IptablesSpan;
  readonly fix?: IptablesFix;
  /** Other places that explain this one (the terminal rule that hides an unreachable one). */
  readonly related?: readonly { readonly span: IptablesSpan; readonly message: Text }[];
}

export function iptablesDiagnostic(
  severity: IptablesSeverity,
  code: string,
  span: IptablesSpan,
  en: string,
  ja: string,
  extra: { fix?: IptablesFix; related?: IptablesDiagnostic['related'] } = {},
): IptablesDiagnostic {
  return { severity, code, message: { en, ja }, span, ...extra };
}

/** The span from the start of one to the end of another on the same line. */
export function iptablesJoinSpans(a: IptablesSpan, b: IptablesSpan): IptablesSpan {
  return { line: a.line, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

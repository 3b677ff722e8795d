import type { IptablesDiagnostic, IptablesSpan } from './diagnostic.js';
import { iptablesDiagnostic } from './diagnostic.js';

/**
 * One word of an iptables-restore line, split the way iptables-restore splits it: at blanks, except inside
 * double quotes, where a backslash escapes the next character (iptables-save prints `--comment "say \"hi\""`).
 * Single quotes are taken too (shell habits in hand-written files); they have no escapes.
 */
export interface IptablesWord {
  /** The word with quotes removed and escapes resolved: what iptables sees. */
  readonly value: string;
  /** Where the word is written, quotes included. */
  readonly span: IptablesSpan;
  /** Any part of it was quoted: a quoted word is always a value, never an option or `!`. */
  readonly quoted: boolean;
}

export interface IptablesWords {
  readonly words: IptablesWord[];
  readonly problems: IptablesDiagnostic[];
}

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const APOSTROPHE = 39;
const BACKSLASH = 92;

function isBlank(c: number): boolean {
  // Space, tab, CR (CRLF files), VT, FF: what isspace() treats as separators.
  return c === SPACE || c === TAB || c === 13 || c === 11 || c === 12;
}

/**
 * Split one line into words. Linear in the line's length (a 1 MB line is one pass); never throws. `from` lets a
 * caller skip a prefix it already read (the `[pkts:bytes]` counters).
 */
export function tokenizeIptablesLine(text: string, line: number, from = 0): IptablesWords {
  const words: IptablesWord[] = [];
  const problems: IptablesDiagnostic[] = [];
  const n = text.length;
  let i = from;
  while (i < n) {
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    let value = '';
    let quoted = false;
    let runStart = i; // start of the current unquoted run, copied with one slice
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isBlank(c)) break;
      if (c === QUOTE || c === APOSTROPHE) {
        value += text.slice(runStart, i);
        quoted = true;
        const open = i++;
        let closed = false;
        let segStart = i;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (c === QUOTE && d === BACKSLASH && i + 1 < n) {
            value += text.slice(segStart, i) + text[i + 1];
            i += 2;
            segStart = i;
            continue;
          }
          if (d === c) {
            closed = true;
            break;
          }
          i++;
        }
        value += text.slice(segStart, i);
        if (closed) i++;
        else
          problems.push(
            iptablesDiagnostic('error', 'unterminated-quote', { line, start: open, end: n }, 'This quote is never closed.', 'この引用符が閉じられていません。'),
          );
        runStart = i;
        continue;
      }
      i++;
    }
    value += text.slice(runStart, i);
    words.push({ value, span: { line, start, end: i }, quoted });
  }
  return { words, problems };
}

/** Quote a value the way iptables-save does, so fixes write what the tool itself would print. */
export function quoteIptablesValue(value: string): string {
  if (value !== '' && !/[\s"'\\!#]/.test(value)) return value;
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

import {
  assembleIptablesDocument,
  decodeLine,
  frame,
  readLineEvent,
  type LineEvent,
  type Text,
  guessIptablesFamily,
  parseIptablesLine,
  type DecodedLine,
  type IptablesDocument,
  type IptablesFamily,
  type IptablesLine,
} from '@portcullis/core';
import type { Range, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { MAX_LINE_CHARS } from './limits.js';

/**
 * The few facts of a firewall line the detectors and the diagnostics read (core's LineEvent: its event, where its
 * message and SRC sit in raw-line columns, whether it was cut short), plus what the second pass finds. Small, so a
 * 100k-line log can keep one per line.
 */
export interface LineFacts extends LineEvent {
  /** Fields whose value is invalid, found by the full decode; undefined until checked. */
  invalid?: readonly InvalidField[];
}

export interface InvalidField {
  readonly start: number;
  readonly end: number;
  readonly name: Text;
  readonly problem: string;
}

/** The two languages; `other` is a document the server holds but leaves alone (a plaintext file with no firewall line). */
export type DocumentKind = 'netfilter-log' | 'iptables' | 'other';

const NEWLINE = /\r\n|\r|\n/;

/** Lines as editors count them (LF, CRLF, CR), which is also how LSP positions count. */
export function splitLines(text: string): string[] {
  // a log without a CR (nearly all) splits on a plain string, several times faster than the regex on 24 MB
  return text.includes('\r') ? text.split(NEWLINE) : text.split('\n');
}

/** How many leading lines are tried when a plaintext or `log` document is sniffed for firewall lines. */
const SNIFF_LINES = 500;

const HALF_YEAR_MS = 183 * 86_400_000;

/**
 * "Now" for a document's year-less stamps. The clock is right for a live log; but a file with some stamps that carry
 * their year (RFC 3339 beside BSD syslog, as a central syslog server mixes them) says when it was written, and its
 * year-less lines must land in the same year, or the detectors see time jump by a year between two lines. So: the
 * first stamp with a year, plus half a year (a file that starts in March ends before September's lines would be
 * read as last year's), never past the clock.
 */
function documentNow(lines: readonly string[], clock: number): number {
  const n = Math.min(lines.length, SNIFF_LINES);
  for (let i = 0; i < n; i++) {
    if (lines[i].length > MAX_LINE_CHARS) continue;
    const f = frame(lines[i]);
    if (f.time !== undefined && !f.yearInferred) return Math.min(clock, f.time + HALF_YEAR_MS);
  }
  return clock;
}

/** A `log` or `plaintext` document is a firewall log when one of its first lines decodes as one. */
function sniff(languageId: string, lines: readonly string[]): DocumentKind {
  if (languageId === 'netfilter-log' || languageId === 'iptables') return languageId;
  if (languageId !== 'log' && languageId !== 'plaintext') return 'other';
  const n = Math.min(lines.length, SNIFF_LINES);
  for (let i = 0; i < n; i++) if (lines[i].length <= MAX_LINE_CHARS && decodeLine(lines[i])) return 'netfilter-log';
  return 'other';
}

/**
 * One open document: its lines and, per line, what core made of it. Edits replace only the lines they touch, so
 * a keystroke in a 100k-line log re-decodes one line, never the file. Parsing is lazy: hover decodes the line it
 * needs and does not wait for a whole-document pass.
 */
export class CachedDocument {
  readonly uri: string;
  readonly languageId: string;
  version: number;
  kind: DocumentKind;
  lines: string[];
  /** Sum of the lines' lengths: the size checks must not join a 50 MB text to measure it. */
  chars: number;
  /** "Now" for year-less syslog stamps, fixed when the document opens so a line always decodes the same. */
  readonly now: number;
  /** Per line: undefined = not computed yet, null = not a firewall line. */
  private facts: (LineFacts | null | undefined)[] = [];
  /** Per line: the parse, or undefined when not parsed yet (or parsed at another line number). */
  private parsed: (IptablesLine | undefined)[] = [];
  private family: IptablesFamily | undefined;
  private assembled: { version: number; doc: IptablesDocument } | undefined;
  /** Features already skipped for size on this document: each is reported once. */
  readonly skipped = new Set<string>();

  constructor(uri: string, languageId: string, version: number, text: string, now: number) {
    this.uri = uri;
    this.languageId = languageId;
    this.version = version;
    this.lines = splitLines(text);
    this.now = documentNow(this.lines, now);
    this.chars = text.length;
    this.kind = sniff(languageId, this.lines);
    if (this.kind === 'iptables') this.family = guessIptablesFamily(this.lines);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /**
   * The firewall line at `line`, decoded now. Not kept: holding 100k decoded lines (tokens and all) costs more in
   * garbage collection than decoding one line again (a few microseconds) whenever hover or tokens need it.
   */
  decodedAt(line: number): DecodedLine | undefined {
    if (this.kind !== 'netfilter-log' || line < 0 || line >= this.lines.length) return undefined;
    const text = this.lines[line];
    return text.length > MAX_LINE_CHARS ? undefined : decodeLine(text, { now: this.now });
  }

  /** What the whole-document passes need of a line, computed once per line version and kept. */
  factsAt(line: number): LineFacts | undefined {
    let f = this.facts[line];
    if (f === undefined) {
      const text = this.lines[line];
      // the plain-line walk: no Token per field (hover and the second pass decode in full when they need to)
      f = (this.kind === 'netfilter-log' && text.length <= MAX_LINE_CHARS ? readLineEvent(text, { now: this.now }) : undefined) ?? null;
      this.facts[line] = f;
    }
    return f ?? undefined;
  }

  /** The parse of one iptables line (its spans carry its line number, so a line that moved is parsed again). */
  iptablesLine(line: number): IptablesLine | undefined {
    if (this.kind !== 'iptables' || line < 0 || line >= this.lines.length) return undefined;
    let p = this.parsed[line];
    if (p === undefined || p.line !== line) {
      const text = this.lines[line];
      // an over-long line is parsed as empty: its own diagnostic says so (see diagnostics.ts)
      p = parseIptablesLine(text.length > MAX_LINE_CHARS ? '' : text, line, this.family !== undefined ? { family: this.family } : {});
      this.parsed[line] = p;
    }
    return p;
  }

  get iptablesFamily(): IptablesFamily | undefined {
    return this.family;
  }

  /** The whole rules file: lines parsed where needed, then core's cheap assembly pass; cached per version. */
  iptables(): IptablesDocument {
    if (this.assembled?.version === this.version) return this.assembled.doc;
    const lines: IptablesLine[] = new Array(this.lines.length);
    for (let i = 0; i < this.lines.length; i++) lines[i] = this.iptablesLine(i) as IptablesLine;
    const doc = assembleIptablesDocument(lines, this.family !== undefined ? { family: this.family } : {});
    this.assembled = { version: this.version, doc };
    return doc;
  }

  /** Applies the client's changes in order (ranges are relative to the text after the previous change). */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const c of changes) {
      if ('range' in c && c.range) this.replace(c.range, c.text);
      else {
        this.lines = splitLines(c.text);
        this.chars = c.text.length;
        this.facts = [];
        this.parsed = [];
      }
    }
    this.version = version;
    if (this.kind === 'other') {
      // a plaintext document may become a log as it is written (pasting lines into a new file)
      this.kind = sniff(this.languageId, this.lines);
    }
  }

  private replace(range: Range, text: string): void {
    const last = this.lines.length - 1;
    const startLine = Math.min(Math.max(range.start.line, 0), last);
    const endLine = Math.min(Math.max(range.end.line, startLine), last);
    const head = this.lines[startLine].slice(0, range.start.character);
    const tail = this.lines[endLine].slice(range.end.character);
    const inserted = splitLines(head + text + tail);
    let removed = 0;
    for (let i = startLine; i <= endLine; i++) removed += this.lines[i].length;
    let added = 0;
    for (const l of inserted) added += l.length;
    this.chars += added - removed;
    const count = endLine - startLine + 1;
    this.lines = splice(this.lines, startLine, count, inserted);
    // only the touched lines lose their parse; the others keep theirs (logs: valid wherever they move;
    // iptables: re-parsed lazily if their line number changed, since their spans name it)
    if (this.kind === 'netfilter-log') this.facts = splice(this.facts, startLine, count, new Array<undefined>(inserted.length));
    if (this.kind === 'iptables') this.parsed = splice(this.parsed, startLine, count, new Array<undefined>(inserted.length));
  }
}

/**
 * `Array.prototype.splice` with the items as an array: spreading a pasted 100k lines as arguments overflows the
 * stack, so a large insertion rebuilds the array instead. Returns the array to keep.
 */
function splice<T>(list: T[], start: number, count: number, items: T[]): T[] {
  if (items.length < 10_000) {
    list.splice(start, count, ...items);
    return list;
  }
  return list.slice(0, start).concat(items, list.slice(start + count));
}

/** The open documents by URI, as the client reports them. */
export class DocumentCache {
  private readonly docs = new Map<string, CachedDocument>();

  constructor(private readonly clock: () => number = Date.now) {}

  open(uri: string, languageId: string, version: number, text: string): CachedDocument {
    const doc = new CachedDocument(uri, languageId, version, text, this.clock());
    this.docs.set(uri, doc);
    return doc;
  }

  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): CachedDocument | undefined {
    const doc = this.docs.get(uri);
    doc?.applyChanges(changes, version);
    return doc;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): CachedDocument | undefined {
    return this.docs.get(uri);
  }

  all(): CachedDocument[] {
    return [...this.docs.values()];
  }
}

import { execa } from 'execa';
import { splitLines } from '../cli/input.js';
import type { JournalCursor } from './cursor.js';

export type { JournalCursor } from './cursor.js';

/** One journal record, as journalctl printed it: core's framing (`frameJournalJson`) reads these. */
export interface JournalLine {
  /** The record's JSON, one line. */
  readonly text: string;
  readonly source: 'journald';
  /** 1-based number among the records of this run. */
  readonly line: number;
}

/** A started journalctl: its standard output as it comes, and how it ended. */
export interface JournalProcess {
  readonly stdout: AsyncIterable<Buffer | string>;
  readonly done: Promise<{ exitCode: number; stderr: string }>;
}

/** How journalctl is started: an argument array, never a shell. Tests pass a fake that speaks its JSON output. */
export type JournalSpawner = (command: string, args: readonly string[]) => JournalProcess;

export interface JournalOptions {
  /** The journalctl binary (default `journalctl` from PATH). */
  readonly command?: string;
  readonly spawn?: JournalSpawner;
  /** A first run (no cursor) starts at the journal's end (default: only what comes from now on) or at its beginning. */
  readonly startAt?: 'end' | 'beginning';
  /** Added before the rest: `--directory=DIR`, `--file=...`, `--machine=...`. */
  readonly extraArgs?: readonly string[];
}

/** Another journalctl failure: names the command and carries its stderr. */
export class JournalError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

/**
 * The fields core's framing reads (journalctl always adds `__CURSOR`, `__REALTIME_TIMESTAMP`,
 * `__MONOTONIC_TIMESTAMP` and `_BOOT_ID`): asking for just these makes a busy journal's output several times
 * smaller than the full records.
 */
export const JOURNAL_FIELDS = [
  'MESSAGE',
  'PRIORITY',
  'SYSLOG_FACILITY',
  'SYSLOG_IDENTIFIER',
  '_COMM',
  '_TRANSPORT',
  '_HOSTNAME',
  '_SOURCE_REALTIME_TIMESTAMP',
  '_SOURCE_MONOTONIC_TIMESTAMP',
] as const;

/**
 * The arguments for one run. Kernel messages are matched with `_TRANSPORT=kernel` rather than `-k`: `-k` also
 * means "this boot only", which after a reboot would skip what the kernel logged between the last run and the
 * shutdown. Without a cursor and starting at the end, `-n 1` fetches only the newest record, whose cursor becomes
 * the starting point; it is not handed out.
 */
export function journalArgs(cursor: JournalCursor | undefined, options: JournalOptions = {}): string[] {
  const args = [...(options.extraArgs ?? []), '--no-pager', '--quiet', '--output=json', `--output-fields=${JOURNAL_FIELDS.join(',')}`];
  if (cursor?.cursor) args.push(`--after-cursor=${cursor.cursor}`);
  else if (!cursor && (options.startAt ?? 'end') === 'end') args.push('--lines=1');
  args.push('_TRANSPORT=kernel');
  return args;
}

/**
 * Kernel records written since `cursor`. Like the file reader, it never saves: iterate it, and store
 * `position()` once the bans of these records are confirmed. A journalctl failure throws after the records it
 * printed, and the position covers only records handed out, so nothing is skipped.
 */
export interface NewJournalLines extends AsyncIterable<JournalLine> {
  /** The cursor after the records consumed so far; `{cursor: ''}` after a first run on an empty journal. */
  position(): JournalCursor | undefined;
}

export function readJournal(cursor: JournalCursor | undefined, options: JournalOptions = {}): NewJournalLines {
  const command = options.command ?? 'journalctl';
  const spawn = options.spawn ?? execaSpawner;
  const skipAll = !cursor && (options.startAt ?? 'end') === 'end';
  let at: JournalCursor | undefined = cursor;
  let iterated = false;

  async function* generate(): AsyncGenerator<JournalLine> {
    if (iterated) throw new Error('journald: new records can be read only once per readJournal()');
    iterated = true;
    const args = journalArgs(cursor, options);
    const proc = spawn(command, args);
    let line = 0;
    let newest: string | undefined;
    for await (const text of splitLines(asStream(proc.stdout))) {
      if (text.length === 0) continue;
      const c = recordCursor(text);
      if (skipAll) {
        if (c) newest = c;
        continue;
      }
      // moved before handing the record out: a consumer that stops after this one has still consumed it
      if (c) at = { kind: 'journald', cursor: c };
      yield { text, source: 'journald', line: ++line };
    }
    const { exitCode, stderr } = await proc.done;
    if (exitCode !== 0) {
      const why = stderr.trim().split('\n')[0] || `exit code ${exitCode}`;
      throw new JournalError(`${command}: ${why}`, [command, ...args].join(' '), stderr);
    }
    // A first run: start after the newest record, or, with none yet, at the beginning of whatever comes.
    if (skipAll) at = { kind: 'journald', cursor: newest ?? '' };
    else if (!at) at = { kind: 'journald', cursor: '' };
  }

  return { [Symbol.asyncIterator]: () => generate(), position: () => at };
}

/** splitLines wants a NodeJS.ReadableStream; an AsyncIterable of chunks is all it uses. */
function asStream(source: AsyncIterable<Buffer | string>): NodeJS.ReadableStream {
  return source as unknown as NodeJS.ReadableStream;
}

/**
 * The `__CURSOR` of one JSON record, found without parsing the whole record: journalctl writes it first and its
 * value holds only letters, digits, `=` and `;`. Anything unusual falls back to JSON.parse.
 */
export function recordCursor(line: string): string | undefined {
  const k = line.indexOf('"__CURSOR"');
  if (k >= 0) {
    let i = k + 10;
    while (line.charCodeAt(i) === 0x20) i++;
    if (line.charCodeAt(i) === 0x3a) {
      i++;
      while (line.charCodeAt(i) === 0x20) i++;
      if (line.charCodeAt(i) === 0x22) {
        const end = line.indexOf('"', i + 1);
        const v = end > i ? line.slice(i + 1, end) : '';
        if (/^[A-Za-z0-9=;_-]+$/.test(v)) return v;
      }
    }
  }
  try {
    const rec: unknown = JSON.parse(line);
    const c = rec !== null && typeof rec === 'object' ? (rec as Record<string, unknown>).__CURSOR : undefined;
    return typeof c === 'string' && c.length > 0 ? c : undefined;
  } catch {
    return undefined;
  }
}

/** Starts journalctl with execa (argument array, no shell), streaming stdout and keeping the start of stderr. */
export const execaSpawner: JournalSpawner = (command, args) => {
  const child = execa(command, [...args], { buffer: false, reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 65536) stderr += d.toString('utf8');
  });
  const done = (async () => {
    const r = await child;
    const failed = r as { code?: string; exitCode?: number; failed?: boolean };
    if (failed.code === 'ENOENT') throw new JournalError(`${command}: not installed (journald sources need systemd's journalctl)`, [command, ...args].join(' '));
    return { exitCode: failed.exitCode ?? (failed.failed ? 1 : 0), stderr };
  })();
  // the stream may end before `done` is awaited; an early rejection must not go unhandled
  done.catch(() => undefined);
  return { stdout: child.stdout!, done };
};

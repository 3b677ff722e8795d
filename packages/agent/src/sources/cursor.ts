/**
 * Where each source stopped, as the state file keeps it. The shapes live here, beside the readers that make them,
 * and the state store validates loaded JSON against them, so a hand-edited or damaged cursor is refused by name
 * instead of sending a reader to a nonsense offset.
 */

/** A position in one log file. */
export interface FileCursor {
  readonly kind: 'file';
  /** The configured path (`/var/log/messages`), the name the source is known by. */
  readonly path: string;
  /** The file actually read last: the configured path, or a rotated sibling when a run stopped inside one. */
  readonly file: string;
  /** Device and inode as decimal strings: inode numbers can exceed 2^53. */
  readonly dev: string;
  readonly ino: string;
  /** Bytes consumed, always at a line end (decompressed bytes for a `.gz` file). */
  readonly offset: number;
  /** sha256 (hex) of the first `fingerprintLength` bytes: tells "same file, appended" from "another file". */
  readonly fingerprint: string;
  readonly fingerprintLength: number;
  /** Size and mtime (ns, decimal) when the cursor was taken: equal on the next run means nothing to read. */
  readonly size: number;
  readonly mtimeNs: string;
  /** True when `file` is gzip-compressed and `offset` counts decompressed bytes. */
  readonly compressed: boolean;
}

/** A position in the systemd journal. */
export interface JournalCursor {
  readonly kind: 'journald';
  /**
   * journald's `__CURSOR` of the last entry consumed; empty when the journal had no matching entry yet, which
   * means "everything is new" on the next run.
   */
  readonly cursor: string;
}

export type SourceCursor = FileCursor | JournalCursor;

/** Returns a sentence naming the first problem, or undefined when the value is a valid cursor. */
export function cursorProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'is not an object';
  const c = v as Record<string, unknown>;
  if (c.kind === 'journald') return typeof c.cursor === 'string' ? undefined : 'journald cursor has no string "cursor"';
  if (c.kind !== 'file') return `has unknown kind ${JSON.stringify(c.kind)}`;
  for (const k of ['path', 'file', 'fingerprint'] as const) if (typeof c[k] !== 'string') return `file cursor has no string "${k}"`;
  for (const k of ['dev', 'ino', 'mtimeNs'] as const) {
    if (typeof c[k] !== 'string' || !/^\d{1,24}$/.test(c[k] as string)) return `file cursor "${k}" is not a decimal string`;
  }
  for (const k of ['offset', 'fingerprintLength', 'size'] as const) {
    const n = c[k];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return `file cursor "${k}" is not a non-negative integer`;
  }
  if (typeof c.compressed !== 'boolean') return 'file cursor "compressed" is not a boolean';
  if (!/^[0-9a-f]{64}$/.test(c.fingerprint as string)) return 'file cursor "fingerprint" is not a sha256 in hex';
  if ((c.fingerprintLength as number) > (c.offset as number)) return 'file cursor fingerprint covers bytes past its offset';
  return undefined;
}

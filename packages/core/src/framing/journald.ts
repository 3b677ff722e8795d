import { newFrame } from './blank.js';
import type { Frame } from './types.js';

/**
 * One `journalctl -o json` record. journalctl writes a field as a string, as an array of byte values when it is
 * not valid UTF-8, as an array of those when the field occurs more than once in the entry, and as null when it
 * is too large to print.
 */
export function frameJournalJson(line: string): Frame | undefined {
  if (!shallowJson(line)) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return undefined;
  const r = rec as Record<string, unknown>;
  // A record without MESSAGE or a timestamp is some other JSON, not a journal entry.
  if (!('MESSAGE' in r) && !('__REALTIME_TIMESTAMP' in r)) return undefined;

  const f = newFrame('journal-json', text(r.MESSAGE) ?? '', -1);
  // journalctl itself prefers the sender's clock when the sender supplied one.
  const t = micros(r._SOURCE_REALTIME_TIMESTAMP) ?? micros(r.__REALTIME_TIMESTAMP);
  if (t !== undefined) f.time = Math.floor(t / 1000);
  f.host = text(r._HOSTNAME);
  const severity = smallInt(r.PRIORITY, 7);
  const isKernel = text(r._TRANSPORT) === 'kernel';
  if (severity !== undefined) {
    // systemd gives facility-less entries LOG_USER when it forwards them to syslog; kernel entries are kern (0).
    const facility = smallInt(r.SYSLOG_FACILITY, 23) ?? (isKernel ? 0 : 1);
    f.priority = facility * 8 + severity;
  }
  f.program = text(r.SYSLOG_IDENTIFIER) ?? text(r._COMM);
  // For kernel entries this is the printk stamp, i.e. what dmesg shows in brackets.
  if (isKernel) {
    const up = micros(r._SOURCE_MONOTONIC_TIMESTAMP);
    if (up !== undefined) f.uptime = up / 1e6;
  }
  return f;
}

/**
 * A journal record nests at most three deep (object, repeated field, byte array). V8's JSON.parse needs about a
 * second to reject two megabytes of `[`, so deeper input is turned away by one cheap scan before parsing.
 */
function shallowJson(s: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > 3) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const first: unknown = v[0];
  if (typeof first === 'number') return fromBytes(v);
  // A field repeated within one entry: take the first value. One level only: a hostile line may nest deeply.
  if (typeof first === 'string') return first;
  return Array.isArray(first) && typeof first[0] === 'number' ? fromBytes(first) : undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function fromBytes(v: unknown[]): string | undefined {
  const bytes = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return undefined;
    bytes[i] = b;
  }
  return decoder.decode(bytes);
}

/** Decimal microseconds, as journald writes its timestamps. */
function micros(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) return undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(v);
}

function smallInt(v: unknown, max: number): number | undefined {
  const s = text(v);
  if (s === undefined || s.length === 0 || s.length > 2) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

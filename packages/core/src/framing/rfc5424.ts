import { newFrame, setMessage } from './blank.js';
import { isDigit, SPACE } from './chars.js';
import { uptimeAt, type StampScratch } from './dmesg.js';
import { isoStampAt, type IsoScratch } from './rfc3339.js';
import type { Frame } from './types.js';

const iso: IsoScratch = { end: 0, time: 0, ms: 0 };
const stamp: StampScratch = { end: 0, uptime: 0, time: 0 };

// RFC 5424 section 6 field limits; a longer token means this is not a 5424 header.
const HOST_MAX = 255;
const APP_MAX = 48;
const PROCID_MAX = 128;
const MSGID_MAX = 32;

/** True when `VERSION SP` (a non-zero number of one or two digits) sits at `pos`, i.e. the line is RFC 5424. */
export function isRfc5424At(s: string, pos: number): boolean {
  const c = s.charCodeAt(pos);
  if (c < 0x31 || c > 0x39) return false;
  const n = s.charCodeAt(pos + 1);
  return n === SPACE || (isDigit(n) && s.charCodeAt(pos + 2) === SPACE);
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, `pos` just after `<PRI>`. Nil
 * values (`-`) leave the field undefined. A BOM opening MSG is skipped.
 */
export function frameRfc5424(s: string, pos: number, priority: number, offsetMs: number): Frame | undefined {
  let p = s.indexOf(' ', pos) + 1;
  const f = newFrame('rfc5424', '', 0);
  f.priority = priority;

  if (s.charCodeAt(p) === 0x2d && s.charCodeAt(p + 1) === SPACE) p += 2;
  else if (isoStampAt(s, p, offsetMs, iso) && s.charCodeAt(iso.end) === SPACE) {
    f.time = iso.time;
    p = iso.end + 1;
  } else return undefined;

  let end = fieldEnd(s, p, HOST_MAX);
  if (end < 0) return undefined;
  f.host = nilOr(s, p, end);
  p = end + 1;
  end = fieldEnd(s, p, APP_MAX);
  if (end < 0) return undefined;
  f.program = nilOr(s, p, end);
  p = end + 1;
  end = fieldEnd(s, p, PROCID_MAX);
  if (end < 0) return undefined;
  p = end + 1;
  end = fieldEnd(s, p, MSGID_MAX);
  if (end < 0) return undefined;
  p = end + 1;

  p = structuredDataEnd(s, p);
  if (p < 0) return undefined;
  if (p < s.length) {
    if (s.charCodeAt(p) !== SPACE) return undefined;
    p++;
    if (s.charCodeAt(p) === 0xfeff) p++;
  }
  if (p < s.length && (f.program === undefined || f.program === 'kernel') && uptimeAt(s, p, stamp)) {
    f.uptime = stamp.uptime;
    p = stamp.end;
  }
  return setMessage(f, s, p);
}

/** Index of the space ending a header field of at most `max` printable characters at `p`, or -1. */
function fieldEnd(s: string, p: number, max: number): number {
  let i = p;
  const limit = Math.min(s.length, p + max);
  while (i < limit) {
    const c = s.charCodeAt(i);
    if (c <= SPACE || c > 0x7e) break;
    i++;
  }
  return i > p && s.charCodeAt(i) === SPACE ? i : -1;
}

function nilOr(s: string, start: number, end: number): string | undefined {
  return end - start === 1 && s.charCodeAt(start) === 0x2d ? undefined : s.slice(start, end);
}

/**
 * End of STRUCTURED-DATA at `p`: `-`, or `[id k="v" ...]` elements back to back. Inside a quoted value `\"`,
 * `\]` and `\\` are escapes, so a `]` there does not close the element. Returns -1 when malformed.
 */
function structuredDataEnd(s: string, p: number): number {
  const len = s.length;
  if (s.charCodeAt(p) === 0x2d) return p + 1;
  if (s.charCodeAt(p) !== 0x5b) return -1;
  let i = p;
  while (i < len && s.charCodeAt(i) === 0x5b) {
    i++;
    let quoted = false;
    for (;;) {
      if (i >= len) return -1;
      const c = s.charCodeAt(i++);
      if (quoted) {
        if (c === 0x5c) i++;
        else if (c === 0x22) quoted = false;
      } else if (c === 0x22) quoted = true;
      else if (c === 0x5d) break;
    }
  }
  return i;
}

import { newFrame, setMessage } from './blank.js';
import { clockAt, digits, fractionAt, SPACE, twoDigits } from './chars.js';
import { readSyslogTail } from './tail.js';
import type { Frame } from './types.js';
import { daysInMonth, epochOf } from './year.js';

export interface IsoScratch {
  end: number;
  time: number;
  ms: number;
}

/**
 * Reads an RFC 3339 stamp at `pos`: `2021-03-12T14:10:18[.frac](Z|+01:00|+0100|+01)`, also with a space for
 * `T` and `,` for `.` (dmesg --time-format iso), and without a zone (then `offsetMs` applies). Stores the epoch
 * milliseconds in `out.time` and the index after the stamp in `out.end`.
 */
export function isoStampAt(s: string, pos: number, offsetMs: number, out: IsoScratch): boolean {
  const y = digits(s, pos, 4);
  if (y < 0 || s.charCodeAt(pos + 4) !== 0x2d || s.charCodeAt(pos + 7) !== 0x2d) return false;
  const mo = twoDigits(s, pos + 5);
  const d = twoDigits(s, pos + 8);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return false;
  const t = s.charCodeAt(pos + 10);
  if (t !== 0x54 && t !== 0x74 && t !== SPACE) return false;
  let msOfDay = clockAt(s, pos + 11);
  if (msOfDay < 0) return false;
  let p = pos + 19;
  let c = s.charCodeAt(p);
  if (c === 0x2e || c === 0x2c) {
    p = fractionAt(s, p + 1, out);
    if (p < 0) return false;
    msOfDay += out.ms;
    c = s.charCodeAt(p);
  }
  let zone = offsetMs;
  if (c === 0x5a || c === 0x7a) {
    zone = 0;
    p++;
  } else if (c === 0x2b || c === 0x2d) {
    const hh = twoDigits(s, p + 1);
    if (hh < 0 || hh > 23) return false;
    let mm = 0;
    if (s.charCodeAt(p + 3) === 0x3a) {
      mm = twoDigits(s, p + 4);
      p += 6;
    } else if (twoDigits(s, p + 3) >= 0) {
      mm = twoDigits(s, p + 3);
      p += 5;
    } else {
      p += 3;
    }
    if (mm < 0 || mm > 59) return false;
    zone = (c === 0x2d ? -1 : 1) * (hh * 60 + mm) * 60_000;
  }
  out.time = epochOf(y, mo, d, msOfDay, zone);
  out.end = p;
  return true;
}

const scratch: IsoScratch = { end: 0, time: 0, ms: 0 };

/**
 * An RFC 3339-stamped syslog line from `pos`, after any `<PRI>`: rsyslog's high-precision template and
 * `journalctl -o short-iso` / `short-iso-precise` (`2021-03-12T14:10:18+0000 host kernel: ...`).
 */
export function frameRfc3339(s: string, pos: number, priority: number | undefined, offsetMs: number): Frame | undefined {
  if (!isoStampAt(s, pos, offsetMs, scratch)) return undefined;
  const f = newFrame('rfc3339', '', 0);
  f.priority = priority;
  f.time = scratch.time;
  const p = scratch.end;
  if (p >= s.length) return setMessage(f, s, s.length);
  if (s.charCodeAt(p) !== SPACE) return undefined;
  return readSyslogTail(s, p + 1, f);
}

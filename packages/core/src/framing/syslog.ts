import { newFrame, setMessage } from './blank.js';
import { clockAt, fractionAt, isDigit, monthAt, SPACE } from './chars.js';
import { readSyslogTail } from './tail.js';
import type { Frame } from './types.js';
import { inferYear } from './year.js';

// Feb allows 29 here; whether the inferred year has one is settled by inferYear.
const MAX_DAY = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const frac = { ms: 0 };

/**
 * A BSD (RFC 3164) line from `pos`, after any `<PRI>`: `Mar 21 16:02:05 host prog[pid]: msg`. Also covers
 * `journalctl -o short` and `-o short-precise` (`Mar 21 16:02:05.123456`), which print the same shape.
 * `now` is NaN when the caller gave none: the stamp has no year, so `time` then stays undefined.
 */
export function frameBsd(
  s: string,
  pos: number,
  priority: number | undefined,
  now: number,
  offsetMs: number,
): Frame | undefined {
  const month = monthAt(s, pos);
  let p = pos + 3;
  if (month === 0 || s.charCodeAt(p) !== SPACE) return undefined;
  p++;
  if (s.charCodeAt(p) === SPACE) p++; // `Jan  8`, space-padded day
  let day = s.charCodeAt(p) - 0x30;
  if (!(day >= 0 && day <= 9)) return undefined;
  p++;
  if (isDigit(s.charCodeAt(p))) day = day * 10 + (s.charCodeAt(p++) - 0x30);
  if (day < 1 || day > MAX_DAY[month] || s.charCodeAt(p) !== SPACE) return undefined;
  p++;
  let msOfDay = clockAt(s, p);
  if (msOfDay < 0) return undefined;
  p += 8;
  if (s.charCodeAt(p) === 0x2e) {
    const end = fractionAt(s, p + 1, frac);
    if (end < 0) return undefined;
    msOfDay += frac.ms;
    p = end;
  }
  const f = newFrame('bsd', '', 0);
  f.priority = priority;
  if (!Number.isNaN(now)) {
    const t = inferYear(month, day, msOfDay, now, offsetMs);
    if (!Number.isNaN(t)) {
      f.time = t;
      f.yearInferred = true;
    }
  }
  if (p >= s.length) return setMessage(f, s, s.length);
  if (s.charCodeAt(p) !== SPACE) return undefined;
  return readSyslogTail(s, p + 1, f);
}

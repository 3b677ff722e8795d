import { newFrame, setMessage } from './blank.js';
import { clockAt, digits, isDigit, isHostChar, monthAt, SPACE } from './chars.js';
import type { Frame } from './types.js';
import { epochOf, daysInMonth } from './year.js';

export interface StampScratch {
  end: number;
  uptime: number;
  time: number;
}

/**
 * Reads the kernel's own stamp `[  297.790888]` at `pos` (seconds since boot, as printk and dmesg print it). On
 * success stores the seconds in `out.uptime` and the index after `]` and its one following space in `out.end`.
 */
export function uptimeAt(s: string, pos: number, out: StampScratch): boolean {
  if (s.charCodeAt(pos) !== 0x5b) return false;
  let i = pos + 1;
  // printk pads the seconds to five columns; allow a little more for odd formatters, never an unbounded run.
  while (i - pos <= 12 && s.charCodeAt(i) === SPACE) i++;
  const intStart = i;
  let sec = 0;
  while (i - intStart < 12 && isDigit(s.charCodeAt(i))) sec = sec * 10 + (s.charCodeAt(i++) - 0x30);
  if (i === intStart || s.charCodeAt(i) !== 0x2e) return false;
  const fracStart = ++i;
  let frac = 0;
  let scale = 1;
  while (i - fracStart < 9 && isDigit(s.charCodeAt(i))) {
    frac = frac * 10 + (s.charCodeAt(i++) - 0x30);
    scale *= 10;
  }
  if (i === fracStart || s.charCodeAt(i) !== 0x5d) return false;
  i++;
  if (s.charCodeAt(i) === SPACE) i++;
  out.uptime = sec + frac / scale;
  out.end = i;
  return true;
}

/**
 * Reads the `dmesg -T` stamp `[Sun Mar 21 16:02:05 2021]` at `pos`: local wall-clock time with a year. Stores
 * the epoch milliseconds in `out.time` and the index after `]` and one space in `out.end`.
 */
export function humanStampAt(s: string, pos: number, offsetMs: number, out: StampScratch): boolean {
  if (s.charCodeAt(pos) !== 0x5b || s.charCodeAt(pos + 4) !== SPACE) return false;
  const month = monthAt(s, pos + 5);
  if (month === 0 || s.charCodeAt(pos + 8) !== SPACE) return false;
  let i = pos + 9;
  if (s.charCodeAt(i) === SPACE) i++;
  let day = s.charCodeAt(i) - 0x30;
  if (!(day >= 0 && day <= 9)) return false;
  i++;
  if (isDigit(s.charCodeAt(i))) day = day * 10 + (s.charCodeAt(i++) - 0x30);
  if (s.charCodeAt(i) !== SPACE) return false;
  const clock = clockAt(s, i + 1);
  if (clock < 0 || s.charCodeAt(i + 9) !== SPACE) return false;
  const year = digits(s, i + 10, 4);
  if (year < 0 || s.charCodeAt(i + 14) !== 0x5d || day < 1 || day > daysInMonth(year, month)) return false;
  i += 15;
  if (s.charCodeAt(i) === SPACE) i++;
  out.time = epochOf(year, month, day, clock, offsetMs);
  out.end = i;
  return true;
}

const scratch: StampScratch = { end: 0, uptime: 0, time: 0 };

/**
 * A line as `dmesg` prints it, optionally `<PRI>`-led (`dmesg -r`). `journalctl -o short-monotonic` puts the
 * host and `kernel:` after the stamp; that is recognised only in exactly that shape, because a bare dmesg
 * message often starts with words that would look like a host and a tag (`iptables DROP_INPUT: IN=...`).
 */
export function frameDmesg(s: string, pos: number, priority: number | undefined, offsetMs: number): Frame | undefined {
  const f = newFrame('dmesg', '', 0);
  f.priority = priority;
  if (uptimeAt(s, pos, scratch)) f.uptime = scratch.uptime;
  else if (humanStampAt(s, pos, offsetMs, scratch)) f.time = scratch.time;
  else return undefined;
  let m = scratch.end;
  const sp = s.indexOf(' ', m);
  if (sp > m && sp - m <= 255 && s.startsWith('kernel: ', sp + 1) && isPlainHost(s, m, sp)) {
    f.host = s.slice(m, sp);
    f.program = 'kernel';
    m = sp + 9;
  }
  return setMessage(f, s, m);
}

function isPlainHost(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isHostChar(s.charCodeAt(i))) return false;
  return true;
}

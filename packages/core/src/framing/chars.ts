// Character-code helpers shared by the framing parsers. Framing runs once per log line, so everything here
// reads char codes in place instead of slicing or running regexes.

export const SPACE = 0x20;

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Two ASCII digits at `pos` as a number, or -1. */
export function twoDigits(s: string, pos: number): number {
  const a = s.charCodeAt(pos) - 0x30;
  const b = s.charCodeAt(pos + 1) - 0x30;
  // charCodeAt past the end gives NaN, which fails both comparisons.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/** `n` ASCII digits at `pos` as a number, or -1. */
export function digits(s: string, pos: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(pos + i) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    v = v * 10 + d;
  }
  return v;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_KEYS = MONTHS.map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2));

/** Month 1..12 from a three-letter English abbreviation at `pos` (any case), or 0. */
export function monthAt(s: string, pos: number): number {
  if (pos + 3 > s.length) return 0;
  const key = ((s.charCodeAt(pos) | 0x20) << 16) | ((s.charCodeAt(pos + 1) | 0x20) << 8) | (s.charCodeAt(pos + 2) | 0x20);
  const i = MONTH_KEYS.indexOf(key);
  return i + 1;
}

/**
 * Reads `HH:MM:SS` at `pos`. Returns milliseconds into the day, or -1. Seconds may be 60 (a leap second);
 * it is kept so that the stamp still frames, and lands on the next minute's first second.
 */
export function clockAt(s: string, pos: number): number {
  const h = twoDigits(s, pos);
  if (h < 0 || h > 23 || s.charCodeAt(pos + 2) !== 0x3a) return -1;
  const m = twoDigits(s, pos + 3);
  if (m < 0 || m > 59 || s.charCodeAt(pos + 5) !== 0x3a) return -1;
  const sec = twoDigits(s, pos + 6);
  if (sec < 0 || sec > 60) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000;
}

/**
 * Reads the digits of a fractional second starting at `pos` (just after the `.` or `,`). Writes the whole
 * milliseconds into `out.ms` and returns the index after the last digit; -1 when there is no digit. At most
 * nine digits are accepted: more is not a timestamp anyone writes.
 */
export function fractionAt(s: string, pos: number, out: { ms: number }): number {
  let i = pos;
  let ms = 0;
  while (i - pos < 9 && isDigit(s.charCodeAt(i))) {
    if (i - pos < 3) ms = ms * 10 + (s.charCodeAt(i) - 0x30);
    i++;
  }
  const n = i - pos;
  if (n === 0 || isDigit(s.charCodeAt(i))) return -1;
  if (n === 1) ms *= 100;
  else if (n === 2) ms *= 10;
  out.ms = ms;
  return i;
}

/**
 * Characters seen in syslog HOSTNAME fields: names, IPv4 and IPv6 addresses. Deliberately excludes `=`, `[`,
 * `(` and the like, which mark the start of a message rather than a host.
 */
export function isHostChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x3a) || // 0-9 and `:`
    c === 0x2d || // -
    c === 0x2e || // .
    c === 0x5f // _
  );
}

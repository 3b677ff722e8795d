// Calendar arithmetic without Date: Date.UTC maps years 0..99 to 19xx, and these functions run per line.

const DAY_MS = 86_400_000;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, month: number): number {
  return month === 2 && isLeapYear(y) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(y: number, month: number, day: number): number {
  // Count from a March-based year so that the leap day is the last day of the counted year.
  const yy = month <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The Gregorian year an epoch-millisecond instant falls in (UTC). */
export function yearOfEpoch(ms: number): number {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

/** Epoch milliseconds (UTC) of a wall-clock stamp that is `offsetMs` east of UTC. */
export function epochOf(y: number, month: number, day: number, msOfDay: number, offsetMs: number): number {
  return daysFromCivil(y, month, day) * DAY_MS + msOfDay - offsetMs;
}

let cachedNow = NaN;
let cachedOffset = 0;
let cachedYear = 0;

/**
 * Epoch milliseconds of a year-less stamp, or NaN when no year fits. Picks the latest year that does not put the
 * event more than a day after `now`: December lines read in January land in the previous year, and a host whose
 * clock runs a little ahead across New Year still lands in the next one. Feb 29 only exists in leap years, so it
 * takes the nearest earlier leap year that fits (at most eight years back: 1896 to 1904 is the longest gap).
 */
export function inferYear(month: number, day: number, msOfDay: number, now: number, offsetMs: number): number {
  const limit = now + DAY_MS;
  // A run of lines shares one `now`: remember its year instead of recomputing it per line.
  if (now !== cachedNow || offsetMs !== cachedOffset) {
    cachedNow = now;
    cachedOffset = offsetMs;
    cachedYear = yearOfEpoch(now + offsetMs);
  }
  const nowYear = cachedYear;
  for (let y = nowYear + 1; y >= nowYear - 8; y--) {
    if (day > daysInMonth(y, month)) continue;
    const t = epochOf(y, month, day, msOfDay, offsetMs);
    if (t <= limit) return t;
  }
  return NaN;
}

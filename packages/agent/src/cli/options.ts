import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { chooseLang, isLang, type Lang } from '@portcullis/core';
import { UsageError } from './errors.js';
import type { Io } from './main.js';

/** Parses a command's options; an unknown option or a missing value is a usage error, not a stack trace. */
type WithVerbose<T> = T & { verbose: { type: 'boolean' } };

export function parseOptions<T extends OptionsConfig>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: WithVerbose<T>; allowPositionals: true; strict: true }>> {
  try {
    const all: WithVerbose<T> = { ...options, verbose: { type: 'boolean' } };
    return parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify a positional.*$/s, '') : String(err));
  }
}

export function langOption(value: string | undefined, io: Io): Lang {
  if (value !== undefined) {
    if (!isLang(value)) throw new UsageError(`--lang: '${value}' is not one of en, ja`);
    return value;
  }
  return chooseLang(undefined, io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG);
}

export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new UsageError(`--${name}: '${value}' is not a positive whole number`);
  return Number(value);
}

/** The framing options: `now` (for year inference) and the zone of zone-less stamps. */
export function timeOptions(values: { year?: string; 'utc-offset'?: string }, io: Io): { now: number; utcOffsetMinutes: number } {
  const clock = io.now ?? Date.now();
  let utcOffsetMinutes = -new Date(clock).getTimezoneOffset();
  const off = values['utc-offset'];
  if (off !== undefined) {
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(off);
    if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new UsageError(`--utc-offset: '${off}' is not ±HH:MM`);
    utcOffsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  }
  let now = clock;
  const year = values.year;
  if (year !== undefined) {
    if (!/^(19|20)\d{2}$/.test(year)) throw new UsageError(`--year: '${year}' is not a year`);
    // the last instant of that year: every year-less stamp then lands in it
    now = Date.UTC(Number(year), 11, 31, 23, 59, 59) - 86_400_000;
  }
  return { now, utcOffsetMinutes };
}

/** How long a ban lasts, and how it grows for repeat offenders. Durations in milliseconds. */
export interface BanPolicy {
  /** First offence. Default 1 h. */
  readonly timeMs: number;
  /** Each further offence multiplies the time by this. Default 2 (doubling). */
  readonly factor: number;
  /** Never longer than this. Default 7 days. */
  readonly maxMs: number;
}

export const DEFAULT_BAN_POLICY: BanPolicy = Object.freeze({ timeMs: 3_600_000, factor: 2, maxMs: 7 * 86_400_000 });

/** The ban time for a source's n-th offence (1-based): time × factor^(n-1), capped at max. */
export function banDuration(offence: number, policy: BanPolicy = DEFAULT_BAN_POLICY): number {
  const n = Math.max(1, Math.floor(offence));
  // computed in log space so a source with thousands of offences cannot overflow to Infinity before the cap
  const exp = Math.log(policy.timeMs) + (n - 1) * Math.log(Math.max(1, policy.factor));
  return exp >= Math.log(policy.maxMs) ? policy.maxMs : Math.min(policy.maxMs, Math.round(Math.exp(exp)));
}

/**
 * Reading AbuseIPDB answers out of the agent's cache file (`<state>/abuseipdb.json`, written by `portcullis run`
 * and `portcullis check`) without asking AbuseIPDB: for the editor's hover, which must never spend the user's
 * quota nor wait on the network. Pure: the caller reads the file (and knows its clock); this takes its parsed JSON.
 */
import { parseAddress } from '../net/address-class.js';

export interface CachedScore {
  readonly address: string;
  readonly score: number;
  readonly countryCode?: string;
  readonly usageType?: string;
  readonly isp?: string;
  readonly totalReports?: number;
  readonly numDistinctUsers?: number;
  readonly lastReportedAt?: string;
  /** Epoch ms of the lookup. */
  readonly at: number;
}

/** The cached answer for an address, if the file has one younger than `ttlMs`. Anything malformed: undefined. */
export function cachedScore(doc: unknown, address: string, now: number, ttlMs = 86_400_000): CachedScore | undefined {
  const canonical = parseAddress(address)?.address;
  if (!canonical) return undefined;
  const lookups = (doc as { lookups?: unknown } | null)?.lookups;
  if (!lookups || typeof lookups !== 'object') return undefined;
  const entry = (lookups as Record<string, unknown>)[canonical] as { at?: unknown; data?: Record<string, unknown> } | undefined;
  const data = entry?.data;
  if (typeof entry?.at !== 'number' || !data || typeof data.abuseConfidenceScore !== 'number' || now - entry.at >= ttlMs) return undefined;
  const text = (k: string): string | undefined => (typeof data[k] === 'string' ? (data[k] as string) : undefined);
  const num = (k: string): number | undefined => (typeof data[k] === 'number' ? (data[k] as number) : undefined);
  return {
    address: canonical,
    score: data.abuseConfidenceScore,
    at: entry.at,
    ...(text('countryCode') && { countryCode: text('countryCode') }),
    ...(text('usageType') && { usageType: text('usageType') }),
    ...(text('isp') && { isp: text('isp') }),
    ...(num('totalReports') !== undefined && { totalReports: num('totalReports') }),
    ...(num('numDistinctUsers') !== undefined && { numDistinctUsers: num('numDistinctUsers') }),
    ...(text('lastReportedAt') && { lastReportedAt: text('lastReportedAt') }),
  };
}

/** One line for a hover: `AbuseIPDB: 100% (1234 reports from 210 users; NL; Data Center/Web Hosting/Transit)`. */
export function describeCachedScore(s: CachedScore): string {
  const extra = [
    s.totalReports !== undefined ? `${s.totalReports} reports from ${s.numDistinctUsers ?? 0} users` : '',
    s.countryCode ?? '',
    s.usageType ?? '',
  ].filter(Boolean);
  return `AbuseIPDB: ${s.score}%${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

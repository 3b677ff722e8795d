/**
 * What AbuseIPDB work leaves in the state directory (`abuseipdb.json`, written under the state lock by the run and
 * by `portcullis check`): lookups with the time they were made (reused for `cache`), the last report time per
 * address (AbuseIPDB accepts one report of an address per 15 minutes), and each endpoint's rate state (a spent
 * daily quota must survive the end of the run, or every cron run would ask once more and be refused).
 *
 * A file of its own rather than fields in state.json: it is a cache, bounded and safe to lose (see json-file.ts),
 * and state.json's format stays the bans' alone.
 */
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../state/json-file.js';
import type { CheckResult, Endpoint, RateState } from './client.js';

export const CACHE_FILE = 'abuseipdb.json';
/** AbuseIPDB's rule: one report of an address per 15 minutes. */
export const REPORT_INTERVAL_MS = 15 * 60_000;
/** Lookups kept at most (the oldest go first): bounds the file on a busy host. */
const MAX_LOOKUPS = 20_000;

export interface Lookup {
  /** Epoch ms of the answer. */
  readonly at: number;
  readonly data: CheckResult;
}

export interface IntelCache {
  lookups: Map<string, Lookup>;
  /** Address → epoch ms of our last accepted (or refused as duplicate) report. */
  reports: Map<string, number>;
  rate: Partial<Record<Endpoint, RateState>>;
}

export function cacheFile(stateDir: string): string {
  return join(stateDir, CACHE_FILE);
}

export async function loadCache(stateDir: string, warn?: (line: string) => void): Promise<IntelCache> {
  const { value, problem } = await readJsonFile(cacheFile(stateDir));
  if (problem) warn?.(problem);
  const doc = (value ?? {}) as { lookups?: unknown; reports?: unknown; rate?: unknown };
  const cache: IntelCache = { lookups: new Map(), reports: new Map(), rate: {} };
  if (doc.lookups && typeof doc.lookups === 'object') {
    for (const [addr, l] of Object.entries(doc.lookups as Record<string, unknown>)) {
      const at = (l as { at?: unknown } | null)?.at;
      const data = (l as { data?: unknown } | null)?.data as CheckResult | undefined;
      if (typeof at === 'number' && data && typeof data.abuseConfidenceScore === 'number') cache.lookups.set(addr, { at, data });
    }
  }
  if (doc.reports && typeof doc.reports === 'object') {
    for (const [addr, at] of Object.entries(doc.reports as Record<string, unknown>)) if (typeof at === 'number') cache.reports.set(addr, at);
  }
  if (doc.rate && typeof doc.rate === 'object') {
    for (const e of ['check', 'report', 'blacklist'] as const) {
      const r = (doc.rate as Record<string, unknown>)[e];
      if (r && typeof r === 'object') cache.rate[e] = { ...(r as RateState) };
    }
  }
  return cache;
}

/** Drops what can no longer matter (lookups past `ttlMs`, reports past 15 minutes), then writes atomically. */
export async function saveCache(stateDir: string, cache: IntelCache, now: number, ttlMs: number): Promise<void> {
  const lookups = [...cache.lookups].filter(([, l]) => now - l.at < ttlMs).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_LOOKUPS);
  const reports = [...cache.reports].filter(([, at]) => now - at < REPORT_INTERVAL_MS);
  await writeJsonFile(cacheFile(stateDir), { version: 1, lookups: Object.fromEntries(lookups), reports: Object.fromEntries(reports), rate: cache.rate });
}

/** A fresh cached lookup, for `check`, the run and the editor's hover (a pure read of the loaded cache). */
export function cachedLookup(cache: IntelCache, address: string, now: number, ttlMs: number): Lookup | undefined {
  const l = cache.lookups.get(address);
  return l && now - l.at < ttlMs ? l : undefined;
}

/** For the language server's hover: the score of an address from the state directory's cache, without a request. */
export async function readCachedScore(stateDir: string, address: string, now: number, ttlMs = 86_400_000): Promise<CheckResult | undefined> {
  return cachedLookup(await loadCache(stateDir), address, now, ttlMs)?.data;
}

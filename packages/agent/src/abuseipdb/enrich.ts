/**
 * AbuseIPDB's part of a run, called after the run's bans are in the kernel (so a slow or absent AbuseIPDB can never
 * delay a local ban):
 * 1. check: for the sources just blocked, a lookup each (cached answers first, then at most `lookups_per_run`
 *    requests); a score at or above `score_threshold` re-applies that ban `ban_factor` times longer (at most
 *    ban.max);
 * 2. report: each confirmed scanner with a public address, once per 15 minutes, category 14 (Port Scan), with a
 *    comment of a few redacted log lines. A spoofed-source decision is never reported: the address in a forged
 *    packet belongs to someone innocent. Only port-scan findings of kind `block` qualify.
 * Every failure ends that step for this run with a note; nothing here throws.
 */
import { classifyAddress, reportComment, type Decision } from '@portcullis/core';
import type { Backend, Ban } from '../backends/backend.js';
import { kernelSeconds } from '../run/reconcile.js';
import { loadCache, saveCache, cachedLookup, REPORT_INTERVAL_MS } from './cache.js';
import { AbuseIpdbClient, AbuseIpdbError, PORT_SCAN_CATEGORY, type CheckResult } from './client.js';
import type { AbuseIpdbSettings } from './settings.js';

export interface IntelDeps {
  readonly settings: AbuseIpdbSettings;
  /** Resolved by the caller; undefined means no key (then nothing is asked, and a note says why). */
  readonly key?: string;
  readonly keyProblem?: string;
  /** For the redaction of report comments. */
  readonly ownAddresses: readonly string[];
  readonly hostNames: readonly string[];
}

export interface IntelInput {
  readonly stateDir: string;
  readonly backend: Backend;
  readonly now: number;
  /** The bans this run just applied, with the decisions behind them. */
  readonly applied: readonly Ban[];
  readonly decisions: readonly Decision[];
  readonly maxBanMs: number;
  /** A few log lines of a source, in file order. */
  readonly linesOf: (address: string) => readonly string[];
  readonly warn?: (line: string) => void;
}

export interface IntelResult {
  /** Score per address looked up (cached or asked). */
  readonly scores: Map<string, number>;
  /** Bans re-applied longer: address → new remaining ms. */
  readonly lengthened: Map<string, number>;
  readonly reported: string[];
  readonly notes: string[];
}

export async function abuseIpdbAfterBans(deps: IntelDeps, input: IntelInput): Promise<IntelResult> {
  const result: IntelResult = { scores: new Map(), lengthened: new Map(), reported: [], notes: [] };
  const s = deps.settings;
  if (!s.check && !s.report) return result;
  if (!deps.key) {
    result.notes.push(`abuseipdb: skipped: ${deps.keyProblem ?? 'no key'}`);
    return result;
  }
  const cache = await loadCache(input.stateDir, input.warn);
  const client = new AbuseIpdbClient({ key: deps.key, baseUrl: s.baseUrl, timeoutMs: s.timeoutMs, now: () => input.now, rate: cache.rate });
  const blocks = input.decisions.filter((d) => d.kind === 'block' && input.applied.some((b) => b.kind === 'block' && b.address === d.address));

  if (s.check) await lookUp(client, cache, s, blocks, input, result);
  if (s.report) await reportScanners(client, cache, s, deps, blocks, input, result);

  try {
    await saveCache(input.stateDir, cache, input.now, s.cacheMs);
  } catch (err) {
    result.notes.push(`abuseipdb: the cache could not be saved: ${(err as Error).message}`);
  }
  return result;
}

async function lookUp(client: AbuseIpdbClient, cache: Awaited<ReturnType<typeof loadCache>>, s: AbuseIpdbSettings, blocks: readonly Decision[], input: IntelInput, result: IntelResult): Promise<void> {
  let asked = 0;
  let skipped = 0;
  let stop: string | undefined;
  for (const d of blocks) {
    let data: CheckResult | undefined = cachedLookup(cache, d.address, input.now, s.cacheMs)?.data;
    if (!data && classifyAddress(d.address)?.class === 'public') {
      if (stop || asked >= s.lookupsPerRun) {
        skipped++;
        continue;
      }
      asked++;
      try {
        data = await client.check(d.address, s.maxAgeDays);
        cache.lookups.set(d.address, { at: input.now, data });
      } catch (err) {
        stop = describe(err);
        skipped++;
        continue;
      }
    }
    if (data) result.scores.set(d.address, data.abuseConfidenceScore);
  }
  if (stop) result.notes.push(`abuseipdb: lookups stopped: ${stop}`);
  if (skipped) result.notes.push(`abuseipdb: ${skipped} lookup(s) skipped this run (budget ${s.lookupsPerRun}${stop ? ', or AbuseIPDB unavailable' : ''})`);

  // lengthen the bans of high scores: one more apply, with the longer time
  const longer: Ban[] = [];
  for (const b of input.applied) {
    const score = result.scores.get(b.address);
    const d = blocks.find((x) => x.address === b.address);
    if (b.kind !== 'block' || score === undefined || score < s.scoreThreshold || !d) continue;
    const ms = Math.min(d.remainingMs * s.banFactor, Math.max(input.maxBanMs, d.remainingMs));
    if (ms <= d.remainingMs) continue;
    longer.push({ ...b, seconds: kernelSeconds(ms) });
    result.lengthened.set(b.address, ms);
  }
  if (longer.length) {
    try {
      await input.backend.apply(longer);
    } catch (err) {
      result.lengthened.clear();
      result.notes.push(`abuseipdb: the longer bans could not be applied (the first ones stand): ${(err as Error).message}`);
    }
  }
}

async function reportScanners(
  client: AbuseIpdbClient,
  cache: Awaited<ReturnType<typeof loadCache>>,
  s: AbuseIpdbSettings,
  deps: IntelDeps,
  blocks: readonly Decision[],
  input: IntelInput,
  result: IntelResult,
): Promise<void> {
  let stop: string | undefined;
  let recent = 0;
  for (const d of blocks) {
    // a forged packet's source is an innocent party: only port scans, and only from public space
    if (d.finding.rule !== 'port-scan' || classifyAddress(d.address)?.class !== 'public') continue;
    const last = cache.reports.get(d.address);
    if (last !== undefined && input.now - last < REPORT_INTERVAL_MS) {
      recent++;
      continue;
    }
    if (stop) continue;
    const comment = reportComment(
      `Port scan seen by portcullis: ${d.why.en}`,
      input.linesOf(d.address).slice(0, s.reportLines),
      { addresses: deps.ownAddresses, names: deps.hostNames, keep: d.address },
    );
    try {
      await client.report(d.address, [PORT_SCAN_CATEGORY], comment);
      cache.reports.set(d.address, input.now);
      result.reported.push(d.address);
    } catch (err) {
      if (err instanceof AbuseIpdbError && err.kind === 'duplicate') {
        cache.reports.set(d.address, input.now);
        recent++;
        continue;
      }
      stop = describe(err);
    }
  }
  if (recent) result.notes.push(`abuseipdb: ${recent} scanner(s) not reported again: reported less than 15 minutes ago`);
  if (stop) result.notes.push(`abuseipdb: reports stopped: ${stop}`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

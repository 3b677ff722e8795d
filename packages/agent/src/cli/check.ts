/**
 * `portcullis check ADDR... [--json]`: AbuseIPDB's view of addresses: confidence score, country, usage type, ISP,
 * domain, reports and distinct reporters, last report. Answers are cached in the state directory (`abuseipdb.json`,
 * under the state lock) for `abuseipdb.cache`, shared with `run` and the editor's hover. The key is never printed.
 */
import { classifyAddress, parseAddress } from '@portcullis/core';
import { loadConfig } from '../config/load.js';
import { cachedLookup, loadCache, saveCache } from '../abuseipdb/cache.js';
import { AbuseIpdbClient, AbuseIpdbError, type CheckResult } from '../abuseipdb/client.js';
import { resolveKey } from '../abuseipdb/key.js';
import { acquireLock } from '../state/lock.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';

/** Exit code when AbuseIPDB could not answer for at least one address (refused, rate limited, down). */
export const EXIT_ABUSEIPDB = 10;

interface Row {
  address: string;
  cached: boolean;
  /** Epoch ms of the answer. */
  at?: number;
  data?: CheckResult;
  error?: string;
  skipped?: string;
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, { config: { type: 'string' }, json: { type: 'boolean' }, fresh: { type: 'boolean' } });
  if (!positionals.length) throw new UsageError('check needs at least one address: portcullis check 203.0.113.7 2001:db8::7');
  const addresses = positionals.map((p) => {
    const a = parseAddress(p);
    if (!a) throw new UsageError(`check: '${p}' is not an IPv4 or IPv6 address`);
    return a.address;
  });
  const cfg = await loadConfig(values.config, { env: io.env });
  const s = cfg.abuseipdb;
  const { key, problem } = await resolveKey(s, io.env);
  if (!key) throw new UsageError(`check: ${problem}`, 5);
  const now = (): number => io.now ?? Date.now();

  const lock = await acquireLock(cfg.state, { waitMs: 10_000 });
  const rows: Row[] = [];
  try {
    const cache = await loadCache(cfg.state, (l) => io.stderr.write(`portcullis: warning: ${l}\n`));
    const client = new AbuseIpdbClient({ key, baseUrl: s.baseUrl, timeoutMs: s.timeoutMs, now, rate: cache.rate });
    for (const address of addresses) {
      const cls = classifyAddress(address);
      if (cls && cls.class !== 'public') {
        rows.push({ address, cached: false, skipped: `${cls.class} address: AbuseIPDB knows only public ones` });
        continue;
      }
      const hit = values.fresh ? undefined : cachedLookup(cache, address, now(), s.cacheMs);
      if (hit) {
        rows.push({ address, cached: true, at: hit.at, data: hit.data });
        continue;
      }
      try {
        const data = await client.check(address, s.maxAgeDays);
        cache.lookups.set(address, { at: now(), data });
        rows.push({ address, cached: false, at: now(), data });
      } catch (err) {
        rows.push({ address, cached: false, error: err instanceof AbuseIpdbError ? err.message : String(err) });
      }
    }
    await saveCache(cfg.state, cache, now(), s.cacheMs);
  } finally {
    await lock.release();
  }

  if (values.json) {
    io.stdout.write(`${JSON.stringify(rows.map((r) => ({ address: r.address, cached: r.cached, ...(r.at !== undefined && { at: new Date(r.at).toISOString() }), ...(r.data && { data: r.data }), ...(r.error && { error: r.error }), ...(r.skipped && { skipped: r.skipped }) })))}\n`);
  } else {
    for (const r of rows) {
      if (r.error) io.stderr.write(`portcullis: ${r.address}: ${r.error}\n`);
      else if (r.skipped) io.stdout.write(`${r.address}: not looked up (${r.skipped})\n`);
      else if (r.data) io.stdout.write(`${describe(r.address, r.data)}${r.cached ? ` (cached ${ago(now() - r.at!)} ago)` : ''}\n`);
    }
  }
  return rows.some((r) => r.error) ? EXIT_ABUSEIPDB : 0;
}

function describe(address: string, d: CheckResult): string {
  const parts = [
    `${address}: score ${d.abuseConfidenceScore}%`,
    d.countryCode ? `country ${d.countryCode}` : '',
    d.usageType ? `usage ${d.usageType}` : '',
    d.isp ? `ISP ${d.isp}` : '',
    d.domain ? `domain ${d.domain}` : '',
    `${d.totalReports ?? 0} report(s) from ${d.numDistinctUsers ?? 0} reporter(s)`,
    d.lastReportedAt ? `last ${d.lastReportedAt}` : 'never reported',
  ];
  return parts.filter(Boolean).join('; ');
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

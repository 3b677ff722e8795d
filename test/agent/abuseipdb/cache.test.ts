/**
 * The cache file AbuseIPDB work leaves in the state directory, read back by the agent and by core's pure reader
 * (what the language server's hover can use): fresh answers found, stale ones and report times past 15 minutes
 * pruned, a damaged file set aside with a warning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFile, loadCache, readCachedScore, saveCache } from '../../../packages/agent/src/abuseipdb/cache.js';
import { cachedScore, describeCachedScore } from '../../../packages/core/src/intel/score-cache.js';

const T = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('agent abuseipdb: the cache file', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pcl-abuse-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips lookups, report times and rate state; prunes what can no longer matter', async () => {
    const cache = await loadCache(dir);
    cache.lookups.set('2001:db8::66', { at: T - 3_600_000, data: { ipAddress: '2001:db8::66', abuseConfidenceScore: 88, countryCode: 'NL', usageType: 'Data Center/Web Hosting/Transit', totalReports: 12, numDistinctUsers: 5 } });
    cache.lookups.set('203.0.113.9', { at: T - 2 * 86_400_000, data: { ipAddress: '203.0.113.9', abuseConfidenceScore: 1 } });
    cache.reports.set('2001:db8::66', T - 60_000);
    cache.reports.set('203.0.113.9', T - 16 * 60_000);
    cache.rate.check = { limit: 1000, remaining: 0, resetAt: T + 3_600_000, blockedUntil: T + 3_600_000 };
    await saveCache(dir, cache, T, 86_400_000);
    const back = await loadCache(dir);
    assert.deepEqual([...back.lookups.keys()], ['2001:db8::66'], 'the two-day-old lookup is gone');
    assert.deepEqual([...back.reports.keys()], ['2001:db8::66'], 'a report older than 15 minutes no longer matters');
    assert.equal(back.rate.check?.blockedUntil, T + 3_600_000);

    // core's pure reader on the same file, as the hover would use it
    const doc = JSON.parse(readFileSync(cacheFile(dir), 'utf8')) as unknown;
    const s = cachedScore(doc, '2001:0db8:0000:0000:0000:0000:0000:0066', T);
    assert.equal(s?.score, 88, 'found by any spelling of the address');
    assert.equal(describeCachedScore(s!), 'AbuseIPDB: 88% (12 reports from 5 users; NL; Data Center/Web Hosting/Transit)');
    assert.equal(cachedScore(doc, '2001:db8::66', T + 86_400_000), undefined, 'stale after the ttl');
    assert.equal(cachedScore({ lookups: 'nonsense' }, '2001:db8::66', T), undefined);
    assert.equal((await readCachedScore(dir, '2001:db8::66', T))?.abuseConfidenceScore, 88);
  });

  it('a damaged file is set aside with a warning, not fatal', async () => {
    writeFileSync(cacheFile(dir), '{"lookups": ');
    const warnings: string[] = [];
    const cache = await loadCache(dir, (l) => warnings.push(l));
    assert.equal(cache.lookups.size, 0);
    assert.match(warnings.join('\n'), /abuseipdb\.json: not valid JSON; starting afresh/);
  });
});

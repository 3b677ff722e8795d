/**
 * The blocklists' run step (refreshLists) without a kernel: the dry-run backend prints the `ipset restore` it would
 * feed, so what would be loaded is read from that text. What must hold:
 * - ranges whose blocking cuts the host off from itself (loopback, link-local, multicast, "this network") are never
 *   loaded, whatever the list says (FireHOL's level-1 netset lists them all);
 * - AbuseIPDB's blacklist as a list source: `GET /api/v2/blacklist` on the local stand-in of fake-abuseipdb.ts, with
 *   the `Key` header, `confidenceMinimum` and `plaintext`; a spent daily quota (429 with Retry-After) is not asked
 *   again before the time it names, and the old list stays meanwhile.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { refreshLists } from '../../../packages/agent/src/lists/refresh.js';
import type { ListSettings } from '../../../packages/agent/src/lists/settings.js';
import { FakeAbuseIpdb } from '../abuseipdb/fake-abuseipdb.js';

const KEY = 'lists-test-key-00112233445566778899aabbccddeeff-SECRET';

describe('lists: the run step (dry-run ipset backend)', () => {
  let dir = '';
  let printed = '';
  let backend: DryRunBackend;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-lists-refresh-'));
    printed = '';
    backend = new DryRunBackend({ target: { type: 'ipset' }, out: { write: (t: string) => (printed += t) } });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The CIDRs the printed `ipset restore` adds to the list's new sets. */
  const loaded = (name: string): string[] =>
    printed
      .split('\n')
      .map((l) => new RegExp(`^add pcl_${name}[46]_new (\\S+)$`).exec(l)?.[1])
      .filter((c): c is string => c !== undefined);

  it('never loads loopback, link-local, multicast or "this network", whatever the list says', async () => {
    const file = join(dir, 'level1.netset');
    writeFileSync(
      file,
      ['# bogons, as FireHOL level 1 lists them', '0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/8', '255.255.255.255', '198.51.100.0/24', '::1', 'fe80::/64', 'ff02::/16', '2001:db8:66::/48', ''].join('\n'),
    );
    const list: ListSettings = { name: 'level1', source: { type: 'file', path: file }, refreshMs: 3_600_000, expireMs: 5_400_000 };
    const r = await refreshLists({ lists: [list], exempt: [] }, { stateDir: join(dir, 'state'), backend, now: Date.UTC(2026, 10, 25, 12) });
    assert.deepEqual(r.outcomes.map((o) => [o.action, o.entries]), [['fetched', 10]]);
    assert.deepEqual(loaded('level1'), ['198.51.100.0/24', '2001:db8:66::/48']);
  });

  it("AbuseIPDB's blacklist: Key header, confidenceMinimum, plaintext; a spent quota's Retry-After is honoured, the old list kept", async () => {
    const fake = await FakeAbuseIpdb.start(KEY);
    try {
      let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
      fake.now = clock;
      fake.addresses.set('203.0.113.9', { abuseConfidenceScore: 100 });
      fake.addresses.set('2001:db8::bad', { abuseConfidenceScore: 95 });
      fake.addresses.set('203.0.113.10', { abuseConfidenceScore: 40 });
      const list: ListSettings = { name: 'aipdb', source: { type: 'abuseipdb', confidenceMinimum: 90, limit: 500 }, refreshMs: 3_600_000, expireMs: 5_400_000 };
      const refresh = () =>
        refreshLists({ lists: [list], exempt: [], fetch: { abuseipdb: { baseUrl: fake.baseUrl, key: KEY } } }, { stateDir: join(dir, 'state'), backend, now: clock });

      const first = await refresh();
      assert.deepEqual(first.outcomes.map((o) => [o.action, o.entries]), [['fetched', 2]]);
      assert.deepEqual(loaded('aipdb').sort(), ['2001:db8::bad', '203.0.113.9']);
      const req = fake.seen('blacklist')[0]!;
      assert.equal(req.method, 'GET');
      assert.equal(req.headers.key, KEY);
      assert.deepEqual([req.query.get('confidenceMinimum'), req.query.get('limit'), req.query.has('plaintext')], ['90', '500', true]);
      assert.ok(!req.rawPath.includes(KEY), 'the key is never in the URL');

      // the daily quota spent: 429 with Retry-After up to midnight UTC (11 h from 13:00)
      fake.limits.blacklist = fake.used.blacklist;
      clock += 3_600_000;
      fake.now = clock;
      const refused = await refresh();
      assert.equal(refused.outcomes[0]!.action, 'failed');
      assert.match(refused.notes.join('\n'), /list aipdb: AbuseIPDB blacklist: HTTP 429 \(retry after 39600 s\); the old list stays until 2026-11-25T13:30:00\.000Z/);
      assert.equal(fake.seen('blacklist').length, 2);
      const rec = (JSON.parse(readFileSync(join(dir, 'state', 'lists.json'), 'utf8')) as { lists: Record<string, { nextAt: number }> }).lists.aipdb!;
      assert.equal(rec.nextAt, Date.UTC(2026, 10, 26), 'the next attempt waits for the reset');

      clock += 11 * 60_000;
      fake.now = clock;
      const quiet = await refresh();
      assert.equal(fake.seen('blacklist').length, 2, 'not asked again before Retry-After, though the usual retry (10 min) has passed');
      // the dry run's kernel holds nothing, so the saved copy is loaded again: the old list, without asking
      assert.equal(quiet.outcomes[0]!.action, 'reloaded');
      assert.deepEqual(loaded('aipdb').slice(-2).sort(), ['2001:db8::bad', '203.0.113.9']);
      for (const t of [JSON.stringify(first), JSON.stringify(refused), JSON.stringify(quiet), readFileSync(join(dir, 'state', 'lists.json'), 'utf8')]) {
        assert.ok(!t.includes(KEY), 'the key appears nowhere');
      }
    } finally {
      await fake.stop();
    }
  });
});

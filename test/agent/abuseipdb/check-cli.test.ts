/**
 * `portcullis check` and `portcullis lists` as users run them: the built bin, a config file, a state directory,
 * and the local AbuseIPDB of fake-abuseipdb.ts. The key (from key_file, or the environment) is never printed,
 * not even when AbuseIPDB refuses it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { FakeAbuseIpdb } from './fake-abuseipdb.js';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { refreshLists } from '../../../packages/agent/src/lists/refresh.js';

const BIN = fileURLToPath(new URL('../../../packages/agent/bin/portcullis.js', import.meta.url));
const KEY = 'cli-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0-SECRET';

describe('agent CLI: check and lists (built bin)', function () {
  // each start of the bin takes 2-3 s on a busy 2-core machine, and a test makes up to five
  this.timeout(90_000);
  let dir = '';
  let fake: FakeAbuseIpdb;
  let config = '';
  const run = (args: string[], env: Record<string, string> = {}) => execa('node', [BIN, ...args, '--config', config], { reject: false, env: { LANG: 'C', ...env } });
  const writeConfig = (extra = '', keyLine = `key_file: ${join(dir, 'key')}`) => {
    writeFileSync(config, `state: ${join(dir, 'state')}\nsources: [${join(dir, 'kern.log')}]\nwan: []\nabuseipdb:\n  ${keyLine}\n  base_url: "${fake.baseUrl}"\n  timeout: 2s\n${extra}`);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-check-cli-'));
    config = join(dir, 'config.yaml');
    writeFileSync(join(dir, 'key'), `${KEY}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'kern.log'), '');
    fake = await FakeAbuseIpdb.start(KEY);
    fake.addresses.set('89.248.165.52', { abuseConfidenceScore: 100, countryCode: 'NL', usageType: 'Data Center/Web Hosting/Transit', isp: 'Example Hosting B.V.', domain: 'example.net', totalReports: 1234, numDistinctUsers: 210, lastReportedAt: '2026-11-25T11:58:00+00:00' });
    writeConfig();
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints score, country, usage type, ISP, domain, reports, reporters and last report; the second time from the cache', async () => {
    const r = await run(['check', '89.248.165.52', '2a01:4f8::1']);
    assert.equal(r.exitCode, 0, r.stderr);
    const [one, two] = r.stdout.split('\n');
    assert.equal(one, '89.248.165.52: score 100%; country NL; usage Data Center/Web Hosting/Transit; ISP Example Hosting B.V.; domain example.net; 1234 report(s) from 210 reporter(s); last 2026-11-25T11:58:00+00:00');
    assert.equal(two, '2a01:4f8::1: score 0%; 0 report(s) from 0 reporter(s); never reported');
    const again = await run(['check', '--json', '89.248.165.52', '10.0.0.1']);
    assert.equal(again.exitCode, 0, again.stderr);
    const doc = JSON.parse(again.stdout) as Array<{ address: string; cached: boolean; data?: { abuseConfidenceScore: number }; skipped?: string }>;
    assert.deepEqual([doc[0]!.cached, doc[0]!.data?.abuseConfidenceScore], [true, 100]);
    assert.match(doc[1]!.skipped ?? '', /^private address/);
    assert.equal(fake.seen('check').length, 2, 'cached and private addresses are not asked');
    for (const out of [r.stdout, r.stderr, again.stdout, again.stderr]) assert.ok(!out.includes(KEY));
  });

  it('a refused key, no key, a bad address: one line each, the documented exit code, never the key', async () => {
    writeFileSync(join(dir, 'key'), 'wrong-key-but-still-secret\n');
    const refused = await run(['check', '89.248.165.52']);
    assert.equal(refused.exitCode, 10);
    assert.equal(refused.stderr.trim(), 'portcullis: 89.248.165.52: AbuseIPDB check: Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.');
    assert.ok(!refused.stderr.includes('wrong-key') && !refused.stdout.includes('wrong-key'));

    writeConfig('', 'key_env: PCL_TEST_KEY');
    const none = await run(['check', '89.248.165.52']);
    assert.equal(none.exitCode, 5);
    assert.match(none.stderr, /no AbuseIPDB key: set abuseipdb.key_file in the config or the environment variable PCL_TEST_KEY/);
    const fromEnv = await run(['check', '89.248.165.52'], { PCL_TEST_KEY: KEY });
    assert.equal(fromEnv.exitCode, 0, fromEnv.stderr);
    assert.ok(!fromEnv.stdout.includes(KEY) && !fromEnv.stderr.includes(KEY));

    const bad = await run(['check', '300.1.2.3']);
    assert.equal(bad.exitCode, 2);
    assert.equal(bad.stderr.trim(), "portcullis: check: '300.1.2.3' is not an IPv4 or IPv6 address");
  });

  it('lists shows entries, refreshes, expiry and the last error of each list', async () => {
    const listFile = join(dir, 'bl.txt');
    writeFileSync(listFile, '# mine\n198.51.100.0/24\n203.0.113.7\nnot-an-address\n' + Array.from({ length: 30 }, (_, i) => `192.0.2.${i + 1}`).join('\n') + '\n');
    writeConfig(`lists:\n  - {name: mine, file: ${listFile}, refresh: 10m}\n  - {name: gone, file: ${join(dir, 'missing.txt')}}\n`);
    const now = Date.UTC(2026, 10, 25, 12, 0, 0);
    const lists = [
      { name: 'mine', source: { type: 'file' as const, path: listFile }, refreshMs: 600_000, expireMs: 900_000 },
      { name: 'gone', source: { type: 'file' as const, path: join(dir, 'missing.txt') }, refreshMs: 86_400_000, expireMs: 129_600_000 },
    ];
    const backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true } });
    await refreshLists({ lists, exempt: [] }, { stateDir: join(dir, 'state'), backend, now });
    const r = await run(['lists', '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { lists: Array<Record<string, unknown>> };
    const [mine, gone] = doc.lists;
    assert.deepEqual(
      [mine!.name, mine!.entries, mine!.skipped, mine!.last_refresh, mine!.next_refresh, mine!.expires, mine!.error],
      ['mine', 32, 1, '2026-11-25T12:00:00.000Z', '2026-11-25T12:10:00.000Z', '2026-11-25T12:15:00.000Z', null],
    );
    assert.match(String(mine!.skipped_example), /line 4: not-an-address \(not an address or CIDR\)/);
    assert.deepEqual([gone!.entries, gone!.last_refresh], [null, null]);
    assert.match(String(gone!.error), /missing\.txt: no such file/);
    const text = await run(['lists']);
    assert.match(text.stdout, /^mine: \/.*bl\.txt\n  entries:      32 \(1 line\(s\) skipped; line 4/m);
    assert.match(text.stdout, /^gone: .*\n(.*\n)*  error:        .*no such file/m);
  });
});

/**
 * AbuseIPDB inside `run` (runOnce with the real dry-run backend, a real state directory, and the local server of
 * fake-abuseipdb.ts): lookups before a ban is lengthened, reports of public scanners only (a spoofed source is
 * never reported), the comment redacted, the 15-minute rule across runs, and a slow, down or refusing AbuseIPDB
 * that never fails a run nor holds its bans back. The key appears in no note, summary or state file.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { runOnce, type RunDeps } from '../../../packages/agent/src/run/run-once.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';
import { checkConfigText } from '../../../packages/agent/src/config/load.js';
import type { IntelDeps } from '../../../packages/agent/src/abuseipdb/enrich.js';
import { FakeAbuseIpdb } from './fake-abuseipdb.js';

const KEY = 'run-test-key-0123456789abcdef0123456789abcdef-SECRET';
const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
/** Public scanners (text in log lines only: no packet is sent anywhere). */
const HIGH = '89.248.165.52';
const LOW = '2a01:4f8:c0c:1234::66';
const SPOOFED = '10.1.2.3';
const OWN4 = '203.0.113.10';
const HOST = 'gw-test-host';

function line(t: number, src: string, port: number): string {
  const v6 = src.includes(':');
  return `${new Date(t).toISOString()} ${HOST} kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=${v6 ? '2001:db8::10' : OWN4} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

function scan(log: string, t: number, src: string): void {
  for (let p = 1; p <= 12; p++) appendFileSync(log, line(t + p * 100, src, 1000 + p));
}

describe('agent abuseipdb: inside run (dry-run backend, local AbuseIPDB)', function () {
  this.timeout(20_000);
  let dir = '';
  let log = '';
  let clock = T0;
  let fake: FakeAbuseIpdb;
  let backend: DryRunBackend;

  const intel = (over: string): IntelDeps => ({
    settings: checkConfigText(`abuseipdb: {check: true, report: true, base_url: "${fake.baseUrl}", timeout: 1s, ${over}}`, 'c.yaml').abuseipdb,
    key: KEY,
    ownAddresses: [OWN4, '2001:db8::10'],
    hostNames: [HOST],
  });
  const deps = (over = ''): RunDeps => ({
    sources: [log],
    stateDir: join(dir, 'state'),
    backend,
    wan: ['eth0'],
    allow: [],
    detect: { scan: { ports: 10, hosts: 10, windowMs: 60_000, slowPorts: 1000 }, spoof: { wan: ['eth0'], connected: [] } },
    ban: { timeMs: 60_000, factor: 1, maxMs: 86_400_000 },
    startAt: 'beginning',
    now: () => clock,
    intel: { abuseipdb: intel(over) },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-abuse-run-'));
    log = join(dir, 'kern.log');
    writeFileSync(log, '');
    clock = T0;
    fake = await FakeAbuseIpdb.start(KEY);
    fake.now = clock;
    fake.addresses.set(HIGH, { abuseConfidenceScore: 100, countryCode: 'NL', totalReports: 900, numDistinctUsers: 120 });
    fake.addresses.set(LOW, { abuseConfidenceScore: 10 });
    backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true }, now: () => clock });
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function keyNowhere(...texts: string[]): void {
    for (const t of texts) assert.ok(!t.includes(KEY), 'the key appears nowhere');
    for (const f of readdirSync(join(dir, 'state'))) {
      if (f.endsWith('.json')) assert.ok(!readFileSync(join(dir, 'state', f), 'utf8').includes(KEY), `not in ${f}`);
    }
  }

  it('looks up the new bans, lengthens the high score, reports public scanners redacted, never the spoofed one', async () => {
    scan(log, T0, HIGH);
    scan(log, T0, LOW);
    for (let p = 1; p <= 3; p++) appendFileSync(log, line(T0 + p * 100, SPOOFED, 22));
    clock = T0 + 5000;
    const s = await runOnce(deps());
    assert.deepEqual(s.applied.map((b) => `${b.kind} ${b.address}`).sort(), [`block ${LOW}`, `block ${HIGH}`, `spoof ${SPOOFED}`].sort());
    const remaining = new Map(s.decisions.map((d) => [d.address, d.remainingMs]));

    const checks = fake.seen('check');
    assert.deepEqual(checks.map((r) => r.query.get('ipAddress')).sort(), [HIGH, LOW].sort(), 'only the public blocks are looked up');
    for (const r of checks) assert.deepEqual([r.headers.key, r.headers.accept], [KEY, 'application/json']);
    assert.ok(checks.some((r) => r.rawPath.includes('ipAddress=2a01%3A4f8%3Ac0c%3A1234%3A%3A66')), 'IPv6 URL-encoded');

    const state = await new StateStore(join(dir, 'state')).load();
    const until = new Map(state.bans.map((b) => [b.address, b.until]));
    assert.equal(until.get(HIGH), clock + 4 * remaining.get(HIGH)!, 'score 100 ≥ 75: four times longer');
    assert.equal(until.get(LOW), clock + remaining.get(LOW)!, 'score 10: as decided');
    assert.equal((await backend.list()).find((e) => e.address === HIGH)?.secondsLeft, Math.ceil((4 * remaining.get(HIGH)!) / 1000), 'and re-applied to the kernel that long');
    assert.equal(s.intel?.abuseipdb?.scores.get(HIGH), 100);

    const reports = fake.seen('report');
    assert.deepEqual(reports.map((r) => r.form?.get('ip')).sort(), [HIGH, LOW].sort());
    assert.ok(!fake.requests.some((r) => r.rawPath.includes(SPOOFED) || r.form?.get('ip') === SPOOFED), 'the spoofed source is never sent');
    for (const r of reports) {
      assert.equal(r.form?.get('categories'), '14');
      const comment = r.form?.get('comment') ?? '';
      assert.match(comment, /^Port scan seen by portcullis: /);
      assert.equal(comment.split('\n').length, 4, 'the header and three log lines');
      assert.ok(!comment.includes(OWN4) && !comment.includes('2001:db8::10') && !comment.includes(HOST), `redacted: ${comment}`);
      assert.ok(!comment.includes('52:54:00'), 'no MAC');
      assert.ok(comment.includes(`SRC=${r.form?.get('ip')}`), 'the scanner itself stays');
    }
    keyNowhere(JSON.stringify(s.notes), JSON.stringify(s.intel));
  });

  it('lookups_per_run: at most that many requests a run, the rest skipped and said, the bans all in', async () => {
    scan(log, T0, HIGH);
    scan(log, T0, LOW);
    clock = T0 + 5000;
    const s = await runOnce(deps('lookups_per_run: 1'));
    assert.equal(s.applied.length, 2, 'both blocked, whatever the budget');
    assert.equal(fake.seen('check').length, 1, 'one request: the budget');
    assert.equal(s.intel?.abuseipdb?.scores.size, 1);
    assert.match(s.notes.join('\n'), /abuseipdb: 1 lookup\(s\) skipped this run \(budget 1\)/);
  });

  it('one report per address per 15 minutes, across runs (the cache file), then again after', async () => {
    scan(log, T0, HIGH);
    clock = T0 + 5000;
    await runOnce(deps());
    assert.equal(fake.seen('report').length, 1);
    // five minutes later the short ban is over and the scanner is back
    clock = T0 + 5 * 60_000;
    fake.now = clock;
    scan(log, clock - 3000, HIGH);
    const second = await runOnce(deps());
    assert.deepEqual(second.applied.map((b) => b.address), [HIGH]);
    assert.equal(fake.seen('report').length, 1, 'not reported again within 15 minutes');
    assert.match(second.notes.join('\n'), /1 scanner\(s\) not reported again: reported less than 15 minutes ago/);
    assert.equal(fake.seen('check').length, 1, 'the lookup came from the cache');
    clock = T0 + 20 * 60_000;
    fake.now = clock;
    scan(log, clock - 3000, HIGH);
    await runOnce(deps());
    assert.equal(fake.seen('report').length, 2, 'reported again after 15 minutes');
  });

  it('a down, slow or refusing AbuseIPDB never fails the run nor holds back its bans; the run says what it skipped', async () => {
    fake.down = true;
    scan(log, T0, HIGH);
    clock = T0 + 5000;
    const down = await runOnce(deps());
    assert.deepEqual(down.applied.map((b) => b.address), [HIGH]);
    assert.match(down.notes.join('\n'), /abuseipdb: lookups stopped: AbuseIPDB check: cannot connect/);
    assert.match(down.notes.join('\n'), /abuseipdb: reports stopped: AbuseIPDB report: cannot connect/);

    fake.down = false;
    fake.delayMs = 5000;
    clock = T0 + 10 * 60_000;
    scan(log, clock - 3000, LOW);
    const t0 = Date.now();
    const slow = await runOnce(deps());
    assert.ok(Date.now() - t0 < 4000, 'the run did not wait for the slow server beyond its timeout');
    assert.deepEqual(slow.applied.map((b) => b.address), [LOW]);
    assert.match(slow.notes.join('\n'), /no answer within 1 s/);

    fake.delayMs = 0;
    fake.limits.check = 0;
    fake.limits.report = 0;
    clock = T0 + 40 * 60_000;
    fake.now = clock;
    scan(log, clock - 3000, HIGH);
    const refused = await runOnce(deps());
    assert.deepEqual(refused.applied.map((b) => b.address), [HIGH]);
    assert.match(refused.notes.join('\n'), /Daily rate limit of 0 requests exceeded/);
    keyNowhere(JSON.stringify(down.notes), JSON.stringify(slow.notes), JSON.stringify(refused.notes));
  });
});

/**
 * Sharing bans end to end, on real parts: a redis-server in its own namespace on the lab's bridge (ACL user with a
 * password, default user off), four victim namespaces each with its own state directory and the nftables backend,
 * a scanner namespace; the built CLI runs inside each victim as cron would. The scanner's lines reach only the first
 * victim's log; after one `run` on each, the scanner is dropped by victims 1-3 (real TCP probes go unanswered) with
 * about the same expiry, and answered by victim 4, whose allow list holds it. Then: `follow` applies a ban from
 * another node within a second; a removal propagates; a wrong password and a stopped Redis give exit 9 with one
 * warning, lose nothing, and the outbox goes out on the next run that reaches Redis; a hostile entry is skipped.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { acquireSuiteLock, Lab, releaseSuiteLock, requireRootAndTools, run, type HostSpec } from '../../e2e/lab.js';
import { cliIn, cliProcess, readState } from '../run/run-lab.js';
import { PASSWORD, startRedis, type RedisLab } from './redis-lab.js';

const TAG = 'fleet';
const LOCK = `/run/pcl-${TAG}.lock`;
const V: HostSpec[] = [1, 2, 3, 4].map((i) => ({ name: `v${i}`, ipv4: `198.51.100.${10 + i}`, ipv6: `2001:db8::${10 + i}` }));
const SCANNER: HostSpec = { name: 'scan', ipv4: '198.51.100.66', ipv6: '2001:db8::66' };
const REDIS: HostSpec = { name: 'redis', ipv4: '198.51.100.100', ipv6: '2001:db8::100' };
const BAN_S = 600;

interface Victim {
  host: HostSpec;
  ns: string;
  dir: string;
  log: string;
  state: string;
  config: string;
}

/** A kernel LOG line as rsyslog writes it: the scanner's SYN to `port` of `victim`. */
function scanLine(victim: HostSpec, src: string, port: number, at: number): string {
  return `${new Date(at).toISOString()} ${victim.name} kernel: [PCL FLEET]: IN=eth0 OUT= MAC=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:08:00 SRC=${src} DST=${victim.ipv4} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

function scanLines(victim: HostSpec, src: string): string {
  const t = Date.now() - 3000;
  return Array.from({ length: 15 }, (_, i) => scanLine(victim, src, 20 + i, t + i * 20)).join('');
}

describe('fleet end to end: four victims, nftables, a real Redis on the lab bridge', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let redis: RedisLab | undefined;
  const victims: Victim[] = [];
  const R = (): RedisLab => redis ?? assert.fail('no redis');
  const L = (): Lab => lab ?? assert.fail('no lab');

  async function writeConfig(v: Victim, share: Record<string, string>, allow: string[] = []): Promise<void> {
    const entries = Object.entries(share).map(([k, val]) => `${k}: ${JSON.stringify(val)}`);
    await writeFile(
      v.config,
      [
        `sources: [${v.log}]`,
        'wan: [eth0]',
        `state: ${v.state}`,
        'start: beginning',
        `ban: {time: ${BAN_S}s, increment: 2, max: 1h}`,
        'backend: {type: nftables}',
        `allow: [${allow.join(', ')}]`,
        `share: {${entries.join(', ')}}`,
        '',
      ].join('\n'),
    );
  }
  const shareOf = (v: Victim, url = R().url()): Record<string, string> => ({ redis: url, node: v.host.name, timeout: '1s' });
  const cli = (v: Victim, ...args: string[]) => cliIn(v.ns, args);
  const runOn = (v: Victim) => cli(v, 'run', '--config', v.config);
  /** A SYN from the scanner to a closed port of the victim: answered (RST) or dropped. */
  async function answered(v: Victim): Promise<boolean> {
    const r = await execa('ip', ['netns', 'exec', L().host('scan').ns, 'timeout', '1', 'bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', v.host.ipv4, '4444'], { reject: false });
    if (/Connection refused/.test(String(r.stderr))) return true;
    if (r.exitCode === 124) return false;
    throw new Error(`probe of ${v.host.name}: exit ${r.exitCode}: ${String(r.stderr)}`);
  }
  async function inSet(v: Victim, address: string): Promise<boolean> {
    const r = await run('ip', ['netns', 'exec', v.ns, 'nft', 'list', 'set', 'inet', 'portcullis', 'portcullis_block4']);
    return new RegExp(`\\b${address.replace(/\./g, '\\.')}\\b`).test(String(r.stdout));
  }

  before(async function () {
    this.timeout(120_000);
    await requireRootAndTools(['ip', 'nft', 'redis-server', 'redis-cli']);
    await acquireSuiteLock(LOCK);
    lab = await Lab.create({ tag: TAG, hosts: [...V, SCANNER, REDIS] });
    redis = await startRedis({ host: REDIS.ipv4, netns: L().host('redis').ns });
    for (const host of V) {
      const dir = await mkdtemp(join(tmpdir(), `pcl-fleet-${host.name}-`));
      const v = { host, ns: L().host(host.name).ns, dir, log: join(dir, 'kern.log'), state: join(dir, 'state'), config: join(dir, 'config.yaml') };
      await writeFile(v.log, '');
      await writeConfig(v, shareOf(v), host.name === 'v4' ? [`${SCANNER.ipv4}/32`] : []);
      victims.push(v);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await redis?.stop();
    await lab?.destroy();
    await releaseSuiteLock(LOCK);
    for (const v of victims) await rm(v.dir, { recursive: true, force: true });
  });

  it('the scanner hits only the first victim: after one run on each, three drop it with about the same expiry, the allowing one does not', async () => {
    for (const v of victims) assert.equal(await answered(v), true, `${v.host.name} answers the scanner before`);
    const [v1, v2, v3, v4] = victims as [Victim, Victim, Victim, Victim];
    for (const v of [v2, v3, v4]) assert.equal((await runOn(v)).code, 0, 'the others join first (empty fleet)');
    await appendFile(v1.log, scanLines(v1.host, SCANNER.ipv4));
    const r1 = await cli(v1, 'run', '--config', v1.config, '--verbose');
    assert.equal(r1.code, 0, r1.stderr);
    assert.match(r1.stdout, /fleet \(v1\): 1 published/);
    for (const v of [v2, v3, v4]) {
      const r = await cli(v, 'run', '--config', v.config, '--verbose');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, v === v4 ? /fleet \(v4\): nothing new/ : /fleet \(v\d\): 1 ban\(s\) from the fleet applied/, r.stdout);
    }
    for (const v of [v1, v2, v3]) assert.equal(await answered(v), false, `${v.host.name} drops the scanner`);
    assert.equal(await answered(v4), true, 'v4 allows the scanner');
    const untils = await Promise.all([v1, v2, v3].map(async (v) => (await readState(v.state)).bans.find((b) => b.address === SCANNER.ipv4)?.until ?? 0));
    assert.ok(Math.max(...untils) - Math.min(...untils) < 2000, `about the same expiry: ${untils.join(', ')}`);
    assert.deepEqual((await readState(v4.state)).bans, []);
    assert.equal(await R().cli('XLEN', '{portcullis}:stream'), '1', 'no echo: one entry, from v1');

    const st = JSON.parse((await cli(v2, 'status', '--config', v2.config, '--json')).stdout) as { fleet: { received: number; nodes: Array<{ node: string }>; redis: string } };
    assert.equal(st.fleet.received, 1);
    assert.deepEqual(st.fleet.nodes.map((n) => n.node), ['v1']);
    assert.ok(!st.fleet.redis.includes(PASSWORD) && st.fleet.redis.includes('***'), st.fleet.redis);
  });

  it('follow applies a ban of another node within a second; a removal by hand propagates to follow and to run', async () => {
    const [v1, v2, v3] = victims as [Victim, Victim, Victim];
    const follower = cliProcess(v2.ns, ['follow', '--config', v2.config, '--verbose']);
    try {
      await sleep(1500); // connected and blocking on the stream
      const extra = '198.51.100.201';
      const added = await cli(v1, 'bans', 'add', extra, '--for', '10m', '--config', v1.config);
      assert.equal(added.code, 0, added.stderr);
      const t = Date.now();
      while (!(await inSet(v2, extra))) {
        assert.ok(Date.now() - t < 1000, 'v2 holds the ban within a second');
        await sleep(20);
      }
      const took = Date.now() - t;
      process.stdout.write(`      (follow applied a fleet ban ${took} ms after bans add returned)\n`);

      const removed = await cli(v1, 'bans', 'remove', SCANNER.ipv4, '--config', v1.config);
      assert.equal(removed.code, 0, removed.stderr);
      const t2 = Date.now();
      while (await inSet(v2, SCANNER.ipv4)) {
        assert.ok(Date.now() - t2 < 1000, 'follow lifts it within a second');
        await sleep(20);
      }
      assert.equal(await answered(v1), true);
      assert.equal(await answered(v2), true);
      assert.equal(await answered(v3), false, 'v3 has not run yet');
      assert.equal((await runOn(v3)).code, 0);
      assert.equal(await answered(v3), true, 'the next run on v3 lifts it');
    } finally {
      follower.kill('SIGTERM');
      const f = await follower;
      assert.equal(f.exitCode, 0, `follow stops cleanly on SIGTERM: ${String(f.stderr)}`);
    }
  });

  it('a wrong password: exit 9, one warning without the password, the local ban stands; the outbox goes out once fixed', async () => {
    const [v1, v2] = victims as [Victim, Victim];
    const wrong = 'Wr0ng-pa55';
    await writeConfig(v1, shareOf(v1, R().url(wrong)));
    const other = '198.51.100.202';
    await appendFile(v1.log, scanLines(v1.host, other));
    const metrics = join(v1.dir, 'portcullis.prom');
    const r = await cli(v1, 'run', '--config', v1.config, '--metrics', metrics);
    assert.equal(r.code, 9, r.stderr);
    const prom = await readFile(metrics, 'utf8');
    assert.match(prom, /^portcullis_fleet_up 0$/m);
    assert.match(prom, /^portcullis_fleet_outbox 1$/m);
    assert.match(prom, /^portcullis_last_run_success 1$/m, 'the local run itself succeeded');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^portcullis: warning: fleet: Redis at 198\.51\.100\.100:\d+ refused the credentials \(WRONGPASS\).*1 wait in the outbox/);
    assert.ok(!r.stderr.includes(wrong) && !r.stderr.includes(PASSWORD));
    assert.equal(await inSet(v1, other), true, 'the local ban went ahead');
    const st = await readState(v1.state);
    assert.equal((st as unknown as { fleet: { outbox: unknown[] } }).fleet.outbox.length, 1);

    // the password from a file instead
    const pwFile = join(v1.dir, 'redis.pw');
    await writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    await writeConfig(v1, { ...shareOf(v1, R().url(wrong)), password_file: pwFile });
    const fixed = await runOn(v1);
    assert.deepEqual([fixed.code, fixed.stderr], [0, '']);
    assert.equal(((await readState(v1.state)) as unknown as { fleet: { outbox: unknown[]; published: number } }).fleet.outbox.length, 0);
    assert.equal((await runOn(v2)).code, 0);
    assert.equal(await inSet(v2, other), true, 'the ban from the outbox reached v2');
  });

  it('a stopped Redis: exit 9, the cursor stays; after a restart the outbox goes out and a hostile entry is skipped', async () => {
    const [v1, v2, v3] = victims as [Victim, Victim, Victim];
    const cursorBefore = ((await readState(v2.state)) as unknown as { fleet: { cursor: string } }).fleet.cursor;
    // a follower on v3 lives through the outage
    const follower = cliProcess(v3.ns, ['follow', '--config', v3.config]);
    await sleep(1500);
    const port = R().port;
    await R().stop();
    redis = undefined;
    const third = '198.51.100.203';
    await appendFile(v1.log, scanLines(v1.host, third));
    const r1 = await runOn(v1);
    assert.equal(r1.code, 9);
    assert.match(r1.stderr, /cannot reach Redis at 198\.51\.100\.100:\d+: connection refused/);
    assert.equal(await inSet(v1, third), true);
    const r2 = await runOn(v2);
    assert.equal(r2.code, 9);
    assert.equal(((await readState(v2.state)) as unknown as { fleet: { cursor: string } }).fleet.cursor, cursorBefore, 'the cursor did not move');

    // a new (empty) Redis at the same place
    redis = await startRedis({ host: REDIS.ipv4, netns: L().host('redis').ns, port });
    await R().cli('XADD', '{portcullis}:stream', '*', 'node', 'mallory', 'bans', `ban\t0.0.0.0/0\t${Date.now() + 60_000}\t\tworld`);
    assert.deepEqual([(await runOn(v1)).code], [0], 'v1 reaches Redis: its outbox goes out');
    const r3 = await runOn(v2);
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stderr, /fleet: skipped 1 malformed or hostile stream entry \(first: \d+-\d+ from mallory: line 1: '0\.0\.0\.0\/0' is not an IPv4 or IPv6 address\)/);
    assert.equal(await inSet(v2, third), true, 'the ban v1 held back while Redis was down reached v2');
    const t = Date.now();
    while (!(await inSet(v3, third)) && Date.now() - t < 15_000) await sleep(100);
    follower.kill('SIGTERM');
    const f = await follower;
    assert.equal(await inSet(v3, third), true, `the follower, retrying, applies it too: ${String(f.stderr)}`);
    assert.equal(f.exitCode, 0);
    const warned = String(f.stderr).trim().split('\n');
    assert.equal(warned.filter((l) => /retrying every 5s/.test(l)).length, 1, `one warning for the outage: ${String(f.stderr)}`);
    assert.match(warned[0]!, /^portcullis: warning: fleet: cannot reach Redis at 198\.51\.100\.100:\d+: (connection refused|ECONNRESET|the connection closed \(stopped or restarted\?\))|^portcullis: warning: fleet: Redis at .* did not answer/);
    assert.ok(warned.some((l) => /fleet: Redis answers again/.test(l)), String(f.stderr));
  });
});

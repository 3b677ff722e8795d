/**
 * The story every kernel backend (ipset, nftables) must tell against the real kernel, in the lab of kernel-lab.ts:
 * ensure, a short ban that blocks and then expires, a refresh, remove, idempotent hooks, WAN-only spoof bans,
 * a 10,000-ban batch, and refusals. Each suite passes how to build its backend and how to count its hooks.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendError, type Backend, type Ban, type BanKey, type KernelEntry } from '../../../packages/agent/src/backends/backend.js';
import type { Runner } from '../../../packages/agent/src/backends/runner.js';
import { KernelLog, requireRootAndTools, run } from '../../e2e/lab.js';
import { spoofGuard } from '../../../packages/core/src/net/spoof-guard.js';
import { HOSTS, KernelLab, LAN, hostFirewall, manyAddresses, recording, waitFor } from './kernel-lab.js';

const [, CLIENT, CLIENT2] = HOSTS as [(typeof HOSTS)[0], (typeof HOSTS)[0], (typeof HOSTS)[0]];
const VICTIM = HOSTS[0]!;

export interface KernelBackendSpec {
  /** [a-z0-9]{1,8}: the lab's namespaces are pcl-bk-<suite>-*. */
  suite: string;
  tools: string[];
  make(runner: Runner): Backend;
  /** Our hook rules as the kernel lists them (one string per rule), read in the victim namespace. */
  hooks(lab: KernelLab): Promise<string[]>;
  /** How many hook rules ensure({ wan }) must leave. */
  expectedHooks(wan: readonly string[]): number;
  /** Commands that only read. */
  readOnly(command: string, args: readonly string[]): boolean;
}

export function ban(address: string, seconds: number, kind: Ban['kind'] = 'block'): Ban {
  return { address, family: address.includes(':') ? 6 : 4, kind, seconds };
}

function key(address: string, kind: Ban['kind'] = 'block'): BanKey {
  return { address, family: address.includes(':') ? 6 : 4, kind };
}

function keys(entries: KernelEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.address}`).sort();
}

export function describeKernelBackend(spec: KernelBackendSpec): void {
  let lab: KernelLab | undefined;
  let hostBefore = '';
  let backend: Backend;
  let calls: ReturnType<typeof recording>['calls'] = [];
  const L = (): KernelLab => {
    if (!lab) throw new Error('lab not created');
    return lab;
  };
  /** Probes side by side: a dropped ping costs its full second. */
  const probe = (pairs: Array<[Parameters<KernelLab['ns']>[0], string]>): Promise<boolean[]> =>
    Promise.all(pairs.map(([from, to]) => L().answered(L().ns(from), to)));

  before(async function () {
    this.timeout(240_000); // up to 3 min waiting for another run of this suite (the lab's lock), then seconds
    await requireRootAndTools(['ip', 'ping', 'timeout', 'bash', 'hping3', 'dmesg', 'iptables', ...spec.tools]);
    hostBefore = await hostFirewall();
    lab = await KernelLab.create(spec.suite);
    const rec = recording(L().runner());
    calls = rec.calls;
    backend = spec.make(rec.runner);
  });

  after(async function () {
    this.timeout(60_000);
    await lab?.destroy();
    assert.equal(await hostFirewall(), hostBefore, "the host's own ruleset and sets are unchanged");
  });

  it('ensure() creates sets and hooks; a second ensure leaves the same hooks (no duplicates)', async () => {
    const caps = await backend.ensure({ wan: ['eth0'] });
    assert.equal(caps.expires, true);
    assert.equal((await spec.hooks(L())).length, spec.expectedHooks(['eth0']));
    const hooksBefore = await spec.hooks(L());
    const before = calls.length;
    await backend.ensure({ wan: ['eth0'] });
    const writes = calls.slice(before).filter((c) => !spec.readOnly(c.command, c.args));
    assert.deepEqual(writes.map((c) => [c.command, ...c.args].join(' ')), [], 'second ensure changed nothing');
    assert.deepEqual(await spec.hooks(L()), hooksBefore, 'the same hooks, not duplicated');
    assert.deepEqual(await backend.list(), []);
  });

  it('a 3-s ban blocks the client (ping IPv4/IPv6, TCP), not client2; list shows it; it expires by itself', async () => {
    await backend.apply([ban(CLIENT.ipv4, 3), ban(CLIENT.ipv6, 3)]);
    const t0 = Date.now();
    const listed = await backend.list();
    assert.deepEqual(keys(listed), [`block ${CLIENT.ipv6}`, `block ${CLIENT.ipv4}`].sort());
    for (const e of listed) assert.ok(e.secondsLeft !== undefined && e.secondsLeft <= 3 && e.secondsLeft >= 1, `secondsLeft ${e.secondsLeft}`);
    const [ping4, ping6, tcp, ok4, ok6, okTcp] = await Promise.all([
      L().answered(L().ns('client'), VICTIM.ipv4),
      L().answered(L().ns('client'), VICTIM.ipv6),
      L().tcpAnswered(L().ns('client'), VICTIM.ipv4),
      L().answered(L().ns('client2'), VICTIM.ipv4),
      L().answered(L().ns('client2'), VICTIM.ipv6),
      L().tcpAnswered(L().ns('client2'), VICTIM.ipv4),
    ]);
    assert.deepEqual([ping4, ping6, tcp], [false, false, false], 'client blocked (ping IPv4, ping IPv6, TCP)');
    assert.deepEqual([ok4, ok6, okTcp], [true, true, true], 'client2 answered (ping IPv4, ping IPv6, TCP)');
    await waitFor(async () => (await backend.list()).length === 0, 6_000, 'list() still shows the ban 6 s after a 3-s ban');
    assert.ok(Date.now() - t0 >= 1_500, `ban lasted about its time (${Date.now() - t0} ms)`);
    assert.deepEqual(await probe([['client', VICTIM.ipv4], ['client', VICTIM.ipv6]]), [true, true], 'client answered again after expiry');
    assert.equal(await L().tcpAnswered(L().ns('client'), VICTIM.ipv4), true);
  });

  it('apply twice: one entry, and the second apply resets its time', async () => {
    await backend.apply([ban(CLIENT.ipv4, 6), ban(CLIENT.ipv6, 6)]);
    await sleep(2_500);
    const aged = await backend.list();
    for (const e of aged) assert.ok(e.secondsLeft !== undefined && e.secondsLeft <= 4, `aged secondsLeft ${e.secondsLeft}`);
    await backend.apply([ban(CLIENT.ipv4, 6), ban(CLIENT.ipv6, 6)]);
    const fresh = await backend.list();
    assert.deepEqual(keys(fresh), [`block ${CLIENT.ipv6}`, `block ${CLIENT.ipv4}`].sort(), 'one entry per address');
    for (const e of fresh) assert.ok(e.secondsLeft !== undefined && e.secondsLeft >= 5, `refreshed secondsLeft ${e.secondsLeft} (was ≤ 4)`);
    // A shorter second apply sets the shorter time too: the newest decision wins.
    await backend.apply([ban(CLIENT.ipv4, 2)]);
    const shorter = (await backend.list()).find((e) => e.address === CLIENT.ipv4);
    assert.ok(shorter?.secondsLeft !== undefined && shorter.secondsLeft <= 2, `shortened secondsLeft ${shorter?.secondsLeft}`);
    await backend.remove([key(CLIENT.ipv4), key(CLIENT.ipv6)]);
  });

  it('remove() lifts a ban at once; absent keys are no error', async () => {
    await backend.apply([ban(CLIENT.ipv4, 600), ban(CLIENT.ipv6, 600)]);
    assert.deepEqual(await probe([['client', VICTIM.ipv4], ['client', VICTIM.ipv6]]), [false, false]);
    await backend.remove([key(CLIENT.ipv4), key(CLIENT.ipv6), key(CLIENT2.ipv4), key(CLIENT2.ipv6, 'spoof')]);
    assert.deepEqual(await probe([['client', VICTIM.ipv4], ['client', VICTIM.ipv6]]), [true, true]);
    assert.deepEqual(await backend.list(), []);
    await backend.remove([key(CLIENT.ipv4)]);
    await backend.remove([]);
    await backend.apply([]);
  });

  it('spoof bans drop on the WAN interface only: a spoof-banned LAN address is still answered on lan0', async () => {
    await backend.apply([
      ban(CLIENT2.ipv4, 600, 'spoof'),
      ban(CLIENT2.ipv6, 600, 'spoof'),
      ban(LAN.host4, 600, 'spoof'),
      ban(LAN.host6, 600, 'spoof'),
    ]);
    assert.deepEqual(
      await probe([['client2', VICTIM.ipv4], ['client2', VICTIM.ipv6], ['lan', LAN.victim4], ['lan', LAN.victim6], ['client', VICTIM.ipv4]]),
      [false, false, true, true, true],
      'spoof-banned source dropped on WAN eth0 (IPv4, IPv6); the same kind of ban on a LAN source leaves lan0 alone; client answered',
    );
    assert.deepEqual(keys(await backend.list()), [CLIENT2.ipv4, CLIENT2.ipv6, LAN.host4, LAN.host6].map((a) => `spoof ${a}`).sort());
    // The same address as a block ban (every interface) does cut the LAN host off: WAN-only is the spoof hook's.
    await backend.apply([ban(LAN.host4, 600, 'block')]);
    assert.equal(await L().answered(L().ns('lan'), LAN.victim4), false, 'a block ban applies on the LAN too');
    await backend.remove([key(CLIENT2.ipv4, 'spoof'), key(CLIENT2.ipv6, 'spoof'), key(LAN.host4, 'spoof'), key(LAN.host6, 'spoof'), key(LAN.host4)]);
    assert.deepEqual(await probe([['client2', VICTIM.ipv4], ['lan', LAN.victim4]]), [true, true]);
  });

  it('a changed WAN list re-hooks the spoof sets: lan0 added, then taken away again, no leftovers', async () => {
    await backend.ensure({ wan: ['eth0', 'lan0'] });
    assert.equal((await spec.hooks(L())).length, spec.expectedHooks(['eth0', 'lan0']));
    await backend.apply([ban(LAN.host4, 600, 'spoof')]);
    assert.equal(await L().answered(L().ns('lan'), LAN.victim4), false, 'lan0 is a WAN interface now');
    await backend.ensure({ wan: ['eth0'] });
    assert.equal((await spec.hooks(L())).length, spec.expectedHooks(['eth0']));
    assert.equal(await L().answered(L().ns('lan'), LAN.victim4), true, 'lan0 is no WAN interface any more');
    await backend.remove([key(LAN.host4, 'spoof')]);
  });

  it('10,000 bans go in as one call, and come out as one', async function () {
    this.timeout(60_000);
    const many = manyAddresses(10_000).map((a) => ({ ...a, kind: 'block' as const, seconds: 600 }));
    const before = calls.length;
    let t = process.hrtime.bigint();
    await backend.apply(many);
    const applyMs = Number(process.hrtime.bigint() - t) / 1e6;
    const writes = calls.slice(before).filter((c) => !spec.readOnly(c.command, c.args));
    assert.equal(writes.length, 1, `one process for the batch: ${writes.map((c) => c.command).join(', ')}`);
    t = process.hrtime.bigint();
    const listed = await backend.list();
    const listMs = Number(process.hrtime.bigint() - t) / 1e6;
    assert.equal(listed.length, 10_000);
    assert.ok(listed.every((e) => e.secondsLeft !== undefined && e.secondsLeft > 590 && e.secondsLeft <= 600));
    t = process.hrtime.bigint();
    await backend.apply(many); // the refresh path (delete + add for nftables) at full size
    const refreshMs = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    await backend.remove(many);
    const removeMs = Number(process.hrtime.bigint() - t) / 1e6;
    assert.deepEqual(await backend.list(), []);
    console.log(
      `      ${spec.suite}: 10,000 bans: apply ${applyMs.toFixed(0)} ms, list ${listMs.toFixed(0)} ms, ` +
        `re-apply ${refreshMs.toFixed(0)} ms, remove ${removeMs.toFixed(0)} ms`,
    );
  });

  it('refuses anything but a canonical address of the stated family before any command is built', async () => {
    const before = calls.length;
    const bad: Ban[] = [
      ban('198.51.100.21 timeout 0', 60),
      ban('198.51.100.21\nflush', 60),
      ban('198.51.100.21 }; flush ruleset; add element inet x y {', 60),
      ban('2001:DB8::21', 60),
      ban('2001:db8:0::21', 60),
      ban('198.51.100.0/24', 60),
      ban('', 60),
      { address: CLIENT.ipv4, family: 6, kind: 'block', seconds: 60 },
      { address: CLIENT.ipv4, family: 4, kind: 'evil' as Ban['kind'], seconds: 60 },
    ];
    for (const b of bad) {
      await assert.rejects(
        backend.apply([ban(CLIENT2.ipv4, 60), b]),
        (e: unknown) => e instanceof BackendError && /refusing/.test(e.message) && e.message.includes(JSON.stringify(b.address).slice(1, 10)),
        JSON.stringify(b),
      );
      await assert.rejects(backend.remove([b]), BackendError);
    }
    for (const seconds of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(backend.apply([ban(CLIENT.ipv4, seconds)]), (e: unknown) => e instanceof BackendError && /positive number of seconds/.test(e.message));
    }
    await assert.rejects(backend.ensure({ wan: ['eth0"; drop'] }), (e: unknown) => e instanceof BackendError && /interface name/.test(e.message));
    assert.equal(calls.length, before, 'no command ran');
    assert.deepEqual(await backend.list(), [], 'and nothing went in');
  });

  it('clamps: a ban longer than 2147483 s goes in at 2147483 s, a fraction of a second as 1 s (never 0 = forever)', async () => {
    await backend.apply([ban(CLIENT.ipv4, 10 * 365 * 86_400), ban(CLIENT.ipv6, 0.2)]);
    const listed = new Map((await backend.list()).map((e) => [e.address, e.secondsLeft]));
    const long = listed.get(CLIENT.ipv4);
    assert.ok(long !== undefined && long > 2_147_400 && long <= 2_147_483, `long ${long}`);
    const short = listed.get(CLIENT.ipv6);
    assert.ok(short !== undefined && short <= 1, `short ${short}`);
    await waitFor(async () => !(await backend.list()).some((e) => e.address === CLIENT.ipv6), 3_000, 'the 0.2-s ban did not expire');
    await backend.remove([key(CLIENT.ipv4)]);
  });
  it('the standing anti-spoofing guard drops special-purpose sources on the WAN only, exempting the WAN network and the allow list', async function () {
    this.timeout(60_000);
    const tag = `[PCL GUARD ${randomBytes(3).toString('hex')}]: `;
    const v = (file: string, args: string[]) => run('ip', ['netns', 'exec', L().victimNs, file, ...args]);
    // the test's own LOG, appended after our hooks: a line means the packet got past them
    await v('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'LOG', '--log-prefix', tag]);
    const forged = async (from: string): Promise<void> => {
      await run('ip', ['netns', 'exec', L().ns('client2'), 'hping3', '-c', '2', '-i', 'u50000', '-S', '-p', '22', '-a', from, VICTIM.ipv4], { reject: false });
    };
    /** Which of the forged sources got past the hooks (read from the kernel log after the probes). */
    const passed = async (sources: string[]): Promise<string[]> => {
      const mark = await KernelLog.mark('guard');
      await Promise.all(sources.map(forged));
      await sleep(500);
      const lines = (await KernelLog.linesSince(mark)).filter((l) => l.includes(tag));
      return sources.filter((s) => lines.some((l) => l.includes(`SRC=${s} `)));
    };
    try {
      const probes = ['10.1.2.3', '10.9.9.9', '100.64.0.7'];
      assert.deepEqual(await passed(probes), probes, 'without the guard every forged source reaches the LOG rule');
      const g = spoofGuard();
      // the WAN's own network (198.51.100.0/24, itself special-purpose) and an allow-listed 10.9.0.0/16 are exempt
      await backend.ensure({ wan: ['eth0'], guard: { drop: g.drop, exempt: [...g.exempt, '198.51.100.0/24', '2001:db8::/64', '10.9.0.0/16'] } });
      assert.deepEqual(await passed(probes), ['10.9.9.9'], 'the guard drops forged special-purpose sources, except the allow list');
      const [client, lan] = await Promise.all([L().tcpAnswered(L().ns('client'), VICTIM.ipv4), L().answered(L().ns('lan'), LAN.victim4)]);
      assert.equal(client, true, 'a WAN neighbour on the (special-purpose) WAN network is answered');
      assert.equal(lan, true, 'the LAN host (203.0.113.0/24, special-purpose) is answered on lan0');
      assert.equal(await L().answered(L().ns('client'), VICTIM.ipv6), true, 'IPv6 neighbour discovery and the WAN /64 pass the IPv6 guard');
      await backend.ensure({ wan: ['eth0'] });
      assert.deepEqual(await passed(probes), probes, 'switched off, the guard is gone');
    } finally {
      await v('iptables', ['-D', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'LOG', '--log-prefix', tag]);
    }
  });

}

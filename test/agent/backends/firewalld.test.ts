/**
 * The firewalld backend against a real firewalld 1.3.x, run inside a namespace on a private D-Bus (see
 * firewalld-lab.ts), once with the nftables backend (ipset timeouts ignored → rich rules) and once with the
 * iptables backend (kernel ipsets with timeouts). Probes are pings from namespaces on the lab's bridge.
 *
 * Needs root, iproute2, ping, dbus-daemon, firewalld, ipset, nft (see .ci/run). About 40-60 s.
 */
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { BackendError, type Ban, type KernelEntry } from '../../../packages/agent/src/backends/backend.js';
import { FirewalldBackend } from '../../../packages/agent/src/backends/firewalld.js';
import type { Runner } from '../../../packages/agent/src/backends/runner.js';
import { requireRootAndTools } from '../../e2e/lab.js';
import { FirewalldLab, HOSTS, LAN, waitFor, type FirewallBackendName } from './firewalld-lab.js';

const [VICTIM, CLIENT, CLIENT2] = HOSTS as [(typeof HOSTS)[0], (typeof HOSTS)[0], (typeof HOSTS)[0]];

function ban(address: string, seconds: number, kind: Ban['kind'] = 'block'): Ban {
  return { address, family: address.includes(':') ? 6 : 4, kind, seconds };
}

function keys(entries: KernelEntry[]): string[] {
  return entries.map((e) => `${e.kind} ${e.address}`).sort();
}

async function hostRuleset(): Promise<string> {
  const nft = await execa('nft', ['list', 'ruleset'], { reject: false });
  const ipset = await execa('ipset', ['list', '-n'], { reject: false });
  return `${nft.stdout}\n--\n${ipset.stdout}`;
}

/** Records every command the backend runs, so a test can show that nothing ran. */
function recording(inner: Runner): { runner: Runner; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    runner: (command, args, input) => {
      calls.push([command, ...args]);
      return inner(command, args, input);
    },
  };
}

/** PCL_FW_TRACE=1: every backend command with its duration on stderr (where the suite's time goes). */
function timed(inner: Runner): Runner {
  return async (command, args, input) => {
    const t = Date.now();
    try {
      return await inner(command, args, input);
    } finally {
      process.stderr.write(`      [${Date.now() - t} ms] ${command} ${args.join(' ').slice(0, 100)}\n`);
    }
  };
}

describe('agent backend: firewalld (real firewalld in a namespace, private D-Bus; root)', function () {
  this.timeout(120_000);
  let lab: FirewalldLab | undefined;
  let hostBefore = '';

  before(async function () {
    // Up to 3 min waiting for another run of this suite (the lock in firewalld-lab.ts), then about 10 s.
    this.timeout(240_000);
    await requireRootAndTools(['ip', 'ping', 'dbus-daemon', 'firewalld', 'firewall-cmd', 'ipset', 'nft']);
    hostBefore = await hostRuleset();
    lab = await FirewalldLab.create();
  });

  after(async function () {
    this.timeout(60_000);
    await lab?.destroy();
  });

  const L = (): FirewalldLab => {
    if (!lab) throw new Error('lab not created');
    return lab;
  };
  const victimAnswers = (from: string, to = VICTIM.ipv4): Promise<boolean> => L().answered(`pcl-fw-${from}`, to);

  /** The same story on both firewalld backends; `strategy` is what ensure() must pick. */
  function scenario(fwBackend: FirewallBackendName, strategy: 'rich-rules' | 'ipset'): void {
    describe(`firewalld with FirewallBackend=${fwBackend}`, function () {
      let backend: FirewalldBackend;
      let calls: string[][] = [];

      before(async function () {
        this.timeout(60_000);
        await L().startFirewalld(fwBackend);
        // The administrator's zones: WAN eth0 in dmz, LAN lan0 in internal (permanent, so --reload keeps them).
        await L().firewallCmd(['--permanent', '--zone=dmz', '--add-interface=eth0']);
        await L().firewallCmd(['--permanent', '--zone=internal', '--add-interface=lan0']);
        await L().firewallCmd(['--reload']);
        const rec = recording(process.env.PCL_FW_TRACE ? timed(L().runner()) : L().runner());
        calls = rec.calls;
        backend = new FirewalldBackend({ runner: rec.runner });
      });

      after(async function () {
        this.timeout(30_000);
        await L().stopFirewalld();
      });

      it(`ensure() picks ${strategy}, verified, and says why`, async () => {
        assert.ok(await victimAnswers('client'), 'client answered before any ban');
        const caps = await backend.ensure({ wan: ['eth0'] });
        const report = backend.report!;
        assert.equal(report.strategy, strategy);
        assert.equal(report.backend, fwBackend);
        assert.equal(caps.expires, true);
        assert.match(caps.note ?? '', fwBackend === 'nftables' ? /nftables backend ignores ipset timeouts.*rich rules with --timeout/ : /iptables backend.*ipsets with timeouts/);
        assert.equal(report.runtimeReset, true, 'first ensure: nothing of ours in the runtime yet');
        assert.deepEqual(report.spoofZones, ['dmz']);
        assert.equal(report.spoofProblem, undefined);
        if (strategy === 'rich-rules') assert.deepEqual([...report.blockZones].sort(), ['dmz', 'internal', 'public']);
        // Idempotent: a second ensure changes nothing and sees our marker.
        const again = await backend.ensure({ wan: ['eth0'] });
        assert.equal(backend.report!.runtimeReset, false);
        assert.equal(again.expires, true);
        assert.deepEqual(await backend.list(), []);
      });

      it('a 3-s ban blocks the client (IPv4 and IPv6), not client2, then expires', async () => {
        await backend.apply([ban(CLIENT.ipv4, 3), ban(CLIENT.ipv6, 3)]);
        const t0 = Date.now();
        assert.deepEqual(keys(await backend.list()), [`block ${CLIENT.ipv6}`, `block ${CLIENT.ipv4}`].sort());
        if (strategy === 'ipset') {
          for (const e of await backend.list()) assert.ok(e.secondsLeft !== undefined && e.secondsLeft <= 3, `secondsLeft ${e.secondsLeft}`);
        }
        // Independent probes side by side (a dropped ping costs its full second).
        assert.deepEqual(
          await Promise.all([victimAnswers('client'), victimAnswers('client', VICTIM.ipv6), victimAnswers('client2'), victimAnswers('client2', VICTIM.ipv6)]),
          [false, false, true, true],
          'client blocked (IPv4, IPv6); client2 answered (IPv4, IPv6)',
        );
        await waitFor(() => victimAnswers('client'), 8_000, 'client still blocked 8 s after a 3-s ban');
        assert.ok(Date.now() - t0 >= 2_000, 'ban lasted about its time');
        await waitFor(async () => (await backend.list()).length === 0, 3_000, 'list() still shows the expired ban');
        assert.ok(await victimAnswers('client', VICTIM.ipv6), 'IPv6 answered again');
      });

      it('remove() lifts a ban at once; absent keys are no error', async () => {
        await backend.apply([ban(CLIENT.ipv4, 600)]);
        assert.equal(await victimAnswers('client'), false);
        await backend.remove([{ address: CLIENT.ipv4, family: 4, kind: 'block' }, { address: CLIENT2.ipv4, family: 4, kind: 'block' }]);
        assert.equal(await victimAnswers('client'), true);
        assert.deepEqual(await backend.list(), []);
        await backend.remove([{ address: CLIENT.ipv4, family: 4, kind: 'block' }]);
      });

      it('apply twice: one entry, and the second apply sets the new time', async () => {
        const t0 = Date.now();
        await backend.apply([ban(CLIENT.ipv4, 2)]);
        await backend.apply([ban(CLIENT.ipv4, 600)]);
        assert.deepEqual(keys(await backend.list()), [`block ${CLIENT.ipv4}`]);
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + 2_700 - Date.now())));
        // The 2-s timer of the first apply must not lift the 600-s ban.
        assert.equal(await victimAnswers('client'), false, 'still blocked after the first apply\'s 2 s');
        await backend.remove([{ address: CLIENT.ipv4, family: 4, kind: 'block' }]);
        assert.equal(await victimAnswers('client'), true);
      });

      it('spoof bans drop on the WAN zone only: a LAN source with a spoof ban is still answered', async () => {
        await backend.apply([ban(CLIENT2.ipv4, 600, 'spoof'), ban(LAN.host, 600, 'spoof')]);
        assert.deepEqual(
          await Promise.all([victimAnswers('client2'), L().answered(L().lanNs, LAN.victim), victimAnswers('client')]),
          [false, true, true],
          'spoofed source dropped on WAN; LAN host with a spoof-banned address not cut off; client answered',
        );
        assert.deepEqual(keys(await backend.list()), [`spoof ${CLIENT2.ipv4}`, `spoof ${LAN.host}`].sort());
        // The same address as a block ban (all interfaces) does cut it off: the WAN-only-ness is the zone's.
        await backend.apply([ban(LAN.host, 600, 'block')]);
        assert.equal(await L().answered(L().lanNs, LAN.victim), false, 'block ban applies on the LAN too');
        await backend.remove([
          { address: CLIENT2.ipv4, family: 4, kind: 'spoof' },
          { address: LAN.host, family: 4, kind: 'spoof' },
          { address: LAN.host, family: 4, kind: 'block' },
        ]);
        assert.deepEqual(await Promise.all([victimAnswers('client2'), L().answered(L().lanNs, LAN.victim)]), [true, true]);
      });

      if (fwBackend === 'iptables') {
        it('a WAN interface without a zone of its own: block bans go in, spoof bans are refused with the fix named', async () => {
          const caps = await backend.ensure({ wan: ['nosuch0'] });
          assert.match(caps.note ?? '', /spoof bans refused: WAN interface nosuch0 is bound to no zone/);
          await assert.rejects(backend.apply([ban(CLIENT.ipv4, 600), ban(CLIENT2.ipv4, 600, 'spoof')]), (e: unknown) => e instanceof BackendError && /--add-interface=nosuch0/.test(e.message));
          assert.deepEqual(keys(await backend.list()), [`block ${CLIENT.ipv4}`], 'the block ban went in, the spoof ban did not');
          assert.deepEqual(await Promise.all([victimAnswers('client'), victimAnswers('client2')]), [false, true]);
          await backend.remove([{ address: CLIENT.ipv4, family: 4, kind: 'block' }]);
          await backend.ensure({ wan: ['eth0'] });
          assert.deepEqual(backend.report!.spoofZones, ['dmz']);
        });
      }

      it('anything but a canonical address is refused before a command is built', async () => {
        const b = backend;
        const before = calls.length;
        for (const address of ['198.51.100.21" accept', '198.51.100.21 timeout 1', '2001:DB8::21', '198.51.100.0/24', '']) {
          await assert.rejects(b.apply([ban(address, 60)]), (e: unknown) => e instanceof BackendError && /refusing/.test(e.message), address);
        }
        await assert.rejects(b.apply([{ address: CLIENT.ipv4, family: 6, kind: 'block', seconds: 60 }]), BackendError);
        assert.equal(calls.length, before, 'no command ran');
        assert.deepEqual(await b.list(), []);
      });

      it('after firewall-cmd --reload the runtime bans are gone: list() is empty, ensure() says so, re-apply works', async () => {
        await backend.apply([ban(CLIENT.ipv4, 600)]);
        assert.equal(await victimAnswers('client'), false);
        await L().firewallCmd(['--reload']);
        assert.deepEqual(await backend.list(), [], 'list() reports the honest state: nothing');
        assert.equal(await victimAnswers('client'), true, 'the reload really lifted the ban');
        const caps = await backend.ensure({ wan: ['eth0'] });
        assert.equal(backend.report!.runtimeReset, true);
        assert.match(caps.note ?? '', /reload or restart/);
        await backend.apply([ban(CLIENT.ipv4, 600)]);
        assert.equal(await victimAnswers('client'), false);
        assert.deepEqual(keys(await backend.list()), [`block ${CLIENT.ipv4}`]);
        await backend.remove([{ address: CLIENT.ipv4, family: 4, kind: 'block' }]);
      });
    });
  }

  scenario('nftables', 'rich-rules');
  scenario('iptables', 'ipset');

  describe('without a running firewalld', () => {
    it('a stopped firewalld gives a BackendError "firewalld is not running"', async () => {
      // Both scenarios stopped their firewalld in after(); the private bus is still up.
      const b = new FirewalldBackend({ runner: L().runner() });
      await assert.rejects(b.ensure({ wan: ['eth0'] }), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.match(e.message, /^firewalld is not running/);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
      await assert.rejects(b.list(), /ensure\(\) must run/);
    });

    it('a missing firewall-cmd gives a BackendError naming it', async () => {
      const b = new FirewalldBackend({ runner: L().runner(), firewallCmd: '/nonexistent/firewall-cmd' });
      await assert.rejects(b.ensure({ wan: ['eth0'] }), (e: unknown) => e instanceof BackendError && /firewall-cmd: not installed/.test(e.message));
    });

    it("the host's own ruleset and ipsets are unchanged", async () => {
      assert.equal(await hostRuleset(), hostBefore);
    });
  });
});

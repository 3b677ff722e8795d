/**
 * The ipset backend against the real kernel: hash:ip sets with timeouts and iptables/ip6tables hooks inside a lab
 * namespace (root), plus the error paths with fake runners.
 */
import assert from 'node:assert/strict';
import { BackendError } from '../../../packages/agent/src/backends/backend.js';
import { IpsetBackend } from '../../../packages/agent/src/backends/ipset.js';
import { spawnRunner, type Runner } from '../../../packages/agent/src/backends/runner.js';
import { run } from '../../e2e/lab.js';
import { describeKernelBackend } from './kernel-scenario.js';
import type { KernelLab } from './kernel-lab.js';

const SETS = ['portcullis_block4', 'portcullis_block6', 'portcullis_spoof4', 'portcullis_spoof6'];

async function ourRules(lab: KernelLab): Promise<string[]> {
  const rules = [...(await lab.inVictim('iptables', ['-w', '-S']).then((s) => s.split('\n'))), ...(await lab.inVictim('ip6tables', ['-w', '-S']).then((s) => s.split('\n')))];
  return rules.filter((r) => SETS.some((s) => r.includes(`--match-set ${s} `)));
}

describe('agent backend: ipset (real kernel in a namespace; root)', function () {
  this.timeout(30_000);

  describeKernelBackend({
    suite: 'ip',
    tools: ['ipset', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore'],
    make: (runner) => new IpsetBackend({ runner }),
    hooks: ourRules,
    // INPUT and FORWARD, per family: the block hook and one spoof hook per WAN interface.
    expectedHooks: (wan) => 2 * 2 * (1 + wan.length),
    readOnly: (command, args) => (command === 'ipset' && args[0] === 'list') || (/^ip6?tables$/.test(command) && args.includes('-S')),
  });

  describe('kernel details (own namespace)', () => {
    const ns = 'pcl-bk-ip-solo';
    const ipt = async (...args: string[]): Promise<string> => String((await run('ip', ['netns', 'exec', ns, 'iptables', '-w', ...args])).stdout);
    before(async () => {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await run('ip', ['netns', 'add', ns]);
    });
    after(async () => {
      await run('ip', ['netns', 'del', ns]);
    });

    it("re-hooking touches only our rules: an administrator's rule using our set stays, a duplicate of ours goes", async () => {
      const b = new IpsetBackend({ runner: spawnRunner({ netns: ns }), chains: ['INPUT'] });
      await b.ensure({ wan: ['eth0'] });
      await ipt('-A', 'INPUT', '-m', 'set', '--match-set', 'portcullis_block4', 'src', '-j', 'LOG', '--log-prefix', 'banned: ');
      await ipt('-A', 'INPUT', '-m', 'set', '--match-set', 'portcullis_block4', 'src', '-j', 'DROP');
      await b.ensure({ wan: ['wan1'] });
      const rules = (await ipt('-S', 'INPUT')).split('\n').filter((l) => l.startsWith('-A'));
      // Ours at the top (the duplicate DROP, which the administrator had put below the LOG, came back as one copy
      // above it); the eth0 hook is gone; the administrator's LOG stays.
      assert.deepEqual(rules, [
        '-A INPUT -m set --match-set portcullis_block4 src -j DROP',
        '-A INPUT -i wan1 -m set --match-set portcullis_spoof4 src -j DROP',
        '-A INPUT -m set --match-set portcullis_block4 src -j LOG --log-prefix "banned: "',
      ]);
    });

    it("right after ensure, list() reads only the sets ensure's headers showed with entries, and the lists take those headers", async () => {
      const real = spawnRunner({ netns: ns });
      const calls: string[] = [];
      const runner: Runner = (command, args, input) => {
        calls.push([command, ...args].join(' '));
        return real(command, args, input);
      };
      const b = new IpsetBackend({ runner, chains: ['INPUT'] });
      await b.ensure({ wan: ['eth0'] });
      const ipsetCalls = (): string[] => calls.filter((c) => c.startsWith('ipset '));
      calls.length = 0;
      await b.ensure({ wan: ['eth0'] });
      assert.deepEqual(await b.list(), []);
      assert.deepEqual(await b.blocklists.list(), []);
      assert.deepEqual(ipsetCalls(), ['ipset list -t'], 'all four sets empty: nothing more to ask');
      await b.apply([{ address: '198.51.100.8', family: 4, kind: 'block', seconds: 60 }]);
      calls.length = 0;
      await b.ensure({ wan: ['eth0'] });
      assert.deepEqual((await b.list()).map((e) => e.address), ['198.51.100.8']);
      assert.deepEqual(ipsetCalls(), ['ipset list -t', 'ipset list -o save portcullis_block4']);
      // used once: the next list() asks for every set again
      calls.length = 0;
      await b.list();
      assert.equal(ipsetCalls().length, 4);
      // a write drops the reading: after apply, list() sees the new entry
      await b.ensure({ wan: ['eth0'] });
      await b.apply([{ address: '2001:db8::8', family: 6, kind: 'block', seconds: 60 }]);
      assert.deepEqual((await b.list()).map((e) => e.address).sort(), ['198.51.100.8', '2001:db8::8']);
      await b.remove([
        { address: '198.51.100.8', family: 4, kind: 'block' },
        { address: '2001:db8::8', family: 6, kind: 'block' },
      ]);
    });
  });

  describe('without the kernel', () => {
    it('a missing ipset binary is a BackendError naming the command', async () => {
      const b = new IpsetBackend({ runner: spawnRunner(), ipsetCmd: 'pcl-no-such-ipset' });
      await assert.rejects(b.ensure({ wan: [] }), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.message, 'pcl-no-such-ipset list -t: pcl-no-such-ipset is not installed (install the package that provides it)');
        return true;
      });
    });

    it('a missing binary inside a namespace (ip netns exec reports it) is the same sentence', async () => {
      const ns = 'pcl-bk-ip-missing';
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await run('ip', ['netns', 'add', ns]);
      try {
        const b = new IpsetBackend({ runner: spawnRunner({ netns: ns }), ipsetCmd: 'pcl-no-such-ipset' });
        await assert.rejects(b.apply([{ address: '198.51.100.66', family: 4, kind: 'block', seconds: 5 }]), /^BackendError: pcl-no-such-ipset restore -exist: pcl-no-such-ipset is not installed/);
      } finally {
        await run('ip', ['netns', 'del', ns]);
      }
    });

    it("the kernel's refusal names the command, the first stderr line and the input line", async () => {
      const refusing: Runner = spawnRunner({ netns: 'pcl-bk-ip-none-such-ns' });
      const b = new IpsetBackend({ runner: refusing });
      await assert.rejects(b.list(), (e: unknown) => e instanceof BackendError && /^ipset list -o save portcullis_(block|spoof)[46] failed: Cannot open network namespace "pcl-bk-ip-none-such-ns"/.test(e.message));
      // A fake ipset that answers like the real one does for a set that does not exist.
      const fake: Runner = async (command, args, input) => {
        throw new BackendError(`${command} refused: x`, [command, ...args].join(' '), `ipset v7.17: Error in line 2: The set with the given name does not exist\n${input ?? ''}`);
      };
      const f = new IpsetBackend({ runner: fake });
      await assert.rejects(
        f.apply([
          { address: '198.51.100.66', family: 4, kind: 'block', seconds: 5 },
          { address: '2001:db8::66', family: 6, kind: 'spoof', seconds: 5 },
        ]),
        (e: unknown) =>
          e instanceof BackendError &&
          e.message === 'ipset restore -exist failed: ipset v7.17: Error in line 2: The set with the given name does not exist (input line 2: add portcullis_spoof6 2001:db8::66 timeout 5)',
      );
    });

    it('a malformed answer to list is a BackendError, not a short list', async () => {
      const garbled: Runner = async (_c, args) => ({ stdout: `create ${args[3]} hash:ip family inet\nadd ${args[3]} not-an-address timeout 3\n`, stderr: '' });
      await assert.rejects(new IpsetBackend({ runner: garbled }).list(), (e: unknown) => e instanceof BackendError && /unexpected line in the answer: add portcullis_block4 not-an-address/.test(e.message));
    });

    it('an existing set of another kind is reported, never destroyed', async () => {
      const calls: string[] = [];
      const runner: Runner = async (command, args) => {
        calls.push([command, ...args].join(' '));
        if (args[0] === 'list') return { stdout: 'Name: portcullis_block4\nType: hash:net\nRevision: 7\nHeader: family inet hashsize 1024 maxelem 65536\n', stderr: '' };
        return { stdout: '', stderr: '' };
      };
      await assert.rejects(new IpsetBackend({ runner }).ensure({ wan: [] }), /set portcullis_block4 exists as "hash:net family inet/);
      // only reads ran (the rulesets are asked for beside the sets' headers); nothing was written or destroyed
      assert.deepEqual([...calls].sort(), ['ip6tables -w -S', 'ipset list -t', 'iptables -w -S']);
    });

    it('bad set names and chains are refused at construction', () => {
      assert.throws(() => new IpsetBackend({ runner: spawnRunner(), sets: { block4: 'x y' } }), /bad set/);
      assert.throws(() => new IpsetBackend({ runner: spawnRunner(), sets: { block4: 'a'.repeat(32) } }), /at most 31/);
      assert.throws(() => new IpsetBackend({ runner: spawnRunner(), sets: { block4: 'same', block6: 'same' } }), /must differ/);
    });
  });
});

/**
 * The dry-run backend: it prints what the ipset / nftables backend would run and changes nothing. Shown against a
 * real namespace (root): after a dry run the namespace is untouched; the printed text, run by bash inside the
 * namespace, builds exactly what the real backend builds.
 */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { execa } from 'execa';
import { BackendError, type Ban } from '../../../packages/agent/src/backends/backend.js';
import { DryRunBackend, formatCommand, isReadOnly, shellQuote, type DryRunTarget } from '../../../packages/agent/src/backends/dry-run.js';
import { IpsetBackend } from '../../../packages/agent/src/backends/ipset.js';
import { NftablesBackend } from '../../../packages/agent/src/backends/nftables.js';
import { spawnRunner } from '../../../packages/agent/src/backends/runner.js';
import { requireRootAndTools, run } from '../../e2e/lab.js';
import { manyAddresses } from './kernel-lab.js';

/** Namespaces are pcl-bk-dry-<pid>: a crashed run's (dead pid) are removed at the next start. */
const PREFIX = 'pcl-bk-dry-';

function sink(): { out: { write(t: string): void }; text: () => string } {
  let buf = '';
  return { out: { write: (t: string) => void (buf += t) }, text: () => buf };
}

function ban(address: string, seconds: number, kind: Ban['kind'] = 'block'): Ban {
  return { address, family: address.includes(':') ? 6 : 4, kind, seconds };
}

async function kernelState(ns: string): Promise<string> {
  const parts = await Promise.all([
    run('ip', ['netns', 'exec', ns, 'ipset', 'list', '-n']),
    run('ip', ['netns', 'exec', ns, 'iptables', '-w', '-S']),
    run('ip', ['netns', 'exec', ns, 'ip6tables', '-w', '-S']),
    run('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset']),
  ]);
  return parts.map((p) => String(p.stdout)).join('\n--\n');
}

/** Our sets and hooks as the kernel shows them, without the seconds left (which tick). */
async function ours(ns: string): Promise<string> {
  const state = await kernelState(ns);
  // the two families are set up side by side, so `nft list ruleset` may list `ip` or `ip6 filter` first
  const sortTables = (part: string): string => part.split(/^(?=table )/m).sort().join('');
  return state
    .split('--\n')
    .map(sortTables)
    .join('--\n')
    .replace(/timeout \d+s?|expires \S+|initval 0x[0-9a-f]+/g, '');
}

describe('agent backend: dry-run', function () {
  this.timeout(30_000);

  describe('formatting', () => {
    it('quotes words only when needed and writes stdin as a quoted here-document', () => {
      assert.equal(shellQuote('portcullis_block4'), 'portcullis_block4');
      assert.equal(shellQuote("it's"), `'it'\\''s'`);
      assert.equal(shellQuote('a b'), "'a b'");
      assert.equal(formatCommand('ipset', ['list', '-t']), 'ipset list -t\n');
      assert.equal(formatCommand('nft', ['-f', '-'], 'add table inet portcullis\n'), "nft -f - <<'PORTCULLIS_EOF'\nadd table inet portcullis\nPORTCULLIS_EOF\n");
    });

    it('knows the reads of both backends from their writes', () => {
      assert.ok(isReadOnly('ipset', ['list', '-t']));
      assert.ok(isReadOnly('ipset', ['list', '-o', 'save', 'x']));
      assert.ok(isReadOnly('iptables', ['-w', '-S']));
      assert.ok(isReadOnly('nft', ['-j', 'list', 'table', 'inet', 'portcullis']));
      assert.ok(!isReadOnly('ipset', ['restore', '-exist']));
      assert.ok(!isReadOnly('iptables-restore', ['-w', '--noflush']));
      assert.ok(!isReadOnly('iptables', ['-w', '-D', 'INPUT', '-S']));
      assert.ok(!isReadOnly('nft', ['-f', '-']));
      assert.ok(!isReadOnly('nft', ['flush', 'ruleset']));
    });

    it('list() answers from what was applied in this process, with the time left by its clock', async () => {
      let now = 1_000_000;
      const { out } = sink();
      const b = new DryRunBackend({ target: { type: 'nftables' }, out, now: () => now });
      assert.deepEqual(await b.list(), []);
      await b.apply([ban('198.51.100.66', 3), ban('2001:db8::66', 60, 'spoof')]);
      now += 1_500;
      assert.deepEqual(
        (await b.list()).sort((x, y) => x.address.localeCompare(y.address)),
        [
          { address: '198.51.100.66', family: 4, kind: 'block', secondsLeft: 2 },
          { address: '2001:db8::66', family: 6, kind: 'spoof', secondsLeft: 59 },
        ],
      );
      now += 2_000;
      assert.deepEqual((await b.list()).map((e) => e.address), ['2001:db8::66'], 'the 3-s ban is over');
      await b.remove([{ address: '2001:db8::66', family: 6, kind: 'spoof' }]);
      assert.deepEqual(await b.list(), []);
    });

    it('validates like the real backends: a bad address is refused and nothing is printed', async () => {
      const s = sink();
      const b = new DryRunBackend({ target: { type: 'ipset' }, out: s.out });
      await assert.rejects(b.apply([ban('198.51.100.66', 5), ban('198.51.100.66\nflush', 5)]), (e: unknown) => e instanceof BackendError && /refusing/.test(e.message));
      assert.equal(s.text(), '# dry-run (ipset): apply 2 ban(s)\n', 'only the heading, no command');
    });

    it('10,000 bans print as one command', async () => {
      const s = sink();
      const b = new DryRunBackend({ target: { type: 'ipset' }, out: s.out });
      const t = process.hrtime.bigint();
      await b.apply(manyAddresses(10_000).map((a) => ({ ...a, kind: 'block' as const, seconds: 600 })));
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const lines = s.text().split('\n');
      assert.equal(lines.filter((l) => l.startsWith('ipset ')).length, 1);
      assert.equal(lines.filter((l) => l.startsWith('add ')).length, 10_000);
      console.log(`      dry-run: 10,000 bans formatted in ${ms.toFixed(0)} ms (${s.text().length} characters)`);
    });
  });

  describe('against a real namespace (root)', () => {
    const ns = `${PREFIX}${process.pid}`;

    before(async function () {
      await requireRootAndTools(['ip', 'bash', 'ipset', 'iptables', 'ip6tables', 'nft']);
      // Leftovers of crashed runs: namespaces whose pid is gone.
      const list = String((await run('ip', ['netns', 'list'])).stdout).split('\n').map((l) => l.split(/\s+/)[0] ?? '');
      for (const name of list.filter((n) => n.startsWith(PREFIX))) {
        const pid = Number(name.slice(PREFIX.length));
        const alive = Number.isInteger(pid) && (await access(`/proc/${pid}`).then(() => true, () => false));
        if (!alive || pid === process.pid) await run('ip', ['netns', 'del', name]);
      }
    });

    beforeEach(async () => {
      await run('ip', ['netns', 'add', ns]);
    });

    afterEach(async () => {
      await run('ip', ['netns', 'del', ns]);
    });

    const targets: Array<{ target: DryRunTarget; real: () => IpsetBackend | NftablesBackend }> = [
      { target: { type: 'ipset' }, real: () => new IpsetBackend({ runner: spawnRunner({ netns: ns }) }) },
      { target: { type: 'nftables' }, real: () => new NftablesBackend({ runner: spawnRunner({ netns: ns }) }) },
    ];

    for (const { target, real } of targets) {
      it(`${target.type}: changes nothing; the printed text, run by bash, builds what the real backend builds`, async () => {
        const empty = await kernelState(ns);
        const s = sink();
        const dry = new DryRunBackend({ target, out: s.out, inspect: spawnRunner({ netns: ns }) });
        const caps = await dry.ensure({ wan: ['eth0'] });
        assert.match(caps.note ?? '', /^dry run: the .* commands were printed, nothing was changed$/);
        await dry.apply([ban('198.51.100.66', 600), ban('2001:db8::66', 600), ban('203.0.113.9', 600, 'spoof')]);
        await dry.remove([{ address: '2001:db8::66', family: 6, kind: 'block' }]);
        assert.equal(await kernelState(ns), empty, 'the namespace is untouched');
        assert.deepEqual((await dry.list()).map((e) => e.address).sort(), ['198.51.100.66', '203.0.113.9']);

        // The printed text is a script: run it, then compare with the real backend doing the same in a fresh namespace.
        const script = s.text();
        const r = await execa('ip', ['netns', 'exec', ns, 'bash', '-e'], { input: script, reject: false });
        assert.equal(r.exitCode, 0, `printed script failed: ${r.stderr}\n${script}`);
        const fromScript = await ours(ns);
        await run('ip', ['netns', 'del', ns]);
        await run('ip', ['netns', 'add', ns]);
        const b = real();
        await b.ensure({ wan: ['eth0'] });
        await b.apply([ban('198.51.100.66', 600), ban('2001:db8::66', 600), ban('203.0.113.9', 600, 'spoof')]);
        await b.remove([{ address: '2001:db8::66', family: 6, kind: 'block' }]);
        assert.equal(fromScript, await ours(ns), 'same sets, entries and hooks');
        assert.notEqual(fromScript, empty);

        // With the kernel already in shape, a dry ensure prints only what is still needed.
        const again = sink();
        const dry2 = new DryRunBackend({ target, out: again.out, inspect: spawnRunner({ netns: ns }) });
        await dry2.ensure({ wan: ['eth0'] });
        const commands = again.text().split('\n').filter((l) => l && !l.startsWith('#'));
        assert.deepEqual(commands, [], 'sets and hooks exist, nothing to run');
        // list() with inspect shows the kernel's entries too.
        assert.deepEqual((await dry2.list()).map((e) => `${e.kind} ${e.address}`).sort(), ['block 198.51.100.66', 'spoof 203.0.113.9']);
      });
    }
  });
});

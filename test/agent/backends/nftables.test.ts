/**
 * The nftables backend against the real kernel: table inet portcullis with timeout sets and base chains inside a
 * lab namespace (root), plus the error paths with fake runners.
 */
import assert from 'node:assert/strict';
import { BackendError } from '../../../packages/agent/src/backends/backend.js';
import { NftablesBackend } from '../../../packages/agent/src/backends/nftables.js';
import { spawnRunner, type Runner } from '../../../packages/agent/src/backends/runner.js';
import { run } from '../../e2e/lab.js';
import { describeKernelBackend } from './kernel-scenario.js';
import { KernelLab, recording } from './kernel-lab.js';

async function ourRules(lab: KernelLab): Promise<string[]> {
  const text = await lab.inVictim('nft', ['list', 'table', 'inet', 'portcullis']);
  return text.split('\n').map((l) => l.trim()).filter((l) => / saddr @\w+ drop( comment "[^"]*")?$/.test(l));
}

describe('agent backend: nftables (real kernel in a namespace; root)', function () {
  this.timeout(30_000);

  describeKernelBackend({
    suite: 'nft',
    tools: ['nft'],
    make: (runner) => new NftablesBackend({ runner }),
    hooks: ourRules,
    // input and forward: the block rule per family, and the spoof rule per family when there is a WAN.
    expectedHooks: (wan) => 2 * 2 * (wan.length ? 2 : 1),
    readOnly: (command, args) => command === 'nft' && args.includes('list'),
  });

  describe('kernel details (own namespace)', () => {
    const ns = 'pcl-bk-nft-solo';
    const runner = spawnRunner({ netns: ns });
    const nft = async (...args: string[]): Promise<string> => String((await run('ip', ['netns', 'exec', ns, 'nft', ...args])).stdout);

    before(async () => {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await run('ip', ['netns', 'add', ns]);
    });
    after(async () => {
      await run('ip', ['netns', 'del', ns]);
    });

    it('ensure converges from an older chain of ours (other priority, stray rule) and puts the chains at filter - 10', async () => {
      await run('ip', ['netns', 'exec', ns, 'nft', 'add table inet portcullis; add chain inet portcullis input { type filter hook input priority 0; policy accept; }; add rule inet portcullis input tcp dport 22 accept; add chain inet portcullis forward { type filter hook forward priority 5; }']);
      const b = new NftablesBackend({ runner, hooks: ['input'] });
      await b.ensure({ wan: ['eth0', 'ppp0'] });
      const text = await nft('list', 'table', 'inet', 'portcullis');
      assert.match(text, /chain input \{\n\s+type filter hook input priority filter - 10; policy accept;/);
      assert.doesNotMatch(text, /dport 22/, 'the stray rule went with the old chain');
      assert.doesNotMatch(text, /chain forward/, 'a hook left out has its chain of ours removed');
      assert.match(text, /iifname \{ "eth0", "ppp0" \} ip saddr @spoof4 drop/);
      assert.match(text, /iifname \{ "eth0", "ppp0" \} ip6 saddr @spoof6 drop/);
      assert.match(text, /set block6 \{\n\s+type ipv6_addr\n\s+flags timeout\n/);
    });

    it('an unchanged table is only read: ensure writes nothing, and list() and the lists take its reading', async () => {
      await run('ip', ['netns', 'exec', ns, 'nft', 'delete table inet portcullis']).catch(() => undefined);
      await new NftablesBackend({ runner }).ensure({ wan: ['eth0'] });
      const rec = recording(runner);
      const b = new NftablesBackend({ runner: rec.runner });
      await b.ensure({ wan: ['eth0'] });
      assert.deepEqual(await b.list(), []);
      assert.deepEqual(await b.blocklists.list(), []);
      assert.deepEqual(rec.calls.map((c) => c.args.join(' ')), ['-j list table inet portcullis'], 'one nft for ensure, list and the lists');
      // the reading serves once: the next list() asks the kernel again
      await b.list();
      assert.equal(rec.calls.length, 2);
      // a write drops it: after apply, list() shows the new entry
      await b.ensure({ wan: ['eth0'] });
      await b.apply([{ address: '198.51.100.7', family: 4, kind: 'block', seconds: 60 }]);
      assert.deepEqual((await b.list()).map((e) => e.address), ['198.51.100.7']);
      await b.remove([{ address: '198.51.100.7', family: 4, kind: 'block' }]);
    });

    it('ensure rebuilds what a reload, a hand or a config change left otherwise', async () => {
      const rec = recording(runner);
      const b = new NftablesBackend({ runner: rec.runner });
      const writes = (): number => rec.calls.filter((c) => c.args.includes('-f')).length;
      const rules = async (): Promise<number> => (await nft('list', 'table', 'inet', 'portcullis')).split('\n').filter((l) => / drop comment "portcullis [0-9a-f]{16}"$/.test(l.trim())).length;
      await b.ensure({ wan: ['eth0'] });
      const full = await rules();
      assert.equal(full, 8);
      const cases: Array<[string, () => Promise<unknown>, string[]]> = [
        ['table gone (reboot, flush ruleset)', () => nft('delete', 'table', 'inet', 'portcullis'), ['eth0']],
        ['a rule deleted by hand', async () => {
          const handle = /drop comment "[^"]*" # handle (\d+)/.exec(await nft('-a', 'list', 'chain', 'inet', 'portcullis', 'input'))![1]!;
          await nft('delete', 'rule', 'inet', 'portcullis', 'input', 'handle', handle);
        }, ['eth0']],
        ['a rule added by hand', () => nft('add', 'rule', 'inet', 'portcullis', 'forward', 'tcp', 'dport', '22', 'accept'), ['eth0']],
        ['a chain at another priority', async () => {
          await nft('delete', 'chain', 'inet', 'portcullis', 'forward');
          await nft('add chain inet portcullis forward { type filter hook forward priority 0; policy accept; }');
        }, ['eth0']],
        ['chains emptied and a set deleted', async () => {
          await nft('flush', 'chain', 'inet', 'portcullis', 'input');
          await nft('flush', 'chain', 'inet', 'portcullis', 'forward');
          await nft('delete', 'set', 'inet', 'portcullis', 'spoof6');
        }, ['eth0']],
        ['another WAN', async () => undefined, ['eth0', 'ppp0']],
      ];
      for (const [what, change, wan] of cases) {
        await change();
        const before = writes();
        await b.ensure({ wan });
        assert.equal(writes(), before + 1, `${what}: one transaction`);
        assert.equal(await rules(), full, `${what}: all our rules again`);
        await b.ensure({ wan });
        assert.equal(writes(), before + 1, `${what}: then nothing more to do`);
      }
      // the guard: its ranges are in the tag, so other ranges rebuild and the same ones do not
      const before = writes();
      await b.ensure({ wan: ['eth0'], guard: { drop: ['10.0.0.0/8'], exempt: [] } });
      await b.ensure({ wan: ['eth0'], guard: { drop: ['10.0.0.0/8'], exempt: [] } });
      assert.equal(writes(), before + 1);
      await b.ensure({ wan: ['eth0'], guard: { drop: ['10.0.0.0/8', '172.16.0.0/12'], exempt: [] } });
      assert.equal(writes(), before + 2);
      assert.match(await nft('list', 'set', 'inet', 'portcullis', 'guard4'), /172\.16\.0\.0\/12/);
      await b.ensure({ wan: ['eth0'] });
      assert.equal(writes(), before + 3, 'the guard switched off');
      assert.doesNotMatch(await nft('list', 'table', 'inet', 'portcullis'), /guard4/);
    });

    it('apply sends add, delete, add per set in one transaction (the refresh that works before Linux 6.12)', async () => {
      const rec = recording(runner);
      const b = new NftablesBackend({ runner: rec.runner });
      await b.ensure({ wan: [] });
      rec.calls.length = 0;
      await b.apply([
        { address: '198.51.100.66', family: 4, kind: 'block', seconds: 30 },
        { address: '198.51.100.66', family: 4, kind: 'block', seconds: 40 },
        { address: '2001:db8::66', family: 6, kind: 'spoof', seconds: 50 },
      ]);
      assert.equal(rec.calls.length, 1);
      assert.deepEqual(rec.calls[0]!.args, ['-f', '-']);
      assert.equal(
        rec.calls[0]!.input,
        [
          'add element inet portcullis block4 { 198.51.100.66 timeout 40s }',
          'delete element inet portcullis block4 { 198.51.100.66 }',
          'add element inet portcullis block4 { 198.51.100.66 timeout 40s }',
          'add element inet portcullis spoof6 { 2001:db8::66 timeout 50s }',
          'delete element inet portcullis spoof6 { 2001:db8::66 }',
          'add element inet portcullis spoof6 { 2001:db8::66 timeout 50s }',
          '',
        ].join('\n'),
      );
      const listed = await b.list();
      assert.deepEqual(listed.map((e) => [e.kind, e.address]).sort(), [['block', '198.51.100.66'], ['spoof', '2001:db8::66']]);
      assert.ok(listed.every((e) => e.secondsLeft !== undefined && e.secondsLeft >= 38 && e.secondsLeft <= 50));
      await b.remove(listed);
      assert.deepEqual(await b.list(), []);
    });

    it('a set of ours with another type is refused by the kernel: the message names the command, error and line', async () => {
      await run('ip', ['netns', 'exec', ns, 'nft', 'delete table inet portcullis']);
      await run('ip', ['netns', 'exec', ns, 'nft', 'add table inet portcullis; add set inet portcullis block4 { type ipv4_addr; }']);
      const b = new NftablesBackend({ runner });
      await assert.rejects(b.ensure({ wan: [] }), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.match(e.message, /^nft -f - failed: \/dev\/stdin:2:\S+ Error: Could not process rule: File exists \(input line 2: add set inet portcullis block4 \{ type ipv4_addr; flags timeout; \}\)$/);
        return true;
      });
      await assert.rejects(new NftablesBackend({ runner, table: 'nosuch' }).list(), /^BackendError: nft -j list table inet nosuch failed: Error: No such file or directory/);
    });
  });

  describe('without the kernel', () => {
    it('a missing nft binary is a BackendError naming the command', async () => {
      const b = new NftablesBackend({ runner: spawnRunner(), nftCmd: 'pcl-no-such-nft' });
      await assert.rejects(b.ensure({ wan: [] }), (e: unknown) => e instanceof BackendError && e.message === 'pcl-no-such-nft -f -: pcl-no-such-nft is not installed (install the package that provides it)');
    });

    it('a malformed answer to list is a BackendError', async () => {
      const answers = ['not json', '{"x":1}', JSON.stringify({ nftables: [{ set: { family: 'inet', table: 'portcullis', name: 'block4', elem: [{ elem: { val: '2001:db8::1', expires: 3 } }] } }] }), JSON.stringify({ nftables: [{ set: { family: 'inet', table: 'portcullis', name: 'block6', elem: [{ elem: { val: '2001:db8::1', expires: 'soon' } }] } }] })];
      for (const stdout of answers) {
        const r: Runner = async () => ({ stdout, stderr: '' });
        await assert.rejects(new NftablesBackend({ runner: r }).list(), (e: unknown) => e instanceof BackendError && /^nft -j list table inet portcullis: unexpected answer: /.test(e.message), stdout);
      }
      // Bare elements (a set entry without timeout) and foreign sets are read / ignored, not errors.
      const ok: Runner = async () => ({ stdout: JSON.stringify({ nftables: [{ metainfo: {} }, { set: { family: 'inet', table: 'portcullis', name: 'block4', elem: ['198.51.100.9'] } }, { set: { family: 'inet', table: 'portcullis', name: 'other', elem: [{ prefix: {} }] } }] }), stderr: '' });
      assert.deepEqual(await new NftablesBackend({ runner: ok }).list(), [{ address: '198.51.100.9', family: 4, kind: 'block' }]);
    });

    it('bad names are refused at construction (they would be ruleset text)', () => {
      assert.throws(() => new NftablesBackend({ runner: spawnRunner(), table: 'a b' }), /bad table/);
      assert.throws(() => new NftablesBackend({ runner: spawnRunner(), sets: { spoof4: 'x;flush' } }), /bad set/);
      assert.throws(() => new NftablesBackend({ runner: spawnRunner(), sets: { block4: 'with-dash' } }), /bad set/);
    });
  });
});

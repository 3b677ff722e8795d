/**
 * The standing anti-spoofing guard (`detect.spoof.guard: true`) stays up through every state-changing command, not
 * only `run`: `bans add`, `bans remove` and `restore` each make sure the sets and hooks exist, and must bring the
 * guard with them rather than leave it out (or take it down). Switched off in the config, the next run removes it.
 * Real ipset/iptables and nftables in a namespace of the test's own; no traffic is needed to see the kernel's sets.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { requireRootAndTools, run } from '../../e2e/lab.js';
import { cliIn, runWorkspace } from './run-lab.js';

interface Spec {
  backend: 'ipset' | 'nftables';
  tools: string[];
  /** The IPv4 guard's entries as the kernel lists them, sorted (hash order changes on a swap); empty without a guard. */
  guard4(ns: string): Promise<string[]>;
  /** Empties the block sets (what a firewall reload does). */
  flush(ns: string): Promise<void>;
}

async function inNs(ns: string, cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const r = await run('ip', ['netns', 'exec', ns, cmd, ...args], { reject: false });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout) };
}

const SPECS: Spec[] = [
  {
    backend: 'ipset',
    tools: ['ipset', 'iptables'],
    guard4: async (ns) => {
      const r = await inNs(ns, 'ipset', ['list', 'portcullis_guard4']);
      return r.code === 0 ? r.stdout.split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+\/\d+/.test(l)).sort() : [];
    },
    flush: async (ns) => {
      await inNs(ns, 'ipset', ['flush', 'portcullis_block4']);
    },
  },
  {
    backend: 'nftables',
    tools: ['nft'],
    guard4: async (ns) => {
      const r = await inNs(ns, 'nft', ['-j', 'list', 'set', 'inet', 'portcullis', 'portcullis_guard4']);
      if (r.code !== 0) return [];
      const doc = JSON.parse(r.stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
      return (doc.nftables.find((x) => x.set)?.set?.elem ?? []).map((e) => JSON.stringify(e)).sort();
    },
    flush: async (ns) => {
      await inNs(ns, 'nft', ['flush', 'set', 'inet', 'portcullis', 'portcullis_block4']);
    },
  },
];

for (const spec of SPECS) {
  describe(`the anti-spoofing guard through bans and restore (${spec.backend})`, function () {
    this.timeout(120_000);
    const ns = `pcl-guard-${randomBytes(3).toString('hex')}`;
    let dir = '';
    let config = '';

    before(async () => {
      await requireRootAndTools(['ip', ...spec.tools]);
      await run('ip', ['netns', 'add', ns]);
      // a veth pair inside the namespace (no dummy module on every kernel): eth0 is the WAN the guard hooks
      await run('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'lan0']);
      await run('ip', ['-n', ns, 'addr', 'add', '198.51.100.10/24', 'dev', 'eth0']);
      await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      ({ dir, config } = await runWorkspace(spec.backend, 3600));
      await writeFile(config, `${await readFile(config, 'utf8')}detect: {spoof: {guard: true}}\n`);
    });

    after(async () => {
      await run('ip', ['netns', 'del', ns], { reject: false });
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => cliIn(ns, args);

    it('run puts the guard up; bans add, bans remove and restore keep it up; switched off, run takes it down', async () => {
      const ran = await cli('run', '--config', config);
      assert.deepEqual([ran.code, ran.stderr], [0, '']);
      const up = await spec.guard4(ns);
      assert.ok(up.length > 5, `the guard holds the special-purpose ranges: ${up.length}`);

      const added = await cli('bans', 'add', '203.0.113.9', '--for', '1h', '--config', config);
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(await spec.guard4(ns), up, 'bans add keeps the guard as it was');

      await spec.flush(ns);
      const restored = await cli('restore', '--config', config);
      assert.deepEqual([restored.code, restored.stderr], [0, '']);
      assert.deepEqual(await spec.guard4(ns), up, 'restore keeps the guard as it was');

      const removed = await cli('bans', 'remove', '203.0.113.9', '--config', config);
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(await spec.guard4(ns), up, 'bans remove keeps the guard as it was');

      await writeFile(config, (await readFile(config, 'utf8')).replace('guard: true', 'guard: false'));
      const off = await cli('run', '--config', config);
      assert.deepEqual([off.code, off.stderr], [0, '']);
      assert.deepEqual(await spec.guard4(ns), [], 'switched off, the guard is gone');
    });
  });
}

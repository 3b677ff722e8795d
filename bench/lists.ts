/**
 * The blocklist benchmark: how long a 100,000-entry list takes from file to kernel, with each kernel backend,
 * through the run's own step (refreshLists: read, validate every line, merge, cut out the allow list, write the
 * state copy, one `ipset restore` with swap / one `nft -f` transaction). Target: at most 2 s.
 *
 *   node --import tsx bench/lists.ts [--entries 100000] [--runs 3]          (root: it works in a namespace)
 *
 * The list mixes single addresses and /24s of public-looking space (Spamhaus and FireHOL style lines), written
 * once to bench/out/list-<n>.txt. Every run is a first load into an empty namespace followed by a reload of new
 * content (the swap). A scratch namespace `pcl-bench-lists` is made and deleted; the host's firewall is untouched.
 * Nothing here asserts a timing: this is never part of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Backend } from '../packages/agent/src/backends/backend.js';
import { IpsetBackend } from '../packages/agent/src/backends/ipset.js';
import { NftablesBackend } from '../packages/agent/src/backends/nftables.js';
import { spawnRunner } from '../packages/agent/src/backends/runner.js';
import { refreshLists } from '../packages/agent/src/lists/refresh.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const NS = 'pcl-bench-lists';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const entries = Number(values.entries);
const runs = Number(values.runs);

function listText(n: number, salt: number): string {
  const lines = [`# bench list, ${n} entries`];
  for (let i = 0; i < n; i++) {
    const a = 11 + ((i >> 16) % 80);
    const b = (i >> 8) & 255;
    const c = i & 255;
    lines.push(i % 10 === 0 ? `${a}.${b}.${c}.0/24 ; SBL${i}` : `${a}.${b}.${c}.${(7 + salt) % 250}`);
  }
  return `${lines.join('\n')}\n`;
}

function ns(...args: string[]): void {
  execFileSync('ip', ['netns', ...args], { stdio: 'ignore' });
}

async function one(kind: 'ipset' | 'nftables'): Promise<{ first: number; reload: number }> {
  try {
    ns('del', NS);
  } catch {
    /* none left over */
  }
  ns('add', NS);
  const dir = mkdtempSync(join(tmpdir(), 'pcl-bench-lists-'));
  try {
    const runner = spawnRunner({ netns: NS, timeoutMs: 120_000 });
    const backend: Backend = kind === 'ipset' ? new IpsetBackend({ runner }) : new NftablesBackend({ runner });
    await backend.ensure({ wan: [] });
    const file = join(dir, 'list.txt');
    const lists = [{ name: 'bench', source: { type: 'file' as const, path: file }, refreshMs: 1000, expireMs: 3_600_000 }];
    const deps = { lists, exempt: ['11.0.0.7', '11.1.0.0/24'] };
    writeFileSync(file, listText(entries, 0));
    let t = performance.now();
    let r = await refreshLists(deps, { stateDir: dir, backend, now: Date.now() });
    const first = performance.now() - t;
    if (r.outcomes[0]?.action !== 'fetched') throw new Error(`${kind}: first load: ${JSON.stringify(r)}`);
    writeFileSync(file, listText(entries, 1));
    t = performance.now();
    r = await refreshLists(deps, { stateDir: dir, backend, now: Date.now() + 2000 });
    const reload = performance.now() - t;
    if (r.outcomes[0]?.action !== 'fetched') throw new Error(`${kind}: reload: ${JSON.stringify(r)}`);
    return { first, reload };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    ns('del', NS);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
mkdirSync(resolve(HERE, 'out'), { recursive: true });
console.log(`lists bench: ${entries.toLocaleString('en')} entries, ${runs} run(s) per backend, target ≤ 2000 ms`);
for (const kind of ['ipset', 'nftables'] as const) {
  const res = [];
  for (let i = 0; i < runs; i++) res.push(await one(kind));
  const f = median(res.map((r) => r.first));
  const l = median(res.map((r) => r.reload));
  console.log(`${kind.padEnd(9)} first load ${f.toFixed(0).padStart(5)} ms   reload (swap) ${l.toFixed(0).padStart(5)} ms   ${Math.max(f, l) <= 2000 ? 'within' : 'OVER'} target`);
}

/**
 * Applying bans: one batch through the backend (one `ipset restore`, one `nft -f` transaction) against one process
 * per ban, the way fail2ban's actions call `ipset add` / `nft add element`. Side by side, in one run, inside a
 * scratch network namespace (`pcl-bench-bans`, made and deleted; the host's firewall is untouched). Root.
 *
 *   node --import tsx bench/bans.ts [--bans 10000] [--runs 3]
 *
 * Both ways start from the same empty sets (the backend's ensure()), add the same addresses with a 1 h timeout, and
 * are checked by counting the kernel's entries afterwards. Prints medians and the ratio. Never part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Backend, Ban } from '../packages/agent/src/backends/backend.js';
import { IpsetBackend } from '../packages/agent/src/backends/ipset.js';
import { NftablesBackend } from '../packages/agent/src/backends/nftables.js';
import { spawnRunner } from '../packages/agent/src/backends/runner.js';

const NS = 'pcl-bench-bans';
const { values } = parseArgs({ options: { bans: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.bans);
const runs = Number(values.runs);
if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(runs) || runs < 1) throw new Error('--bans and --runs take positive whole numbers');

/** Distinct public-looking IPv4 addresses (the backend refuses nothing here; the ranges are never routed). */
function addresses(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${11 + ((i >> 16) % 80)}.${(i >> 8) & 255}.${i & 255}.${1 + (i % 250)}`);
  return out;
}

function ns(...args: string[]): void {
  execFileSync('ip', ['netns', ...args], { stdio: 'ignore' });
}

function inNs(cmd: string, args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

function kernelCount(kind: 'ipset' | 'nftables', backend: IpsetBackend | NftablesBackend): number {
  if (kind === 'ipset') {
    const set = (backend as IpsetBackend).sets.block4;
    return inNs('ipset', ['list', set]).split('\n').filter((l) => /^\d+\.\d+\.\d+\.\d+ timeout/.test(l)).length;
  }
  const b = backend as NftablesBackend;
  const text = inNs('nft', ['-j', 'list', 'set', 'inet', b.table, b.sets.block4]);
  const json = JSON.parse(text) as { nftables: { set?: { elem?: unknown[] } }[] };
  return json.nftables.find((x) => x.set)?.set?.elem?.length ?? 0;
}

/** One `ipset add` / `nft add element` process per ban, as fail2ban's actions do. */
function perProcess(kind: 'ipset' | 'nftables', backend: IpsetBackend | NftablesBackend, list: readonly string[]): void {
  for (const a of list) {
    const r =
      kind === 'ipset'
        ? spawnSync('ip', ['netns', 'exec', NS, 'ipset', 'add', (backend as IpsetBackend).sets.block4, a, 'timeout', '3600', '-exist'])
        : spawnSync('ip', ['netns', 'exec', NS, 'nft', 'add', 'element', 'inet', (backend as NftablesBackend).table, (backend as NftablesBackend).sets.block4, `{ ${a} timeout 1h }`]);
    if (r.status !== 0) throw new Error(`${kind} add ${a}: ${r.stderr.toString()}`);
  }
}

async function one(kind: 'ipset' | 'nftables', way: 'batch' | 'per-process'): Promise<number> {
  try {
    ns('del', NS);
  } catch {
    /* none left over */
  }
  ns('add', NS);
  try {
    const runner = spawnRunner({ netns: NS, timeoutMs: 600_000 });
    const backend = kind === 'ipset' ? new IpsetBackend({ runner }) : new NftablesBackend({ runner });
    await (backend as Backend).ensure({ wan: [] });
    const list = addresses(count);
    const t = performance.now();
    if (way === 'batch') {
      const bans: Ban[] = list.map((address) => ({ address, family: 4, kind: 'block', seconds: 3600 }));
      await backend.apply(bans);
    } else perProcess(kind, backend, list);
    const ms = performance.now() - t;
    const n = kernelCount(kind, backend);
    if (n !== count) throw new Error(`${kind} ${way}: the kernel holds ${n} entries, expected ${count}`);
    return ms;
  } finally {
    ns('del', NS);
  }
}

// a bench stopped half-way (timeout, ^C) must not leave its namespace behind
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    try {
      ns('del', NS);
    } catch {
      /* not made yet */
    }
    process.exit(130);
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map<string, number[]>();
const load = [loadavg()[0]];
for (let r = 1; r <= runs; r++) {
  for (const kind of ['ipset', 'nftables'] as const) {
    for (const way of ['batch', 'per-process'] as const) {
      const ms = await one(kind, way);
      load.push(loadavg()[0]);
      const key = `${kind} ${way}`;
      results.set(key, [...(results.get(key) ?? []), ms]);
      console.log(`  run ${r}/${runs} ${key.padEnd(22)} ${(ms / 1000).toFixed(2)} s`);
    }
  }
}
console.log(`\n${count.toLocaleString('en')} bans, ${runs} runs, load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
console.log('backend    batch (one process)   one process per ban   ratio');
for (const kind of ['ipset', 'nftables'] as const) {
  const b = median(results.get(`${kind} batch`)!);
  const p = median(results.get(`${kind} per-process`)!);
  console.log(`${kind.padEnd(9)}  ${(b / 1000).toFixed(2).padStart(17)} s  ${(p / 1000).toFixed(2).padStart(17)} s   ${(p / b).toFixed(0)}x`);
}

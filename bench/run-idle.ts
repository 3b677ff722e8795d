/**
 * `portcullis run` on a large log that has not changed since the last run: it must read nothing and finish close to
 * Node's own start-up. Side by side in one run, alternating: `node -e 0` and the built `portcullis run` with the
 * nftables or ipset backend in a scratch namespace (`pcl-bench-idle`, made and deleted; the host's firewall is
 * untouched), both started through `ip netns exec` so the two pay the same entry cost. Root.
 *
 *   node --import tsx bench/run-idle.ts [--gb 1] [--runs 15] [--backend nftables|ipset] [--no-cache]
 *
 * The runs keep the config's checked settings in a scratch cache directory (PORTCULLIS_CACHE_DIR), as the example
 * unit's CacheDirectory= does; --no-cache measures the run that parses and validates the YAML every time.
 *
 * The log is `bench/out/idle-<gb>g.log`, made once from copies of the generated 1M-line log. The first run starts
 * at the end of it (config `start: end`), as a server whose earlier runs read it all; every measured run after it is
 * checked to have read 0 lines. Prints medians and the ratio to `node -e 0`, and writes a CPU profile of one more run
 * to bench/out/run-idle.cpuprofile (where the time goes). Never in `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NS = 'pcl-bench-idle';
const BIN = join(ROOT, 'packages/agent/bin/portcullis.js');
const { values } = parseArgs({
  options: {
    gb: { type: 'string', default: '1' },
    runs: { type: 'string', default: '15' },
    backend: { type: 'string', default: 'nftables' },
    'no-cache': { type: 'boolean', default: false },
  },
});
const gb = Number(values.gb);
const runs = Number(values.runs);
const backend = values.backend;
if (!(gb > 0) || !Number.isSafeInteger(runs) || runs < 1 || (backend !== 'nftables' && backend !== 'ipset')) {
  throw new Error('--gb takes a positive number, --runs a positive whole number, --backend nftables or ipset');
}
if (!existsSync(join(ROOT, 'packages/agent/dist/bundle/main.js'))) throw new Error('the CLI is not built: run npm run build');

/** The big log: copies of the generated 1M-line log (255 MB) until it reaches the size asked for. */
async function bigLog(): Promise<string> {
  const out = join(ROOT, `bench/out/idle-${gb}g.log`);
  const want = gb * 1024 ** 3;
  if (existsSync(out) && statSync(out).size >= want) return out;
  const seed = join(ROOT, 'bench/out/mixed-1m.log');
  if (!existsSync(seed)) execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/generate.ts'), '--lines', '1000000', '--out', seed], { stdio: 'inherit', cwd: ROOT });
  const chunk = readFileSync(seed);
  const w = createWriteStream(out);
  for (let size = 0; size < want; size += chunk.length) {
    if (!w.write(chunk)) await new Promise<void>((r) => w.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => w.end((err?: Error | null) => (err ? j(err) : r())));
  return out;
}

function ns(...args: string[]): void {
  execFileSync('ip', ['netns', ...args], { stdio: 'ignore' });
}

function dropNs(): void {
  try {
    ns('del', NS);
  } catch {
    /* none */
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    dropNs();
    process.exit(130);
  });
}

function timed(args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8', env });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const log = await bigLog();
const dir = mkdtempSync(join(tmpdir(), 'pcl-idle-'));
const config = join(dir, 'config.yaml');
// as the example unit's CacheDirectory= does: the config's checked settings are kept between runs (--no-cache: not)
const env = { ...process.env, PORTCULLIS_CACHE_DIR: values['no-cache'] ? '' : join(dir, 'cache'), CACHE_DIRECTORY: '' };
writeFileSync(config, `sources:\n  - ${log}\nstate: ${join(dir, 'state')}\nwan: [eth0]\nstart: end\nbackend:\n  type: ${backend}\n`);
dropNs();
ns('add', NS);
try {
  const first = timed(['node', BIN, 'run', '--config', config, '--verbose']);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const node: number[] = [];
  const run: number[] = [];
  const load = [loadavg()[0]];
  for (let i = 0; i < runs; i++) {
    node.push(timed(['node', '-e', '0']).ms);
    const r = timed(['node', BIN, 'run', '--config', config, '--verbose']);
    if (!/^0 new line\(s\)/m.test(r.stdout)) throw new Error(`the log changed under the bench? run said:\n${r.stdout}`);
    run.push(r.ms);
    load.push(loadavg()[0]);
  }
  const prof = join(ROOT, 'bench/out');
  timed(['node', '--cpu-prof', `--cpu-prof-dir=${prof}`, '--cpu-prof-name=run-idle.cpuprofile', BIN, 'run', '--config', config]);
  const n = median(node);
  const p = median(run);
  console.log(`log ${log} (${(statSync(log).size / 1024 ** 3).toFixed(2)} GiB), backend ${backend}, ${runs} rounds, load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
  console.log(`first run (starts at the end): ${first.ms.toFixed(0)} ms`);
  console.log('command                      median ms   min ms   max ms');
  console.log(`node -e 0                    ${n.toFixed(0).padStart(9)}  ${Math.min(...node).toFixed(0).padStart(7)}  ${Math.max(...node).toFixed(0).padStart(7)}`);
  console.log(`portcullis run (unchanged)   ${p.toFixed(0).padStart(9)}  ${Math.min(...run).toFixed(0).padStart(7)}  ${Math.max(...run).toFixed(0).padStart(7)}`);
  console.log(`ratio: ${(p / n).toFixed(2)}x node -e 0 (target: at most 2x); profile: ${join(prof, 'run-idle.cpuprofile')}`);
} finally {
  dropNs();
  rmSync(dir, { recursive: true, force: true });
}

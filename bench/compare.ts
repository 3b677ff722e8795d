/**
 * Speed side by side: the same file, the same run of the harness, tools alternating round by round, medians.
 *
 *   node --import tsx bench/compare.ts [--lines 1m] [--rounds 3] [--tools portcullis,portcullis-1,fail2ban,crowdsec,grep,slice,node]
 *
 * - portcullis: `portcullis scan --json FILE` from packages/agent (built: run `npm run build` first): full parse,
 *   classification, detection and the report, as a user runs it (a large file on one thread per core, at most 4).
 * - portcullis-1: the same with `--threads 1`.
 * - fail2ban: `fail2ban-regex -r --usedns=no --print-no-missed -o ip FILE FILTER` with the self-contained filter of
 *   /work/shared/recipes/peers.md (Debian's fail2ban; `-o ip` keeps its memory flat). It matches lines and prints
 *   the address of each; it has no notion of a scan, so "found" is its distinct matched addresses.
 * - crowdsec: CrowdSec 1.4.6's replay (`crowdsec -dsn file://FILE -type syslog -no-api`) with the hub's iptables
 *   parsers and `iptables-scan-multi_ports`, a private config and local API started before the clock (bench/peers).
 * - grep: `grep -c SRC= FILE`, the floor of reading the bytes.
 * - slice: the issue's "minimal Node loop that only slices SRC and DPT with indexOf" (bench/peers/slice-floor.mjs):
 *   lines split from 1 MiB chunks, SRC and DPT sliced out, distinct sources counted. No decoding, classification
 *   or detection: the floor for a Node tool that looks at the fields at all.
 * - node: reading the file once in Node with a 1 MiB buffer and counting newlines, the floor for a Node tool.
 * Each run is a fresh process timed by /usr/bin/time (wall seconds, peak RSS). Prints lines/s, MB/s, peak RSS, what
 * each tool found, and ratios to fail2ban-regex and to grep. Never part of `npm test`.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAddress } from '../packages/core/src/net/address-class.js';
import { defaultOut, generate, GENERATED_UTC_OFFSET, GENERATED_YEAR } from './generate.js';
import { crowdsecFlagged, crowdsecMissing, crowdsecReplayCommand, startCrowdsec } from './peers/crowdsec.js';
import { timed } from './peers/timed.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench/out');
const CLI = join(ROOT, 'packages/agent/bin/portcullis.js');

interface Options {
  lines: number;
  rounds: number;
  tools: string[];
}

interface Run {
  seconds: number;
  rssMb: number;
  stdout: string;
  /** Standard output and error (without /usr/bin/time's line): CrowdSec logs its alerts on either. */
  output: string;
}

interface Tool {
  readonly name: string;
  readonly what: string;
  missing(): string | undefined;
  command(file: string): string[];
  /** What a run needs beside it (CrowdSec's local API), made before the clock starts and stopped after. */
  setUp?(): Promise<{ stop(): Promise<void> }>;
  /** What the tool found, in a few words. */
  found(stdout: string, output: string): string;
  /** The sources it called scanners, with the rules that flagged each where it says (to score against the generator). */
  flagged?(stdout: string, output: string): { source: string; rules: readonly string[] }[];
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { lines: 1_000_000, rounds: 3, tools: ['portcullis', 'portcullis-1', 'fail2ban', 'crowdsec', 'grep', 'slice', 'node'] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: needs a value`);
    if (flag === '--lines') o.lines = count(value);
    else if (flag === '--rounds') o.rounds = Number(value);
    else if (flag === '--tools') o.tools = value.split(',').filter(Boolean);
    else throw new Error(`unknown option ${flag} (known: --lines, --rounds, --tools)`);
  }
  if (!Number.isSafeInteger(o.lines) || o.lines < 1) throw new Error('--lines: a positive count (100k, 1m, 10m)');
  if (!Number.isSafeInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds: a positive whole number');
  return o;
}

function count(text: string): number {
  const m = /^(\d+)([km]?)$/i.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * ({ k: 1000, m: 1_000_000 }[m[2].toLowerCase()] ?? 1);
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, cmd)));
}

const FILTER = join(OUT, 'fail2ban-portcullis-bench.conf');
const CROWDSEC_DIR = join(OUT, 'crowdsec-compare');

/** `portcullis scan --json` as a user runs it, with `extra` options. */
function portcullisTool(name: string, what: string, extra: readonly string[]): Tool {
  return {
    name,
    what,
    missing: () => (existsSync(join(ROOT, 'packages/agent/dist/bundle/main.js')) ? undefined : 'not built (npm run build)'),
    // the generated BSD lines carry no year and no zone: the generator's, or they would land a year (and the zone's
    // hours) away from the RFC 3339 ones
    command: (file) => [process.execPath, CLI, 'scan', '--json', '--year', String(GENERATED_YEAR), '--utc-offset', GENERATED_UTC_OFFSET, ...extra, file],
    found: (stdout) => {
      const r = JSON.parse(stdout) as { scanners: unknown[]; spoofed: unknown[] };
      return `${r.scanners.length} scanners, ${r.spoofed.length} spoofed`;
    },
    flagged: (stdout) => (JSON.parse(stdout) as { scanners: { ip: string; shapes: string[] }[] }).scanners.map((x) => ({ source: x.ip, rules: x.shapes })),
  };
}

const TOOLS: Record<string, Tool> = {
  portcullis: portcullisTool('portcullis scan', 'parse, classify, detect, report', []),
  'portcullis-1': portcullisTool('portcullis scan --threads 1', 'the same on one thread', ['--threads', '1']),
  fail2ban: {
    name: 'fail2ban-regex -o ip',
    what: 'match lines, print SRC',
    missing: () => (onPath('fail2ban-regex') ? undefined : 'not installed (apt-get install fail2ban)'),
    command: (file) => {
      // a filter outside filter.d cannot include common.conf: self-contained, by absolute path (peers.md)
      writeFileSync(
        FILTER,
        '[Definition]\nfailregex = ^\\s*\\S+ kernel: (?:\\[\\s*\\d+\\.\\d+\\]\\s*)?[^=]*?IN=\\S* OUT=\\S* (?:MAC=\\S+ )?SRC=<HOST> DST=\\S+ \nignoreregex =\ndatepattern = {^LN-BEG}%%b %%d %%H:%%M:%%S\n',
      );
      return ['fail2ban-regex', '-r', '--usedns=no', '--print-no-missed', '-o', 'ip', file, FILTER];
    },
    found: (stdout) => `${new Set(stdout.split('\n').filter((l) => /^[0-9a-f.:]+$/i.test(l.trim()))).size} distinct addresses (no scan logic)`,
  },
  crowdsec: {
    name: 'CrowdSec 1.4.6 (replay)',
    what: 'parse, enrich, multi-port scenario',
    missing: crowdsecMissing,
    setUp: () => startCrowdsec(CROWDSEC_DIR),
    command: (file) => crowdsecReplayCommand(CROWDSEC_DIR, file),
    found: (_, output) => `${crowdsecFlagged(output).length} scanners`,
    flagged: (_, output) => crowdsecFlagged(output).map((source) => ({ source, rules: ['multi_ports'] })),
  },
  grep: {
    name: 'grep -c SRC=',
    what: 'count matching lines',
    missing: () => (onPath('grep') ? undefined : 'no grep'),
    command: (file) => ['grep', '-c', 'SRC=', file],
    found: (stdout) => `${stdout.trim()} lines`,
  },
  slice: {
    name: 'node: slice SRC and DPT',
    what: "the issue's minimal Node loop, no detection",
    missing: () => undefined,
    command: (file) => [process.execPath, join(ROOT, 'bench', 'peers', 'slice-floor.mjs'), file],
    found: (stdout) => `${stdout.trim().split(' ')[0]} distinct sources`,
  },
  node: {
    name: 'node: read + count lines',
    what: 'the floor for a Node tool',
    missing: () => undefined,
    command: (file) => [
      process.execPath,
      '-e',
      `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(file)},'r');const b=Buffer.alloc(1<<20);let n=0,r;while((r=fs.readSync(fd,b,0,b.length,null))>0){let i=-1;while((i=b.indexOf(10,i+1))>=0&&i<r)n++;}console.log(n)`,
    ],
    found: (stdout) => `${stdout.trim()} lines`,
  },
};

function timedRun(argv: readonly string[]): Promise<Run> {
  // grep -c exits 1 when nothing matched; anything else non-zero is a failure
  return timed(argv, { okCodes: argv[0] === 'grep' ? [1] : [] }).then((r) => ({ seconds: r.seconds, rssMb: r.rssKb / 1024, stdout: r.stdout, output: r.stdout + r.stderr }));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: readonly string[]) => r.map((v, c) => (c === 0 || c === r.length - 1 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(OUT, { recursive: true });
  const file = resolve(ROOT, defaultOut(o.lines, 42));
  if (!existsSync(file)) {
    console.log(`generating ${file} ...`);
    await generate({ lines: o.lines, seed: 42, out: file });
  }
  const bytes = statSync(file).size;
  const lines = o.lines;
  const tools: Tool[] = [];
  for (const name of o.tools) {
    const t = TOOLS[name];
    if (!t) throw new Error(`unknown tool ${name} (known: ${Object.keys(TOOLS).join(', ')})`);
    const why = t.missing();
    if (why) console.log(`skipping ${t.name}: ${why}`);
    else tools.push(t);
  }
  const runs = new Map<Tool, Run[]>(tools.map((t) => [t, []]));
  const load = [loadavg()[0]];
  for (let r = 1; r <= o.rounds; r++) {
    for (const t of tools) {
      const beside = await t.setUp?.();
      let run: Run;
      try {
        run = await timedRun(t.command(file));
      } finally {
        await beside?.stop();
      }
      runs.get(t)!.push(run);
      load.push(loadavg()[0]);
      console.log(`  round ${r}/${o.rounds} ${t.name.padEnd(26)} ${run.seconds.toFixed(2)} s  ${run.rssMb.toFixed(0)} MB`);
    }
  }
  const med = new Map(tools.map((t) => [t, median(runs.get(t)!.map((x) => x.seconds))]));
  const f2b = tools.find((t) => t === TOOLS.fail2ban);
  const grep = tools.find((t) => t === TOOLS.grep);
  const cs = tools.find((t) => t === TOOLS.crowdsec);
  const rows = [['tool', 'median s', 'lines/s', 'MB/s', 'peak RSS MB', 'vs fail2ban', 'vs CrowdSec', 'vs grep', 'found']];
  for (const t of tools) {
    const s = Math.max(med.get(t)!, 0.01);
    const rss = Math.max(...runs.get(t)!.map((x) => x.rssMb));
    rows.push([
      t.name,
      s.toFixed(2),
      Math.round(lines / s).toLocaleString('en'),
      (bytes / 1e6 / s).toFixed(1),
      rss.toFixed(0),
      f2b ? `${(med.get(f2b)! / s).toFixed(1)}x` : '-',
      cs ? `${(med.get(cs)! / s).toFixed(1)}x` : '-',
      grep ? `${(s / Math.max(med.get(grep)!, 0.01)).toFixed(1)}x slower` : '-',
      t.found(runs.get(t)![0].stdout, runs.get(t)![0].output),
    ]);
  }
  console.log(`\n${file}: ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB; ${o.rounds} rounds; load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
  console.log(table(rows));
  const slice = tools.find((t) => t === TOOLS.slice);
  if (slice && (f2b || grep)) {
    // where the issue's targets sit against a loop that does nothing but find two fields
    const targets = [f2b ? `20x fail2ban-regex is ${(med.get(f2b)! / 20).toFixed(2)} s` : '', grep ? `10x grep is ${(med.get(grep)! * 10).toFixed(2)} s` : '']
      .filter(Boolean)
      .join(', ');
    console.log(`targets: ${targets}; slicing SRC and DPT alone takes ${med.get(slice)!.toFixed(2)} s`);
  }
  const summary = file + '.json';
  if (existsSync(summary)) {
    const s = JSON.parse(readFileSync(summary, 'utf8')) as { scanners?: { src: string }[] };
    if (s.scanners) {
      // the generator writes IPv6 as the kernel does (every group in full); the tools print them canonical
      const canonical = (a: string): string => parseAddress(a)?.address ?? a;
      const planted = new Set(s.scanners.map((x) => canonical(x.src)));
      console.log(`the generator planted ${planted.size} scanners (bursts and slow trickles); its background pool has loud sources too, some of which touch many ports`);
      for (const t of tools) {
        if (!t.flagged) continue;
        const run = runs.get(t)![0]!;
        const list = t.flagged(run.stdout, run.output);
        const others = list.filter((x) => !planted.has(canonical(x.source)));
        const byRule = new Map<string, number>();
        for (const x of others) byRule.set(x.rules.join('+'), (byRule.get(x.rules.join('+')) ?? 0) + 1);
        const rules = [...byRule].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} by ${r}`).join(', ');
        console.log(`  ${t.name}: ${list.length - others.length}/${planted.size} planted found; ${others.length} background sources flagged${rules ? ` (${rules})` : ''}`);
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

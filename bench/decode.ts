/**
 * The decode benchmark: how fast the core reads a large mixed log, stage by stage.
 *
 *   npm run bench                                  (= node --import tsx bench/decode.ts)
 *   node --import tsx bench/decode.ts --runs 5 --core build --peers
 *
 * Stages, each over the whole file, read as a stream and split at '\n':
 *   read   reading and line splitting alone (the floor every other stage stands on)
 *   frame  frame(line) from framing/frame.ts: envelope, time, host, message offset
 *   event  readLineEvent(line) from nflog/line-event.ts: the detector's facts without a Token per field
 *   hot    decodeLine(line) from nflog/decode.ts, reading only the summary fields detection needs
 *   full   decodeLine + toEcs (every field decoded, ECS event built) + JSON.stringify
 *
 * Every run is a fresh child process (so peak RSS is per stage, and one stage's JIT and garbage do not colour the
 * next); runs go round-robin over the stages; the table shows medians. A stage whose module has not landed yet
 * is reported as missing, not failed. Nothing here asserts a timing: this is never part of `npm test`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultOut, generate, type GenerateSummary } from './generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const STAGES = ['read', 'frame', 'event', 'hot', 'full'] as const;
type Stage = (typeof STAGES)[number] | 'check';
type CoreFrom = 'src' | 'dist' | 'build';

/** "Now" for year-less stamps: the generated log runs through March 2025. */
const NOW = Date.UTC(2025, 3, 15);

interface Args {
  file?: string;
  lines: number;
  seed: number;
  runs: number;
  stages: Stage[];
  core: CoreFrom;
  peers: boolean;
  check: boolean;
  worker?: Stage;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { lines: 1_000_000, seed: 42, runs: 5, stages: [...STAGES], core: 'src', peers: false, check: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--file') a.file = v();
    else if (k === '--lines') a.lines = Number(v().replace(/k$/i, '000').replace(/m$/i, '000000'));
    else if (k === '--seed') a.seed = Number.parseInt(v(), 10);
    else if (k === '--runs') a.runs = Number.parseInt(v(), 10);
    else if (k === '--stages') a.stages = v().split(',') as Stage[];
    else if (k === '--core') a.core = v() as CoreFrom;
    else if (k === '--peers') a.peers = true;
    else if (k === '--no-check') a.check = false;
    else if (k === '--worker') a.worker = v() as Stage;
    else if (k === '--help' || k === '-h') {
      process.stdout.write(
        'usage: node --import tsx bench/decode.ts [--file LOG] [--lines 1m] [--seed 42] [--runs 5]\n' +
          '         [--stages read,frame,event,hot,full] [--core src|dist|build] [--peers] [--no-check]\n' +
          '  --file   log to measure (default: bench/out/mixed-<lines>.log, generated when missing)\n' +
          '  --core   src: the TypeScript sources through tsx; dist: packages/core/dist as built;\n' +
          '           build: compile packages/core into bench/out/core-dist first and use that\n' +
          '  --peers  also time fail2ban-regex -o ip on the same file (when installed)\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k} (try --help)`);
  }
  for (const s of a.stages) if (![...STAGES, 'check'].includes(s)) throw new Error(`unknown stage ${s}`);
  if (!['src', 'dist', 'build'].includes(a.core)) throw new Error('--core must be src, dist or build');
  if (!(a.runs >= 1)) throw new Error('--runs must be at least 1');
  return a;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: one reused 1 MiB buffer filled from a file handle (a stream, never the whole file in memory), cut at
// its last '\n', decoded to one string per chunk and split with indexOf; lines are slices of that string.
// A chunk that is pure ASCII (as logs almost always are) is decoded as latin1, which gives the same string and is
// more than ten times faster than Node 20's UTF-8 decoder on this machine; anything else goes through UTF-8.

async function forEachLine(file: string, onLine: (line: string) => void): Promise<number> {
  const fh = await open(file, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  let lines = 0;
  const emit = (s: string): void => {
    let start = 0;
    let nl = s.indexOf('\n');
    while (nl >= 0) {
      onLine(s.slice(start, nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
      lines++;
      start = nl + 1;
      nl = s.indexOf('\n', start);
    }
    if (start < s.length) {
      onLine(s.slice(start));
      lines++;
    }
  };
  try {
    for (;;) {
      if (have === buf.length) {
        // a line longer than the buffer: grow it
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) break;
      const end = have + bytesRead;
      const cut = buf.lastIndexOf(10, end - 1) + 1;
      if (cut === 0) {
        have = end;
        continue;
      }
      const view = buf.subarray(0, cut);
      emit(view.toString(isAscii(view) ? 'latin1' : 'utf8'));
      buf.copy(buf, 0, cut, end);
      have = end - cut;
    }
    if (have > 0) {
      const view = buf.subarray(0, have);
      emit(view.toString(isAscii(view) ? 'latin1' : 'utf8'));
    }
  } finally {
    await fh.close();
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// The core's entry points, loaded by path so a stage that has not landed yet is reported, not fatal.

interface DecodedLike {
  family: string;
  prefix: { action?: string; source: string };
  in?: string;
  src?: string;
  dst?: string;
  proto?: string;
  dpt?: number;
  tcpFlags?: string[];
  truncated: boolean;
  frame: { time?: number };
}
type FrameFn = (line: string, options?: { now?: number; utcOffsetMinutes?: number }) => { time?: number; messageOffset: number; format: string };
type DecodeFn = (line: string, options?: { now?: number; utcOffsetMinutes?: number }) => DecodedLike | undefined;
type LineEventFn = (line: string, options?: { now?: number; utcOffsetMinutes?: number }) => { event: { time?: number; in?: string; src?: string; dst?: string; proto?: string; dpt?: number; tcpFlags?: readonly string[]; prefixAction?: string } } | undefined;
type EcsFn = (line: DecodedLike, options?: { original?: string }) => object;

function coreDir(from: CoreFrom): string {
  if (from === 'src') return join(ROOT, 'packages/core/src');
  if (from === 'dist') return join(ROOT, 'packages/core/dist');
  return join(ROOT, 'bench/out/core-dist');
}

async function load<T>(from: CoreFrom, path: string, name: string): Promise<T | string> {
  const file = join(coreDir(from), path);
  const onDisk = from === 'src' ? file.replace(/\.js$/, '.ts') : file;
  if (!existsSync(onDisk)) return `${relative(ROOT, onDisk)} has not landed`;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fn = mod[name];
    if (typeof fn !== 'function') return `${relative(ROOT, onDisk)} exports no ${name}()`;
    return fn as T;
  } catch (err) {
    return `${relative(ROOT, onDisk)} failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
}

interface WorkerResult {
  stage: Stage;
  ok: boolean;
  reason?: string;
  lines: number;
  ms: number;
  maxRssKb: number;
  /** RSS once the modules are loaded, before the first line. */
  startRssKb: number;
  sink: number;
  counts?: Record<string, number>;
}

async function worker(stage: Stage, file: string, from: CoreFrom): Promise<WorkerResult> {
  const opts = { now: NOW, utcOffsetMinutes: 9 * 60 };
  let sink = 0;
  let onLine: (line: string) => void;
  const counts: Record<string, number> = {};
  if (stage === 'read') {
    onLine = (line) => {
      sink += line.length;
    };
  } else if (stage === 'frame') {
    const frame = await load<FrameFn>(from, 'framing/frame.js', 'frame');
    if (typeof frame === 'string') return { stage, ok: false, reason: frame, lines: 0, ms: 0, maxRssKb: 0, startRssKb: 0, sink };
    onLine = (line) => {
      const f = frame(line, opts);
      sink += f.messageOffset + (f.time === undefined ? 0 : 1);
    };
  } else if (stage === 'event') {
    const readLineEvent = await load<LineEventFn>(from, 'nflog/line-event.js', 'readLineEvent');
    if (typeof readLineEvent === 'string') return { stage, ok: false, reason: readLineEvent, lines: 0, ms: 0, maxRssKb: 0, startRssKb: 0, sink };
    // the same facts as `hot`, as the agent's run and the language server read them
    onLine = (line) => {
      const e = readLineEvent(line, opts)?.event;
      if (e === undefined) return;
      sink += (e.time === undefined ? 0 : 1) + (e.in?.length ?? 0) + (e.src?.length ?? 0) + (e.dst?.length ?? 0);
      sink += (e.proto?.length ?? 0) + (e.dpt ?? 0) + (e.tcpFlags?.length ?? 0) + (e.prefixAction?.length ?? 0);
    };
  } else {
    const decodeLine = await load<DecodeFn>(from, 'nflog/decode.js', 'decodeLine');
    if (typeof decodeLine === 'string') return { stage, ok: false, reason: decodeLine, lines: 0, ms: 0, maxRssKb: 0, startRssKb: 0, sink };
    if (stage === 'hot') {
      // only what the scan detector reads: time, IN, SRC, DST, PROTO, DPT, TCP flags, the prefix's verdict
      onLine = (line) => {
        const d = decodeLine(line, opts);
        if (d === undefined) return;
        sink += (d.frame.time === undefined ? 0 : 1) + (d.in?.length ?? 0) + (d.src?.length ?? 0) + (d.dst?.length ?? 0);
        sink += (d.proto?.length ?? 0) + (d.dpt ?? 0) + (d.tcpFlags?.length ?? 0) + (d.prefix.action?.length ?? 0);
      };
    } else if (stage === 'full') {
      const toEcs = await load<EcsFn>(from, 'nflog/ecs.js', 'toEcs');
      if (typeof toEcs === 'string') return { stage, ok: false, reason: toEcs, lines: 0, ms: 0, maxRssKb: 0, startRssKb: 0, sink };
      onLine = (line) => {
        const d = decodeLine(line, opts);
        if (d === undefined) return;
        sink += JSON.stringify(toEcs(d, { original: line })).length;
      };
    } else {
      // check: what the decoder saw, to hold against what the generator wrote (untimed in spirit)
      const sources = new Set<string>();
      const bump = (k: string): void => {
        counts[k] = (counts[k] ?? 0) + 1;
      };
      onLine = (line) => {
        const d = decodeLine(line, opts);
        if (d === undefined) return bump('notFirewall');
        bump('firewall');
        if (d.family === 'ipv6') bump('ipv6');
        if (d.truncated) bump('truncated');
        if (d.src === undefined) bump('noSrc');
        else sources.add(d.src);
        if (d.frame.time === undefined) bump('noTime');
        if (d.prefix.action === undefined) bump('unknownPrefix');
      };
      const startRssKb = process.memoryUsage.rss() / 1024;
      const t0 = performance.now();
      const lines = await forEachLine(file, onLine);
      counts.distinctSources = sources.size;
      return { stage, ok: true, lines, ms: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS, startRssKb, sink, counts };
    }
  }
  const startRssKb = process.memoryUsage.rss() / 1024;
  const t0 = performance.now();
  const lines = await forEachLine(file, onLine);
  const ms = performance.now() - t0;
  return { stage, ok: true, lines, ms, maxRssKb: process.resourceUsage().maxRSS, startRssKb, sink };
}

// ---------------------------------------------------------------------------------------------------------------
// The driver.

function runChild(stage: Stage, file: string, from: CoreFrom): Promise<WorkerResult> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--worker', stage, '--file', file, '--core', from], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`the ${stage} worker exited with ${code}`));
      try {
        ok(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerResult);
      } catch {
        fail(new Error(`the ${stage} worker printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function buildCore(): void {
  const out = join(ROOT, 'bench/out/core-dist');
  mkdirSync(out, { recursive: true });
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  const r = spawnSync(
    tsc,
    ['-p', join(ROOT, 'packages/core/tsconfig.json'), '--outDir', out, '--tsBuildInfoFile', join(out, '.tsbuildinfo'),
      '--composite', 'false', '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false', '--incremental', 'false'],
    { encoding: 'utf8' },
  );
  // tsc emits even with type errors (a colleague's work in progress); only a missing output is fatal
  if (!existsSync(join(out, 'nflog')) && !existsSync(join(out, 'framing'))) throw new Error(`tsc produced nothing: ${r.stdout}${r.stderr}`);
  if (r.status !== 0) process.stdout.write(`note: tsc reported errors while building core (emitted anyway)\n`);
}

interface PeerResult {
  name: string;
  ms: number[];
  rssKb: number[];
  note: string;
}

/** fail2ban-regex with `-o ip` (the recipe in /work/shared/recipes/peers.md), timed by /usr/bin/time. */
function measureFail2ban(file: string, runs: number): PeerResult | string {
  const which = spawnSync('sh', ['-c', 'command -v fail2ban-regex'], { encoding: 'utf8' });
  if (which.status !== 0) return 'fail2ban-regex is not installed';
  if (!existsSync('/usr/bin/time')) return '/usr/bin/time is missing';
  const filter = join(ROOT, 'bench/out/fail2ban-portcullis-bench.conf');
  writeFileSync(
    filter,
    '[Definition]\n' +
      'failregex = ^\\s*\\S+ kernel: (?:\\[\\s*\\d+\\.\\d+\\]\\s*)?[^=]*?IN=\\S* OUT=\\S* (?:MAC=\\S+ )?SRC=<HOST> DST=\\S+ \n' +
      'ignoreregex =\n' +
      'datepattern = {^LN-BEG}%%b %%d %%H:%%M:%%S\n',
  );
  const res: PeerResult = { name: 'fail2ban-regex -o ip', ms: [], rssKb: [], note: '' };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const p = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', 'fail2ban-regex', '-r', '--usedns=no', '--print-no-missed', '-o', 'ip', file, filter], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    res.ms.push(performance.now() - t0);
    const m = /MAXRSS (\d+)/.exec(p.stderr ?? '');
    res.rssKb.push(m ? Number(m[1]) : Number.NaN);
    if (r === 0) res.note = `${(p.stdout ?? '').split('\n').filter((l) => l.trim() !== '').length} addresses printed`;
  }
  return res;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));

  if (args.worker) {
    const file = args.file ?? '';
    const result = await worker(args.worker, file, args.core);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }

  const file = resolve(args.file ?? join(ROOT, defaultOut(args.lines, args.seed)));
  let truth: GenerateSummary | undefined;
  if (!existsSync(file)) {
    if (args.file) throw new Error(`${args.file} does not exist`);
    process.stdout.write(`generating ${relative(ROOT, file)} (${fmtInt(args.lines)} lines, seed ${args.seed}) ...\n`);
    truth = await generate({ lines: args.lines, seed: args.seed, out: file });
  } else if (existsSync(file + '.json')) {
    truth = JSON.parse(readFileSync(file + '.json', 'utf8')) as GenerateSummary;
  }
  if (args.core === 'build') buildCore();
  const bytes = statSync(file).size;
  const cpu = cpus();
  process.stdout.write(
    `file: ${relative(ROOT, file)}, ${(bytes / 1e6).toFixed(1)} MB` +
      (truth ? `, ${fmtInt(truth.lines)} lines (seed ${truth.seed})` : '') +
      `\ncore: ${relative(ROOT, coreDir(args.core))} (${args.core}), node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}` +
      `\nruns: ${args.runs} per stage, each a fresh process, round-robin; medians shown\n\n`,
  );

  const stages = args.stages.filter((s) => s !== 'check');
  const results = new Map<Stage, WorkerResult[]>();
  const missing = new Map<Stage, string>();
  for (let r = 0; r < args.runs; r++) {
    for (const stage of stages) {
      if (missing.has(stage)) continue;
      const res = await runChild(stage, file, args.core);
      if (!res.ok) {
        missing.set(stage, res.reason ?? 'not available');
        continue;
      }
      const list = results.get(stage) ?? [];
      list.push(res);
      results.set(stage, list);
      process.stderr.write(`  run ${r + 1}/${args.runs} ${stage.padEnd(5)} ${(res.ms / 1000).toFixed(2)} s\n`);
    }
  }

  const rows: string[][] = [['stage', 'lines/s', 'MB/s', 'median s', 'min s', 'max s', 'RSS start MB', 'peak RSS MB']];
  const DESCR: Record<string, string> = {
    read: 'read (stream + split only)',
    frame: 'frame() only',
    event: 'readLineEvent(), detector facts',
    hot: 'decodeLine(), summary fields',
    full: 'decodeLine() + toEcs() + JSON',
  };
  for (const stage of stages) {
    const list = results.get(stage);
    if (!list || list.length === 0) {
      rows.push([DESCR[stage] ?? stage, '-', '-', '-', '-', '-', '-', missing.get(stage) ?? 'no result']);
      continue;
    }
    const secs = list.map((x) => x.ms / 1000);
    const med = median(secs);
    const lines = list[0].lines;
    rows.push([
      DESCR[stage] ?? stage,
      fmtInt(lines / med),
      (bytes / 1e6 / med).toFixed(1),
      med.toFixed(2),
      Math.min(...secs).toFixed(2),
      Math.max(...secs).toFixed(2),
      (median(list.map((x) => x.startRssKb)) / 1024).toFixed(0),
      (median(list.map((x) => x.maxRssKb)) / 1024).toFixed(0),
    ]);
  }
  if (args.peers) {
    const peer = measureFail2ban(file, Math.min(args.runs, 3));
    if (typeof peer === 'string') rows.push(['fail2ban-regex -o ip', '-', '-', '-', '-', '-', '-', peer]);
    else {
      const secs = peer.ms.map((x) => x / 1000);
      const med = median(secs);
      const lines = truth?.lines ?? results.get('read')?.[0]?.lines ?? Number.NaN;
      rows.push([`${peer.name} (${peer.note})`, fmtInt(lines / med), (bytes / 1e6 / med).toFixed(1), med.toFixed(2), Math.min(...secs).toFixed(2), Math.max(...secs).toFixed(2), '-', (median(peer.rssKb) / 1024).toFixed(0)]);
    }
  }
  process.stdout.write(table(rows) + '\n');

  if (args.check && !missing.has('hot') && results.has('hot')) {
    const c = await runChild('check', file, args.core);
    if (c.ok && c.counts) {
      const k = c.counts;
      process.stdout.write('\ncheck (decoder vs generator):\n');
      const pairs: [string, number | undefined, number | undefined][] = [
        ['firewall lines', k.firewall ?? 0, truth?.firewallLines],
        ['not firewall lines', k.notFirewall ?? 0, truth?.nonFirewallLines],
        ['IPv6 lines', k.ipv6 ?? 0, truth?.ipv6Lines],
        ['distinct SRC', k.distinctSources ?? 0, truth?.distinctSources],
      ];
      for (const [name, got, want] of pairs) {
        const verdict = want === undefined ? '' : got === want ? '  ok' : `  (generator wrote ${fmtInt(want)})`;
        process.stdout.write(`  ${name.padEnd(20)} ${fmtInt(got ?? 0).padStart(10)}${verdict}\n`);
      }
      for (const name of ['truncated', 'noSrc', 'noTime', 'unknownPrefix'])
        if (k[name]) process.stdout.write(`  ${name.padEnd(20)} ${fmtInt(k[name]).padStart(10)}\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});

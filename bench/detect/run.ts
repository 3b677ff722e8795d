/**
 * Detection quality side by side: Portcullis, CrowdSec (replay) and psad (analysis mode) on the same generated
 * day, scored against its ground truth.
 *
 *   node --import tsx bench/detect/run.ts [--log bench/out/detect-day.log] [--runs 3] [--tools portcullis,crowdsec,psad]
 *                                         [--psad-dl 3]
 *
 * The log is generated (bench/detect/generate.ts, default options) when missing. Every run of every tool is a
 * fresh process timed by /usr/bin/time (wall time, peak RSS); the table shows medians, the verdicts of the first
 * run (all three tools give the same verdicts every run). Peers, per /work/shared/recipes/peers.md:
 * - CrowdSec: the Debian package's binaries with a private config directory in bench/out/crowdsec (the hub's
 *   syslog, iptables, dateparse and whitelist parsers and the iptables-scan-multi_ports scenario), its own local
 *   API on 127.0.0.1 for the alerts, replaying the file (`-dsn file://`); the local API is stopped afterwards.
 * - psad: the Debian package unpacked (not installed) in bench/out/psad/root, run with `-A` (analyse the file and
 *   exit); no e-mail, syslog, whois, DNS, and auto-blocking off. A source counts as flagged at danger level
 *   `--psad-dl` or above (3 by default).
 * Neither ever touches the firewall: CrowdSec has no bouncer here, psad runs with ENABLE_AUTO_IDS N.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crowdsecFlagged, crowdsecMissing, crowdsecReplayCommand, startCrowdsec } from '../peers/crowdsec.js';
import { timed } from '../peers/timed.js';
import { writeDetectLog, type Truth } from './generate.js';
import { score, type Score } from './score.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'bench/out');

interface Options {
  log: string;
  runs: number;
  tools: string[];
  psadDl: number;
}

interface Measured {
  flagged: string[];
  seconds: number;
  rssKb: number;
}

interface Tool {
  readonly name: string;
  /** Why it cannot run here, or undefined. */
  missing(): string | undefined;
  run(log: string): Promise<Measured>;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { log: join(OUT, 'detect-day.log'), runs: 3, tools: ['portcullis', 'crowdsec', 'psad'], psadDl: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: needs a value`);
    if (flag === '--log') o.log = resolve(value);
    else if (flag === '--runs') o.runs = wholeNumber(flag, value, 1);
    else if (flag === '--psad-dl') o.psadDl = wholeNumber(flag, value, 1);
    else if (flag === '--tools') o.tools = value.split(',').filter(Boolean);
    else throw new Error(`unknown option ${flag} (known: --log, --runs, --tools, --psad-dl)`);
  }
  const unknown = o.tools.find((t) => !['portcullis', 'crowdsec', 'psad'].includes(t));
  if (unknown) throw new Error(`--tools: unknown tool '${unknown}' (portcullis, crowdsec, psad)`);
  return o;
}

function wholeNumber(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag}: '${value}' is not a whole number of at least ${min}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------

const portcullis: Tool = {
  name: 'portcullis scan',
  missing: () => (existsSync(join(ROOT, 'packages/agent/dist/bundle/main.js')) ? undefined : 'not built (npm run build)'),
  async run(log) {
    const r = await timed([process.execPath, join(ROOT, 'packages/agent/bin/portcullis.js'), 'scan', '--json', '--no-geo', log]);
    const report = JSON.parse(r.stdout) as { scanners: { ip: string; network?: string }[] };
    return { flagged: report.scanners.map((s) => s.network ?? s.ip), seconds: r.seconds, rssKb: r.rssKb };
  },
};

const crowdsec: Tool = {
  name: 'CrowdSec 1.4.6 iptables-scan-multi_ports (replay)',
  missing: crowdsecMissing,
  async run(log) {
    const dir = join(OUT, 'crowdsec');
    const lapi = await startCrowdsec(dir);
    try {
      const [cmd, ...args] = crowdsecReplayCommand(dir, log);
      const r = await timed([cmd!, ...args], { cwd: dir });
      return { flagged: crowdsecFlagged(r.stdout + r.stderr), seconds: r.seconds, rssKb: r.rssKb };
    } finally {
      await lapi.stop();
    }
  },
};

function psadTool(minDl: number): Tool {
  const root = join(OUT, 'psad/root');
  return {
    name: `psad 2.4.6 -A (danger level >= ${minDl})`,
    missing: () =>
      existsSync(join(root, 'usr/sbin/psad'))
        ? undefined
        : `not unpacked: apt-get download psad && dpkg -x psad_*.deb ${root} (its Perl modules from apt: libunix-syslog-perl libnet-ip-perl libdate-calc-perl libcarp-clan-perl libiptables-parse-perl libiptables-chainmgr-perl)`,
    async run(log) {
      const conf = setUpPsad(root);
      const r = await timed(['perl', join(root, 'usr/sbin/psad'), '-c', conf, '-A', '-m', log, '--no-whois', '--no-rdns', '--no-fwcheck', '--no-netstat']);
      const dl = new Map<string, number>();
      for (const m of r.stdout.matchAll(/^\s+(\S+)\s+DL: (\d)/gm)) dl.set(m[1]!, Math.max(dl.get(m[1]!) ?? 0, Number(m[2])));
      return { flagged: [...dl].filter(([, l]) => l >= minDl).map(([ip]) => ip), seconds: r.seconds, rssKb: r.rssKb };
    },
  };
}

/** The package's psad.conf with paths under `root` and everything that reaches out (mail, syslog, whois, DNS, iptables) off. */
function setUpPsad(root: string): string {
  for (const d of ['var/log/psad', 'var/run/psad', 'var/lib/psad']) mkdirSync(join(root, d), { recursive: true });
  // analysis leaves per-run files here; a fresh directory per run keeps runs independent
  for (const f of readdirSync(join(root, 'var/log/psad'))) rmSync(join(root, 'var/log/psad', f), { recursive: true, force: true });
  const set: Record<string, string> = {
    INSTALL_ROOT: root,
    HOSTNAME: 'gw',
    ALERTING_METHODS: 'noemail,nosyslog',
    ENABLE_WHOIS_LOOKUPS: 'N',
    ENABLE_DNS_LOOKUPS: 'N',
    ENABLE_AUTO_IDS: 'N',
    FLUSH_IPT_AT_INIT: 'N',
    IPTABLES_PREREQ_CHECK: '0',
    ENABLE_INTF_LOCAL_NETS: 'N',
    ENABLE_SYSLOG_FILE: 'N',
    AUTO_DETECT_JOURNALCTL: 'N',
    STATUS_IP_THRESHOLD: '0',
  };
  const text = readFileSync(join(root, 'etc/psad/psad.conf'), 'utf8').replace(/^([A-Z0-9_]+)(\s+)[^\n]*;/gm, (line, key: string, space: string) =>
    key in set ? `${key}${space}${set[key]};` : line,
  );
  const conf = join(dirname(root), 'psad.conf');
  writeFileSync(conf, text);
  return conf;
}

// ---------------------------------------------------------------------------------------------------------------

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const frac = (p: { found: number; of: number }): string => `${p.found}/${p.of}`;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.log) || !existsSync(`${o.log}.truth.json`)) {
    process.stderr.write(`generating ${o.log} ...\n`);
    writeDetectLog(o.log);
  }
  const truth = JSON.parse(readFileSync(`${o.log}.truth.json`, 'utf8')) as Truth;
  const tools = o.tools.map((t) => (t === 'portcullis' ? portcullis : t === 'crowdsec' ? crowdsec : psadTool(o.psadDl)));
  const load0 = loadavg()[0]!;
  const results: { tool: Tool; score?: Score; runs: Measured[]; note?: string }[] = tools.map((tool) => ({ tool, runs: [], note: tool.missing() }));
  // round-robin, so a burst of load on the machine spreads over all tools
  for (let run = 0; run < o.runs; run++) {
    for (const r of results) {
      if (r.note) continue;
      process.stderr.write(`run ${run + 1}/${o.runs}: ${r.tool.name} ...\n`);
      try {
        const m = await r.tool.run(o.log);
        r.runs.push(m);
        r.score ??= score(truth, m.flagged);
      } catch (err) {
        r.note = (err as Error).message.split('\n')[0];
      }
    }
  }
  const load1 = loadavg()[0]!;
  const fast = truth.scanners.filter((s) => s.timing === 'fast').length;
  const out: string[] = [];
  out.push(
    `${o.log}: ${truth.lines.toLocaleString('en')} lines, ${truth.ordinarySources.toLocaleString('en')} ordinary sources, ` +
      `${truth.scanners.length} scanners (${fast} fast, ${truth.scanners.length - fast} slow, ${truth.scanners.filter((s) => s.ipv6).length} IPv6, ` +
      `${truth.scanners.filter((s) => s.private).length} private); ${o.runs} run(s) per tool; load average ${load0.toFixed(1)} -> ${load1.toFixed(1)}`,
  );
  out.push('');
  out.push('| tool | found | fast | slow | IPv6 | private | false positives | precision | recall | lines/s | peak RSS MB |');
  out.push('| ---- | ----: | ---: | ---: | ---: | ------: | --------------: | --------: | -----: | ------: | ----------: |');
  for (const r of results) {
    if (!r.score) {
      out.push(`| ${r.tool.name} | ${r.note ?? 'no run'} | | | | | | | | | |`);
      continue;
    }
    const s = r.score;
    const secs = median(r.runs.map((m) => m.seconds));
    const rss = median(r.runs.map((m) => m.rssKb)) / 1024;
    out.push(
      `| ${r.tool.name} | ${s.found}/${s.scanners} | ${frac(s.fast)} | ${frac(s.slow)} | ${frac(s.ipv6)} | ${frac(s.private)} | ${s.falsePositives} | ` +
        `${pct(s.precision)} | ${pct(s.recall)} | ${Math.round(truth.lines / secs).toLocaleString('en')} | ${rss.toFixed(0)} |`,
    );
  }
  for (const r of results) {
    if (!r.score) continue;
    if (r.score.missed.length) out.push(`\n${r.tool.name} missed, e.g.: ${r.score.missed.map((m) => `${m.id} (${m.timing}, ${m.loggedPorts} ports logged)`).join(', ')}`);
    if (r.score.falseSample.length) out.push(`\n${r.tool.name} false positives, e.g.: ${r.score.falseSample.join(', ')}`);
    if (r.note) out.push(`\n${r.tool.name}: a later run failed: ${r.note}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench/detect: ${err.message}\n`);
  process.exit(1);
});

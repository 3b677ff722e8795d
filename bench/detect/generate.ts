/**
 * A seeded day of firewall log with ground truth beside it, for measuring detection (precision and recall).
 *
 *   node --import tsx bench/detect/generate.ts --seed 7 --out bench/out/detect-day.log
 *
 * writes the log and `<out>.truth.json`: every scanner's address (or IPv6 /64), ports, timing (fast or slow),
 * whether it is IPv6, whether its source is private, and how many of its probes the log kept. The same options
 * always give the same bytes.
 *
 * What is in the day (one host, `gw`, the memo's BSD syslog lines and `[IPTABLES REJECT]: ` prefix):
 * - ordinary sources, most with one to three lines, a few very loud (thousands of lines), each touching one to
 *   three ports all day; some IPv6, some from a home /64 with several privacy addresses; LAN hosts (private
 *   sources) on their own one or two ports; activity follows the hour of the day, with quiet hours at night;
 * - TCP retransmissions (a SYN logged again after 1 s and 3 s), for scanners and ordinary sources alike;
 * - the memo's IGMP from 0.0.0.0 and broadcast NetBIOS, mDNS to the multicast group;
 * - late replies: a resolver's answers arriving after conntrack forgot the query, to random high ports;
 * - fast scanners (20 to 1,000 ports at 5 to 500 probes a second; SYN, NULL/FIN/Xmas, UDP), slow ones (20 to 500
 *   ports over 1 to 6 hours), IPv6 scanners (some moving through their /64 at every probe), scanners with
 *   private sources;
 * - the kernel's `-m limit --limit 30/s --limit-burst 100` on the logging rule: bursts lose lines, as they do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../generate.js';

export interface DetectLogOptions {
  seed: number;
  /** Ordinary (non-scanning) sources. */
  ordinary: number;
  /** Very loud ordinary sources (thousands of lines each on one to three ports). */
  loud: number;
  fast: number;
  slow: number;
  /** Share of scanners (fast and slow each) with IPv6 sources, and with private sources. */
  ipv6Share: number;
  privateShare: number;
  /** Start of the day, epoch ms (UTC). */
  start: number;
  hours: number;
  /** `-m limit` on the logging rule: lines per second and burst. 0 turns it off. */
  limitPerSecond: number;
  limitBurst: number;
}

export const DEFAULT_DETECT_LOG: DetectLogOptions = {
  seed: 7,
  ordinary: 30_000,
  loud: 20,
  fast: 63,
  slow: 32,
  ipv6Share: 0.15,
  privateShare: 0.1,
  start: Date.UTC(2026, 2, 20, 15, 0, 0), // midnight in UTC+9, where the memo's host is
  hours: 24,
  limitPerSecond: 30,
  limitBurst: 100,
};

/** One scanner as the ground truth knows it. */
export interface TruthScanner {
  /** The address, or for an IPv6 scanner that changes address at every probe, its /64 (`2a01:…::/64`). */
  readonly id: string;
  readonly timing: 'fast' | 'slow';
  readonly ipv6: boolean;
  readonly private: boolean;
  /** Probe kind: syn, null, fin, xmas or udp. */
  readonly kind: string;
  /** Distinct ports probed, and how many of them reached the log through the rate limit. */
  readonly ports: number;
  readonly loggedPorts: number;
  readonly probes: number;
  readonly loggedLines: number;
  readonly first: string;
  readonly last: string;
  /** True when every probe came from a different address of the /64. */
  readonly rotates: boolean;
}

export interface Truth {
  readonly options: DetectLogOptions;
  readonly lines: number;
  readonly droppedByLimit: number;
  readonly ordinarySources: number;
  readonly ordinaryLines: number;
  readonly noiseLines: number;
  readonly lateReplyLines: number;
  readonly scanners: TruthScanner[];
}

interface Ev {
  t: number;
  text: (stamp: string) => string;
  /** Index of the scanner it belongs to, -1 otherwise. */
  scanner: number;
  port: number;
}

const HOST_V4 = '198.51.100.10';
const HOST_V6 = '2001:0db8:0100:0000:0000:0000:0000:0010';
const MAC4 = 'MAC=52:54:00:12:34:56:00:24:38:2d:06:00:08:00 ';
const MAC6 = 'MAC=52:54:00:12:34:56:00:24:38:2d:06:00:86:dd ';
const PREFIX = 'gw kernel: [IPTABLES REJECT]: ';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONE_MS = 9 * 3600_000;
const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

function bsdStamp(ms: number): string {
  const d = new Date(ms + ZONE_MS);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ' ' + day : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const v4 = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

function reservedV4(n: number): boolean {
  const a = n >>> 24;
  const b = (n >>> 16) & 255;
  const c = (n >>> 8) & 255;
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) || (a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)
  );
}

function publicV4(rng: Rng): string {
  for (;;) {
    const n = rng.u32();
    if (!reservedV4(n)) return v4(n);
  }
}

function privateV4(rng: Rng): string {
  return rng.weighted<() => string>([
    [4, () => `10.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`],
    [3, () => `192.168.${rng.int(256)}.${rng.range(1, 254)}`],
    [2, () => `172.${rng.range(16, 31)}.${rng.int(256)}.${rng.range(1, 254)}`],
  ])();
}

/** The first four groups of a global unicast /64 outside the documentation prefix. */
function publicV6Net(rng: Rng): number[] {
  const first = rng.pick([0x2400, 0x2401, 0x2600, 0x2604, 0x2607, 0x2800, 0x2a01, 0x2a02, 0x2a03, 0x2c0f]);
  return [first, rng.int(0x10000), rng.int(0x10000), rng.int(0x10000)];
}

/** `%pI6`: eight groups, never compressed, as the kernel prints. */
function v6In(net: readonly number[], rng: Rng): string {
  const iid = rng.chance(0.3) ? [0, 0, 0, rng.range(1, 0xff)] : [rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.int(0x10000)];
  return [...net, ...iid].map(hex4).join(':');
}

/** The canonical text of a /64, as the scoring and Portcullis write it. */
export function netText(net: readonly number[]): string {
  const groups = net.map((g) => g.toString(16));
  // the trailing zero groups compress into the "::" before the prefix length
  while (groups.length && groups[groups.length - 1] === '0') groups.pop();
  return `${groups.join(':')}::/64`;
}

const SERVICES: readonly (readonly [number, number])[] = [
  [30, 22], [20, 443], [14, 80], [10, 23], [8, 3389], [6, 445], [5, 8080], [4, 25], [3, 3306], [3, 5900], [2, 1433],
  [2, 6379], [2, 8443], [2, 2222], [1, 5432], [1, 9200], [1, 27017], [1, 7547], [1, 5555], [1, 8291],
];

type Kind = 'syn' | 'null' | 'fin' | 'xmas' | 'udp';

function probeText(src: string, v6: boolean, dpt: number, kind: Kind, rng: Rng): string {
  const dst = v6 ? HOST_V6 : HOST_V4;
  const spt = rng.range(1024, 65535);
  const ip = v6
    ? `IN=eth0 OUT= ${MAC6}SRC=${src} DST=${dst} LEN=${kind === 'udp' ? 48 : 60} TC=0 HOPLIMIT=${rng.range(40, 60)} FLOWLBL=${rng.int(1 << 20)} `
    : `IN=eth0 OUT= ${MAC4}SRC=${src} DST=${dst} LEN=${kind === 'udp' ? 28 : 40} TOS=0x00 PREC=0x00 TTL=${rng.range(40, 250)} ID=${rng.int(65536)} `;
  if (kind === 'udp') return `${ip}PROTO=UDP SPT=${spt} DPT=${dpt} LEN=8 `;
  const flags = kind === 'syn' ? 'SYN ' : kind === 'fin' ? 'FIN ' : kind === 'xmas' ? 'URG PSH FIN ' : '';
  return `${ip}PROTO=TCP SPT=${spt} DPT=${dpt} WINDOW=${rng.pick([1024, 29200, 64240, 65535])} RES=0x00 ${flags}URGP=0 `;
}

/** Hour-of-day weight (local time): quiet from 1 to 6 in the morning, busiest in the evening. */
const HOUR_WEIGHT = [4, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 6, 7, 8, 9, 9, 8, 7, 5];

export function generateDetectLog(partial: Partial<DetectLogOptions> = {}): { lines: string[]; truth: Truth } {
  const o: DetectLogOptions = { ...DEFAULT_DETECT_LOG, ...partial };
  const rng = new Rng(o.seed);
  const dayMs = o.hours * 3600_000;
  const hourTable = Array.from({ length: o.hours }, (_, h) => [HOUR_WEIGHT[(h + 24 + Math.floor((o.start + ZONE_MS) / 3600_000)) % 24]!, h] as const);
  const when = (): number => o.start + rng.weighted(hourTable) * 3600_000 + rng.int(3600_000);
  const events: Ev[] = [];
  const push = (t: number, text: string, scanner = -1, port = -1): void => {
    if (t < o.start || t >= o.start + dayMs) return;
    events.push({ t, text: (stamp) => `${stamp} ${PREFIX}${text}`, scanner, port });
  };
  /** A TCP SYN is sent again after 1 s and 3 s when nothing answers (a REJECT answers, a DROP does not). */
  const withRetries = (t: number, text: string, scanner: number, port: number, p: number): void => {
    push(t, text, scanner, port);
    if (rng.chance(p)) {
      push(t + 1000, text, scanner, port);
      if (rng.chance(0.6)) push(t + 3000, text, scanner, port);
    }
  };
  const used = new Set<string>();
  const unique = (make: () => string): string => {
    for (;;) {
      const s = make();
      if (!used.has(s)) {
        used.add(s);
        return s;
      }
    }
  };

  // ordinary sources
  let ordinaryLines = 0;
  const ordinaryCount = o.ordinary + o.loud;
  for (let i = 0; i < ordinaryCount; i++) {
    const loud = i < o.loud;
    const flavour = rng.float();
    const v6 = flavour < 0.12;
    const lan = !v6 && flavour < 0.14;
    const home = v6 && rng.chance(0.2);
    const net = v6 ? publicV6Net(rng) : [];
    const addrs = v6 ? Array.from({ length: home ? rng.range(2, 5) : 1 }, () => unique(() => v6In(net, rng))) : [unique(() => (lan ? privateV4(rng) : publicV4(rng)))];
    if (v6) used.add(netText(net));
    const nPorts = lan ? rng.range(1, 2) : rng.weighted([[70, 1], [22, 2], [8, 3]] as const);
    const ports = new Set<number>();
    while (ports.size < nPorts) ports.add(rng.weighted(SERVICES));
    const portList = [...ports];
    const lines = loud ? rng.range(2000, 10_000) : rng.weighted([[70, 1], [20, rng.range(2, 3)], [9, rng.range(4, 20)], [1, rng.range(20, 500)]] as const);
    // a visit (all within minutes) or a presence all day long
    const visit = !loud && rng.chance(0.6);
    const t0 = when();
    const kind: Kind = lan && rng.chance(0.5) ? 'udp' : 'syn';
    for (let l = 0; l < lines; l++) {
      const t = visit ? t0 + rng.int(10 * 60_000) : when();
      withRetries(t, probeText(rng.pick(addrs), v6, rng.pick(portList), kind, rng), -1, -1, kind === 'syn' ? 0.3 : 0);
      ordinaryLines++;
    }
  }

  // harmless noise: the memo's IGMP and NetBIOS, and mDNS
  let noiseLines = 0;
  for (let t = o.start + rng.int(125_000); t < o.start + dayMs; t += 125_000 + rng.int(10_000)) {
    push(t, `IN=eth0 OUT= MAC=01:00:5e:00:00:01:b8:ca:3a:62:cc:e0:08:00 SRC=0.0.0.0 DST=224.0.0.1 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 `);
    push(t + 4000, `IN=eth0 OUT= MAC=ff:ff:ff:ff:ff:ff:52:54:0d:00:23:01:08:00 SRC=198.51.100.75 DST=198.51.100.255 LEN=229 TOS=0x00 PREC=0x00 TTL=64 ID=${rng.int(65536)} PROTO=UDP SPT=138 DPT=138 LEN=209 `);
    push(t + 9000, `IN=eth0 OUT= MAC=01:00:5e:00:00:fb:52:54:0d:00:23:07:08:00 SRC=198.51.100.${rng.range(20, 40)} DST=224.0.0.251 LEN=100 TOS=0x00 PREC=0x00 TTL=255 ID=${rng.int(65536)} DF PROTO=UDP SPT=5353 DPT=5353 LEN=80 `);
    noiseLines += 3;
  }

  // late replies: a resolver's answers after conntrack forgot the query, to whatever port the query came from
  let lateReplyLines = 0;
  for (const resolver of ['8.8.8.8', '1.1.1.1', '9.9.9.9']) {
    used.add(resolver);
    for (let k = rng.range(20, 60); k > 0; k--) {
      push(when(), `IN=eth0 OUT= ${MAC4}SRC=${resolver} DST=${HOST_V4} LEN=${rng.range(60, 500)} TOS=0x00 PREC=0x00 TTL=${rng.range(50, 120)} ID=${rng.int(65536)} PROTO=UDP SPT=53 DPT=${rng.range(1024, 65535)} LEN=${rng.range(40, 480)} `);
      lateReplyLines++;
    }
  }

  // scanners
  const scanners: (Omit<TruthScanner, 'loggedPorts' | 'loggedLines' | 'first' | 'last'> & { t0: number; t1: number })[] = [];
  const total = o.fast + o.slow;
  for (let i = 0; i < total; i++) {
    const timing = i < o.fast ? 'fast' : 'slow';
    const j = timing === 'fast' ? i : i - o.fast;
    // spread IPv6 and private evenly through each group, so a small log still has both
    const ipv6 = o.ipv6Share > 0 && j % Math.round(1 / o.ipv6Share) === 1;
    const priv = !ipv6 && o.privateShare > 0 && j % Math.round(1 / o.privateShare) === 3;
    // every other IPv6 scanner changes its address at each probe
    const rotates = ipv6 && (j - 1) % (2 * Math.round(1 / o.ipv6Share)) === 0;
    const net = ipv6 ? publicV6Net(rng) : [];
    const fixed = ipv6 ? unique(() => v6In(net, rng)) : unique(() => (priv ? privateV4(rng) : publicV4(rng)));
    if (ipv6) used.add(netText(net));
    const id = rotates ? netText(net) : fixed;
    const nPorts = timing === 'fast' ? rng.weighted([[5, rng.range(20, 100)], [3, rng.range(100, 1000)], [1, 1000]] as const) : rng.range(20, 500);
    const kind: Kind = rng.weighted([[12, 'syn'], [2, 'udp'], [1, 'fin'], [1, 'null'], [1, 'xmas']] as const);
    const ports = new Set<number>();
    while (ports.size < nPorts) ports.add(rng.chance(0.5) ? rng.weighted(SERVICES) : rng.range(1, 65535));
    const order = [...ports].sort(() => rng.float() - 0.5);
    const span = timing === 'fast' ? (nPorts / rng.range(5, 500)) * 1000 : 3600_000 + rng.int(5 * 3600_000);
    const t0 = o.start + rng.int(Math.max(1, dayMs - span - 60_000));
    let probes = 0;
    order.forEach((port, k) => {
      const t = Math.round(t0 + (span * k) / nPorts + (timing === 'slow' ? rng.int(60_000) : 0));
      const src = rotates ? v6In(net, rng) : fixed;
      withRetries(t, probeText(src, ipv6, port, kind, rng), i, port, kind === 'syn' ? 0.2 : 0);
      probes++;
    });
    scanners.push({ id, timing, ipv6, private: priv, kind, ports: nPorts, probes, rotates, t0, t1: t0 + span });
  }

  // the log, in time order, through the logging rule's rate limit
  events.sort((a, b) => a.t - b.t);
  const lines: string[] = [];
  const loggedPorts = scanners.map(() => new Set<number>());
  const loggedLines = scanners.map(() => 0);
  const seen = scanners.map(() => ({ first: Infinity, last: -Infinity }));
  let tokens = o.limitBurst;
  let last = o.start;
  let dropped = 0;
  for (const e of events) {
    if (o.limitPerSecond > 0) {
      tokens = Math.min(o.limitBurst, tokens + ((e.t - last) / 1000) * o.limitPerSecond);
      last = e.t;
      if (tokens < 1) {
        dropped++;
        continue;
      }
      tokens--;
    }
    lines.push(e.text(bsdStamp(e.t)));
    if (e.scanner >= 0) {
      loggedPorts[e.scanner]!.add(e.port);
      loggedLines[e.scanner]!++;
      const s = seen[e.scanner]!;
      if (e.t < s.first) s.first = e.t;
      if (e.t > s.last) s.last = e.t;
    }
  }
  const truth: Truth = {
    options: o,
    lines: lines.length,
    droppedByLimit: dropped,
    ordinarySources: ordinaryCount,
    ordinaryLines,
    noiseLines,
    lateReplyLines,
    scanners: scanners.map(({ t0: _t0, t1: _t1, ...s }, i) => ({
      ...s,
      loggedPorts: loggedPorts[i]!.size,
      loggedLines: loggedLines[i]!,
      first: new Date(seen[i]!.first).toISOString(),
      last: new Date(seen[i]!.last).toISOString(),
    })),
  };
  return { lines, truth };
}

export function writeDetectLog(out: string, options: Partial<DetectLogOptions> = {}): Truth {
  const { lines, truth } = generateDetectLog(options);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, lines.join('\n') + '\n');
  writeFileSync(`${out}.truth.json`, JSON.stringify(truth, null, 2) + '\n');
  return truth;
}

function parseArgs(argv: readonly string[]): { out: string; options: Partial<DetectLogOptions> } {
  let out = 'bench/out/detect-day.log';
  const options: Partial<DetectLogOptions> = {};
  const numeric = new Set(['seed', 'ordinary', 'loud', 'fast', 'slow', 'hours', 'limitPerSecond', 'limitBurst']);
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag}: needs a value`);
    const name = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (name === 'out') out = value;
    else if (numeric.has(name)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: '${value}' is not a whole number`);
      (options as Record<string, number>)[name] = n;
    } else throw new Error(`unknown option ${flag} (known: --out, ${[...numeric].map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')})`);
  }
  return { out, options };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { out, options } = parseArgs(process.argv.slice(2));
  const truth = writeDetectLog(out, options);
  const fast = truth.scanners.filter((s) => s.timing === 'fast').length;
  process.stdout.write(
    `${out}: ${truth.lines} lines (${truth.droppedByLimit} dropped by the rate limit), ${truth.ordinarySources} ordinary sources, ` +
      `${truth.scanners.length} scanners (${fast} fast, ${truth.scanners.length - fast} slow); truth in ${out}.truth.json\n`,
  );
}

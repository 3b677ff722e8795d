/**
 * A seeded generator of a large mixed firewall log, for the benchmarks.
 *
 *   node --import tsx bench/generate.ts --lines 1000000 --seed 42 --out bench/out/mixed-1m.log
 *
 * The same seed and line count always give the same bytes. Four hosts write into one chronological stream, as a
 * central syslog server would keep it, each in its own envelope and with its own firewall's prefixes:
 *
 *   refirio    BSD syslog                      the memo's `[IPTABLES REJECT]: `
 *   web01      BSD syslog                      firewalld `FINAL_REJECT: `, `filter_IN_public_REJECT: `, ...;
 *                                              its rules also log TCP sequence numbers, TCP/IP options and UIDs
 *   ubuntu-gw  RFC 3339, dmesg stamp inside    UFW `[UFW BLOCK] `, `[UFW AUDIT] `, `[UFW ALLOW] `
 *   ubnt       `<4>` + BSD syslog               EdgeOS `[WAN_LOCAL-default-D]`, `[WAN_IN-default-D]` (forwarded)
 *
 * Every nf_log field is printed as net/netfilter/nf_log_syslog.c prints it, each followed by one space (so lines
 * end in a space, as rsyslog keeps them). Sources follow a Zipf-like law over a large pool (about 50k distinct
 * sources in 1M lines); a few port scanners (SYN, NULL, XMAS, FIN, Maimon, ACK, UDP, one slow rate-limited one)
 * and spoofed private sources are mixed in; about 5% of the lines are not firewall lines. A summary of what was
 * written goes to `<out>.json` beside the log.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The year of the generated days. The RFC 3339 lines carry it; the BSD syslog lines carry none, so a reader must be
 * told it (`portcullis scan --year`), or it takes the latest year not in the future and splits the log in two.
 */
export const GENERATED_YEAR = 2025;
/** The zone of the generated hosts' local time, in which the BSD syslog lines are written (`scan --utc-offset`). */
export const GENERATED_UTC_OFFSET = '+09:00';

export interface GenerateOptions {
  lines: number;
  seed: number;
  out: string;
}

export interface GenerateSummary {
  lines: number;
  bytes: number;
  seed: number;
  /** Lines that carry an nf_log message (everything but the syslog chatter). */
  firewallLines: number;
  nonFirewallLines: number;
  ipv6Lines: number;
  /** Distinct source addresses among the firewall lines (the embedded packet of an ICMP error not counted). */
  distinctSources: number;
  scanners: { src: string; host: string; kind: string; ports: number; firstLine: string }[];
  spoofedLines: number;
  byHost: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness: splitmix32 to spread the seed, sfc32 for the stream.

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of table) total += w;
    let x = this.float() * total;
    for (const [w, v] of table) {
      x -= w;
      if (x < 0) return v;
    }
    return table[table.length - 1][1];
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting helpers, exactly as the kernel prints.

const HEX = '0123456789abcdef';
const hex2 = (n: number): string => HEX[(n >> 4) & 15] + HEX[n & 15];
const HEX2_UPPER = (n: number): string => hex2(n).toUpperCase();
const hex4 = (n: number): string => hex2((n >> 8) & 255) + hex2(n & 255);

function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** `%pI6`: eight groups of four lower-case hex digits, never compressed. */
function ipv6Text(groups: readonly number[]): string {
  let s = hex4(groups[0]);
  for (let i = 1; i < 8; i++) s += ':' + hex4(groups[i]);
  return s;
}

function macText(bytes: readonly number[]): string {
  let s = hex2(bytes[0]);
  for (let i = 1; i < bytes.length; i++) s += ':' + hex2(bytes[i]);
  return s;
}

/** Sets of the MAC= value: destination, source, ethertype. */
function macField(dst: readonly number[], src: readonly number[], etherType: number): string {
  return `MAC=${macText(dst)}:${macText(src)}:${hex2(etherType >> 8)}:${hex2(etherType & 255)} `;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Local time is UTC+9 (the memo's host is in Japan); BSD stamps carry no zone, RFC 3339 ones say +09:00. */
const ZONE_MS = 9 * 3600_000;

function bsdStamp(ms: number): string {
  const d = new Date(ms + ZONE_MS);
  const day = d.getUTCDate();
  return `${MONTHS[d.getUTCMonth()]} ${day < 10 ? ' ' + day : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function rfc3339Stamp(ms: number, micros: number): string {
  const d = new Date(ms + ZONE_MS);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.` +
    `${String(micros).padStart(6, '0')}+09:00`
  );
}

/** printk's `[%5lu.%06lu]`. */
function dmesgStamp(uptimeMs: number, micros: number): string {
  return `[${String(Math.floor(uptimeMs / 1000)).padStart(5, ' ')}.${String(micros).padStart(6, '0')}] `;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses.

function isReservedV4(n: number): boolean {
  const a = n >>> 24;
  const b = (n >>> 16) & 255;
  const c = (n >>> 8) & 255;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  );
}

function publicV4(rng: Rng): number {
  for (;;) {
    const n = rng.u32();
    if (!isReservedV4(n)) return n;
  }
}

/** Global unicast outside the documentation prefix, in blocks the RIRs hand out. */
function publicV6(rng: Rng): number[] {
  const first = rng.pick([0x2001, 0x2400, 0x2401, 0x2402, 0x2405, 0x2600, 0x2602, 0x2604, 0x2607, 0x2800, 0x2a01, 0x2a02, 0x2a03, 0x2a05, 0x2c0f]);
  const second = first === 0x2001 ? rng.range(0x0200, 0x0cff) : rng.int(0x10000);
  const g = [first, second, rng.int(0x10000), rng.int(0x10000)];
  if (rng.chance(0.4)) g.push(0, 0, 0, rng.range(1, 0xff));
  else g.push(rng.int(0x10000), rng.int(0x10000), rng.int(0x10000), rng.int(0x10000));
  return g;
}

const SPOOF_V4: readonly (readonly [number, (r: Rng) => number])[] = [
  [4, (r) => (10 << 24) | r.int(1 << 24)],
  [3, (r) => ((192 << 24) | (168 << 16) | r.int(1 << 16)) >>> 0],
  [2, (r) => ((172 << 24) | (r.range(16, 31) << 16) | r.int(1 << 16)) >>> 0],
  [1, (r) => ((127 << 24) | r.int(1 << 24)) >>> 0],
  [1, (r) => ((169 << 24) | (254 << 16) | r.int(1 << 16)) >>> 0],
  [1, (r) => ((100 << 24) | (r.range(64, 127) << 16) | r.int(1 << 16)) >>> 0],
  [1, (r) => r.int(1 << 24)],
  [1, (r) => ((r.range(240, 254) << 24) | r.int(1 << 24)) >>> 0],
];

// ---------------------------------------------------------------------------------------------------------------
// Hosts: who logs, in which envelope, with which prefixes.

type Envelope = 'bsd' | 'pri-bsd' | 'rfc3339-dmesg';

interface Host {
  name: string;
  weight: number;
  envelope: Envelope;
  wan: string;
  lan?: string;
  v4: number;
  v6: number[];
  mac: number[];
  gwMac: number[];
  /** `--log-tcp-sequence --log-tcp-options --log-ip-options --log-uid`. */
  verbose: boolean;
  bootMs: number;
  /** Lazily built prefix for a line of this kind. */
  prefix(kind: LineKind, rng: Rng): string;
}

type LineKind = 'block' | 'invalid' | 'noise' | 'allowed' | 'forward' | 'outbound';

const UFW = (kind: LineKind, rng: Rng): string => {
  switch (kind) {
    case 'allowed':
      return rng.chance(0.7) ? '[UFW AUDIT] ' : '[UFW ALLOW] ';
    case 'outbound':
      return rng.chance(0.5) ? '[UFW BLOCK] ' : '[UFW AUDIT] ';
    default:
      return rng.chance(0.03) ? '[UFW LIMIT BLOCK] ' : '[UFW BLOCK] ';
  }
};

const FIREWALLD = (kind: LineKind, rng: Rng): string => {
  switch (kind) {
    case 'invalid':
      return 'STATE_INVALID_DROP: ';
    case 'noise':
      return 'FINAL_REJECT: ';
    case 'outbound':
      return 'FINAL_REJECT: ';
    default:
      return rng.weighted([
        [5, 'FINAL_REJECT: '],
        [3, 'filter_IN_public_REJECT: '],
        [1, 'filter_IN_public_DROP: '],
      ] as const);
  }
};

const EDGEOS = (kind: LineKind, rng: Rng): string => {
  switch (kind) {
    case 'forward':
      return '[WAN_IN-default-D]';
    case 'allowed':
      return rng.chance(0.5) ? '[WAN_LOCAL-20-A]' : '[WAN_IN-10-A]';
    default:
      return '[WAN_LOCAL-default-D]';
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Sources: a Zipf-like pool, each with a persona (what it probes and how its packets look).

type Stack = 'zmap' | 'masscan' | 'nmap' | 'linux' | 'windows' | 'mirai' | 'mac';
type Target = 'ssh' | 'telnet' | 'web' | 'rdp' | 'smb' | 'db' | 'iot' | 'random' | 'udp' | 'icmp' | 'vpn';

const TARGET_PORTS: Record<Target, readonly number[]> = {
  ssh: [22, 22, 22, 2222, 22222, 2200],
  telnet: [23, 23, 2323, 23231],
  web: [80, 443, 8080, 8443, 8000, 8888, 81, 8081, 9000, 3000],
  rdp: [3389, 3389, 3388, 33389],
  smb: [445, 445, 139, 135],
  db: [3306, 5432, 1433, 6379, 27017, 9200, 11211, 5984],
  iot: [7547, 37215, 52869, 5555, 8291, 60001, 49152],
  random: [],
  udp: [53, 123, 161, 1900, 5060, 11211, 389, 19, 137, 500, 1194, 3702, 5353, 51820],
  icmp: [],
  vpn: [1194, 1723, 500, 4500, 51820],
};

interface Source {
  text: string;
  v6: boolean;
  target: Target;
  stack: Stack;
  ttl: number;
  port: number;
  srcPort: number;
}

const TCP_STACK: Record<Stack, { len: number; win: () => number; df: boolean; opt: string }> = {
  zmap: { len: 40, win: () => 65535, df: false, opt: '' },
  masscan: { len: 40, win: () => 1024, df: false, opt: '' },
  nmap: { len: 44, win: () => 1024, df: false, opt: '020405B4' },
  linux: { len: 60, win: () => 64240, df: true, opt: '020405B40402080A' },
  windows: { len: 52, win: () => 64240, df: true, opt: '020405B40103030801010402' },
  mirai: { len: 40, win: () => 0, df: false, opt: '' },
  mac: { len: 64, win: () => 65535, df: true, opt: '020405B4010303060101080A' },
};

function makeSource(rng: Rng, v6: boolean): Source {
  const target = rng.weighted<Target>([
    [14, 'ssh'],
    [10, 'telnet'],
    [14, 'web'],
    [6, 'rdp'],
    [6, 'smb'],
    [6, 'db'],
    [6, 'iot'],
    [16, 'random'],
    [12, 'udp'],
    [5, 'icmp'],
    [3, 'vpn'],
  ]);
  const stack = rng.weighted<Stack>([
    [14, 'zmap'],
    [14, 'masscan'],
    [6, 'nmap'],
    [22, 'linux'],
    [10, 'windows'],
    [10, 'mirai'],
    [3, 'mac'],
  ]);
  const base = stack === 'windows' ? 128 : stack === 'zmap' || stack === 'masscan' ? 255 : 64;
  const ports = TARGET_PORTS[target];
  return {
    text: v6 ? ipv6Text(publicV6(rng)) : ipv4Text(publicV4(rng)),
    v6,
    target,
    stack,
    ttl: base - rng.range(4, 26),
    port: ports.length ? rng.pick(ports) : rng.range(1, 65535),
    srcPort: rng.range(1024, 65535),
  };
}

/** Cumulative Zipf weights over `n` ranks with exponent `s`. */
function zipfTable(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / Math.pow(r + 1, s);
    cdf[r] = total;
  }
  for (let r = 0; r < n; r++) cdf[r] /= total;
  return cdf;
}

function zipfPick(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------------------------
// Packet text.

const TCP_FLAG_ORDER = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'] as const;
type TcpFlag = (typeof TCP_FLAG_ORDER)[number];

function flagsText(flags: readonly TcpFlag[]): string {
  let s = '';
  for (const f of TCP_FLAG_ORDER) if (flags.includes(f)) s += f + ' ';
  return s;
}

interface Ip4 {
  src: string;
  dst: string;
  len: number;
  tos?: number;
  prec?: number;
  ttl: number;
  id: number;
  df?: boolean;
  mf?: boolean;
  frag?: number;
  opt?: string;
}

function ip4Text(p: Ip4): string {
  let s = `SRC=${p.src} DST=${p.dst} LEN=${p.len} TOS=0x${HEX2_UPPER(p.tos ?? 0)} PREC=0x${HEX2_UPPER(p.prec ?? 0)} TTL=${p.ttl} ID=${p.id} `;
  if (p.df) s += 'DF ';
  if (p.mf) s += 'MF ';
  if (p.frag) s += `FRAG:${p.frag} `;
  if (p.opt) s += `OPT (${p.opt}) `;
  return s;
}

function ip6Text(src: string, dst: string, payload: number, tc: number, hop: number, flow: number): string {
  return `SRC=${src} DST=${dst} LEN=${payload + 40} TC=${tc} HOPLIMIT=${hop} FLOWLBL=${flow} `;
}

interface Tcp {
  spt: number;
  dpt: number;
  win: number;
  flags: readonly TcpFlag[];
  urgp?: number;
  seq?: number;
  ack?: number;
  opt?: string;
}

function tcpText(t: Tcp, verbose: boolean): string {
  let s = `PROTO=TCP SPT=${t.spt} DPT=${t.dpt} `;
  if (verbose) s += `SEQ=${t.seq ?? 0} ACK=${t.ack ?? 0} `;
  s += `WINDOW=${t.win} RES=0x00 ${flagsText(t.flags)}URGP=${t.urgp ?? 0} `;
  if (verbose && t.opt) s += `OPT (${t.opt}) `;
  return s;
}

const udpText = (spt: number, dpt: number, len: number): string => `PROTO=UDP SPT=${spt} DPT=${dpt} LEN=${len} `;

/** TCP options of a SYN, with a fresh timestamp where the stack sends one. */
function synOptions(rng: Rng, stack: Stack): string {
  const base = TCP_STACK[stack].opt;
  if (stack === 'linux') return base + rng.u32().toString(16).toUpperCase().padStart(8, '0') + '0000000001030307';
  if (stack === 'mac') return base + rng.u32().toString(16).toUpperCase().padStart(8, '0') + '0000000004020000';
  return base;
}

const UDP_PAYLOAD: Record<number, number> = { 53: 29, 123: 48, 161: 43, 1900: 94, 5060: 410, 11211: 15, 389: 52, 19: 1, 137: 50, 500: 408, 1194: 14, 3702: 656, 5353: 46, 51820: 148 };

// ---------------------------------------------------------------------------------------------------------------
// Non-firewall chatter.

function chatter(rng: Rng, host: Host, randomV4: () => string): { program: string; text: string; kernel: boolean } {
  const pid = rng.range(300, 65000);
  switch (rng.int(10)) {
    case 0:
      return { program: `CRON[${pid}]`, text: '(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)', kernel: false };
    case 1:
      return { program: `CROND[${pid}]`, text: '(root) CMD (run-parts /etc/cron.hourly)', kernel: false };
    case 2:
      return { program: `sshd[${pid}]`, text: `Invalid user ${rng.pick(['admin', 'test', 'oracle', 'ubuntu', 'user', 'git', 'postgres'])} from ${randomV4()} port ${rng.range(1024, 65535)}`, kernel: false };
    case 3:
      return { program: `sshd[${pid}]`, text: `Connection closed by authenticating user root ${randomV4()} port ${rng.range(1024, 65535)} [preauth]`, kernel: false };
    case 4:
      return { program: `sshd[${pid}]`, text: `Received disconnect from ${randomV4()} port ${rng.range(1024, 65535)}:11: Bye Bye [preauth]`, kernel: false };
    case 5:
      return { program: 'systemd[1]', text: rng.pick(['Started Session 4211 of User deploy.', 'Starting Daily apt download activities...', 'logrotate.service: Succeeded.', 'Finished Rotate log files.']), kernel: false };
    case 6:
      return { program: `postfix/smtpd[${pid}]`, text: `lost connection after EHLO from unknown[${randomV4()}]`, kernel: false };
    case 7:
      return { program: `dhclient[${pid}]`, text: `DHCPREQUEST for ${ipv4Text(host.v4)} on ${host.wan} to 255.255.255.255 port 67`, kernel: false };
    case 8:
      return { program: 'kernel', text: rng.pick([`${host.wan}: renamed from enp1s0`, 'TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.', `nf_conntrack: nf_conntrack: table full, dropping packet`, 'audit: type=1400 audit(1711000000.123:210): apparmor="DENIED" operation="open" profile="snap.lxd.daemon" name="/proc/1/environ" pid=2211 comm="lxd"']), kernel: true };
    default:
      return { program: `systemd-logind[${rng.range(500, 900)}]`, text: `New session ${rng.range(1000, 9999)} of user deploy.`, kernel: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scanners: bursts scheduled ahead, merged into the stream by time.

type ScanKind = 'syn' | 'null' | 'xmas' | 'fin' | 'maimon' | 'ack' | 'udp' | 'slow-syn' | 'syn-v6';

const SCAN_FLAGS: Record<string, readonly TcpFlag[]> = {
  syn: ['SYN'],
  'slow-syn': ['SYN'],
  'syn-v6': ['SYN'],
  null: [],
  xmas: ['URG', 'PSH', 'FIN'],
  fin: ['FIN'],
  maimon: ['ACK', 'FIN'],
  ack: ['ACK'],
};

interface Scan {
  src: string;
  v6: boolean;
  kind: ScanKind;
  host: Host;
  ports: number[];
  times: number[];
  ttl: number;
  spt: number;
  win: number;
}

const COMMON_PORTS = [21, 22, 23, 25, 53, 80, 81, 110, 111, 135, 139, 143, 443, 445, 465, 587, 993, 995, 1080, 1433, 1521, 1723, 2049, 2222, 3000, 3306, 3389, 5000, 5432, 5900, 5985, 6379, 7001, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 11211, 27017];

function scanPorts(rng: Rng, count: number): number[] {
  const set = new Set<number>();
  for (const p of COMMON_PORTS) {
    if (set.size >= count) break;
    if (rng.chance(0.7)) set.add(p);
  }
  while (set.size < count) set.add(rng.range(1, 65535));
  const ports = [...set];
  for (let i = ports.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [ports[i], ports[j]] = [ports[j], ports[i]];
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------------------------

export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const { lines, seed } = options;
  const rng = new Rng(seed);
  const start = Date.UTC(GENERATED_YEAR, 2, 1, 0, 0, 0) - ZONE_MS; // 1 March, 00:00 local
  const spanMs = 30 * 86400_000;

  const hosts: Host[] = [
    {
      name: 'refirio', weight: 30, envelope: 'bsd', wan: 'eth0',
      v4: (153 << 24) | (121 << 16) | (33 << 8) | 84, v6: [0x2401, 0x2500, 0x0102, 0x1106, 0x0153, 0x0121, 0x0033, 0x0084],
      mac: [0x52, 0x54, 0x0d, 0x00, 0x23, 0x10], gwMac: [0x00, 0x24, 0x38, 0x2d, 0x06, 0x00], verbose: false,
      bootMs: start - 41 * 86400_000, prefix: () => '[IPTABLES REJECT]: ',
    },
    {
      name: 'web01', weight: 20, envelope: 'bsd', wan: 'ens3',
      v4: publicV4(rng), v6: publicV6(rng), mac: [0xfa, 0x16, 0x3e, 0x4c, 0x91, 0x07], gwMac: [0xfa, 0x16, 0x3e, 0x00, 0x00, 0x01],
      verbose: true, bootMs: start - 3 * 86400_000, prefix: FIREWALLD,
    },
    {
      name: 'ubuntu-gw', weight: 30, envelope: 'rfc3339-dmesg', wan: 'eth0',
      v4: publicV4(rng), v6: publicV6(rng), mac: [0x00, 0x16, 0x3e, 0x5a, 0x21, 0xb4], gwMac: [0x00, 0x1b, 0xed, 0xb0, 0xc1, 0x00],
      verbose: false, bootMs: start - 12 * 86400_000, prefix: UFW,
    },
    {
      name: 'ubnt', weight: 20, envelope: 'pri-bsd', wan: 'eth0', lan: 'eth1',
      v4: publicV4(rng), v6: publicV6(rng), mac: [0x78, 0x8a, 0x20, 0x41, 0x3c, 0x11], gwMac: [0x00, 0x00, 0x5e, 0x00, 0x01, 0x01],
      verbose: false, bootMs: start - 200 * 86400_000, prefix: EDGEOS,
    },
  ];
  for (const h of hosts) h.v4 = h.v4 >>> 0;
  const hostTable = hosts.map((h) => [h.weight, h] as const);
  const lanMacs = Array.from({ length: 6 }, () => [0x52, 0x54, 0x0d, rng.int(256), rng.int(256), rng.int(256)]);
  const lanV4 = (h: Host): number => (h.v4 & 0xffffff00) | rng.range(2, 254);
  const hostV6Text = hosts.map((h) => ipv6Text(h.v6));

  // the pool of background sources; about 6% speak IPv6
  const POOL = Math.max(1000, Math.round(Math.min(lines, 4_000_000) * 0.06));
  const pool: Source[] = new Array(POOL);
  for (let i = 0; i < POOL; i++) pool[i] = makeSource(rng, rng.chance(0.06));
  const cdf = zipfTable(POOL, 1.0);
  // spoofers reuse a few hundred private and bogon addresses
  const spoofed = Array.from({ length: Math.max(20, Math.min(600, Math.round(lines / 2000))) }, () => ipv4Text(rng.weighted(SPOOF_V4)(rng) >>> 0));

  // scanners
  const scanCount = Math.max(4, Math.round(lines / 25_000));
  const scans: Scan[] = [];
  for (let i = 0; i < scanCount; i++) {
    const kind: ScanKind =
      i === 1 ? 'slow-syn' : i === 2 ? 'syn-v6' : i === 3 ? 'xmas' : i === 4 ? 'null' :
      rng.weighted<ScanKind>([[60, 'syn'], [6, 'null'], [6, 'xmas'], [6, 'fin'], [4, 'maimon'], [4, 'ack'], [10, 'udp'], [2, 'slow-syn'], [4, 'syn-v6']]);
    const v6 = kind === 'syn-v6';
    const host = rng.weighted(hostTable);
    // public addresses: a documentation-range source never reaches the Internet, so it would read as spoofed
    const src = v6 ? ipv6Text(publicV6(rng)) : ipv4Text(publicV4(rng));
    const slow = kind === 'slow-syn';
    const count = slow ? rng.range(20, 60) : Math.round(Math.exp(Math.log(15) + rng.float() * (Math.log(1000) - Math.log(15))));
    const ports = kind === 'udp' ? scanPorts(rng, count).map((p, k) => (k < 12 ? [53, 123, 161, 1900, 5060, 11211, 137, 500, 69, 111, 514, 520][k] : p)) : scanPorts(rng, count);
    // fast scans fit in a minute; the slow one trickles through a 3-per-minute log limit
    const duration = slow ? count * 20_000 : rng.range(5_000, 55_000);
    const t0 = start + rng.float() * (spanMs - duration - 60_000);
    const times = ports.map((_, k) => Math.floor(t0 + (duration * k) / ports.length + rng.float() * (duration / ports.length)));
    times.sort((a, b) => a - b);
    scans.push({ src, v6, kind, host, ports, times, ttl: rng.range(40, 250), spt: rng.range(32768, 65535), win: rng.pick([1024, 2048, 3072, 4096, 65535]) });
  }
  interface ScanEvent { t: number; scan: number; k: number }
  const scanEvents: ScanEvent[] = [];
  scans.forEach((s, i) => s.times.forEach((t, k) => scanEvents.push({ t, scan: i, k })));
  scanEvents.sort((a, b) => a.t - b.t || a.scan - b.scan || a.k - b.k);
  const scanLines = Math.min(scanEvents.length, Math.floor(lines * 0.5));
  scanEvents.length = scanLines;

  const bgLines = lines - scanLines;
  const meanGap = spanMs / Math.max(1, bgLines);

  // the output
  const outPath = resolve(options.out);
  mkdirSync(dirname(outPath), { recursive: true });
  const stream = createWriteStream(outPath, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const chunk = batch.join('\n') + '\n';
    batch = [];
    bytes += Buffer.byteLength(chunk);
    if (!stream.write(chunk)) await new Promise<void>((ok) => stream.once('drain', ok));
  };

  const summary: GenerateSummary = {
    lines, bytes: 0, seed, firewallLines: 0, nonFirewallLines: 0, ipv6Lines: 0, distinctSources: 0,
    scanners: [], spoofedLines: 0, byHost: {},
  };
  const seen = new Set<string>();
  const scanFirst: (string | undefined)[] = scans.map(() => undefined);

  // per-second caches of the envelope stamps
  let lastBsdSecond = -1;
  let lastBsd = '';
  const bsd = (ms: number): string => {
    const sec = Math.floor(ms / 1000);
    if (sec !== lastBsdSecond) {
      lastBsdSecond = sec;
      lastBsd = bsdStamp(sec * 1000);
    }
    return lastBsd;
  };

  const envelope = (h: Host, ms: number, program: string, kernelMessage: boolean): string => {
    const micros = Math.floor((ms % 1000) * 1000) + rng.int(1000);
    switch (h.envelope) {
      case 'bsd':
        return `${bsd(ms)} ${h.name} ${program}: `;
      case 'pri-bsd':
        return `<${kernelMessage ? 4 : 30}>${bsd(ms)} ${h.name} ${program}: `;
      case 'rfc3339-dmesg': {
        const stamp = rfc3339Stamp(Math.floor(ms / 1000) * 1000, micros);
        const up = kernelMessage ? dmesgStamp(ms - h.bootMs, (micros + 417_000) % 1_000_000) : '';
        return `${stamp} ${h.name} ${program}: ${up}`;
      }
    }
  };

  /** `IN=... OUT=... MAC=... ` for a packet arriving on the WAN from the gateway. */
  const inbound = (h: Host, v6: boolean, out = ''): string => `IN=${h.wan} OUT=${out} ${macField(h.mac, h.gwMac, v6 ? 0x86dd : 0x0800)}`;

  const emitFirewall = (h: Host, ms: number, prefix: string, body: string, src: string, v6: boolean): void => {
    batch.push(envelope(h, ms, 'kernel', true) + prefix + body);
    summary.firewallLines++;
    summary.byHost[h.name] = (summary.byHost[h.name] ?? 0) + 1;
    if (v6) summary.ipv6Lines++;
    seen.add(src);
  };

  const tcpProbe = (h: Host, ms: number, prefix: string, s: Source, dpt: number, flags: readonly TcpFlag[], dst: string): void => {
    const st = TCP_STACK[s.stack];
    const syn = flags.includes('SYN') && !flags.includes('ACK');
    const optLen = syn ? st.len - 40 : 0;
    const seq = s.stack === 'mirai' ? h.v4 : rng.u32();
    const tcp: Tcp = {
      spt: s.stack === 'zmap' || s.stack === 'masscan' ? s.srcPort : rng.range(1024, 65535),
      dpt, win: s.stack === 'mirai' ? rng.range(1, 65535) : st.win(), flags, seq, ack: flags.includes('ACK') ? rng.u32() : 0,
      opt: optLen > 0 ? synOptions(rng, s.stack) : undefined,
    };
    if (s.v6) {
      const body = inbound(h, true) + ip6Text(s.text, dst, 20 + optLen, 0, s.ttl, s.stack === 'linux' ? rng.int(0x100000) : 0) + tcpText(tcp, h.verbose);
      emitFirewall(h, ms, prefix, body, s.text, true);
    } else {
      const id = s.stack === 'zmap' ? 54321 : st.df && rng.chance(0.5) ? 0 : rng.int(65536);
      const body = inbound(h, false) + ip4Text({ src: s.text, dst, len: 40 + optLen, ttl: s.ttl, id, df: st.df }) + tcpText(tcp, h.verbose);
      emitFirewall(h, ms, prefix, body, s.text, false);
    }
  };

  const randomV4 = (): string => ipv4Text(publicV4(rng));

  const emitScan = (e: ScanEvent): void => {
    const sc = scans[e.scan];
    const h = sc.host;
    const dpt = sc.ports[e.k];
    const prefix = h.prefix('block', rng);
    const before = batch.length;
    if (sc.kind === 'udp') {
      const len = UDP_PAYLOAD[dpt] ?? 0;
      const body = inbound(h, false) + ip4Text({ src: sc.src, dst: ipv4Text(h.v4), len: 28 + len, ttl: sc.ttl, id: rng.int(65536) }) + udpText(sc.spt, dpt, 8 + len);
      emitFirewall(h, sc.times[e.k], prefix, body, sc.src, false);
    } else {
      const flags = SCAN_FLAGS[sc.kind];
      const tcp: Tcp = { spt: sc.spt, dpt, win: sc.win, flags, seq: rng.u32(), ack: flags.includes('ACK') ? rng.u32() : 0, opt: sc.win === 1024 ? '020405B4' : undefined };
      const optLen = tcp.opt ? 4 : 0;
      const body = sc.v6
        ? inbound(h, true) + ip6Text(sc.src, hostV6Text[hosts.indexOf(h)], 20 + optLen, 0, sc.ttl, 0) + tcpText(tcp, h.verbose)
        : inbound(h, false) + ip4Text({ src: sc.src, dst: ipv4Text(h.v4), len: 40 + optLen, ttl: sc.ttl, id: rng.int(65536) }) + tcpText(tcp, h.verbose);
      emitFirewall(h, sc.times[e.k], prefix, body, sc.src, sc.v6);
    }
    if (scanFirst[e.scan] === undefined) scanFirst[e.scan] = batch[before];
  };

  let t = start;
  let nextScan = 0;
  for (let n = 0; n < bgLines; n++) {
    t += rng.exp(meanGap);
    while (nextScan < scanLines && scanEvents[nextScan].t <= t) emitScan(scanEvents[nextScan++]);
    const ms = Math.floor(t);
    const h = rng.weighted(hostTable);
    const hIndex = hosts.indexOf(h);
    const dst4 = ipv4Text(h.v4);
    const roll = rng.float();

    if (roll < 0.05) {
      // not a firewall line
      const c = chatter(rng, h, randomV4);
      batch.push(envelope(h, ms, c.program, c.kernel) + c.text);
      summary.nonFirewallLines++;
    } else if (roll < 0.13) {
      // harmless LAN noise
      const lanMac = rng.pick(lanMacs);
      const which = rng.int(7);
      const prefix = h.prefix('noise', rng);
      if (which === 0) {
        const src = '0.0.0.0';
        const ipOpt = h.verbose ? '94040000' : undefined;
        emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([0x01, 0x00, 0x5e, 0, 0, 1], lanMac, 0x0800)}` + ip4Text({ src, dst: '224.0.0.1', len: 32, prec: 0xc0, ttl: 1, id: 0, df: true, opt: ipOpt }) + 'PROTO=2 ', src, false);
      } else if (which === 1) {
        const src = ipv4Text(lanV4(h));
        const dpt = rng.chance(0.5) ? 137 : 138;
        const ulen = dpt === 137 ? 58 : 209;
        emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([255, 255, 255, 255, 255, 255], lanMac, 0x0800)}` + ip4Text({ src, dst: ipv4Text((h.v4 | 0xff) >>> 0), len: 20 + ulen, ttl: 64, id: rng.int(65536) }) + udpText(dpt, dpt, ulen), src, false);
      } else if (which === 2) {
        const src = '0.0.0.0';
        emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([255, 255, 255, 255, 255, 255], lanMac, 0x0800)}` + ip4Text({ src, dst: '255.255.255.255', len: 328, tos: 0x10, ttl: 128, id: 0 }) + udpText(68, 67, 308), src, false);
      } else if (which === 3) {
        const src = ipv4Text(lanV4(h));
        emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb], lanMac, 0x0800)}` + ip4Text({ src, dst: '224.0.0.251', len: 20 + 8 + 46, ttl: 255, id: rng.int(65536), df: true }) + udpText(5353, 5353, 54), src, false);
      } else if (which === 4) {
        const src = ipv4Text(lanV4(h));
        emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa], lanMac, 0x0800)}` + ip4Text({ src, dst: '239.255.255.250', len: 20 + 8 + 94, ttl: 4, id: rng.int(65536) }) + udpText(rng.range(32768, 65535), 1900, 102), src, false);
      } else {
        // IPv6 on the link: an MLD query or a neighbour solicitation
        const ll = ipv6Text([0xfe80, 0, 0, 0, 0x5054, 0x0dff, 0xfe00 | lanMac[3], (lanMac[4] << 8) | lanMac[5]]);
        if (which === 5) {
          emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([0x33, 0x33, 0, 0, 0, 1], lanMac, 0x86dd)}` + ip6Text(ll, 'ff02:0000:0000:0000:0000:0000:0000:0001', 32, 0, 1, 0) + 'PROTO=ICMPv6 TYPE=130 CODE=0 ', ll, true);
        } else {
          const target = h.v6;
          const sn = ipv6Text([0xff02, 0, 0, 0, 0, 1, 0xff00 | (target[6] & 0xff), target[7]]);
          emitFirewall(h, ms, prefix, `IN=${h.wan} OUT= ${macField([0x33, 0x33, 0xff, target[6] & 0xff, target[7] >> 8, target[7] & 0xff], lanMac, 0x86dd)}` + ip6Text(ll, sn, 32, 0, 255, 0) + 'PROTO=ICMPv6 TYPE=135 CODE=0 ', ll, true);
        }
      }
    } else if (roll < 0.14) {
      // spoofed: a private or bogon source arriving on the WAN
      const src = spoofed[rng.int(spoofed.length)];
      const body = rng.chance(0.7)
        ? inbound(h, false) + ip4Text({ src, dst: dst4, len: 40, ttl: rng.range(230, 250), id: rng.int(65536) }) + tcpText({ spt: rng.range(1024, 65535), dpt: rng.pick([22, 23, 80, 443, 445, 3389]), win: rng.pick([1024, 512, 65535]), flags: ['SYN'], seq: rng.u32() }, h.verbose)
        : inbound(h, false) + ip4Text({ src, dst: dst4, len: 56, ttl: rng.range(230, 250), id: rng.int(65536) }) + udpText(rng.pick([53, 123, 19]), rng.range(1024, 65535), 36);
      emitFirewall(h, ms, h.prefix('block', rng), body, src, false);
      summary.spoofedLines++;
    } else if (roll < 0.155) {
      // an ICMP error quoting a packet this host sent
      const s = pool[zipfPick(cdf, rng.float())];
      if (s.v6) {
        const type = rng.weighted([[5, 1], [2, 2], [2, 3], [1, 4]] as const);
        const code = type === 1 ? rng.pick([0, 1, 3, 4]) : 0;
        const inner = ip6Text(hostV6Text[hIndex], s.text, 8 + 48, 0, 63, rng.int(0x100000)) + udpText(rng.range(32768, 60999), 33434 + rng.int(30), 56);
        let body = inbound(h, true) + ip6Text(s.text, hostV6Text[hIndex], 8 + 40 + 56, 0, s.ttl, 0) + `PROTO=ICMPv6 TYPE=${type} CODE=${code} `;
        if (type === 4) body += `POINTER=${rng.int(40).toString(16).padStart(8, '0')} `;
        body += `[${inner}] `;
        if (type === 2) body += `MTU=${rng.pick([1280, 1400, 1480])} `;
        emitFirewall(h, ms, h.prefix('block', rng), body, s.text, true);
      } else {
        const type = rng.weighted([[6, 3], [3, 11], [1, 5]] as const);
        const code = type === 3 ? rng.pick([0, 1, 3, 3, 3, 4, 10, 13]) : type === 5 ? 1 : 0;
        const innerProto = rng.int(3);
        let inner: string;
        let quoted: number;
        const innerIp = (len: number, df: boolean): string => ip4Text({ src: dst4, dst: s.text, len, ttl: type === 11 ? 1 : 63, id: rng.int(65536), df });
        if (innerProto === 0) {
          inner = innerIp(68, false) + udpText(rng.range(32768, 60999), 33434 + rng.int(30), 48);
          quoted = rng.chance(0.5) ? 28 : 68;
        } else if (innerProto === 1) {
          // most routers quote only 8 bytes past the IP header: the TCP header is cut short
          if (rng.chance(0.6)) {
            inner = innerIp(1500, true) + 'PROTO=TCP INCOMPLETE [8 bytes] ';
            quoted = 28;
          } else {
            inner = innerIp(60, true) + tcpText({ spt: 443, dpt: rng.range(1024, 65535), win: 65160, flags: ['ACK', 'SYN'], seq: rng.u32(), ack: rng.u32(), opt: '020405B40402080A' + '1B2C3D4E' + '0000000001030307' }, h.verbose);
            quoted = 60;
          }
        } else {
          inner = innerIp(84, true) + `PROTO=ICMP TYPE=8 CODE=0 ID=${rng.int(65536)} SEQ=${rng.range(1, 30)} `;
          quoted = rng.chance(0.5) ? 28 : 84;
        }
        let body = inbound(h, false) + ip4Text({ src: s.text, dst: dst4, len: 28 + quoted, prec: 0xc0, ttl: s.ttl, id: rng.int(65536) }) + `PROTO=ICMP TYPE=${type} CODE=${code} `;
        if (type === 5) body += `GATEWAY=${ipv4Text((h.v4 & 0xffffff00) | 1)} `;
        body += `[${inner}] `;
        if (type === 3 && code === 4) body += `MTU=${rng.pick([1400, 1480, 1492, 576])} `;
        emitFirewall(h, ms, h.prefix('block', rng), body, s.text, false);
      }
    } else if (roll < 0.158) {
      // fragments: the first carries the UDP header, later ones carry none
      const s = pool[zipfPick(cdf, rng.float())];
      if (s.v6) {
        const id = rng.u32().toString(16).padStart(8, '0');
        const later = rng.chance(0.5);
        const body = inbound(h, true) + ip6Text(s.text, hostV6Text[hIndex], later ? 1240 : 1240, 0, s.ttl, 0) + (later ? `FRAG:1232 ID:${id} PROTO=UDP ` : `FRAG:0 INCOMPLETE ID:${id} ` + udpText(53, rng.range(1024, 65535), 2900));
        emitFirewall(h, ms, h.prefix('block', rng), body, s.text, true);
      } else {
        const later = rng.chance(0.5);
        const body = inbound(h, false) + ip4Text({ src: s.text, dst: dst4, len: 1500, ttl: s.ttl, id: rng.int(65536), mf: !later || rng.chance(0.5), frag: later ? 185 : 0 }) + (later ? 'PROTO=UDP ' : udpText(53, rng.range(1024, 65535), 3800));
        emitFirewall(h, ms, h.prefix('block', rng), body, s.text, false);
      }
    } else if (roll < 0.215) {
      // a late packet of a finished connection: conntrack no longer knows it
      const s = pool[zipfPick(cdf, rng.float())];
      const flags = rng.weighted<readonly TcpFlag[]>([[5, ['ACK', 'RST']], [3, ['ACK', 'FIN']], [3, ['ACK', 'PSH']], [2, ['ACK', 'PSH', 'FIN']], [2, ['RST']], [2, ['ACK']], [1, ['ACK', 'SYN']], [1, ['CWR', 'ECE', 'ACK', 'PSH']]]);
      tcpProbe(h, ms, h.prefix('invalid', rng), { ...s, stack: 'linux' }, rng.pick([443, 80, 22, 993, 25]), flags, s.v6 ? hostV6Text[hIndex] : dst4);
    } else if (roll < 0.245) {
      // allowed traffic that is logged too (ufw AUDIT/ALLOW, EdgeOS accept rules); elsewhere a plain block
      const s = pool[zipfPick(cdf, rng.float())];
      const kind: LineKind = h.envelope === 'rfc3339-dmesg' || h.envelope === 'pri-bsd' ? 'allowed' : 'block';
      tcpProbe(h, ms, h.prefix(kind, rng), { ...s, stack: rng.pick(['linux', 'windows', 'mac'] as const) }, rng.pick([22, 80, 443]), ['SYN'], s.v6 ? hostV6Text[hIndex] : dst4);
    } else if (roll < 0.252 && !h.lan) {
      // outbound, logged on OUTPUT: no MAC; web01 logs the socket's owner
      const dst = randomV4();
      const dpt = rng.pick([25, 53, 123, 6667, 4444, 3333]);
      let body = `IN= OUT=${h.wan} ` + ip4Text({ src: dst4, dst, len: dpt === 53 || dpt === 123 ? 76 : 60, ttl: 64, id: rng.int(65536), df: dpt !== 53 && dpt !== 123 });
      body += dpt === 53 || dpt === 123 ? udpText(rng.range(32768, 60999), dpt, 56) : tcpText({ spt: rng.range(32768, 60999), dpt, win: 64240, flags: ['SYN'], seq: rng.u32(), opt: '020405B40402080A1A2B3C4D0000000001030307' }, h.verbose);
      if (h.verbose) body += `UID=${rng.pick([0, 33, 1000, 998])} GID=${rng.pick([0, 33, 1000, 998])} `;
      if (h.verbose && rng.chance(0.3)) body += `MARK=0x${rng.range(1, 0xff).toString(16)} `;
      emitFirewall(h, ms, h.prefix('outbound', rng), body, dst4, false);
    } else if (roll < 0.262 && h.lan) {
      // EdgeOS: forwarded towards the LAN (OUT= set, TTL already decremented)
      let s = pool[zipfPick(cdf, rng.float())];
      while (s.v6) s = pool[zipfPick(cdf, rng.float())];
      const dst = `192.168.1.${rng.range(2, 250)}`;
      const src = s.text;
      const body = inbound(h, false, h.lan) + ip4Text({ src, dst, len: 40, ttl: Math.max(1, s.ttl - 1), id: rng.int(65536) }) + tcpText({ spt: s.srcPort, dpt: s.port || 80, win: 1024, flags: ['SYN'] }, false);
      emitFirewall(h, ms, h.prefix('forward', rng), body, src, false);
    } else {
      // a blocked probe from the background
      const s = pool[zipfPick(cdf, rng.float())];
      const prefix = h.prefix('block', rng);
      const dst = s.v6 ? hostV6Text[hIndex] : dst4;
      if (s.target === 'udp' || (s.target === 'vpn' && s.port !== 1723)) {
        const plen = UDP_PAYLOAD[s.port] ?? rng.range(0, 120);
        const body = s.v6
          ? inbound(h, true) + ip6Text(s.text, dst, 8 + plen, 0, s.ttl, rng.int(0x100000)) + udpText(s.srcPort, s.port, 8 + plen)
          : inbound(h, false) + ip4Text({ src: s.text, dst, len: 28 + plen, ttl: s.ttl, id: rng.int(65536) }) + udpText(s.srcPort, s.port, 8 + plen);
        emitFirewall(h, ms, prefix, body, s.text, s.v6);
      } else if (s.target === 'icmp') {
        const id = rng.int(65536);
        const seq = rng.range(0, 5);
        const body = s.v6
          ? inbound(h, true) + ip6Text(s.text, dst, 64, 0, s.ttl, 0) + `PROTO=ICMPv6 TYPE=128 CODE=0 ID=${id} SEQ=${seq} `
          : inbound(h, false) + ip4Text({ src: s.text, dst, len: s.stack === 'windows' ? 60 : s.stack === 'zmap' ? 28 : 84, ttl: s.ttl, id: rng.int(65536), df: s.stack === 'linux' }) + `PROTO=ICMP TYPE=8 CODE=0 ID=${id} SEQ=${seq} `;
        emitFirewall(h, ms, prefix, body, s.text, s.v6);
      } else {
        const flags: readonly TcpFlag[] = rng.chance(0.03) ? ['CWR', 'ECE', 'SYN'] : rng.chance(0.005) ? ['SYN', 'FIN'] : rng.chance(0.002) ? ['URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'] : ['SYN'];
        const dpt = s.target === 'random' ? rng.range(1, 65535) : rng.chance(0.8) ? s.port : rng.pick(TARGET_PORTS[s.target]);
        tcpProbe(h, ms, prefix, s, dpt, flags, dst);
      }
    }
    if (batch.length >= 4096) await flush();
  }
  while (nextScan < scanLines) emitScan(scanEvents[nextScan++]);
  await flush();
  await new Promise<void>((ok, fail) => stream.end((err?: Error | null) => (err ? fail(err) : ok())));

  summary.bytes = bytes;
  summary.distinctSources = seen.size;
  summary.scanners = scans
    .map((s, i) => ({ src: s.src, host: s.host.name, kind: s.kind, ports: new Set(s.ports).size, firstLine: scanFirst[i] ?? '' }))
    .filter((s) => s.firstLine !== '');
  writeFileSync(outPath + '.json', JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

// ---------------------------------------------------------------------------------------------------------------

export function parseArgs(argv: readonly string[]): GenerateOptions {
  const opts: GenerateOptions = { lines: 1_000_000, seed: 42, out: 'bench/out/mixed-1m.log' };
  let outGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--lines') opts.lines = parseCount(value());
    else if (a === '--seed') opts.seed = Number.parseInt(value(), 10);
    else if (a === '--out') {
      opts.out = value();
      outGiven = true;
    } else throw new Error(`unknown argument ${a} (expected --lines N, --seed S, --out FILE)`);
  }
  if (!Number.isSafeInteger(opts.lines) || opts.lines < 1) throw new Error('--lines must be a positive integer');
  if (!Number.isSafeInteger(opts.seed)) throw new Error('--seed must be an integer');
  if (!outGiven) opts.out = defaultOut(opts.lines, opts.seed);
  return opts;
}

/** `1000000`, `1m`, `250k`. */
function parseCount(text: string): number {
  const m = /^(\d+)([km]?)$/i.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1000 : m[2].toLowerCase() === 'm' ? 1_000_000 : 1);
}

export function defaultOut(lines: number, seed: number): string {
  const size = lines % 1_000_000 === 0 ? `${lines / 1_000_000}m` : lines % 1000 === 0 ? `${lines / 1000}k` : String(lines);
  return seed === 42 ? `bench/out/mixed-${size}.log` : `bench/out/mixed-${size}-s${seed}.log`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const t0 = performance.now();
    const s = await generate(opts);
    const secs = (performance.now() - t0) / 1000;
    process.stdout.write(
      `wrote ${opts.out}: ${s.lines} lines, ${(s.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s; ` +
        `${s.firewallLines} firewall lines (${s.ipv6Lines} IPv6), ${s.nonFirewallLines} other, ` +
        `${s.distinctSources} distinct sources, ${s.scanners.length} scanners, ${s.spoofedLines} spoofed lines\n`,
    );
  } catch (err) {
    process.stderr.write(`generate: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

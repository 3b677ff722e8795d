import type { Text } from '../i18n/text.js';
import { describeTcpFlags, type TcpProbe } from '../net/tcp-flags.js';
import { ClosedFindings } from './closed-findings.js';
import { isAllowedTraffic, type DetectEvent } from './event.js';
import type { PortScanFinding, ScanKind, ScanShape } from './findings.js';
import { LongHorizonTracker, type LongHorizonSnapshot } from './long-horizon.js';
import { LruMap } from './lru.js';
import { isNetworkKey, SourceKeys } from './source-key.js';
import { TimeWindow } from './window.js';

/**
 * Thresholds and bounds of the port-scan detector. Everything is a plain number so the agent's config file maps
 * onto it one to one.
 */
export interface ScanConfig {
  /** Vertical: distinct destination ports from one source within `windowMs`. */
  readonly ports: number;
  /** Horizontal: distinct destination hosts on one port (or ICMP to that many hosts) within `windowMs`. */
  readonly hosts: number;
  readonly windowMs: number;
  /**
   * NULL, FIN and Xmas probes come from no working TCP stack: this many distinct (host, port) targets of such
   * probes within `windowMs` are a scan on their own. 0 turns the rule off.
   */
  readonly stealth: number;
  /** The probe kinds the stealth rule counts. */
  readonly stealthKinds: readonly TcpProbe[];
  /**
   * Rate-limited logging (`-m limit`, ufw's 3/min burst 10) turns a scan into a trickle that never fills the short
   * window; distinct ports over a long horizon still show it. 0 turns the rule off.
   */
  readonly slowPorts: number;
  readonly slowWindowMs: number;
  /**
   * Patient scanners send a probe every few minutes for hours: distinct ports (or hosts) per source over a day
   * find them, since an ordinary source touches one to three. Kept in bounded memory (`maxLongSources`) and, in
   * the agent, across cron runs. 0 turns a count off.
   */
  readonly longPorts: number;
  readonly longHosts: number;
  readonly longWindowMs: number;
  readonly maxLongSources: number;
  /**
   * Networks whose IPv6 sources are counted one address at a time instead of per /64: the LANs this host is on
   * (see `SourceKeys`). The agent passes its connected networks.
   */
  readonly perAddress: readonly string[];
  /**
   * Treat a packet from a service port (< 1024) to an unprivileged port (>= 1024) as a late reply, not a probe,
   * when it cannot open a connection (UDP, TCP ACK / FIN+ACK). Conntrack forgets a flow and the resolver's or the
   * web server's last packets then hit random ephemeral ports: without this, 8.8.8.8 looks like a UDP scanner.
   * The price: a scanner that sets its source port to 53 or 80 and sends UDP or ACK probes is not counted.
   */
  readonly lateReplies: boolean;
  /** Sources tracked at once; the least recently heard one is evicted (and its episode closed) beyond this. */
  readonly maxSources: number;
  /** Window entries per source; a flood of one source cannot grow beyond it (the oldest entry goes). */
  readonly maxTargetsPerSource: number;
  /** Distinct ports and hosts counted per source for the report; past it, the finding says `capped`. */
  readonly maxDistinct: number;
}

export const DEFAULT_SCAN_CONFIG: ScanConfig = Object.freeze({
  ports: 10,
  hosts: 10,
  windowMs: 60_000,
  stealth: 3,
  stealthKinds: Object.freeze(['null', 'fin', 'xmas'] as TcpProbe[]),
  slowPorts: 20,
  slowWindowMs: 3_600_000,
  longPorts: 12,
  longHosts: 32,
  longWindowMs: 86_400_000,
  maxLongSources: 200_000,
  perAddress: Object.freeze([]) as readonly string[],
  lateReplies: true,
  maxSources: 50_000,
  maxTargetsPerSource: 4096,
  maxDistinct: 65_536,
});

function positiveInt(name: string, value: number, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`scan detector: ${name} must be a whole number${allowZero ? '' : ' above 0'}, got ${value}`);
  }
}

/** Defaults filled in and nonsense refused with a plain sentence (the agent's schema should have caught it). */
export function resolveScanConfig(partial: Partial<ScanConfig> = {}): ScanConfig {
  const c: ScanConfig = { ...DEFAULT_SCAN_CONFIG, ...stripUndefined(partial) };
  positiveInt('ports', c.ports);
  positiveInt('hosts', c.hosts);
  positiveInt('windowMs', c.windowMs);
  positiveInt('stealth', c.stealth, true);
  positiveInt('slowPorts', c.slowPorts, true);
  positiveInt('slowWindowMs', c.slowWindowMs);
  positiveInt('longPorts', c.longPorts, true);
  positiveInt('longHosts', c.longHosts, true);
  positiveInt('longWindowMs', c.longWindowMs);
  positiveInt('maxLongSources', c.maxLongSources);
  positiveInt('maxSources', c.maxSources);
  positiveInt('maxTargetsPerSource', c.maxTargetsPerSource);
  positiveInt('maxDistinct', c.maxDistinct);
  // A window smaller than a threshold could never hold enough targets to cross it.
  const needed = Math.max(c.ports, c.hosts, c.stealth, c.slowPorts, c.longPorts, c.longHosts);
  if (c.maxTargetsPerSource < needed) {
    throw new RangeError(`scan detector: maxTargetsPerSource (${c.maxTargetsPerSource}) is below a threshold (${needed})`);
  }
  return Object.freeze(c);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * Destination "ports" are keyed per transport (tcp/22 and udp/22 are different services): key = slot * 65536 +
 * port. Protocols without ports get negative keys, so they count as hosts (an ICMP sweep) but never as ports.
 */
const PORT_SLOT: Readonly<Record<string, number>> = { TCP: 0, UDP: 1, UDPLITE: 2, SCTP: 3, DCCP: 4 };
const KEY_ICMP = -1;
const KEY_ICMPV6 = -2;
const KEY_OTHER = -3;
/** A TCP/UDP line cut before its DPT: a target host, but no port to count. */
const KEY_NO_PORT = -4;

interface Probe {
  kind: ScanKind;
  key: number;
}

/** Undefined when the line is not a probe (an answer, established traffic, a late reply). */
function probeOf(e: DetectEvent, lateReplies: boolean): Probe | undefined {
  const proto = (e.proto ?? '').toUpperCase();
  const slot = PORT_SLOT[proto];
  if (slot !== undefined) {
    let kind: ScanKind;
    if (proto === 'TCP') {
      if (e.tcpFlags === undefined) kind = 'tcp';
      else {
        const probe = describeTcpFlags(e.tcpFlags).probe;
        if (probe === undefined) return undefined;
        kind = probe;
      }
    } else kind = proto === 'SCTP' ? 'sctp' : proto === 'DCCP' ? 'other' : 'udp';
    const replyLike = kind === 'udp' || kind === 'ack' || kind === 'maimon';
    if (lateReplies && replyLike && e.spt !== undefined && e.dpt !== undefined && e.spt < 1024 && e.dpt >= 1024) return undefined;
    if (e.dpt === undefined || !Number.isInteger(e.dpt) || e.dpt < 0 || e.dpt > 65535) return { kind, key: KEY_NO_PORT };
    return { kind, key: slot * 65536 + e.dpt };
  }
  if (proto === 'ICMP' || proto === '1') return { kind: 'icmp', key: KEY_ICMP };
  if (proto === 'ICMPV6' || proto === '58') return { kind: 'icmp', key: KEY_ICMPV6 };
  return { kind: 'other', key: KEY_OTHER };
}

const KINDS: readonly ScanKind[] = ['syn', 'fin', 'xmas', 'null', 'ack', 'maimon', 'invalid', 'tcp', 'udp', 'sctp', 'icmp', 'icmp-sweep', 'other'];
const KIND_BIT = Object.fromEntries(KINDS.map((k, i) => [k, 1 << i])) as Record<ScanKind, number>;
const SHAPES: readonly ScanShape[] = ['vertical', 'horizontal', 'stealth', 'slow', 'long'];
const SHAPE_BIT = Object.fromEntries(SHAPES.map((k, i) => [k, 1 << i])) as Record<ScanShape, number>;

function isIcmpKey(key: number): boolean {
  return key === KEY_ICMP || key === KEY_ICMPV6;
}

/** The counting structures, built on a source's second probe: most sources send one line and never need them. */
interface Windows {
  /** `${key}|${dst}` targets within `windowMs`. */
  readonly targets: TimeWindow<string>;
  /** Port key -> live targets on it (the horizontal count); `livePorts` counts its non-negative keys. */
  readonly perKey: Map<number, number>;
  livePorts: number;
  /** Called by `targets` for each target that left the window. */
  readonly forget: (target: string) => void;
  stealth?: TimeWindow<string>;
  slow?: TimeWindow<number>;
  /**
   * The last target's text: a source mostly repeats its target, and the same string object (its hash kept) saves
   * building and hashing a new one for every line.
   */
  lastKey: number;
  lastDst: string;
  lastTarget: string;
}

interface SourceState {
  /** What the detector counts against: the address, or an IPv6 source's /64 (see `sourceKey`). */
  readonly key: string;
  /** The first address heard (the one a ban names). */
  readonly source: string;
  /** Other addresses heard in an IPv6 /64 (up to MAX_ADDRESSES), and how many there were in all. */
  readonly addresses: string[];
  addressCount: number;
  readonly family: 4 | 6;
  first: number;
  last: number;
  lines: number;
  /** Few per source; an array costs less than a Set for the millions of one-line sources. */
  readonly interfaces: string[];
  /** Bit sets over KINDS and SHAPES, for the same reason. */
  kinds: number;
  shapes: number;
  /** The first probe, held inline until a second one arrives (`pendingT` NaN: none held). */
  pendingKey: number;
  pendingDst: string;
  pendingT: number;
  pendingStealth: boolean;
  win?: Windows;
  /** Episode totals, kept once a threshold is crossed (seeded then from what the windows hold). */
  allPorts?: Set<number>;
  allHosts?: Set<string>;
  capped: boolean;
}

/** Interfaces kept per finding; a source seen on more is unusual and the list is for reading. */
const MAX_INTERFACES = 16;
/** Addresses of one /64 remembered for the count (beyond it the count is a floor). */
const MAX_ADDRESSES = 64;

export interface ScanStats {
  /** Events pushed. */
  events: number;
  /** Counted as probes. */
  probes: number;
  /** Allowed traffic (`accept`/`audit` prefixes): never probes. */
  allowed: number;
  /** Answers, established traffic and late replies. */
  notProbes: number;
  /** No usable source address. */
  noSource: number;
  /** Sources evicted because `maxSources` was reached (not because they went quiet). */
  evicted: number;
}

/**
 * Streaming port-scan detector. Feed it events in log order; it keeps per-source state for sources heard within
 * the longest window and forgets the rest, so memory follows active sources, never the size of the file.
 *
 * A finding covers one episode: a source's activity with no silence longer than the longest window. `push` returns
 * the findings of episodes that ended because of that push (a source went quiet or was evicted); `flush` ends the
 * input and returns the rest. Each episode is reported once, with its final counts. `active` shows the open ones
 * without closing them (for a live view).
 *
 * Time comes only from the events. An event without a time is placed at the latest time seen, so undated lines
 * among dated ones still count, but a file with no times at all collapses into one instant: every window is then
 * "the whole file". Events may arrive slightly out of order (merged files); windows are measured from each
 * event's own time and quiet sources are judged against the latest time seen.
 *
 * Known limits: state does not survive the end of input, so a scan split across two cron runs is judged per run
 * (the slow rule helps only within one run). Eviction is least-recently-heard, so a flood of fresh sources can push
 * a slow scanner out before it crosses a threshold; the agent should size `maxSources` to its memory.
 */
export class ScanDetector {
  readonly config: ScanConfig;
  private readonly sources = new LruMap<SourceState>();
  private readonly long?: LongHorizonTracker;
  private readonly keys: SourceKeys;
  private watermark = -Infinity;
  private readonly idleMs: number;
  private readonly stealthKinds: ReadonlySet<ScanKind>;
  /** A threshold of 1 can be crossed by one line: then no line may wait for a second. */
  private readonly oneLineCanCross: boolean;
  readonly stats: ScanStats = { events: 0, probes: 0, allowed: 0, notProbes: 0, noSource: 0, evicted: 0 };
  /** Findings closed by the push under way. */
  private readonly closed = new ClosedFindings<PortScanFinding>();

  constructor(config: Partial<ScanConfig> = {}) {
    this.config = resolveScanConfig(config);
    this.idleMs = Math.max(this.config.windowMs, this.config.slowPorts > 0 ? this.config.slowWindowMs : 0);
    this.stealthKinds = new Set<ScanKind>(this.config.stealthKinds);
    this.keys = new SourceKeys(this.config.perAddress);
    const c = this.config;
    this.oneLineCanCross = c.ports === 1 || c.hosts === 1 || c.stealth === 1 || c.slowPorts === 1;
    if (c.longPorts > 0 || c.longHosts > 0) {
      this.long = new LongHorizonTracker({
        ports: c.longPorts,
        hosts: c.longHosts,
        windowMs: c.longWindowMs,
        maxSources: c.maxLongSources,
        maxPerSource: c.maxTargetsPerSource,
      });
    }
  }

  /**
   * The long-horizon counts, for the next run to resume (see `LongHorizonTracker.snapshot`). Unaffected by
   * `flush`: the end of one input is not the end of a patient scan. Undefined when the rule is off.
   */
  snapshot(): LongHorizonSnapshot | undefined {
    return this.long?.snapshot();
  }

  /** Resumes the long-horizon counts of a previous run; call before the first `push`. */
  restore(snapshot: LongHorizonSnapshot): void {
    this.long?.restore(snapshot);
  }

  /** Sources followed by the long-horizon rule (bounded by `maxLongSources`). */
  get trackedLong(): number {
    return this.long?.tracked ?? 0;
  }

  /** Sources currently tracked (bounded by `maxSources`). */
  get tracked(): number {
    return this.sources.size;
  }

  push(e: DetectEvent): readonly PortScanFinding[] {
    this.stats.events++;
    const t = e.time ?? (this.watermark === -Infinity ? 0 : this.watermark);
    if (t > this.watermark) this.watermark = t;
    const closed = this.closed;
    this.sweepQuiet(closed);

    if (isAllowedTraffic(e.prefixAction)) {
      this.stats.allowed++;
      return closed.take();
    }
    const src = e.src;
    if (!src) {
      this.stats.noSource++;
      return closed.take();
    }
    const probe = probeOf(e, this.config.lateReplies);
    if (!probe) {
      this.stats.notProbes++;
      return closed.take();
    }
    this.stats.probes++;

    const key = this.keys.key(src);
    let s = this.sources.use(key);
    if (!s) {
      if (this.sources.size >= this.config.maxSources) this.evictOldest(closed);
      s = this.newState(key, src, t, e.in);
      this.sources.set(key, s);
    }
    if (src !== s.source && !s.addresses.includes(src)) {
      s.addressCount++;
      if (s.addresses.length < MAX_ADDRESSES) s.addresses.push(src);
    }
    this.record(s, e, probe, t);
    return closed.take();
  }

  /** End of input: every open episode that crossed a threshold, as findings. The detector is empty afterwards. */
  flush(): PortScanFinding[] {
    const out: PortScanFinding[] = [];
    for (const s of this.sources.values()) if (s.shapes !== 0) out.push(this.finding(s));
    this.sources.clear();
    return out;
  }

  /** Open episodes that already crossed a threshold, as they stand now. Closes nothing. */
  active(): PortScanFinding[] {
    const out: PortScanFinding[] = [];
    for (const s of this.sources.values()) if (s.shapes !== 0) out.push(this.finding(s));
    return out;
  }

  private sweepQuiet(closed: ClosedFindings<PortScanFinding>): void {
    const horizon = this.watermark - this.idleMs;
    for (let s = this.sources.oldestValue(); s && s.last < horizon; s = this.sources.oldestValue()) {
      // Least recently heard first: the first one heard recently ends the sweep.
      this.sources.deleteOldest();
      if (s.shapes !== 0) closed.add(this.finding(s));
    }
  }

  private evictOldest(closed: ClosedFindings<PortScanFinding>): void {
    const s = this.sources.oldestValue();
    if (!s) return;
    this.sources.deleteOldest();
    this.stats.evicted++;
    if (s.shapes !== 0) closed.add(this.finding(s));
  }

  private record(s: SourceState, e: DetectEvent, probe: Probe, t: number): void {
    const c = this.config;
    s.lines++;
    if (t < s.first) s.first = t;
    if (t > s.last) s.last = t;
    if (e.in !== undefined && s.interfaces.length < MAX_INTERFACES && !s.interfaces.includes(e.in)) s.interfaces.push(e.in);
    s.kinds |= KIND_BIT[probe.kind];
    const dst = e.dst ?? '';
    const stealth = c.stealth > 0 && this.stealthKinds.has(probe.kind);
    // every probe, the first included, goes to the long horizon: it must outlive this source's short state
    const longCrossed = this.long?.add(s.key, probe.key, dst, t) ?? false;
    if (longCrossed) s.shapes |= SHAPE_BIT.long;
    if (!s.win) {
      // Internet background radiation is mostly one packet per source: hold it inline, build windows on the second.
      if (Number.isNaN(s.pendingT) && !this.oneLineCanCross && !longCrossed) {
        s.pendingKey = probe.key;
        s.pendingDst = dst;
        s.pendingT = t;
        s.pendingStealth = stealth;
        return;
      }
      s.win = this.newWindows();
      if (!Number.isNaN(s.pendingT)) {
        this.count(s, s.win, s.pendingKey, s.pendingDst, s.pendingT, s.pendingStealth);
        s.pendingT = NaN;
        s.pendingDst = '';
      }
    }
    this.count(s, s.win, probe.key, dst, t, stealth);
  }

  private count(s: SourceState, w: Windows, key: number, dst: string, t: number, stealth: boolean): void {
    const c = this.config;
    // The short window: a new target raises the counts; expired ones lowered them through `forget`.
    let target: string;
    if (key === w.lastKey && dst === w.lastDst) target = w.lastTarget;
    else {
      target = `${key}|${dst}`;
      w.lastKey = key;
      w.lastDst = dst;
      w.lastTarget = target;
    }
    if (w.targets.add(target, t, w.forget)) {
      const n = (w.perKey.get(key) ?? 0) + 1;
      w.perKey.set(key, n);
      if (n === 1 && key >= 0) w.livePorts++;
      if (n >= c.hosts && dst) {
        s.shapes |= SHAPE_BIT.horizontal;
        if (isIcmpKey(key)) s.kinds |= KIND_BIT['icmp-sweep'];
      }
      if (w.livePorts >= c.ports) s.shapes |= SHAPE_BIT.vertical;
    }

    if (stealth) {
      const sw = (w.stealth ??= new TimeWindow(c.windowMs, c.maxTargetsPerSource));
      sw.add(target, t);
      if (sw.size >= c.stealth) s.shapes |= SHAPE_BIT.stealth;
    }

    if (c.slowPorts > 0 && key >= 0) {
      const lw = (w.slow ??= new TimeWindow(c.slowWindowMs, c.maxTargetsPerSource));
      lw.add(key, t);
      if (lw.size >= c.slowPorts) s.shapes |= SHAPE_BIT.slow;
    }

    if (s.shapes === 0) return;
    if (!s.allPorts || !s.allHosts) {
      // Just crossed: the evidence is what the windows hold, this probe included.
      s.allPorts = new Set();
      s.allHosts = new Set();
      for (const tg of w.targets.keys()) {
        const bar = tg.indexOf('|');
        const k = Number(tg.slice(0, bar));
        if (k >= 0) addCapped(s, s.allPorts, k, c.maxDistinct);
        if (bar + 1 < tg.length) addCapped(s, s.allHosts, tg.slice(bar + 1), c.maxDistinct);
      }
      if (w.slow) for (const k of w.slow.keys()) addCapped(s, s.allPorts, k, c.maxDistinct);
    } else {
      if (key >= 0) addCapped(s, s.allPorts, key, c.maxDistinct);
      if (dst) addCapped(s, s.allHosts, dst, c.maxDistinct);
    }
  }

  /**
   * `iface`: the first line's interface, in a list made to its size. An empty list grows to 17 slots at its first
   * push, ~130 bytes more for each of the ~440,000 states a 1M-line log makes, nearly all of which hear one
   * interface.
   */
  private newState(key: string, source: string, t: number, iface: string | undefined): SourceState {
    return {
      key,
      source,
      addresses: [],
      addressCount: 1,
      family: source.includes(':') ? 6 : 4,
      first: t,
      last: t,
      lines: 0,
      interfaces: iface === undefined ? [] : [iface],
      kinds: 0,
      shapes: 0,
      pendingKey: 0,
      pendingDst: '',
      pendingT: NaN,
      pendingStealth: false,
      capped: false,
    };
  }

  private newWindows(): Windows {
    const w: Windows = {
      targets: new TimeWindow(this.config.windowMs, this.config.maxTargetsPerSource),
      perKey: new Map(),
      livePorts: 0,
      lastKey: NaN,
      lastDst: '',
      lastTarget: '',
      forget: (target) => {
        const key = keyOf(target);
        const n = (w.perKey.get(key) ?? 0) - 1;
        if (n > 0) w.perKey.set(key, n);
        else {
          w.perKey.delete(key);
          if (key >= 0) w.livePorts--;
        }
      },
    };
    return w;
  }

  private finding(s: SourceState): PortScanFinding {
    const kinds = KINDS.filter((k) => s.kinds & KIND_BIT[k]).sort();
    const shapes = SHAPES.filter((k) => s.shapes & SHAPE_BIT[k]).sort();
    const allPorts = s.allPorts ?? new Set<number>();
    let ports = allPorts.size;
    let hosts = s.allHosts?.size ?? 0;
    let first = s.first;
    let capped = s.capped;
    let keys: Iterable<number> = allPorts;
    // a long-horizon finding's evidence reaches back before this episode: the tracker holds it
    const long = s.shapes & SHAPE_BIT.long ? this.long?.view(s.key) : undefined;
    if (long) {
      if (long.ports > ports) {
        ports = long.ports;
        keys = long.portKeys;
      }
      hosts = Math.max(hosts, long.hosts);
      first = Math.min(first, long.first);
      capped ||= long.capped;
    }
    const portSample = [...keys]
      .map((k) => k % 65536)
      .sort((a, b) => a - b)
      .filter((p, i, a) => i === 0 || a[i - 1] !== p)
      .slice(0, 16);
    const network = isNetworkKey(s.key) ? { network: s.key, addresses: s.addressCount } : {};
    const label = isNetworkKey(s.key) && s.addressCount > 1 ? `${s.key} (${s.addressCount} addresses, first ${s.source})` : s.source;
    return Object.freeze({
      rule: 'port-scan',
      source: s.source,
      ...network,
      family: s.family,
      lines: s.lines,
      first,
      last: s.last,
      interfaces: Object.freeze([...s.interfaces].sort()),
      kinds: Object.freeze(kinds),
      shapes: Object.freeze(shapes),
      ports,
      hosts,
      capped,
      portSample: Object.freeze(portSample),
      why: explainScan(label, ports, hosts, s.last - first, kinds, shapes, capped, this.config),
    });
  }
}

function addCapped<T>(s: SourceState, set: Set<T>, value: T, cap: number): void {
  if (set.has(value)) return;
  if (set.size >= cap) s.capped = true;
  else set.add(value);
}

function keyOf(target: string): number {
  return Number(target.slice(0, target.indexOf('|')));
}

/** A span in the coarsest unit that keeps it readable. */
export function formatDuration(ms: number): Text {
  const s = Math.round(ms / 1000);
  if (s < 120) return { en: `${s} s`, ja: `${s} 秒` };
  const m = Math.round(s / 60);
  if (m < 120) return { en: `${m} min`, ja: `${m} 分` };
  const h = Math.round(m / 60);
  if (h < 48) return { en: `${h} h`, ja: `${h} 時間` };
  const d = Math.round(h / 24);
  return { en: `${d} days`, ja: `${d} 日` };
}

const KIND_NAMES: Readonly<Record<ScanKind, Text>> = {
  syn: { en: 'SYN scan', ja: 'SYN スキャン' },
  fin: { en: 'FIN scan', ja: 'FIN スキャン' },
  xmas: { en: 'Xmas scan', ja: 'Xmas スキャン' },
  null: { en: 'NULL scan', ja: 'NULL スキャン' },
  ack: { en: 'ACK scan', ja: 'ACK スキャン' },
  maimon: { en: 'Maimon scan', ja: 'Maimon スキャン' },
  invalid: { en: 'crafted TCP flags', ja: '細工された TCP フラグ' },
  tcp: { en: 'TCP (flags not logged)', ja: 'TCP (フラグ記録なし)' },
  udp: { en: 'UDP scan', ja: 'UDP スキャン' },
  sctp: { en: 'SCTP scan', ja: 'SCTP スキャン' },
  icmp: { en: 'ICMP', ja: 'ICMP' },
  'icmp-sweep': { en: 'ICMP sweep', ja: 'ICMP スイープ' },
  other: { en: 'other protocols', ja: 'その他のプロトコル' },
};

export function scanKindName(kind: ScanKind): Text {
  return KIND_NAMES[kind];
}

function explainScan(
  source: string,
  ports: number,
  hosts: number,
  spanMs: number,
  kinds: readonly ScanKind[],
  shapes: readonly ScanShape[],
  capped: boolean,
  c: ScanConfig,
): Text {
  const atLeast = capped ? { en: 'at least ', ja: '少なくとも ' } : { en: '', ja: '' };
  const span = formatDuration(spanMs);
  const w = formatDuration(c.windowMs);
  const sw = formatDuration(c.slowWindowMs);
  const kindsEn = kinds.map((k) => KIND_NAMES[k].en).join(', ');
  const kindsJa = kinds.map((k) => KIND_NAMES[k].ja).join('、');
  const rules: Text[] = shapes.map((shape) => {
    switch (shape) {
      case 'vertical':
        return { en: `${c.ports} or more ports within ${w.en}`, ja: `${w.ja}以内に ${c.ports} ポート以上` };
      case 'horizontal':
        return { en: `${c.hosts} or more hosts on one port within ${w.en}`, ja: `${w.ja}以内に同じポートで ${c.hosts} ホスト以上` };
      case 'stealth':
        return {
          en: `${c.stealth} or more NULL/FIN/Xmas probes within ${w.en}, which no normal TCP stack sends`,
          ja: `${w.ja}以内に NULL/FIN/Xmas の探査が ${c.stealth} 件以上 (正常な TCP は送らない)`,
        };
      case 'slow':
        return {
          en: `${c.slowPorts} or more ports within ${sw.en} (a rate-limited log shows a scan as a trickle)`,
          ja: `${sw.ja}以内に ${c.slowPorts} ポート以上 (ログの流量制限でスキャンは少しずつしか記録されない)`,
        };
      case 'long': {
        const lw = formatDuration(c.longWindowMs);
        const en = [c.longPorts > 0 ? `${c.longPorts} or more ports` : '', c.longHosts > 0 ? `${c.longHosts} or more hosts` : ''].filter(Boolean);
        const ja = [c.longPorts > 0 ? `${c.longPorts} ポート以上` : '', c.longHosts > 0 ? `${c.longHosts} ホスト以上` : ''].filter(Boolean);
        return {
          en: `${en.join(' or ')} within ${lw.en} (a patient scan, a few probes an hour)`,
          ja: `${lw.ja}以内に${ja.join('または')} (時間をかけた低速スキャン)`,
        };
      }
    }
  });
  return {
    en:
      `${source} probed ${atLeast.en}${ports} distinct port${ports === 1 ? '' : 's'} on ${atLeast.en}${hosts} ` +
      `host${hosts === 1 ? '' : 's'} over ${span.en} (${kindsEn}): a port scan by the rule ` +
      rules.map((r) => r.en).join('; ') +
      '.',
    ja:
      `${source} が ${span.ja}の間に${atLeast.ja}${hosts} 台のホストの${atLeast.ja}${ports} 個の異なるポートを探査しました` +
      ` (${kindsJa})。判定基準: ` +
      rules.map((r) => r.ja).join('、') +
      '。',
  };
}

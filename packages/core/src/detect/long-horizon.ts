import { KeyTimes } from './key-times.js';
import { LruMap } from './lru.js';

/**
 * Thresholds and bounds of the long-horizon rule. A patient scanner sends a probe every few minutes for hours:
 * no short window ever holds more than one or two of them, but over a day it touches far more distinct ports (or
 * hosts) than any ordinary source, which touches one to three.
 */
export interface LongHorizonConfig {
  /** Distinct destination ports (per transport) from one source within `windowMs`. 0 turns the count off. */
  readonly ports: number;
  /** Distinct destination hosts from one source within `windowMs`. 0 turns the count off. */
  readonly hosts: number;
  readonly windowMs: number;
  /** Sources followed at once; beyond it the least recently heard is forgotten. */
  readonly maxSources: number;
  /** Ports and hosts remembered per source (each); past it the oldest is dropped and the counts say `capped`. */
  readonly maxPerSource: number;
}

/** What the tracker knows of one source, for a finding and its words. */
export interface LongHorizonView {
  readonly first: number;
  readonly last: number;
  /** Distinct port keys (transport slot * 65536 + port) and hosts within the window, as of the last probe. */
  readonly ports: number;
  readonly hosts: number;
  readonly portKeys: readonly number[];
  readonly capped: boolean;
  /** Which counts crossed. */
  readonly byPorts: boolean;
  readonly byHosts: boolean;
}

interface Entry {
  first: number;
  last: number;
  readonly ports: KeyTimes<number>;
  readonly hosts: KeyTimes<string>;
  capped: boolean;
  byPorts: boolean;
  byHosts: boolean;
}

/** One source in a snapshot: key, first, last, [port key, time]..., [host, time]..., crossed flags. */
export type LongHorizonSourceRecord = [
  key: string,
  first: number,
  last: number,
  ports: [number, number][],
  hosts: [string, number][],
  flags: number,
];

/**
 * What the agent keeps between cron runs: plain JSON, bounded by `SNAPSHOT_MAX_SOURCES` sources of at most
 * `maxPerSource` ports and hosts each.
 */
export interface LongHorizonSnapshot {
  readonly version: 1;
  readonly sources: LongHorizonSourceRecord[];
}

/** Sources a snapshot keeps (those with the most distinct ports first, then the most recently heard). */
export const SNAPSHOT_MAX_SOURCES = 20_000;
/** Ports and hosts a snapshot keeps per source: enough to resume any threshold the config allows. */
export const SNAPSHOT_MAX_PER_SOURCE = 4096;

const FLAG_PORTS = 1;
const FLAG_HOSTS = 2;

/**
 * Distinct ports and hosts per source over hours, in bounded memory: a source is dropped once it has been quiet
 * for the whole window (or when `maxSources` is full and it is the least recently heard), and within a source
 * only the ports and hosts seen within the window count. Re-reading a line (a retransmission, a carried line)
 * changes no count, so feeding the same evidence twice cannot invent a scan.
 */
export class LongHorizonTracker {
  private readonly sources = new LruMap<Entry>();
  private watermark = -Infinity;
  /** Sources dropped because `maxSources` was full (not because they went quiet). */
  evicted = 0;

  constructor(readonly config: LongHorizonConfig) {}

  get tracked(): number {
    return this.sources.size;
  }

  /**
   * Counts one probe. `portKey` < 0 is a probe without a port (ICMP, a cut line): it counts as a host only.
   * Returns true when the source has crossed a threshold (now or earlier in its window).
   */
  add(key: string, portKey: number, dst: string, t: number): boolean {
    if (t > this.watermark) this.watermark = t;
    this.sweep();
    const c = this.config;
    let e = this.sources.use(key);
    if (!e) {
      if (this.sources.size >= c.maxSources) {
        if (this.sources.deleteOldest()) this.evicted++;
      }
      e = { first: t, last: t, ports: new KeyTimes(), hosts: new KeyTimes(), capped: false, byPorts: false, byHosts: false };
      this.sources.set(key, e);
    }
    if (t < e.first) e.first = t;
    if (t > e.last) e.last = t;
    if (c.ports > 0 && portKey >= 0) {
      // past the cap the oldest key goes: the count can no longer be exact
      if (e.ports.touch(portKey, t, c.maxPerSource)) e.capped = true;
      if (!e.byPorts && e.ports.size >= c.ports) {
        // only what is still inside the window may cross
        e.ports.expireBefore(t - c.windowMs);
        if (e.ports.size >= c.ports) e.byPorts = true;
      }
    }
    if (c.hosts > 0 && dst) {
      if (e.hosts.touch(dst, t, c.maxPerSource)) e.capped = true;
      if (!e.byHosts && e.hosts.size >= c.hosts) {
        e.hosts.expireBefore(t - c.windowMs);
        if (e.hosts.size >= c.hosts) e.byHosts = true;
      }
    }
    return e.byPorts || e.byHosts;
  }

  /**
   * The source as it stands, counted within the window that ends at its own last probe; undefined when it is not
   * followed. Not the window ending at the newest line read: an episode closes at whichever later line first shows
   * it quiet, and when a scan is split across threads by source, that line differs from thread to thread, so its
   * counts would too.
   */
  view(key: string): LongHorizonView | undefined {
    const e = this.sources.get(key);
    if (!e) return undefined;
    const from = e.last - this.config.windowMs;
    e.ports.expireBefore(from);
    e.hosts.expireBefore(from);
    return {
      first: e.first,
      last: e.last,
      ports: e.ports.size,
      hosts: e.hosts.size,
      portKeys: e.ports.keys(),
      capped: e.capped,
      byPorts: e.byPorts,
      byHosts: e.byHosts,
    };
  }

  /** Bounded, JSON-ready copy of what is followed now (see `SNAPSHOT_MAX_SOURCES`). */
  snapshot(): LongHorizonSnapshot {
    this.sweep();
    const all: [string, Entry][] = [];
    for (const [k, e] of this.sources.entries()) all.push([k, e]);
    // the most evidence first: a source with many ports is the one worth carrying; among equals, the freshest
    all.sort((a, b) => b[1].ports.size - a[1].ports.size || b[1].hosts.size - a[1].hosts.size || b[1].last - a[1].last);
    const sources: LongHorizonSourceRecord[] = all.slice(0, SNAPSHOT_MAX_SOURCES).map(([k, e]) => [
      k,
      e.first,
      e.last,
      e.ports.entries().slice(-SNAPSHOT_MAX_PER_SOURCE),
      e.hosts.entries().slice(-SNAPSHOT_MAX_PER_SOURCE),
      (e.byPorts ? FLAG_PORTS : 0) | (e.byHosts ? FLAG_HOSTS : 0) | (e.capped ? 4 : 0),
    ]);
    return { version: 1, sources };
  }

  /**
   * Takes back a snapshot (before any probe of this run). Sources quiet for longer than the window are dropped at
   * the first probe, as if they had never gone away; a snapshot larger than this tracker's bounds is cut to them.
   */
  restore(snapshot: LongHorizonSnapshot): void {
    // least recently heard first, so the LRU order comes out right
    const records = [...snapshot.sources].sort((a, b) => a[2] - b[2]);
    const c = this.config;
    for (const [key, first, last, ports, hosts, flags] of records.slice(-c.maxSources)) {
      const e: Entry = {
        first,
        last,
        ports: KeyTimes.of(ports.slice(-c.maxPerSource).sort((a, b) => a[1] - b[1])),
        hosts: KeyTimes.of(hosts.slice(-c.maxPerSource).sort((a, b) => a[1] - b[1])),
        capped: (flags & 4) !== 0,
        byPorts: (flags & FLAG_PORTS) !== 0 && c.ports > 0,
        byHosts: (flags & FLAG_HOSTS) !== 0 && c.hosts > 0,
      };
      this.sources.delete(key);
      this.sources.set(key, e);
      if (last > this.watermark) this.watermark = last;
    }
  }

  private sweep(): void {
    const horizon = this.watermark - this.config.windowMs;
    for (let e = this.sources.oldestValue(); e && e.last < horizon; e = this.sources.oldestValue()) this.sources.deleteOldest();
  }
}

/**
 * Why a value read back from a state file is not a snapshot, in a few words; undefined when it is one. The agent
 * names the file and field around it.
 */
export function longHorizonSnapshotProblem(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'is not an object';
  const r = raw as Record<string, unknown>;
  if (r.version !== 1) return 'has a "version" other than 1';
  if (!Array.isArray(r.sources)) return '"sources" is not a list';
  if (r.sources.length > SNAPSHOT_MAX_SOURCES) return `holds more than ${SNAPSHOT_MAX_SOURCES} sources`;
  for (let i = 0; i < r.sources.length; i++) {
    const s: unknown = r.sources[i];
    const where = `sources[${i}]`;
    if (!Array.isArray(s) || s.length !== 6) return `${where} is not [key, first, last, ports, hosts, flags]`;
    const [key, first, last, ports, hosts, flags] = s as unknown[];
    if (typeof key !== 'string' || key.length === 0 || key.length > 64) return `${where} has no valid source key`;
    if (!isTime(first) || !isTime(last) || (first as number) > (last as number)) return `${where} has no valid first/last times`;
    if (!isPairs(ports, (k) => Number.isInteger(k) && (k as number) >= 0 && (k as number) < 8 * 65536)) return `${where} has no valid port list`;
    if (!isPairs(hosts, (h) => typeof h === 'string' && h.length > 0 && h.length <= 64)) return `${where} has no valid host list`;
    if (!Number.isInteger(flags) || (flags as number) < 0 || (flags as number) > 7) return `${where} has no valid flags`;
  }
  return undefined;
}

function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isPairs(v: unknown, keyOk: (k: unknown) => boolean): boolean {
  return (
    Array.isArray(v) &&
    v.length <= SNAPSHOT_MAX_PER_SOURCE &&
    v.every((p) => Array.isArray(p) && p.length === 2 && keyOk(p[0]) && isTime(p[1]))
  );
}

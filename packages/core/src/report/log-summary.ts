import type { DetectEvent } from '../detect/event.js';

/**
 * The counting behind every report of a log (the agent's `scan`, the editor's report): lines, time span, the
 * busiest sources and destination ports, and lines over time. Fed one event per firewall line, in one pass, in
 * bounded memory: a log with a million distinct sources must not grow the tallies without end, so a tally stops
 * admitting new keys at its cap (keys already in it keep counting, which is what a "top N" needs: the loud ones
 * show up early).
 */
export interface LogSummaryOptions {
  /** Distinct sources tallied at most (default 100,000). */
  readonly maxSources?: number;
  /** Distinct port/protocol pairs tallied at most (default 10,000). */
  readonly maxPorts?: number;
}

export interface Tally<K> {
  readonly key: K;
  readonly lines: number;
}

export interface SummaryResult {
  readonly lines: number;
  readonly firewall: number;
  readonly other: number;
  readonly truncated: number;
  readonly first?: number;
  readonly last?: number;
  /** Busiest first; ties by key. */
  readonly sources: readonly Tally<string>[];
  /** `443/tcp`, busiest first; ties by key. */
  readonly ports: readonly Tally<string>[];
  /** Lines per equal slice of first..last (empty without times). */
  readonly timeline: readonly number[];
}

/**
 * A summary as plain data, to move between threads and add into another (`absorb`): a log counted in parts (each
 * part one set of sources) gives the same figures as counted in one go while the tallies stay under their caps.
 */
export interface LogSummaryState {
  readonly lines: number;
  readonly firewall: number;
  readonly truncated: number;
  readonly first?: number;
  readonly last?: number;
  readonly sources: readonly (readonly [string, number])[];
  readonly ports: readonly (readonly [string, number])[];
  readonly perMinute: readonly (readonly [number, number])[];
}

/** Lines are counted per minute: a month-long log is 43,200 keys at most, and any chart resolution can be cut from it. */
const MINUTE = 60_000;

export class LogSummary {
  private lines = 0;
  private firewall = 0;
  private truncated = 0;
  private first: number | undefined;
  private last: number | undefined;
  /** A counter object per source: one look-up a line to count, instead of a get and a set. */
  private readonly sources = new Map<string, { lines: number }>();
  /** Keyed `protocol id * 65536 + port`, not by a `443/tcp` string: building and hashing that string every line cost more than the rest of the summary. */
  private readonly ports = new Map<number, number>();
  private readonly protocols = new ProtocolIds();
  private readonly perMinute = new Map<number, number>();
  /** Lines come in time order nearly always: the current minute is counted here and put in `perMinute` when it changes. */
  private minute = NaN;
  private minuteLines = 0;
  private readonly maxSources: number;
  private readonly maxPorts: number;

  constructor(options: LogSummaryOptions = {}) {
    this.maxSources = options.maxSources ?? 100_000;
    this.maxPorts = options.maxPorts ?? 10_000;
  }

  /** A line that is not a firewall line. */
  other(): void {
    this.lines++;
  }

  /** A firewall line, as the detector sees it. */
  add(e: DetectEvent, truncated = false): void {
    this.lines++;
    this.firewall++;
    if (truncated) this.truncated++;
    const t = e.time;
    if (t !== undefined) {
      if (this.first === undefined || t < this.first) this.first = t;
      if (this.last === undefined || t > this.last) this.last = t;
      const m = Math.floor(t / MINUTE);
      if (m !== this.minute) {
        this.settleMinute();
        this.minute = m;
      }
      this.minuteLines++;
    }
    const src = e.src;
    if (src !== undefined) {
      const c = this.sources.get(src);
      if (c) c.lines++;
      else if (this.sources.size < this.maxSources) this.sources.set(src, { lines: 1 });
    }
    const dpt = e.dpt;
    // the decoders give ports 0-65535 only; anything else could not be told apart in the numeric key
    if (dpt !== undefined && e.proto !== undefined && dpt >= 0 && dpt <= 65535 && Number.isInteger(dpt)) {
      addCount(this.ports, this.protocols.id(e.proto) * 65536 + dpt, 1, this.maxPorts);
    }
  }

  /** The figures, with the `top` busiest sources and ports and a timeline of `slices` slices. */
  result(top = 10, slices = 48): SummaryResult {
    this.settleMinute();
    return {
      lines: this.lines,
      firewall: this.firewall,
      other: this.lines - this.firewall,
      truncated: this.truncated,
      ...(this.first !== undefined && { first: this.first, last: this.last }),
      sources: topOf(this.sourceTallies(), top),
      ports: topOf(this.portNames(), top),
      timeline: this.timeline(slices),
    };
  }

  state(): LogSummaryState {
    this.settleMinute();
    return {
      lines: this.lines,
      firewall: this.firewall,
      truncated: this.truncated,
      ...(this.first !== undefined && { first: this.first, last: this.last }),
      sources: [...this.sourceTallies()],
      ports: [...this.portNames()],
      perMinute: [...this.perMinute],
    };
  }

  /**
   * Adds another summary's counts to this one, every key of it: each part was held to the caps while it counted,
   * so parts of a log split by source may together hold more keys than one cap (a cap applied again here would
   * drop every source of the parts absorbed after the first filled it).
   */
  absorb(o: LogSummaryState): void {
    this.lines += o.lines;
    this.firewall += o.firewall;
    this.truncated += o.truncated;
    if (o.first !== undefined && (this.first === undefined || o.first < this.first)) this.first = o.first;
    if (o.last !== undefined && (this.last === undefined || o.last > this.last)) this.last = o.last;
    for (const [k, n] of o.sources) {
      const c = this.sources.get(k);
      if (c) c.lines += n;
      else this.sources.set(k, { lines: n });
    }
    for (const [k, n] of o.ports) {
      const slash = k.indexOf('/');
      addCount(this.ports, this.protocols.id(k.slice(slash + 1)) * 65536 + Number(k.slice(0, slash)), n, Infinity);
    }
    for (const [m, n] of o.perMinute) this.perMinute.set(m, (this.perMinute.get(m) ?? 0) + n);
  }

  /** Every source tallied with its lines (for per-country totals, which need a lookup the core does not own). */
  *sourceTallies(): IterableIterator<[source: string, lines: number]> {
    for (const [k, c] of this.sources) yield [k, c.lines];
  }

  private settleMinute(): void {
    if (this.minuteLines === 0) return;
    this.perMinute.set(this.minute, (this.perMinute.get(this.minute) ?? 0) + this.minuteLines);
    this.minuteLines = 0;
  }

  /** The port tallies keyed `443/tcp`, as reports show them. */
  private *portNames(): IterableIterator<[port: string, lines: number]> {
    for (const [k, n] of this.ports) yield [`${k % 65536}/${this.protocols.name(Math.floor(k / 65536))}`, n];
  }

  private timeline(slices: number): number[] {
    if (this.first === undefined || this.last === undefined || slices < 1) return [];
    const out = new Array<number>(slices).fill(0);
    const from = Math.floor(this.first / MINUTE);
    const span = Math.max(1, Math.floor(this.last / MINUTE) - from + 1);
    for (const [m, n] of this.perMinute) out[Math.min(slices - 1, Math.floor(((m - from) / span) * slices))]! += n;
    return out;
  }
}

/** Small numbers for protocol names, case folded (`TCP` and `tcp` are one), remembered as written so no line lowercases. */
class ProtocolIds {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  id(proto: string): number {
    const known = this.ids.get(proto);
    if (known !== undefined) return known;
    const name = proto.toLowerCase();
    let id = this.names.indexOf(name);
    if (id < 0) id = this.names.push(name) - 1;
    this.ids.set(proto, id);
    return id;
  }

  name(id: number): string {
    return this.names[id]!;
  }
}

function addCount<K>(m: Map<K, number>, key: K, by: number, cap: number): void {
  const n = m.get(key);
  if (n !== undefined) m.set(key, n + by);
  else if (m.size < cap) m.set(key, by);
}

/** The n largest, busiest first, ties by key; one pass with a small sorted buffer, not a sort of every key. */
export function topOf(m: Iterable<readonly [string, number]>, n: number): Tally<string>[] {
  const out: Tally<string>[] = [];
  if (n < 1) return out;
  const before = (a: Tally<string>, b: Tally<string>) => a.lines > b.lines || (a.lines === b.lines && a.key < b.key);
  for (const [key, lines] of m) {
    const t = { key, lines };
    if (out.length === n && !before(t, out[n - 1]!)) continue;
    let i = out.length < n ? out.length : n - 1;
    out[i] = t;
    while (i > 0 && before(out[i]!, out[i - 1]!)) {
      [out[i - 1], out[i]] = [out[i]!, out[i - 1]!];
      i--;
    }
  }
  return out;
}

/** Lines per country of the tallied sources (a lookup the caller owns), busiest first. */
export function countryTallies(sources: Iterable<readonly [string, number]>, countryOf: (address: string) => string | undefined, n: number): Tally<string>[] {
  const by = new Map<string, number>();
  for (const [src, lines] of sources) {
    const c = countryOf(src);
    if (c) by.set(c, (by.get(c) ?? 0) + lines);
  }
  return topOf(by, n);
}

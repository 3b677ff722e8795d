import type { Text } from '../i18n/text.js';
import type { AddressClass } from '../net/address-class.js';
import type { TcpProbe } from '../net/tcp-flags.js';

/**
 * A finding is the one answer every consumer prints: the CLI report, `scan --json`, LSP diagnostics and the ban
 * policy all read these fields and never recompute them from lines.
 */
export type FindingRule = 'port-scan' | 'spoofed-source';

/**
 * What kind of probes a scanner sent. The TCP kinds are `describeTcpFlags`'s; `tcp` is a TCP line whose flags
 * were not logged; `icmp` is ICMP that did not reach the sweep threshold, `icmp-sweep` ICMP to many hosts.
 */
export type ScanKind = TcpProbe | 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmp-sweep' | 'other';

/**
 * Which threshold a scan crossed: many ports (vertical), many hosts on one port (horizontal), a few NULL/FIN/Xmas
 * probes (stealth, hostile on their own), many ports over the hour of a rate-limited log (slow), or many ports or
 * hosts over a day from a patient scanner (long).
 */
export type ScanShape = 'vertical' | 'horizontal' | 'stealth' | 'slow' | 'long';

interface FindingBase {
  readonly rule: FindingRule;
  /** Canonical source address. */
  readonly source: string;
  readonly family: 4 | 6;
  /** Lines of this source's activity that the rule looked at. */
  readonly lines: number;
  /** Epoch milliseconds of the first and last of those lines. */
  readonly first: number;
  readonly last: number;
  /** `IN=` interfaces the lines arrived on, sorted. */
  readonly interfaces: readonly string[];
  /** Why, in words, for a person. */
  readonly why: Text;
}

export interface PortScanFinding extends FindingBase {
  readonly rule: 'port-scan';
  /** Sorted; the kinds of probe seen over the activity. */
  readonly kinds: readonly ScanKind[];
  /** Sorted; every threshold the source crossed. */
  readonly shapes: readonly ScanShape[];
  /** Distinct destination ports (per transport protocol) over the activity. */
  readonly ports: number;
  /** Distinct destination hosts over the activity. */
  readonly hosts: number;
  /** True when `ports` or `hosts` hit the per-source counting cap: the real figure is at least this. */
  readonly capped: boolean;
  /** Up to 16 of the ports, ascending, for a reader's eye (not the full list). */
  readonly portSample: readonly number[];
  /**
   * IPv6 sources are counted per /64 (one host may use any address in it): the /64, and how many addresses of it
   * were heard. `source` is the first of them. Absent for IPv4.
   */
  readonly network?: string;
  readonly addresses?: number;
}

export interface SpoofFinding extends FindingBase {
  readonly rule: 'spoofed-source';
  /** The registry class of the source (`private`, `loopback`, `documentation`, ...). */
  readonly addressClass: AddressClass;
  /** The registry block that matched, e.g. `10.0.0.0/8`. */
  readonly range: string;
  /** The block's name from the registry. */
  readonly rangeName: Text;
}

export type Finding = PortScanFinding | SpoofFinding;

export function isPortScan(f: Finding): f is PortScanFinding {
  return f.rule === 'port-scan';
}

export function isSpoof(f: Finding): f is SpoofFinding {
  return f.rule === 'spoofed-source';
}

function union<T extends string>(a: readonly T[], b: readonly T[]): T[] {
  return [...new Set([...a, ...b])].sort();
}

function mergeTwo(a: Finding, b: Finding): Finding {
  const lines = a.lines + b.lines;
  const first = Math.min(a.first, b.first);
  const last = Math.max(a.last, b.last);
  const interfaces = union(a.interfaces, b.interfaces);
  // The later episode's words describe the source best; the counts below are what changed.
  const later = b.last >= a.last ? b : a;
  if (isPortScan(a) && isPortScan(b)) {
    const portSample = [...new Set([...a.portSample, ...b.portSample])].sort((x, y) => x - y).slice(0, 16);
    return {
      ...(later as PortScanFinding),
      lines,
      first,
      last,
      interfaces,
      kinds: union(a.kinds, b.kinds),
      shapes: union(a.shapes, b.shapes),
      // Distinct sets of two episodes cannot be unioned after the fact: the larger is a floor.
      ports: Math.max(a.ports, b.ports),
      hosts: Math.max(a.hosts, b.hosts),
      capped: a.capped || b.capped,
      portSample,
      ...(a.addresses !== undefined || b.addresses !== undefined ? { addresses: Math.max(a.addresses ?? 0, b.addresses ?? 0) } : {}),
    };
  }
  return { ...later, lines, first, last, interfaces };
}

/**
 * One finding per rule and source. A detector reports one finding per episode of activity (a source that goes
 * quiet and comes back starts a new one); a report over a long file wants one line per source. `ports` and
 * `hosts` of a merged finding are the largest episode's, a lower bound of the true distinct count.
 */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const merger = new FindingMerger();
  for (const f of findings) merger.add(f);
  return merger.result();
}

/**
 * `mergeFindings` as the findings come: what a long log's reader holds is one finding per rule and source, not one
 * per episode (a loud source over a month makes thousands). Adding the same findings in the same order gives what
 * `mergeFindings` gives.
 */
export class FindingMerger {
  private readonly byKey = new Map<string, Finding>();

  add(f: Finding): void {
    // an IPv6 scan is one per /64, whichever of its addresses opened each episode
    const key = `${f.rule} ${isPortScan(f) && f.network !== undefined ? f.network : f.source}`;
    const seen = this.byKey.get(key);
    this.byKey.set(key, seen ? mergeTwo(seen, f) : f);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** First seen first, ties by source. */
  result(): Finding[] {
    return [...this.byKey.values()].sort((x, y) => x.first - y.first || (x.source < y.source ? -1 : x.source > y.source ? 1 : 0));
  }
}

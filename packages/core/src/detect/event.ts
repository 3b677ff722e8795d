import type { DecodedLine, PrefixAction } from '../nflog/types.js';

/**
 * What the detectors read of a firewall line: the hot-path facts only. Kept separate from `DecodedLine` so tests,
 * benchmarks and other inputs (journald records, a future binary reader) can build events without a tokenizer.
 * Every field is optional because real lines are: truncated relays, ARP lines and year-less stamps all lack some.
 */
export interface DetectEvent {
  /** Epoch milliseconds from the line itself. Absent: the detector uses the latest time it has seen. */
  readonly time?: number;
  /** Canonical source address (the decoder canonicalises; detectors compare text). */
  readonly src?: string;
  readonly dst?: string;
  /** The `IN=` interface. */
  readonly in?: string;
  /** Protocol as logged: `TCP`, `UDP`, `ICMP`, `ICMPv6`, `2`, ... (compared case-insensitively). */
  readonly proto?: string;
  readonly spt?: number;
  readonly dpt?: number;
  /** TCP flag words as nf_log prints them; undefined when not TCP or not logged. */
  readonly tcpFlags?: readonly string[];
  /** What the log prefix says the firewall did; undefined for a prefix nobody recognised. */
  readonly prefixAction?: PrefixAction;
}

/** The detector's view of a decoded line. No copying of values: the same strings, so interning survives. */
export function toDetectEvent(line: DecodedLine): DetectEvent {
  return {
    time: line.frame.time,
    src: line.src,
    dst: line.dst,
    in: line.in,
    proto: line.proto,
    spt: line.spt,
    dpt: line.dpt,
    tcpFlags: line.tcpFlags,
    prefixAction: line.prefix.action,
  };
}

/**
 * `[UFW ALLOW]` and `[UFW AUDIT]` (and any prefix known to mean accept) log traffic the firewall let through.
 * Counting it as probes makes false scanners (crowdsec #4046, hub #1582), so no detector counts it.
 */
export function isAllowedTraffic(action: PrefixAction | undefined): boolean {
  return action === 'accept' || action === 'audit';
}

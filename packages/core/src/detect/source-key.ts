import ipaddr from 'ipaddr.js';

/**
 * The unit a scan is counted against. An IPv4 address is one source. An IPv6 host gets a whole /64 from its
 * provider and can send every probe from a different address in it (`nmap -6 -S` with a random interface id,
 * zmap's `--source-ip` ranges), so per-address counting would see a thousand one-port sources where there is one
 * scanner: IPv6 sources are counted per /64, and the finding says so.
 *
 * Except where a /64 is a LAN of many machines: link-local and unique-local sources, and the networks this host is
 * attached to (`perAddress`, the agent's connected networks). There every address is a different neighbour, and
 * adding up their ports would make one scanner out of a building full of ordinary hosts.
 */
/** IPv6 sources whose key is remembered, per generation: parsing each line's address again was a tenth of a pass. */
const CACHE_MAX = 4096;

export class SourceKeys {
  private readonly perAddress: [ipaddr.IPv6, number][];
  private recent = new Map<string, string>();
  private older = new Map<string, string>();

  /** `perAddress`: CIDRs whose IPv6 sources are counted one address at a time (IPv4 entries are ignored). */
  constructor(perAddress: readonly string[] = []) {
    this.perAddress = [];
    for (const text of perAddress) {
      let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        parsed = ipaddr.parseCIDR(text);
      } catch {
        throw new RangeError(`scan detector: "${text}" in perAddress is not a network in CIDR notation`);
      }
      if (parsed[0].kind() === 'ipv6') this.perAddress.push(parsed as [ipaddr.IPv6, number]);
    }
  }

  key(src: string): string {
    if (!src.includes(':')) return src;
    let k = this.recent.get(src);
    if (k === undefined) {
      k = this.older.get(src) ?? this.keyOf(src);
      if (this.recent.size >= CACHE_MAX) {
        this.older = this.recent;
        this.recent = new Map();
      }
      this.recent.set(src, k);
    }
    return k;
  }

  private keyOf(src: string): string {
    let ip: ipaddr.IPv6;
    try {
      ip = ipaddr.IPv6.parse(src);
    } catch {
      // not an address the decoder would emit; count it on its own rather than drop it
      return src;
    }
    const range = ip.range();
    if (range === 'linkLocal' || range === 'uniqueLocal' || range === 'ipv4Mapped') return src;
    for (const net of this.perAddress) if (ip.match(net)) return src;
    const p = ip.parts;
    return `${new ipaddr.IPv6([p[0]!, p[1]!, p[2]!, p[3]!, 0, 0, 0, 0]).toString()}/64`;
  }
}

const DEFAULT_KEYS = new SourceKeys();

/** `SourceKeys.key` with no networks of one's own: what a report on somebody's log file can know. */
export function sourceKey(src: string): string {
  return DEFAULT_KEYS.key(src);
}

/** True for a key made from an IPv6 address's /64. */
export function isNetworkKey(key: string): boolean {
  return key.endsWith('/64');
}

import ipaddr from 'ipaddr.js';
import { parseAddress } from '../net/address-class.js';

export interface AllowEntry {
  /** As configured or discovered: `203.0.113.0/24`, `2001:db8::1`. */
  readonly cidr: string;
  /** Why it is here, for the log line that says a ban was refused: `config`, `own address`, `gateway`, `ssh client`. */
  readonly why: string;
}

type Compiled = { family: 4 | 6; net: ipaddr.IPv4 | ipaddr.IPv6; bits: number; entry: AllowEntry };

/**
 * Addresses that are never blocked, whatever the logs say: configured CIDRs, the host's own addresses, its
 * gateways, the SSH client of a run started by hand. Self-lockout is the worst failure of a tool like this, so the
 * agent asks this list at the last step, right before a command is built, on every path that produces a ban.
 */
export class Allowlist {
  private readonly compiled: Compiled[];

  /** Throws a RangeError naming the entry when one is not an address or CIDR. */
  constructor(entries: readonly AllowEntry[]) {
    this.compiled = entries.map((entry) => compile(entry));
  }

  /** The entry that covers the address, or undefined when it may be blocked. Invalid addresses are covered. */
  covering(address: string): AllowEntry | { cidr: string; why: string } | undefined {
    const parsed = parseAddress(address);
    // something that is not an address can never be handed to a firewall: treat it as allowed (never blocked)
    if (!parsed) return { cidr: address, why: 'not an address' };
    let ip = ipaddr.parse(parsed.address);
    // ::ffff:a.b.c.d is the IPv4 host a.b.c.d: an IPv4 allow entry covers it
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    for (const c of this.compiled) {
      if (c.net.kind() !== ip.kind()) continue;
      if ((ip as ipaddr.IPv4).match(c.net as ipaddr.IPv4, c.bits)) return c.entry;
    }
    return undefined;
  }

  allows(address: string): boolean {
    return this.covering(address) !== undefined;
  }

  get entries(): readonly AllowEntry[] {
    return this.compiled.map((c) => c.entry);
  }
}

function compile(entry: AllowEntry): Compiled {
  const text = entry.cidr.trim();
  try {
    if (text.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(text);
      return { family: net.kind() === 'ipv4' ? 4 : 6, net, bits, entry };
    }
    const a = parseAddress(text);
    if (!a) throw new Error('not an address');
    const net = ipaddr.parse(a.address);
    return { family: a.family, net, bits: a.family === 4 ? 32 : 128, entry };
  } catch {
    throw new RangeError(`allow list: '${entry.cidr}' (${entry.why}) is not an address or CIDR`);
  }
}

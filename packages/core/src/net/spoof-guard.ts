import { IPV4_RANGES, IPV6_RANGES } from './address-class.js';

/**
 * The standing anti-spoofing guard, as two CIDR lists for a firewall: sources in `drop` arriving on a WAN interface
 * are dropped unless they are in `exempt`. Exemptions instead of subtraction, because the registries nest
 * globally reachable blocks inside special-purpose ones (Teredo and the anycast /128s inside 2001::/23), and a
 * firewall set can say "in A but not in B" directly.
 *
 * Exempt as well, whatever the registries say: link-local sources (IPv6 neighbour discovery and router adverts
 * come from fe80::/10; a guard without this would cut the host off its own link) and the unspecified address
 * (duplicate address detection, DHCP discovery). The caller adds the networks attached to the WAN interfaces and
 * the allow list.
 */
export interface SpoofGuard {
  readonly drop: readonly string[];
  readonly exempt: readonly string[];
}

const ALWAYS_EXEMPT = ['0.0.0.0/32', '169.254.0.0/16', '::/128', 'fe80::/10'];

export function spoofGuard(): SpoofGuard {
  const all = [...IPV4_RANGES, ...IPV6_RANGES];
  return {
    drop: all.filter((r) => r.bogon).map((r) => r.cidr),
    exempt: [...ALWAYS_EXEMPT, ...all.filter((r) => !r.bogon).map((r) => r.cidr)],
  };
}

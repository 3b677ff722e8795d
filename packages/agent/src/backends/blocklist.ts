/**
 * Blocklists in the kernel: a contract of its own beside the four ban operations of backend.ts, because a list is
 * a different thing from a ban: thousands of networks replaced whole at each refresh, one set per list and family,
 * every entry expiring a little after the next refresh is due (so a list the agent stops refreshing fades out by
 * itself instead of blocking forever on stale data).
 *
 * What reaches these operations is already the final content: validated CIDRs with the allow list and the host's
 * own networks cut out (core's blocklistCidrs), so an allowlisted address inside a listed network stays reachable
 * without any rule of its own. The backends re-check every entry before writing tool input.
 */
import { BackendError } from './backend.js';
import { checkCidr, checkName } from './validate.js';

export interface BlocklistLoad {
  /** The config's list name ([a-z][a-z0-9_]{0,19}). */
  readonly name: string;
  /** Canonical CIDRs or addresses, disjoint (nftables refuses overlapping intervals). */
  readonly v4: readonly string[];
  readonly v6: readonly string[];
  /** Seconds each entry lives (the refresh interval plus a margin). */
  readonly seconds: number;
}

export interface BlocklistInfo {
  readonly name: string;
  readonly family: 4 | 6;
  /** Entries the kernel holds now; undefined when the backend cannot count them cheaply (nftables). */
  readonly entries?: number;
}

export interface BlocklistOps {
  /** Replaces the list's content in one atomic step (ipset swap, one nft transaction): never an empty moment. */
  replace(list: BlocklistLoad): Promise<void>;
  /** Exactly these lists are hooked (dropped on every interface); the sets and hooks of any other list go. */
  hook(names: readonly string[]): Promise<void>;
  /** The lists whose sets the kernel holds now (both families each). */
  list(): Promise<BlocklistInfo[]>;
}

/** List names: short enough for ipset's 31 characters with our prefix, family digit and `_new`. */
export const LIST_NAME = /^[a-z][a-z0-9_]{0,19}$/;

export function checkListName(backend: string, name: string): string {
  return checkName(backend, 'list', name, 20, LIST_NAME);
}

/** Every entry re-checked and of the right family; one bad entry refuses the load. */
/** A canonical IPv4 address or CIDR: dotted decimal without leading zeros, a prefix of 0-32 (fast path for big lists). */
const IPV4_CIDR = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\/(?:3[0-2]|[12]?[0-9]))?$/;

export function checkListEntries(backend: string, list: BlocklistLoad): { v4: string[]; v6: string[] } {
  const check = (family: 4 | 6, cidrs: readonly string[]): string[] =>
    cidrs.map((c) => {
      if (family === 4 && typeof c === 'string' && IPV4_CIDR.test(c)) return c;
      const canonical = checkCidr(c);
      if (canonical.includes(':') !== (family === 6)) throw new BackendError(`${backend}: list ${list.name}: ${c} is not IPv${family}`, `${backend} (validation)`);
      return canonical;
    });
  return { v4: check(4, list.v4), v6: check(6, list.v6) };
}

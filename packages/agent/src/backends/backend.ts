/**
 * The one interface every firewall backend implements (ipset, nftables, firewalld, dry-run). Four operations, all
 * idempotent, each run as as few processes as the tool allows (one `ipset restore`, one `nft -f -` per batch).
 */
import type { BlocklistOps } from './blocklist.js';

export type AddressFamily = 4 | 6;

/**
 * `block`: a scanner or a reported source, dropped on every interface.
 * `spoof`: a forged source, dropped on the WAN interfaces only, in sets of its own, so a LAN is never cut off.
 */
export type BanKind = 'block' | 'spoof';

export interface Ban {
  /** Canonical address (validated by core's parseAddress before it reaches a backend). */
  readonly address: string;
  readonly family: AddressFamily;
  readonly kind: BanKind;
  /** Seconds the kernel keeps the entry; capped by the backend at what it can express (ipset: 2147483). */
  readonly seconds: number;
}

export interface BanKey {
  readonly address: string;
  readonly family: AddressFamily;
  readonly kind: BanKind;
}

export interface KernelEntry extends BanKey {
  /** Seconds left as the kernel reports it; undefined when the backend cannot tell. */
  readonly secondsLeft?: number;
}

export interface EnsureOptions {
  /** WAN interfaces: the spoof sets are hooked on these only. */
  readonly wan: readonly string[];
  /**
   * The standing anti-spoofing guard (config `detect.spoof.guard`): sources in `drop` arriving on a WAN interface
   * are dropped unless in `exempt` (core's spoofGuard() plus the WAN's own networks and the allow list). Absent:
   * no guard, and the guard of an earlier run is taken down.
   */
  readonly guard?: { readonly drop: readonly string[]; readonly exempt: readonly string[] };
}

export interface Capabilities {
  /** True when entries really expire in the kernel; false means the agent must remove them itself (and says so). */
  readonly expires: boolean;
  /** A sentence for the user when something is weaker than asked (e.g. firewalld's nftables backend ignoring timeouts). */
  readonly note?: string;
}

export interface Backend {
  readonly name: string;
  /** Sets and hooks exist afterwards (created if missing, left alone if present); says what the kernel can do. */
  ensure(options: EnsureOptions): Promise<Capabilities>;
  /** Adds or refreshes every ban of the batch, each with its own timeout. */
  apply(bans: readonly Ban[]): Promise<void>;
  /** Removes the entries; absent ones are not an error. */
  remove(keys: readonly BanKey[]): Promise<void>;
  /** What the kernel holds now. */
  list(): Promise<KernelEntry[]>;
  /** Imported blocklists (blocklist.ts); absent when the backend cannot hold them (firewalld). */
  readonly blocklists?: BlocklistOps;
}

/** A firewall tool refused or is missing: names the command and carries its stderr, for one clear line to the user. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

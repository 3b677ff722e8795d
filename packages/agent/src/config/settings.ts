/**
 * The shapes of a configuration: what the file says (`FileSettings`, made by check.ts or read back from the settings
 * cache) and what a run works with once the machine's facts are added (`AgentConfig`, made by loader.ts). Types only,
 * so that naming them loads nothing.
 */
import type { AllowEntry, BanPolicy, NoiseReason } from '@portcullis/core';
import type { BackendType, StartPosition } from './schema.js';
import type { SystemFacts } from './system.js';
import type { AbuseIpdbSettings } from '../abuseipdb/settings.js';
import type { ListSettings } from '../lists/settings.js';
import type { ShareSettings } from '../share/settings.js';

export interface ScanSettings {
  readonly ports: number;
  readonly hosts: number;
  readonly windowMs: number;
  readonly stealth: number;
  readonly slowPorts: number;
  readonly slowWindowMs: number;
  readonly lateReplies: boolean;
  readonly maxSources: number;
  readonly longPorts: number;
  readonly longHosts: number;
  readonly longWindowMs: number;
  readonly maxLongSources: number;
}

export interface SpoofSettings {
  readonly enabled: boolean;
  /** The standing anti-spoofing guard (every special-purpose range dropped on the WAN interfaces). */
  readonly guard: boolean;
  readonly idleMs: number;
}

export interface NoiseSettings {
  readonly reasons: readonly NoiseReason[];
  /** Directed-broadcast addresses; in `AgentConfig` the configured ones plus the host's own networks'. */
  readonly broadcast: readonly string[];
  readonly guessBroadcast: boolean;
}

export interface DetectSettings {
  readonly scan: ScanSettings;
  readonly spoof: SpoofSettings;
  readonly noise: NoiseSettings;
}

export interface BackendSets {
  readonly blockV4: string;
  readonly blockV6: string;
  readonly spoofV4: string;
  readonly spoofV6: string;
  readonly guardV4: string;
  readonly guardV6: string;
}

export interface BackendSettings {
  readonly type: BackendType;
  /** nftables: the `inet` table's name. */
  readonly table: string;
  readonly sets: BackendSets;
}

/** What the file says, every default filled in except the two that depend on the machine. */
export interface FileSettings {
  /** The file read; undefined when the default file was absent. */
  readonly file?: string;
  /** Undefined: not in the file, the machine decides (`defaultSources`). */
  readonly sources?: readonly string[];
  /** Undefined: not in the file, the interfaces of the default routes. */
  readonly wan?: readonly string[];
  /** Configured never-blocked CIDRs and addresses, canonical (`10.0.0.0/8`, `2001:db8::1`). */
  readonly allow: readonly string[];
  readonly detect: DetectSettings;
  /** Milliseconds, as core's policy takes them; `factor` is the YAML's `increment`. */
  readonly ban: BanPolicy;
  readonly backend: BackendSettings;
  /** The state directory. */
  readonly state: string;
  readonly start: StartPosition;
  /** Sharing bans through Redis; undefined: off (no `share.redis`). */
  readonly share?: ShareSettings;
  /** AbuseIPDB lookups and reports (off unless `check` or `report`); where the key is, never the key. */
  readonly abuseipdb: AbuseIpdbSettings;
  /** Blocklists to import; empty: none. */
  readonly lists: readonly ListSettings[];
  /** Sentences worth showing with --verbose: what was assumed, adjusted or found odd (never an error). */
  readonly notes: readonly string[];
}

/** The configuration a run works with: the file's settings with the machine's facts resolved. */
export interface AgentConfig extends FileSettings {
  readonly sources: readonly string[];
  readonly wan: readonly string[];
  /** Which values came from the machine rather than the file. */
  readonly defaulted: { readonly sources: boolean; readonly wan: boolean };
  /** Everything never blocked, with why: `allow` (config), own addresses, default gateways, the SSH client. */
  readonly neverBlock: readonly AllowEntry[];
  /** Networks attached to the WAN interfaces (core's spoof rule: a private neighbour there is real). */
  readonly connected: readonly string[];
  /** Networks attached to any interface: a special-purpose scanner inside one is a real neighbour, blocked like any. */
  readonly neighbours: readonly string[];
  /** What was read from the machine, for `status`. */
  readonly facts: SystemFacts;
}

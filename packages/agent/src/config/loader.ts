/**
 * Loading a config for a command: read the file, take its checked settings from the cache or from check.ts (imported
 * only then: the yaml package and the validator are most of a config's cost), add the machine's facts. The CLI's
 * commands import this module; load.ts is the whole config API (this, the checker, the types) in one place.
 */
import { readFile } from 'node:fs/promises';
import { Allowlist, type AllowEntry, type DetectConfig } from '@portcullis/core';
import { DEFAULT_CONFIG_PATH } from './schema.js';
import {
  broadcastAddresses,
  connectedNetworks,
  defaultGateways,
  defaultSources,
  ownAddresses,
  readSystemFacts,
  sshClient,
  wanInterfaces,
  type SystemFacts,
} from './system.js';
import { ConfigError } from './issues.js';
import { cachedSettings, saveSettings, type SettingsCache } from './settings-cache.js';
import type { AgentConfig, FileSettings } from './settings.js';


// ---------------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------------

export interface LoadOptions {
  /** Facts from the machine; default: `readSystemFacts()` (runs `ip -j`). Tests pass their own. */
  readonly system?: () => Promise<SystemFacts>;
  /** Used for the `sources` default; default: `fs.existsSync`. */
  readonly exists?: (path: string) => boolean;
  /** Where `SSH_CONNECTION` is read; default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Checked settings kept between runs (settings-cache.ts); default: none, every load parses and validates. */
  readonly cache?: SettingsCache;
}

/**
 * Reads, validates and resolves the configuration. Without `path`, `/etc/portcullis/config.yaml`, and if that does
 * not exist every setting is its default (a note says so); a `path` that was asked for must exist. Throws
 * `ConfigError` naming file, line and column of every problem.
 */
export async function loadConfig(path?: string, options: LoadOptions = {}): Promise<AgentConfig> {
  const file = path ?? DEFAULT_CONFIG_PATH;
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && path === undefined) text = undefined;
    else throw new ConfigError([{ file, line: 1, column: 1, path: '', message: readProblem(code, err) }]);
  }
  const checked = await checkedSettings(text ?? '', file, options.cache);
  const settings =
    text === undefined ? { ...checked, file: undefined, notes: [`${file} does not exist: every setting is its default`] } : checked;
  return resolveConfig(settings, options);
}

/** The file's checked settings: from the cache when it knows this text, else from check.ts (loaded only then). */
async function checkedSettings(text: string, file: string, cache: SettingsCache | undefined): Promise<FileSettings> {
  const hit = cache && cachedSettings(cache, file, text);
  if (hit) return hit;
  const checked = (await import('./check.js')).checkConfig(text, file);
  // a config with problems is never kept
  if ('issues' in checked) throw new ConfigError(checked.issues);
  if (cache) saveSettings(cache, file, text, checked.settings);
  return checked.settings;
}

function readProblem(code: string | undefined, err: unknown): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    case 'EISDIR':
      return 'is a directory, not a config file';
    default:
      return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
}


/** Adds what only the machine knows: log files present, default routes, own addresses, gateways, SSH client. */
export async function resolveConfig(settings: FileSettings, options: LoadOptions = {}): Promise<AgentConfig> {
  const facts = await (options.system ?? (() => readSystemFacts()))();
  const notes = [...settings.notes, ...facts.problems];

  let sources = settings.sources;
  if (sources === undefined) {
    const d = defaultSources(options.exists);
    sources = d.sources;
    notes.push(`sources: ${d.sources.join(', ')} (${d.why})`);
  }

  let wan = settings.wan;
  if (wan === undefined) {
    wan = wanInterfaces(facts);
    if (wan.length === 0) notes.push('wan: no default route found, so no interface counts as WAN and the spoof rule finds nothing (set wan)');
  } else if (facts.interfaces.length > 0) {
    for (const name of wan) {
      if (!facts.interfaces.includes(name)) notes.push(`wan: ${name} does not exist on this machine now (fine for an interface that comes and goes)`);
    }
  }

  const neverBlock: AllowEntry[] = [];
  const add = (cidr: string, why: string): void => {
    if (!neverBlock.some((e) => e.cidr === cidr)) neverBlock.push({ cidr, why });
  };
  for (const c of settings.allow) add(c, 'config');
  for (const a of ownAddresses(facts)) add(a, 'own address');
  for (const g of defaultGateways(facts)) add(g, 'default gateway');
  const ssh = sshClient(options.env ?? process.env);
  if (ssh !== undefined) add(ssh, 'SSH client of this session');
  // every entry went through our parser already; building core's list here proves a run can never trip on one
  new Allowlist(neverBlock);

  const broadcast = [...settings.detect.noise.broadcast];
  for (const b of broadcastAddresses(facts)) if (!broadcast.includes(b)) broadcast.push(b);

  return {
    ...settings,
    sources,
    wan,
    defaulted: { sources: settings.sources === undefined, wan: settings.wan === undefined },
    neverBlock,
    connected: connectedNetworks(facts, wan),
    neighbours: connectedNetworks(facts, facts.interfaces.filter((i) => i !== 'lo')),
    detect: { ...settings.detect, noise: { ...settings.detect.noise, broadcast } },
    facts,
    notes,
  };
}

/** The `detect` section as core's Detector takes it. A disabled spoof rule is an empty WAN list: nothing is WAN. */
export function toDetectConfig(cfg: AgentConfig): DetectConfig {
  const { scan, spoof, noise } = cfg.detect;
  return {
    scan: {
      ports: scan.ports,
      hosts: scan.hosts,
      windowMs: scan.windowMs,
      stealth: scan.stealth,
      slowPorts: scan.slowPorts,
      slowWindowMs: scan.slowWindowMs,
      lateReplies: scan.lateReplies,
      maxSources: scan.maxSources,
      longPorts: scan.longPorts,
      longHosts: scan.longHosts,
      longWindowMs: scan.longWindowMs,
      maxLongSources: scan.maxLongSources,
      // the machines on our own links are each themselves: no /64 adding-up of their ports
      perAddress: [...cfg.neighbours],
    },
    spoof: { wan: spoof.enabled ? [...cfg.wan] : [], connected: [...cfg.connected], idleMs: spoof.idleMs },
    noise: { reasons: [...noise.reasons], broadcast: [...noise.broadcast], guessBroadcast: noise.guessBroadcast },
  };
}


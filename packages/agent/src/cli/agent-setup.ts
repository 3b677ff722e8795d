/**
 * What every state-keeping command (`run`, `restore`, `bans`, `status`) sets up the same way: the config, the
 * backend it names (or the dry-run one), and where messages go.
 */
import { loadConfig } from '../config/loader.js';
import type { AgentConfig } from '../config/settings.js';
import { readSystemFacts } from '../config/system.js';
import { settingsCacheFrom } from '../config/settings-cache.js';
import { spoofGuard } from '@portcullis/core';
import type { Backend, EnsureOptions, KernelEntry } from '../backends/backend.js';
import { spawnRunner } from '../backends/runner.js';
import type { TextSink } from '../backends/dry-run.js';
import { selectBackend } from '../backends/select.js';
import type { StateDeps } from '../run/ops.js';
import type { Io } from './main.js';

export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export interface AgentSetup {
  readonly cfg: AgentConfig;
  readonly backend: Backend;
  readonly dryRun: boolean;
  /** Prints only when asked to talk (--verbose, or a person at a terminal); cron gets silence on success. */
  readonly say: (line: string) => void;
  readonly talk: boolean;
  /** Always printed, on stderr. */
  readonly warn: (line: string) => void;
  readonly now: () => number;
}

export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export async function setUp(
  values: { config?: string; 'dry-run'?: boolean; verbose?: boolean },
  io: Io,
  options: { dryRunOut?: TextSink } = {},
): Promise<AgentSetup> {
  // the machine's facts (an `ip` process) are asked first, so that process runs while the config is read and parsed
  const facts = readSystemFacts();
  facts.catch(() => undefined); // a config that fails first must not leave its rejection unhandled
  // an unchanged config's checked settings come from the cache where the environment names one (systemd's
  // CacheDirectory=, PORTCULLIS_CACHE_DIR): no YAML or schema code to load. A cache, not state: a dry run keeps it too
  const cfg = await loadConfig(values.config, { env: io.env, system: () => facts, cache: settingsCacheFrom(io.env) });
  const dryRun = values['dry-run'] === true || cfg.backend.type === 'dry-run';
  const now = (): number => io.now ?? Date.now();
  const talk = values.verbose === true || isTerminal(io.stdout);
  const say = (line: string): void => {
    if (talk) io.stdout.write(`${line}\n`);
  };
  // a dry run prints its commands on stdout whatever the verbosity: that is what it is for
  const backend = selectBackend(cfg.backend, { runner: spawnRunner({ timeoutMs: 60_000 }), dryRun, out: options.dryRunOut ?? io.stdout, now });
  if (values.verbose) for (const n of cfg.notes) say(`config: ${n}`);
  const warn = (line: string): void => {
    io.stderr.write(`portcullis: warning: ${line}\n`);
  };
  return { cfg, backend, dryRun, say, talk, warn, now };
}

export function stateDeps(s: AgentSetup): StateDeps {
  return {
    stateDir: s.cfg.state,
    backend: s.backend,
    wan: s.cfg.wan,
    guard: guardOf(s.cfg),
    allow: s.cfg.neverBlock,
    now: s.now,
    log: s.say,
    warn: s.warn,
    readOnly: s.dryRun,
  };
}

/** The guard's ranges (core's registry) with this host's exemptions: the WAN's own networks and the allow list. */
function guardOf(cfg: AgentConfig): EnsureOptions['guard'] {
  if (!cfg.detect.spoof.guard) return undefined;
  const g = spoofGuard();
  return { drop: g.drop, exempt: [...g.exempt, ...cfg.connected, ...cfg.neverBlock.map((e) => e.cidr)] };
}

/**
 * What the kernel holds in our sets, or why it cannot be told (for `status` and `bans list`). firewalld's list()
 * reads the zone plan that its ensure() makes, so that backend is ensured first; the kernel backends list as they are.
 */
export async function kernelEntries(setup: AgentSetup): Promise<{ entries?: KernelEntry[]; problem?: string }> {
  try {
    if (setup.cfg.backend.type === 'firewalld') await setup.backend.ensure({ wan: setup.cfg.wan });
    return { entries: await setup.backend.list() };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

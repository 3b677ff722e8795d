/**
 * From the config's `backend` section to a Backend: the one place that knows which class serves which type, so
 * `run`, `restore` and `bans` cannot disagree about set names.
 */
import type { BackendSettings } from '../config/load.js';
import { BackendError, type Backend } from './backend.js';
import { DryRunBackend, type DryRunTarget, type TextSink } from './dry-run.js';
import { FirewalldBackend } from './firewalld.js';
import { IpsetBackend, type SetNames } from './ipset.js';
import { NftablesBackend } from './nftables.js';
import type { Runner } from './runner.js';

export interface SelectOptions {
  readonly runner: Runner;
  /** Print the commands instead of running them (`--dry-run`, or `backend.type: dry-run`). */
  readonly dryRun?: boolean;
  /** Where a dry run prints. */
  readonly out?: TextSink;
  readonly now?: () => number;
}

function setNames(settings: BackendSettings): SetNames {
  const s = settings.sets;
  return { block4: s.blockV4, block6: s.blockV6, spoof4: s.spoofV4, spoof6: s.spoofV6 };
}

function guardNames(settings: BackendSettings): { guard4: string; guard6: string } {
  return { guard4: settings.sets.guardV4, guard6: settings.sets.guardV6 };
}

/** What a dry run previews: the configured backend, or nftables (the default) for `type: dry-run`. */
function target(settings: BackendSettings): DryRunTarget {
  switch (settings.type) {
    case 'ipset':
      return { type: 'ipset', options: { sets: setNames(settings), guardSets: guardNames(settings) } };
    case 'firewalld':
      return { type: 'firewalld' };
    case 'nftables':
    case 'dry-run':
      return { type: 'nftables', options: { table: settings.table, sets: setNames(settings), guardSets: guardNames(settings) } };
  }
}

/** Names the kernel would refuse (an nft identifier with `-`, a guard name too long for its `_exempt`) stop here. */
export function selectBackend(settings: BackendSettings, options: SelectOptions): Backend {
  try {
    return build(settings, options);
  } catch (err) {
    if (err instanceof BackendError) throw err;
    throw new BackendError(`backend ${settings.type}: ${(err as Error).message} (see backend.sets in the config)`, 'config');
  }
}

function build(settings: BackendSettings, options: SelectOptions): Backend {
  if (options.dryRun || settings.type === 'dry-run') {
    // the reads really run, so what is printed is what this machine needs, not what a blank one would
    return new DryRunBackend({ target: target(settings), out: options.out ?? process.stdout, inspect: options.runner, now: options.now });
  }
  switch (settings.type) {
    case 'ipset':
      return new IpsetBackend({ runner: options.runner, sets: setNames(settings), guardSets: guardNames(settings) });
    case 'nftables':
      return new NftablesBackend({ runner: options.runner, table: settings.table, sets: setNames(settings), guardSets: guardNames(settings) });
    case 'firewalld':
      return new FirewalldBackend({ runner: options.runner });
  }
}

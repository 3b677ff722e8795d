/**
 * What every state-changing command shares (`run`, `restore`, `bans add|remove`): take the lock, load the state,
 * make sure the sets and hooks exist, do the work (the kernel first, the state after), save atomically, release.
 * A command that dies half-way leaves a state the next run repairs.
 */
import { Allowlist, type AllowEntry } from '@portcullis/core';
import type { Backend, Capabilities, EnsureOptions } from '../backends/backend.js';
import { acquireLock } from '../state/lock.js';
import { StateStore, type State } from '../state/store.js';

export interface StateDeps {
  readonly stateDir: string;
  readonly backend: Backend;
  readonly wan: readonly string[];
  /** The standing anti-spoofing guard, when the config asks for it. */
  readonly guard?: EnsureOptions['guard'];
  /** Never blocked: configured CIDRs, own addresses, gateways, the SSH client. */
  readonly allow: readonly AllowEntry[];
  /** The agent's clock (epoch ms); core never reads one. */
  readonly now: () => number;
  /** Milliseconds a second run waits for the lock. */
  readonly lockWaitMs?: number;
  /** One line per notable event (only printed with --verbose or on a terminal). */
  readonly log?: (line: string) => void;
  /** Problems worth a line even under cron (a state file recovered from its backup). Default: stderr. */
  readonly warn?: (line: string) => void;
  /** A dry run: no lock, nothing saved. */
  readonly readOnly?: boolean;
}

export async function withState<T>(deps: StateDeps, work: (state: State, caps: Capabilities, allow: Allowlist) => Promise<T>): Promise<T> {
  const lock = deps.readOnly ? undefined : await acquireLock(deps.stateDir, { waitMs: deps.lockWaitMs });
  try {
    const store = new StateStore(deps.stateDir, { warn: deps.warn, now: deps.now });
    const state = await store.load();
    const caps = await deps.backend.ensure({ wan: deps.wan, guard: deps.guard });
    const result = await work(state, caps, new Allowlist(deps.allow));
    if (!deps.readOnly) await store.save(state);
    return result;
  } finally {
    await lock?.release();
  }
}


/**
 * The fleet for the commands that share bans (`run`, `bans add|remove`, `follow`): the link built from the
 * config, and the one warning (and exit code 9) when Redis could not be used.
 */
import { FleetLink, type FleetReport } from '../share/fleet.js';
import type { OutboxItem } from '../share/fleet-state.js';
import { acquireLock } from '../state/lock.js';
import { StateStore } from '../state/store.js';
import type { AgentSetup } from './agent-setup.js';
import type { Io } from './main.js';

/** Redis could not be used: local work was done and saved; what was not sent waits in the outbox. */
export const FLEET_EXIT = 9;

/** Undefined when the config has no `share.redis`. */
export function fleetLink(setup: AgentSetup, io: Io): FleetLink | undefined {
  const share = setup.cfg.share;
  if (!share) return undefined;
  return new FleetLink(share, { env: io.env, dryRun: setup.dryRun, maxBanMs: setup.cfg.ban.maxMs, log: setup.say });
}

/** Prints what the fleet did (when talking) and its problem (always, one line); the exit code that goes with it. */
export function reportFleet(r: FleetReport | undefined, setup: AgentSetup, verbose: boolean): number {
  if (!r) return 0;
  if (verbose) for (const n of r.notes) setup.say(`fleet: ${n}`);
  else for (const n of r.notes.filter((n) => n.startsWith('skipped'))) setup.warn(`fleet: ${n}`);
  const parts = [
    r.applied ? `${r.applied} ban(s) from the fleet applied` : '',
    r.lifted ? `${r.lifted} lifted by the fleet` : '',
    r.published ? `${r.published} published` : '',
    r.waiting ? `${r.waiting} waiting in the outbox` : '',
  ].filter(Boolean);
  if (parts.length || verbose) setup.say(`fleet (${r.node}): ${parts.length ? parts.join('; ') : 'nothing new'}`);
  if (!r.problem) return 0;
  setup.warn(`fleet: ${r.problem}; local bans went ahead${r.waiting ? `, ${r.waiting} wait in the outbox for the next run that reaches Redis` : ''}`);
  return FLEET_EXIT;
}

/**
 * `bans add|remove` after the kernel and the state changed: the item goes into the outbox (saved under the lock,
 * so nothing is lost when Redis is away) and out with whatever else waits there. A dry run sends nothing.
 */
export async function publishByHand(setup: AgentSetup, io: Io, items: readonly OutboxItem[]): Promise<number> {
  const link = fleetLink(setup, io);
  if (!link || setup.dryRun || !link.settings.publish) return 0;
  const lock = await acquireLock(setup.cfg.state, {});
  try {
    const store = new StateStore(setup.cfg.state, { warn: setup.warn, now: setup.now });
    const state = await store.load();
    await link.publish(state, items, setup.now());
    await store.save(state);
  } finally {
    await link.close();
    await lock.release();
  }
  return reportFleet(link.report, setup, false);
}

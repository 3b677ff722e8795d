/**
 * The state-changing commands besides `run`: `restore`, `bans add`, `bans remove`. Each takes the lock, loads the
 * state, makes sure the sets exist, changes the kernel first and the state after, and saves atomically, in the
 * order `run` keeps (runOnce's comment): a command that dies half-way leaves a state the next run repairs.
 */
import { Allowlist, parseAddress } from '@portcullis/core';
import type { BanKind, Capabilities } from '../backends/backend.js';
import type { BanRecord } from '../state/store.js';
import { kernelSeconds, keyOf, reconcile } from './reconcile.js';
import { withState, type StateDeps } from './with-state.js';

export type { StateDeps } from './with-state.js';

export interface RestoreSummary {
  /** Active bans put into the kernel with the time they have left. */
  readonly applied: number;
  /** Expired bans the agent removed itself (backends that cannot expire entries). */
  readonly removed: number;
  readonly capabilities: Capabilities;
}

/** After a reboot or a firewall reload: sets and hooks again, and every active ban with its remaining time. */
export async function restoreBans(deps: StateDeps): Promise<RestoreSummary> {
  return withState(deps, async (state, capabilities, allow) => {
    const now = deps.now();
    const { removed } = await reconcile(deps.backend, state, capabilities, allow, now);
    // every one, not only those the kernel lost: a reload may have kept an entry with a stale timeout
    const bans = state.bans.map((b) => ({ ...keyOf(b), seconds: kernelSeconds(b.until - now) }));
    if (bans.length) await deps.backend.apply(bans);
    return { applied: bans.length, removed, capabilities };
  });
}

export type AddResult =
  | { readonly ok: true; readonly record: BanRecord }
  | { readonly ok: false; readonly problem: string };

/** A ban by hand. The allow list wins here too: an allowed address is refused, naming the entry that covers it. */
export async function addBan(deps: StateDeps, input: { address: string; ms: number; reason: string; kind?: BanKind }): Promise<AddResult> {
  const parsed = parseAddress(input.address);
  if (!parsed) return { ok: false, problem: `'${input.address}' is not an IPv4 or IPv6 address` };
  const covering = new Allowlist(deps.allow).covering(parsed.address);
  if (covering) return { ok: false, problem: `${parsed.address} is never blocked: ${covering.cidr} (${covering.why})` };
  return withState(deps, async (state) => {
    const kind = input.kind ?? 'block';
    const record: BanRecord = { address: parsed.address, family: parsed.family, kind, until: deps.now() + input.ms, reason: input.reason };
    await deps.backend.apply([{ ...keyOf(record), seconds: kernelSeconds(input.ms) }]);
    state.bans = state.bans.filter((b) => !(b.address === record.address && b.kind === kind));
    state.bans.push(record);
    return { ok: true, record };
  });
}

/**
 * Lifts every ban of an address (both kinds), and forgets its offences: a ban lifted by hand is usually a false
 * alarm, which must not make the next ban of that address longer.
 */
export async function removeBan(deps: StateDeps, address: string): Promise<{ ok: true; removed: BanRecord[] } | { ok: false; problem: string }> {
  const parsed = parseAddress(address);
  if (!parsed) return { ok: false, problem: `'${address}' is not an IPv4 or IPv6 address` };
  return withState(deps, async (state) => {
    const removed = state.bans.filter((b) => b.address === parsed.address);
    const kinds: BanKind[] = ['block', 'spoof'];
    await deps.backend.remove(kinds.map((kind) => ({ address: parsed.address, family: parsed.family, kind })));
    state.bans = state.bans.filter((b) => b.address !== parsed.address);
    state.offences.delete(parsed.address);
    return { ok: true, removed };
  });
}

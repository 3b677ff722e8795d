import type { Allowlist } from '@portcullis/core';
import type { Backend, BanKey, Capabilities } from '../backends/backend.js';
import { MAX_TIMEOUT_S } from '../backends/validate.js';
import { expiredBans, type BanRecord, type State } from '../state/store.js';

/** Seconds to give the kernel for a ban with `ms` left: ipset's ceiling at most (longer bans are re-applied later). */
export function kernelSeconds(ms: number): number {
  return Math.max(1, Math.min(MAX_TIMEOUT_S, Math.ceil(ms / 1000)));
}

/**
 * The kernel and the state must agree: bans the kernel lost are re-applied with the time they have left; bans
 * whose time is over are forgotten, and removed by us first when the backend cannot expire them itself.
 */
export async function reconcile(backend: Backend, state: State, caps: Capabilities, allow: Allowlist, now: number): Promise<{ restored: number; removed: number }> {
  let removed = 0;
  const expired = expiredBans(state, now);
  if (expired.length && !caps.expires) {
    await backend.remove(expired.map(keyOf));
    removed = expired.length;
  }
  state.bans = state.bans.filter((b) => b.until > now);
  // an address added to the allow list since it was banned is let go now
  const released = state.bans.filter((b) => allow.allows(b.address));
  if (released.length) {
    await backend.remove(released.map(keyOf));
    state.bans = state.bans.filter((b) => !allow.allows(b.address));
  }
  const held = new Set((await backend.list()).map((e) => `${e.kind} ${e.address}`));
  const lost = state.bans.filter((b) => !held.has(`${b.kind} ${b.address}`));
  if (lost.length) {
    await backend.apply(
      lost.map((b) => ({ address: b.address, family: b.family, kind: b.kind, seconds: kernelSeconds(b.until - now) })),
    );
  }
  return { restored: lost.length, removed };
}

export function keyOf(b: BanRecord): BanKey {
  return { address: b.address, family: b.family, kind: b.kind };
}

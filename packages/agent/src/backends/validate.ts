/**
 * Defence in depth for the backends that generate text for a firewall tool (`ipset restore`, `nft -f -`,
 * `iptables-restore`): whatever reaches that text is re-checked here, right before it is written, even though the
 * agent validated it earlier. One bad entry refuses the whole batch, so nothing half-checked is ever sent.
 */
import { parseAddress } from '@portcullis/core';
import { parseCidr } from '../config/values.js';
import { BackendError, type Ban, type BanKey, type BanKind } from './backend.js';

/**
 * The longest timeout any of our kernels takes: ipset refuses more than 2147483 s ("out of range"); nftables would
 * take more, but one ceiling for every backend keeps their behaviour the same (the agent re-applies longer bans).
 */
export const MAX_TIMEOUT_S = 2_147_483;

/** A ban whose fields are known good: canonical address of its family, known kind, whole seconds in 1..MAX. */
export interface CheckedBan extends BanKey {
  readonly seconds: number;
}

/** Only a canonical address of the stated family and a known kind pass. */
export function checkKey(backend: string, key: BanKey): BanKey {
  const parsed = typeof key.address === 'string' ? parseAddress(key.address) : undefined;
  if (!parsed || parsed.address !== key.address || parsed.family !== key.family) {
    throw new BackendError(`${backend}: refusing ${JSON.stringify(key.address)}: not a canonical IPv${key.family} address`, `${backend} (validation)`);
  }
  if (key.kind !== 'block' && key.kind !== 'spoof') {
    throw new BackendError(`${backend}: refusing ${key.address}: unknown ban kind ${JSON.stringify(key.kind)}`, `${backend} (validation)`);
  }
  return { address: parsed.address, family: parsed.family, kind: key.kind as BanKind };
}

/**
 * Whole seconds, at least 1 and at most MAX_TIMEOUT_S. Never 0: for ipset a 0 timeout means "forever", so a
 * rounding slip must not turn a short ban into a permanent one. NaN, infinities and non-positive values are refused.
 */
export function checkSeconds(backend: string, address: string, seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new BackendError(`${backend}: refusing ${address}: ban time must be a positive number of seconds, got ${String(seconds)}`, `${backend} (validation)`);
  }
  return Math.min(MAX_TIMEOUT_S, Math.max(1, Math.ceil(seconds)));
}

export function checkBan(backend: string, ban: Ban): CheckedBan {
  const key = checkKey(backend, ban);
  return { ...key, seconds: checkSeconds(backend, key.address, ban.seconds) };
}

/**
 * Interface names go into iptables argument arrays and nft text: the kernel's own limit (15 bytes) and a
 * conservative alphabet (no quotes, spaces, slashes or braces) keep them inert in both.
 */
export function checkInterface(backend: string, name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:+@-]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw new BackendError(`${backend}: refusing interface name ${JSON.stringify(name)}`, `${backend} (validation)`);
  }
  return name;
}

/** Set, table and chain names we put into tool input: by default a letter, then letters, digits, `_`, `-`, `.`. */
export function checkName(backend: string, what: string, name: string, maxLength: number, pattern = /^[A-Za-z][A-Za-z0-9_.-]*$/): string {
  if (typeof name !== 'string' || !pattern.test(name) || name.length > maxLength) {
    throw new Error(`${backend}: bad ${what} name ${JSON.stringify(name)} (must match ${String(pattern)}, at most ${maxLength} characters)`);
  }
  return name;
}

/** Keyed by kind and address, the form list() and the agent compare on. */
export function keyString(key: BanKey): string {
  return `${key.kind} ${key.address}`;
}

/** A CIDR (or a bare address) for a guard set, as its canonical network (host bits cleared). Refuses anything else. */
export function checkCidr(text: string): string {
  const parsed = parseCidr(text);
  if (!parsed) throw new BackendError(`not a CIDR: '${text.slice(0, 60)}'`, 'guard');
  return parsed.cidr;
}

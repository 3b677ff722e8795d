/**
 * One stream entry, both ways: what this node writes (`encodeEntry`) and what it accepts from others
 * (`readEntry`). Anyone who can write to Redis can write entries, so a received entry is data to check, never to
 * trust: a well-formed single address (no prefix: nobody bans the world with 0.0.0.0/0), not one whose blocking
 * breaks the host itself (loopback, unspecified, multicast, broadcast, link-local), a time still ahead and not
 * absurdly far, short printable text. An entry that fails is skipped and counted; nothing in it is ever run.
 */
import { classifyAddress } from '@portcullis/core';
import { MAX_DURATION_S } from '../config/schema.js';
import { MAX_REASON, type OutboxItem } from './fleet-state.js';
import { isNodeName } from './settings.js';

/** Field names on the wire; short, the same in every entry (Redis stores repeated field names once per node). */
export const F = { op: 'op', address: 'addr', until: 'until', reason: 'reason', types: 'types', node: 'node' } as const;

/** Address classes a fleet ban may never name: blocking them would cut the host off from itself or its link. */
const NEVER = new Set(['loopback', 'unspecified', 'multicast', 'broadcast', 'link-local']);

export const MAX_TYPES = 8;

export type FleetOp =
  | { readonly op: 'ban'; readonly address: string; readonly family: 4 | 6; readonly until: number; readonly reason: string; readonly types: readonly string[]; readonly node: string }
  | { readonly op: 'unban'; readonly address: string; readonly family: 4 | 6; readonly node: string };

export type ReadResult = { readonly ok: true; readonly value: FleetOp } | { readonly ok: false; readonly problem: string; readonly node?: string };

/** The field/value list of `XADD`, for one outbox item. */
export function encodeEntry(item: OutboxItem, node: string): string[] {
  const out = [F.op, item.op, F.address, item.address, F.node, node];
  if (item.op === 'ban') {
    out.push(F.until, String(Math.round(item.until ?? 0)));
    if (item.reason) out.push(F.reason, printable(item.reason));
    if (item.types?.length) out.push(F.types, item.types.join(','));
  }
  return out;
}

/**
 * Checks one entry's fields (as Redis returns them: a flat list, name then value) at time `now`. How long a ban
 * lasts here is the receiver's business (fleet.ts shortens it to the local ban.max); this only refuses nonsense.
 */
export function readEntry(fields: unknown, now: number): ReadResult {
  if (!Array.isArray(fields) || fields.length % 2 !== 0 || fields.length > 32) return { ok: false, problem: 'is not a short list of fields and values' };
  const m = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) {
    const k: unknown = fields[i];
    const v: unknown = fields[i + 1];
    if (typeof k !== 'string' || typeof v !== 'string' || v.length > 1024) return { ok: false, problem: 'has a field that is not short text' };
    m.set(k, v);
  }
  const node = m.get(F.node);
  if (node === undefined || !isNodeName(node)) return { ok: false, problem: `has no valid node name${node === undefined ? '' : ` ('${printable(node).slice(0, 64)}')`}` };
  const op = m.get(F.op);
  if (op !== 'ban' && op !== 'unban') return { ok: false, problem: `has op '${printable(op ?? '').slice(0, 16)}', not ban or unban`, node };
  const target = checkAddress(m.get(F.address));
  if (typeof target === 'string') return { ok: false, problem: target, node };
  if (op === 'unban') return { ok: true, value: { op, address: target.address, family: target.family, node } };
  const until = checkUntil(m.get(F.until), now);
  if (typeof until === 'string') return { ok: false, problem: until, node };
  const reason = printable(m.get(F.reason) ?? '').slice(0, MAX_REASON);
  const typesText = m.get(F.types) ?? '';
  const types = typesText === '' ? [] : typesText.split(',');
  if (types.length > MAX_TYPES || !types.every((t) => /^[a-z0-9-]{1,16}$/.test(t))) return { ok: false, problem: 'has "types" that are not a short list of probe kinds', node };
  return { ok: true, value: { op, address: target.address, family: target.family, until, reason, types, node } };
}

/** An address a fleet ban may name, canonical; or why not. Also used for the live view's members. */
export function checkAddress(text: string | undefined): { address: string; family: 4 | 6 } | string {
  if (text === undefined) return 'has no address';
  const info = text.length <= 64 ? classifyAddress(text) : undefined;
  if (!info) return `'${printable(text).slice(0, 64)}' is not an IPv4 or IPv6 address`;
  if (NEVER.has(info.class) || info.class === 'ipv4-mapped') return `${info.address} is a ${info.class} address, never blocked from the fleet`;
  return { address: info.address, family: info.family };
}

/** Epoch ms, still ahead, and not past ten years from now (the agent's limit for any duration). */
export function checkUntil(text: string | undefined, now: number): number | string {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return 'has no time "until" in epoch milliseconds';
  const until = Number(text);
  if (until <= now) return `ended already (${new Date(until).toISOString()})`;
  if (until > now + MAX_DURATION_S * 1000) return `ends absurdly far ahead (${new Date(until).toISOString()})`;
  return until;
}

/** Text as it may reach a log or a terminal: control characters (escape sequences, new lines) become spaces. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

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

/**
 * On the wire, one stream entry carries a batch: `node` (the writer) and `bans`, one line per ban or unban,
 * tab-separated: `ban <addr> <until ms> <types,...> <reason>` or `unban <addr>`. Entries per batch, not per ban:
 * a run that bans 10 000 scanners sends a hundred XADDs, not ten thousand, and the field names are not repeated.
 */
export const F = { node: 'node', bans: 'bans' } as const;

/**
 * Lines a writer puts in one entry. Small enough that the newest and oldest entries, which every reader gets back
 * from `XINFO STREAM`, stay a few kB; large enough that 10 000 bans are 100 XADDs in one pipeline.
 */
export const PER_ENTRY = 100;
/** Lines a reader takes from one entry at most (a hostile writer can put more; they are refused, counted). */
export const MAX_LINES = 1000;

/** Address classes a fleet ban may never name: blocking them would cut the host off from itself or its link. */
const NEVER = new Set(['loopback', 'unspecified', 'multicast', 'broadcast', 'link-local']);

export const MAX_TYPES = 8;

export type FleetOp =
  | { readonly op: 'ban'; readonly address: string; readonly family: 4 | 6; readonly until: number; readonly reason: string; readonly types: readonly string[]; readonly node: string }
  | { readonly op: 'unban'; readonly address: string; readonly family: 4 | 6; readonly node: string };

/** An entry read: its writer's valid lines, and why each other line was refused; or why the whole entry was. */
export type ReadResult =
  | { readonly ok: true; readonly node: string; readonly ops: FleetOp[]; readonly problems: string[] }
  | { readonly ok: false; readonly problem: string; readonly node?: string };

/** The field/value lists of the `XADD`s for a batch of outbox items, PER_ENTRY lines each. */
export function encodeEntries(items: readonly OutboxItem[], node: string, perEntry = PER_ENTRY): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += perEntry) {
    const lines = items.slice(i, i + perEntry).map((item) =>
      item.op === 'ban'
        ? ['ban', item.address, String(Math.round(item.until ?? 0)), (item.types ?? []).join(','), printable(item.reason ?? '').slice(0, MAX_REASON)].join('\t')
        : ['unban', item.address].join('\t'),
    );
    out.push([F.node, node, F.bans, lines.join('\n')]);
  }
  return out;
}

/**
 * Checks one entry's fields (as Redis returns them: a flat list, name then value) at time `now`, line by line: a
 * bad line is refused on its own, the others stand. How long a ban lasts here is the receiver's business (fleet.ts
 * shortens it to the local ban.max); this only refuses nonsense.
 */
export function readEntry(fields: unknown, now: number): ReadResult {
  if (!Array.isArray(fields) || fields.length % 2 !== 0 || fields.length > 16) return { ok: false, problem: 'is not a short list of fields and values' };
  const m = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) {
    const k: unknown = fields[i];
    const v: unknown = fields[i + 1];
    if (typeof k !== 'string' || typeof v !== 'string' || v.length > MAX_LINES * 400) return { ok: false, problem: 'has a field that is not text of a sensible length' };
    m.set(k, v);
  }
  const node = m.get(F.node);
  if (node === undefined || !isNodeName(node)) return { ok: false, problem: `has no valid node name${node === undefined ? '' : ` ('${printable(node).slice(0, 64)}')`}` };
  const text = m.get(F.bans);
  if (text === undefined) return { ok: false, problem: 'has no "bans" field', node };
  const lines = text.split('\n');
  const ops: FleetOp[] = [];
  const problems: string[] = [];
  lines.slice(0, MAX_LINES).forEach((line, i) => {
    const r = readLine(line, node, now);
    if (typeof r === 'string') problems.push(`line ${i + 1}: ${r}`);
    else ops.push(r);
  });
  if (lines.length > MAX_LINES) problems.push(`${lines.length - MAX_LINES} lines past the ${MAX_LINES} an entry may hold`);
  return { ok: true, node, ops, problems };
}

function readLine(line: string, node: string, now: number): FleetOp | string {
  const [op, addr, untilText, typesText, reasonText, ...rest] = line.split('\t');
  if (op !== 'ban' && op !== 'unban') return `op '${printable(op ?? '').slice(0, 16)}', not ban or unban`;
  const target = checkAddress(addr);
  if (typeof target === 'string') return target;
  if (op === 'unban') return untilText === undefined ? { op, address: target.address, family: target.family, node } : 'an unban with more than an address';
  if (rest.length) return 'more fields than a ban has';
  const until = checkUntil(untilText, now);
  if (typeof until === 'string') return until;
  const types = typesText ? typesText.split(',') : [];
  if (types.length > MAX_TYPES || !types.every((t) => /^[a-z0-9-]{1,16}$/.test(t))) return 'types that are not a short list of probe kinds';
  return { op, address: target.address, family: target.family, until, reason: printable(reasonText ?? '').slice(0, MAX_REASON), types, node };
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

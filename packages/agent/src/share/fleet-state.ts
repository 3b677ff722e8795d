/**
 * The fleet's part of the agent's state: the stream cursor, the outbox, the counters `status` shows.
 *
 * Why inside state.json (a `fleet` field) and not a file of our own: the cursor must move in the same atomic save
 * that records the bans it brought, and the outbox must be saved with the local bans it carries. One file, one
 * rename, under the one lock: a run that dies anywhere leaves the old cursor with the old bans, or both new; it
 * reads the same entries again (applying a ban twice is harmless), never skips one.
 */
import { parseAddress } from '@portcullis/core';
import { isNodeName } from './settings.js';
import { isStreamId } from './stream-id.js';

/** A ban or unban of this node that Redis has not acknowledged yet. */
export interface OutboxItem {
  readonly op: 'ban' | 'unban';
  /** Canonical address. */
  readonly address: string;
  /** Epoch ms when the ban ends (bans only). */
  readonly until?: number;
  readonly reason?: string;
  /** The kinds of probe seen (syn, fin, ...), for the other nodes' logs. */
  readonly types?: readonly string[];
}

export interface FleetState {
  /** The last stream entry applied here; undefined before the first contact (then the live view is read). */
  cursor?: string;
  outbox: OutboxItem[];
  /** Entries this node put on the stream / took from it / refused, since the state began. */
  published: number;
  received: number;
  skipped: number;
  /** Epoch ms of the last exchange with Redis that worked. */
  lastContact?: number;
  /** The last failure, for `status` (cleared by the next contact). */
  lastProblem?: { at: number; text: string };
  /** Publishers heard from (entries received), by node name: epoch ms of their newest entry seen. */
  nodes: Map<string, number>;
}

/** Unsent items kept at most (the oldest go first): a node cut off for weeks must not grow its state without end. */
export const MAX_OUTBOX = 50_000;
/** Node names remembered at most (a hostile writer could invent names). */
export const MAX_NODES = 10_000;
export const MAX_REASON = 200;

export function emptyFleetState(): FleetState {
  return { outbox: [], published: 0, received: 0, skipped: 0, nodes: new Map() };
}

/** Adds items behind the ones waiting; an unban drops a waiting ban of the same address (and the other way round). */
export function queue(fleet: FleetState, items: readonly OutboxItem[]): void {
  // the newest word on an address wins: one pass, so a batch of 10 000 stays linear
  const last = new Map<string, OutboxItem>();
  for (const item of items) {
    last.delete(item.address);
    last.set(item.address, item);
  }
  fleet.outbox = [...fleet.outbox.filter((o) => !last.has(o.address)), ...last.values()];
  if (fleet.outbox.length > MAX_OUTBOX) fleet.outbox.splice(0, fleet.outbox.length - MAX_OUTBOX);
}

export function noteNode(fleet: FleetState, node: string, at: number): void {
  const seen = fleet.nodes.get(node);
  if (seen === undefined && fleet.nodes.size >= MAX_NODES) return;
  if (seen === undefined || at > seen) fleet.nodes.set(node, at);
}

/** As JSON in state.json. */
export function fleetToJson(f: FleetState): Record<string, unknown> {
  return {
    ...(f.cursor !== undefined && { cursor: f.cursor }),
    outbox: f.outbox,
    published: f.published,
    received: f.received,
    skipped: f.skipped,
    ...(f.lastContact !== undefined && { lastContact: f.lastContact }),
    ...(f.lastProblem !== undefined && { lastProblem: f.lastProblem }),
    nodes: Object.fromEntries(f.nodes),
  };
}

/** Reads the `fleet` field of state.json; a string is the problem, in words. */
export function parseFleetState(raw: unknown): FleetState | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'is not an object';
  const r = raw as Record<string, unknown>;
  const f = emptyFleetState();
  if (r.cursor !== undefined) {
    if (!isStreamId(r.cursor)) return 'has a "cursor" that is not a stream ID';
    f.cursor = r.cursor;
  }
  if (!Array.isArray(r.outbox) || r.outbox.length > MAX_OUTBOX) return `has no "outbox" list of at most ${MAX_OUTBOX} items`;
  for (const [i, o] of (r.outbox as unknown[]).entries()) {
    const item = outboxItem(o);
    if (typeof item === 'string') return `outbox[${i}] ${item}`;
    f.outbox.push(item);
  }
  for (const k of ['published', 'received', 'skipped'] as const) {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `has no whole number "${k}"`;
    f[k] = v;
  }
  if (r.lastContact !== undefined) {
    if (!isTime(r.lastContact)) return 'has a "lastContact" that is not a time';
    f.lastContact = r.lastContact;
  }
  if (r.lastProblem !== undefined) {
    const p = r.lastProblem as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || !isTime(p.at) || typeof p.text !== 'string') return 'has a "lastProblem" without a time "at" and a "text"';
    f.lastProblem = { at: p.at, text: p.text };
  }
  if (r.nodes === null || typeof r.nodes !== 'object' || Array.isArray(r.nodes)) return 'has no "nodes" object';
  for (const [node, at] of Object.entries(r.nodes as Record<string, unknown>)) {
    if (!isNodeName(node) || !isTime(at)) return `nodes["${node}"] is not a node name with a time`;
    f.nodes.set(node, at);
  }
  return f;
}

function outboxItem(o: unknown): OutboxItem | string {
  if (o === null || typeof o !== 'object') return 'is not an object';
  const v = o as Record<string, unknown>;
  if (v.op !== 'ban' && v.op !== 'unban') return 'has an "op" other than ban or unban';
  const a = typeof v.address === 'string' ? parseAddress(v.address) : undefined;
  if (!a || a.address !== v.address) return 'has no canonical "address"';
  if (v.op === 'ban' && !isTime(v.until)) return 'is a ban without a time "until"';
  if (v.reason !== undefined && (typeof v.reason !== 'string' || v.reason.length > MAX_REASON)) return `has a "reason" that is not text of at most ${MAX_REASON} characters`;
  if (v.types !== undefined && !(Array.isArray(v.types) && v.types.every((t) => typeof t === 'string'))) return 'has "types" that are not a list of words';
  return {
    op: v.op,
    address: a.address,
    ...(v.until !== undefined && { until: v.until as number }),
    ...(v.reason !== undefined && { reason: v.reason as string }),
    ...(v.types !== undefined && { types: v.types as string[] }),
  };
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

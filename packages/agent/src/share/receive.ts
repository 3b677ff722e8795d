/**
 * Reads what the fleet said since this node's cursor. One round trip in the usual case: `XINFO STREAM` (where the
 * stream ends, and whether entries past our cursor were trimmed away) together with the first `XREAD` after the
 * cursor; more `XREAD`s only while full pages come back.
 *
 * A node without a cursor (its first contact), or one whose unread entries were trimmed by the cap, reads the live
 * view instead of the history it cannot have: the sorted set of bans still running. The stream's end is read
 * before the live view, on the same connection, so nothing falls between the two: an entry added after is read
 * next time (applying a ban twice is harmless).
 */
import { FleetError, RefusedReply, type FleetClient, type Reply } from './connection.js';
import { checkAddress, checkUntil, readEntry, type FleetOp } from './entry.js';
import type { FleetKeys } from './keys.js';
import { compareIds, isStreamId, previousId } from './stream-id.js';

export interface Pulled {
  /** In the order to apply them: the live view first, then the stream. */
  readonly ops: FleetOp[];
  /** Where the next read starts. */
  readonly cursor: string;
  /** Stream entries, or lines of them, refused, with why (and their writer when it could be read). */
  readonly skipped: Array<{ id: string; problem: string; node?: string }>;
  /** Whether the live view was read (first contact, or a gap in the history). */
  readonly live: boolean;
  /** Writers seen, with the time of their newest entry (from its ID). */
  readonly nodes: Map<string, number>;
  readonly notes: string[];
}

export interface PullOptions {
  readonly cursor?: string;
  readonly now: number;
  /** The live view carries no writer: it is used only when every node is trusted. */
  readonly liveAllowed: boolean;
  /** Entries per XREAD (each up to a hundred bans from a well-behaved writer). */
  readonly page?: number;
  /** At most this many entries per call; the rest waits for the next (the cursor stops where reading stopped). */
  readonly maxRead?: number;
}

/** Live bans read at most: bounds a late joiner's memory against a flooded set. */
export const MAX_LIVE = 500_000;

export async function pull(client: FleetClient, keys: FleetKeys, o: PullOptions): Promise<Pulled> {
  const page = o.page ?? 200;
  const maxRead = o.maxRead ?? 5_000;
  const ops: FleetOp[] = [];
  const skipped: Array<{ id: string; problem: string; node?: string }> = [];
  const nodes = new Map<string, number>();
  const notes: string[] = [];
  const info = ['XINFO', 'STREAM', keys.stream];
  let cursor = o.cursor;
  let live = false;
  let entries: Reply | RefusedReply = null;

  if (cursor === undefined) {
    const [i, view] = await client.batch(o.liveAllowed ? [info, liveRange(keys, o.now)] : [info]);
    const end = streamInfo(i);
    if (o.liveAllowed) {
      cursor = end.last;
      live = true;
      ops.push(...liveOps(view, o.now));
    } else {
      // only named nodes are trusted and the live view does not say who banned: read the history there is
      cursor = '0-0';
      notes.push('first contact: reading the stream from its start (the live view is not used when share.trust names nodes)');
    }
  }
  if (!live) {
    const [i, first] = await client.batch([info, xread(keys, cursor, page)]);
    const end = streamInfo(i);
    entries = first ?? null;
    if (end.lostAfter !== undefined && compareIds(end.lostAfter, cursor) > 0) {
      // entries after our cursor were trimmed by the cap: what they said is in the live view, if anywhere
      if (o.liveAllowed) {
        const [view] = await client.batch([liveRange(keys, o.now)]);
        ops.push(...liveOps(view, o.now));
        live = true;
        notes.push(`entries after ${cursor} were trimmed from the stream before this node read them: read the live view instead`);
      } else notes.push(`entries after ${cursor} were trimmed from the stream before this node read them (raise share.stream_max, or run more often)`);
    }
    let read = 0;
    for (;;) {
      const list = streamEntries(entries, keys.stream);
      for (const [id, fields] of list) {
        cursor = id;
        const r = readEntry(fields, o.now);
        const at = Number(id.split('-')[0]);
        if (r.ok) {
          ops.push(...r.ops);
          for (const problem of r.problems) skipped.push({ id, problem, node: r.node });
          if (!nodes.has(r.node) || at > nodes.get(r.node)!) nodes.set(r.node, at);
        } else skipped.push({ id, problem: r.problem, ...(r.node !== undefined && { node: r.node }) });
      }
      read += list.length;
      if (list.length < page || read >= maxRead) break;
      [entries] = await client.batch([xread(keys, cursor, page)]);
    }
  }
  return { ops, cursor: cursor ?? '0-0', skipped, live, nodes, notes };
}

function xread(keys: FleetKeys, after: string, count: number): string[] {
  return ['XREAD', 'COUNT', String(count), 'STREAMS', keys.stream, after];
}

function liveRange(keys: FleetKeys, now: number): string[] {
  return ['ZRANGE', keys.live, `(${now}`, '+inf', 'BYSCORE', 'LIMIT', '0', String(MAX_LIVE), 'WITHSCORES'];
}

/**
 * The stream's last ID, and the ID up to which entries may have been lost (Redis 7.0 and later): the highest one
 * deleted by hand (`max-deleted-entry-id`), or, once the cap trimmed anything (`entries-added` above `length`),
 * the oldest one kept: a cursor before it may have missed entries. The second is cautious (the trim may have
 * stopped right at the cursor); the price of a false alarm is one read of the live view. An absent stream ends
 * at 0-0.
 */
function streamInfo(reply: Reply | RefusedReply | undefined): { last: string; lostAfter?: string } {
  if (reply instanceof RefusedReply) {
    if (/no such key/i.test(reply.message)) return { last: '0-0' };
    throw new FleetError(`Redis refused XINFO STREAM: ${reply.message.split('\n')[0]}`, 'refused');
  }
  const flat = Array.isArray(reply) ? reply : [];
  const get = (name: string): Reply | undefined => {
    const i = flat.indexOf(name);
    return i >= 0 && i % 2 === 0 ? flat[i + 1] : undefined;
  };
  const last = get('last-generated-id');
  const maxDeleted = get('max-deleted-entry-id');
  const first = get('recorded-first-entry-id');
  const added = Number(get('entries-added'));
  const length = Number(get('length'));
  if (!isStreamId(last) || !isStreamId(maxDeleted) || !isStreamId(first)) {
    throw new FleetError('Redis answered XINFO STREAM without last-generated-id, max-deleted-entry-id or recorded-first-entry-id (Redis 7.0 or later, or Valkey, is needed)', 'refused');
  }
  // entries before `first` were trimmed: a cursor older than the entry just before it may have missed some
  const trimmedBefore = added > length ? previousId(first) : undefined;
  const lostAfter = trimmedBefore !== undefined && compareIds(trimmedBefore, maxDeleted) > 0 ? trimmedBefore : maxDeleted;
  return { last, ...(lostAfter !== '0-0' && { lostAfter }) };
}

/** `[[key, [[id, [f, v, ...]], ...]]]` or null, as XREAD answers in RESP2. */
function streamEntries(reply: Reply | RefusedReply, stream: string): Array<[string, Reply]> {
  if (reply instanceof RefusedReply) throw new FleetError(`Redis refused XREAD: ${reply.message.split('\n')[0]}`, 'refused');
  if (reply === null) return [];
  const out: Array<[string, Reply]> = [];
  for (const s of Array.isArray(reply) ? reply : []) {
    if (!Array.isArray(s) || s[0] !== stream || !Array.isArray(s[1])) continue;
    for (const e of s[1]) if (Array.isArray(e) && isStreamId(e[0])) out.push([e[0], e[1] ?? null]);
  }
  return out;
}

/** The live view's members as bans; a member that is not a blockable address, or a score out of range, is dropped. */
function liveOps(reply: Reply | RefusedReply | undefined, now: number): FleetOp[] {
  if (reply instanceof RefusedReply) throw new FleetError(`Redis refused ZRANGE on the live view: ${reply.message.split('\n')[0]}`, 'refused');
  const flat = Array.isArray(reply) ? reply : [];
  const ops: FleetOp[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const a = checkAddress(typeof flat[i] === 'string' ? (flat[i] as string) : undefined);
    const score = flat[i + 1];
    const until = typeof score === 'string' && /^\d{1,16}$/.test(score) ? checkUntil(score, now) : 'bad score';
    if (typeof a === 'string' || typeof until === 'string') continue;
    ops.push({ op: 'ban', address: a.address, family: a.family, until, reason: 'from the live view', types: [], node: '*' });
  }
  return ops;
}

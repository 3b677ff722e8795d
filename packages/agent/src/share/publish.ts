/**
 * Sends the outbox in one round trip: an `XADD` per 100 items (entry.ts's PER_ENTRY; capped with `MAXLEN ~`, which
 * lets Redis trim whole nodes of the stream cheaply), the live view's update in one `ZADD GT` (of two bans of one
 * address the later end stays) and one `ZREM` for the unbans, then one prune of the bans that ended.
 */
import { FleetError, RefusedReply, type FleetClient } from './connection.js';
import { encodeEntries } from './entry.js';
import type { OutboxItem } from './fleet-state.js';
import type { FleetKeys } from './keys.js';

/** Publishes `items` (bans that ended meanwhile are dropped); returns how many entries went out. */
export async function sendOutbox(
  client: FleetClient,
  keys: FleetKeys,
  items: readonly OutboxItem[],
  opts: { node: string; now: number; streamMax: number },
): Promise<number> {
  const live = items.filter((i) => i.op === 'unban' || (i.until ?? 0) > opts.now);
  if (!live.length) return 0;
  const commands: string[][] = [];
  for (const fields of encodeEntries(live, opts.node)) commands.push(['XADD', keys.stream, 'MAXLEN', '~', String(opts.streamMax), '*', ...fields]);
  const bans = live.filter((i) => i.op === 'ban');
  const unbans = live.filter((i) => i.op === 'unban');
  if (bans.length) commands.push(['ZADD', keys.live, 'GT', ...bans.flatMap((i) => [String(i.until), i.address])]);
  if (unbans.length) commands.push(['ZREM', keys.live, ...unbans.map((i) => i.address)]);
  commands.push(['ZREMRANGEBYSCORE', keys.live, '-inf', String(opts.now)]);
  const replies = await client.batch(commands);
  const failed = replies.find((r): r is RefusedReply => r instanceof RefusedReply);
  if (failed) throw new FleetError(`Redis refused a write: ${failed.message.split('\n')[0]}`, 'refused');
  return live.length;
}

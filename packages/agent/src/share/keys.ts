/**
 * The fleet's two keys. The prefix sits inside braces, a Redis Cluster hash tag: both keys hash to one slot, so a
 * pipeline that touches both is valid on a Cluster too, and the layout is the same on a single server, behind
 * Sentinel or on a managed Redis.
 */
export interface FleetKeys {
  /** The Stream of bans and unbans, capped with `MAXLEN ~`. */
  readonly stream: string;
  /** The live view: a sorted set of addresses scored by the epoch ms their ban ends, pruned as they end. */
  readonly live: string;
}

export function fleetKeys(prefix: string): FleetKeys {
  return { stream: `{${prefix}}:stream`, live: `{${prefix}}:live` };
}

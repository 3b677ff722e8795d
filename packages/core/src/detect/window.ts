/**
 * The distinct keys (ports, targets) seen within the last `spanMs`, by event time. Entries sit in a queue in
 * arrival order, so expiring is popping the front: no per-event scan, no Map iteration (V8 leaves holes at the
 * front of a Map used as a queue, and walking them made the detector slow).
 *
 * A key seen again is re-queued at most once per `grainMs`: a flood of one target costs one entry per grain, not
 * one per line, and a refreshed key may leave the window up to `grainMs` early. At most `cap` entries are queued;
 * beyond that the oldest goes first, so a single source's flood can never grow memory.
 */
export class TimeWindow<K> {
  private qKeys: (K | undefined)[] = [];
  private qTimes: number[] = [];
  private head = 0;
  /** Key -> time of its newest queued entry; an older entry popping for it is stale and changes nothing. */
  private readonly latest = new Map<K, number>();

  constructor(
    private readonly spanMs: number,
    private readonly cap: number,
    private readonly grainMs: number = Math.max(1, Math.floor(spanMs / 16)),
  ) {}

  /** Distinct keys in the window. */
  get size(): number {
    return this.latest.size;
  }

  /** Queued entries (the memory used), never above `cap`. */
  get queued(): number {
    return this.qTimes.length - this.head;
  }

  /** The keys in the window (as of the last `add` or `expire`). */
  keys(): IterableIterator<K> {
    return this.latest.keys();
  }

  /**
   * Expires what fell out of the window at time `t`, then adds `key`. Returns true when the key is new to the
   * window. `onExpire` hears each key that left.
   */
  add(key: K, t: number, onExpire?: (key: K) => void): boolean {
    this.expire(t, onExpire);
    const prev = this.latest.get(key);
    if (prev !== undefined && t - prev < this.grainMs) return false;
    while (this.queued >= this.cap) this.popFront(onExpire);
    // The pop above may have removed this very key (a full queue): then it is new again.
    const isNew = !this.latest.has(key);
    this.qKeys.push(key);
    this.qTimes.push(t);
    this.latest.set(key, t);
    return isNew;
  }

  /** Drops entries older than `t - spanMs`. */
  expire(t: number, onExpire?: (key: K) => void): void {
    const from = t - this.spanMs;
    while (this.head < this.qTimes.length && this.qTimes[this.head] < from) this.popFront(onExpire);
  }

  private popFront(onExpire?: (key: K) => void): void {
    const key = this.qKeys[this.head] as K;
    const t = this.qTimes[this.head];
    this.qKeys[this.head] = undefined;
    this.head++;
    if (this.latest.get(key) === t) {
      this.latest.delete(key);
      onExpire?.(key);
    }
    // Compact once the dead front is both large and most of the array.
    if (this.head >= 64 && this.head * 2 >= this.qTimes.length) {
      this.qKeys = this.qKeys.slice(this.head);
      this.qTimes = this.qTimes.slice(this.head);
      this.head = 0;
    }
  }
}

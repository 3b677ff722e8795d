/**
 * Keys with the newest time each was seen, in refresh order (a refreshed key moves to the end, so the stalest are at
 * the front), bounded: past `cap` keys the one refreshed longest ago goes and `touch` says so.
 *
 * Most sources touch one port of one host in a whole day. The first key is held in two fields, and the Map is
 * built only when a second key comes: building two Maps for every source heard was ~7% of all a scan allocated
 * (the long-horizon rule follows every source for a day).
 */
export class KeyTimes<K> {
  private oneKey: K | undefined;
  /** The inline key's time; NaN when none is held inline. */
  private oneTime = NaN;
  private map: Map<K, number> | undefined;
  /**
   * The key last moved to the end of `map`. A source mostly repeats its last target: that key is already where a
   * refresh would move it, so its time is set in place instead of a delete and an insert (which also left holes
   * for the Map to rehash).
   */
  private newest: K | undefined;

  /** Resumes keys and times already in refresh order. */
  static of<K>(pairs: readonly (readonly [K, number])[]): KeyTimes<K> {
    const kt = new KeyTimes<K>();
    if (pairs.length === 1) [kt.oneKey, kt.oneTime] = pairs[0]!;
    else if (pairs.length > 1) kt.map = new Map(pairs);
    return kt;
  }

  get size(): number {
    return this.map ? this.map.size : Number.isNaN(this.oneTime) ? 0 : 1;
  }

  /** Records `k` at `t` (an older time than the one held changes nothing); true when the cap dropped a key for it. */
  touch(k: K, t: number, cap: number): boolean {
    let m = this.map;
    if (!m) {
      if (Number.isNaN(this.oneTime)) {
        this.oneKey = k;
        this.oneTime = t;
        return false;
      }
      if (k === this.oneKey) {
        if (t > this.oneTime) this.oneTime = t;
        return false;
      }
      m = this.map = new Map([[this.oneKey as K, this.oneTime]]);
      this.newest = this.oneKey;
      this.oneKey = undefined;
      this.oneTime = NaN;
    }
    const prev = m.get(k);
    if (prev !== undefined) {
      if (t <= prev) return false;
      if (k === this.newest) {
        m.set(k, t);
        return false;
      }
      m.delete(k);
      m.set(k, t);
      this.newest = k;
      return false;
    }
    let dropped = false;
    if (m.size >= cap) {
      const oldest = m.keys().next();
      if (!oldest.done) m.delete(oldest.value);
      dropped = true;
    }
    m.set(k, t);
    this.newest = k;
    return dropped;
  }

  /** Drops the keys last seen before `from` (they are at the front: refresh order). */
  expireBefore(from: number): void {
    const m = this.map;
    if (!m) {
      if (this.oneTime < from) {
        this.oneKey = undefined;
        this.oneTime = NaN;
      }
      return;
    }
    for (const [k, t] of m) {
      if (t >= from) break;
      m.delete(k);
    }
  }

  keys(): K[] {
    if (this.map) return [...this.map.keys()];
    return Number.isNaN(this.oneTime) ? [] : [this.oneKey as K];
  }

  /** [key, time] pairs in refresh order, the stalest first. */
  entries(): [K, number][] {
    if (this.map) return [...this.map];
    return Number.isNaN(this.oneTime) ? [] : [[this.oneKey as K, this.oneTime]];
  }
}

import assert from 'node:assert/strict';
import { KeyTimes } from '../../../packages/core/src/detect/key-times.js';

/** The rule written the plain way: a Map in refresh order, every refresh a delete and an insert. */
class Model {
  readonly m = new Map<number, number>();
  touch(k: number, t: number, cap: number): boolean {
    const prev = this.m.get(k);
    let dropped = false;
    if (prev !== undefined) {
      if (t <= prev) return false;
      this.m.delete(k);
    } else if (this.m.size >= cap) {
      this.m.delete(this.m.keys().next().value as number);
      dropped = true;
    }
    this.m.set(k, t);
    return dropped;
  }
  expireBefore(from: number): void {
    for (const [k, t] of this.m) {
      if (t >= from) break;
      this.m.delete(k);
    }
  }
}

/** A small deterministic generator, so a failure names its seed. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe('KeyTimes', () => {
  it('holds one key inline, and counts and lists like a Map once a second key comes', () => {
    const kt = new KeyTimes<string>();
    assert.equal(kt.size, 0);
    assert.deepEqual(kt.entries(), []);
    assert.equal(kt.touch('a', 10, 8), false);
    assert.equal(kt.touch('a', 5, 8), false, 'an older time changes nothing');
    assert.deepEqual(kt.entries(), [['a', 10]]);
    kt.touch('b', 11, 8);
    kt.touch('a', 12, 8);
    assert.equal(kt.size, 2);
    assert.deepEqual(kt.entries(), [['b', 11], ['a', 12]], 'a refreshed key moves to the end');
    assert.deepEqual(kt.keys(), ['b', 'a']);
  });

  it('drops the key refreshed longest ago past the cap, and says so', () => {
    const kt = new KeyTimes<number>();
    assert.equal(kt.touch(1, 1, 2), false);
    assert.equal(kt.touch(2, 2, 2), false);
    assert.equal(kt.touch(1, 3, 2), false);
    assert.equal(kt.touch(3, 4, 2), true);
    assert.deepEqual(kt.entries(), [[1, 3], [3, 4]]);
    const one = new KeyTimes<number>();
    one.touch(7, 1, 1);
    assert.equal(one.touch(8, 2, 1), true, 'a cap of one drops the inline key');
    assert.deepEqual(one.entries(), [[8, 2]]);
  });

  it('expires the inline key and the stale front of the Map', () => {
    const kt = new KeyTimes<number>();
    kt.touch(1, 100, 8);
    kt.expireBefore(100);
    assert.equal(kt.size, 1, 'a key seen at the boundary stays');
    kt.expireBefore(101);
    assert.equal(kt.size, 0);
    assert.deepEqual(kt.keys(), []);
    kt.touch(2, 200, 8);
    assert.deepEqual(kt.entries(), [[2, 200]], 'an emptied holder takes a key again');
    kt.touch(3, 300, 8);
    kt.expireBefore(250);
    assert.deepEqual(kt.entries(), [[3, 300]]);
  });

  it('resumes pairs in the order given', () => {
    assert.deepEqual(KeyTimes.of([]).entries(), []);
    assert.deepEqual(KeyTimes.of([[5, 1]]).entries(), [[5, 1]]);
    const kt = KeyTimes.of([[5, 1], [6, 2]]);
    kt.touch(5, 3, 8);
    assert.deepEqual(kt.entries(), [[6, 2], [5, 3]]);
  });

  it('agrees with a plain refresh-ordered Map on random touches, expiries and caps, times out of order included', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const cap = 1 + r(6);
      const kt = new KeyTimes<number>();
      const model = new Model();
      let now = 0;
      for (let step = 0; step < 200; step++) {
        now += r(5);
        if (r(10) === 0) {
          const from = now - r(20);
          kt.expireBefore(from);
          model.expireBefore(from);
        } else {
          // mostly repeats of the last few keys, as a source repeats its target; sometimes an older time
          const k = r(3) === 0 ? r(12) : r(3);
          const t = now - (r(6) === 0 ? r(10) : 0);
          assert.equal(kt.touch(k, t, cap), model.touch(k, t, cap), `seed ${seed} step ${step}: dropped`);
        }
        assert.deepEqual(kt.entries(), [...model.m], `seed ${seed} step ${step}`);
        assert.equal(kt.size, model.m.size);
      }
    }
  });
});

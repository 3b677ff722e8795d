import assert from 'node:assert/strict';
import { ttlOrigin } from '../../../packages/core/src/net/ttl.js';

describe('net/ttl', () => {
  it('takes the smallest common initial value at or above the observed TTL', () => {
    const cases: Array<[number, number, number]> = [
      [0, 32, 32], [1, 32, 31], [32, 32, 0], [33, 64, 31], [45, 64, 19], [63, 64, 1], [64, 64, 0],
      [65, 128, 63], [110, 128, 18], [115, 128, 13], [128, 128, 0], [129, 255, 126], [243, 255, 12], [255, 255, 0],
    ];
    for (const [observed, initial, hops] of cases) {
      const o = ttlOrigin(observed);
      assert.equal(o?.initial, initial, String(observed));
      assert.equal(o?.hops, hops, String(observed));
    }
  });

  it('says who starts there, as a guess', () => {
    assert.equal(ttlOrigin(63)?.explanation.en, 'Likely started at 64 (typical of Linux, macOS, BSD, Android or iOS); 1 hop away');
    assert.equal(ttlOrigin(63)?.explanation.ja, '初期値はおそらく 64 (Linux・macOS・BSD・Android・iOS に多い値)、1 ホップ先から');
    assert.equal(ttlOrigin(117)?.sender.en, 'Windows');
    assert.equal(ttlOrigin(117)?.explanation.en, 'Likely started at 128 (typical of Windows); 11 hops away');
    assert.match(ttlOrigin(243)?.sender.en ?? '', /network equipment/);
    assert.match(ttlOrigin(20)?.sender.en ?? '', /old Windows/);
  });

  it('refuses values that are not a TTL', () => {
    for (const bad of [-1, 256, 1.5, Number.NaN]) assert.equal(ttlOrigin(bad), undefined);
  });
});

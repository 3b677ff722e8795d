import assert from 'node:assert/strict';
import { parseDuration } from '../../packages/core/src/text/duration.js';

describe('core parseDuration (config and editor settings)', () => {
  it('reads seconds and unit runs, rounds to whole seconds, refuses the rest', () => {
    const cases: Array<[unknown, number | undefined]> = [
      [90, 90_000],
      ['90', 90_000],
      ['90s', 90_000],
      ['1h30m', 5_400_000],
      ['1.5h', 5_400_000],
      ['2w', 1_209_600_000],
      [' 15m ', 900_000],
      [1.5, undefined],
      ['90x', undefined],
      ['h', undefined],
      ['-5s', undefined],
      [null, undefined],
    ];
    for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, String(input));
  });
});

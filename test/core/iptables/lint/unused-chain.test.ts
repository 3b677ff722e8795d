import assert from 'node:assert/strict';
import { lintIptablesUnusedChains } from '../../../../packages/core/src/iptables/lint/unused-chain.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/unused-chain', () => {
  it('warns on a user chain nothing jumps to', () => {
    const ds = lintIptablesUnusedChains(doc('*filter', ':used - [0:0]', ':lonely - [0:0]', '-A INPUT -j used', '-A lonely -j DROP', 'COMMIT'));
    assert.deepEqual(codes(ds), ['unused-chain']);
    assert.equal(ds[0].span.line, 2);
  });

  it('counts -g as a use and ignores built-in chains', () => {
    assert.deepEqual(lintIptablesUnusedChains(doc('*filter', ':INPUT ACCEPT [0:0]', ':g - [0:0]', '-A INPUT -g g', 'COMMIT')), []);
  });
});

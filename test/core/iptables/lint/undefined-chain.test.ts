import assert from 'node:assert/strict';
import { lintIptablesUndefinedChains } from '../../../../packages/core/src/iptables/lint/undefined-chain.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/undefined-chain', () => {
  it('warns on -j/-g to an undeclared chain and on -A to one', () => {
    const ds = lintIptablesUndefinedChains(doc('*filter', '-A INPUT -j nowhere', '-A INPUT -g elsewhere', '-A ghost -j ACCEPT', 'COMMIT'));
    assert.deepEqual(codes(ds), ['undefined-chain', 'undefined-chain', 'undefined-chain']);
    assert.ok(ds.every((d) => d.severity === 'warning'));
    assert.deepEqual(ds[0].span, { line: 1, start: 12, end: 19 });
  });

  it('accepts chains declared by header or -N, and targets', () => {
    assert.deepEqual(lintIptablesUndefinedChains(doc('*filter', ':a - [0:0]', '-N b', '-A INPUT -j a', '-A INPUT -g b', '-A INPUT -j LOG', '-A b -j ACCEPT', 'COMMIT')), []);
  });

  it('errors on a jump to a built-in chain', () => {
    assert.deepEqual(codes(lintIptablesUndefinedChains(doc('*filter', '-A FORWARD -j INPUT', 'COMMIT'))), ['jump-to-builtin']);
  });
});

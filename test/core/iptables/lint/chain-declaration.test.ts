import assert from 'node:assert/strict';
import { lintIptablesChainDeclarations } from '../../../../packages/core/src/iptables/lint/chain-declaration.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/chain-declaration', () => {
  it('flags duplicate declarations, names over 28 characters and target names', () => {
    const ds = lintIptablesChainDeclarations(doc('*filter', ':a - [0:0]', ':a - [0:0]', `:${'c'.repeat(29)} - [0:0]`, ':LOG - [0:0]', 'COMMIT'));
    assert.deepEqual(codes(ds), ['duplicate-chain', 'chain-name-too-long', 'invalid-chain-name']);
    assert.equal(ds[0].related?.[0].span.line, 1);
  });

  it('accepts odd but valid names', () => {
    assert.deepEqual(lintIptablesChainDeclarations(doc('*filter', ':DOS~Pro-t_ect - [0:0]', ':gh32_-2qns - [0:0]', `:${'c'.repeat(28)} - [0:0]`, 'COMMIT')), []);
  });
});

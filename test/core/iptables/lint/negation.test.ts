import assert from 'node:assert/strict';
import { checkIptablesNegation } from '../../../../packages/core/src/iptables/lint/negation.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/negation', () => {
  it('flags ! on options that cannot be negated', () => {
    assert.deepEqual(codes(check(checkIptablesNegation, '-j TEE ! --gateway 1.1.1.1')), ['invalid-negation']);
  });

  it('warns on the deprecated "--opt ! value" form', () => {
    const ds = check(checkIptablesNegation, '-s ! 10.0.0.1');
    assert.deepEqual(codes(ds), ['deprecated-negation']);
    assert.equal(ds[0].severity, 'warning');
  });

  it('flags ! -p all, which matches nothing', () => {
    assert.deepEqual(codes(check(checkIptablesNegation, '! -p 0 -j ACCEPT')), ['never-matches']);
    assert.deepEqual(check(checkIptablesNegation, '! -p udp -j ACCEPT'), []);
  });
});

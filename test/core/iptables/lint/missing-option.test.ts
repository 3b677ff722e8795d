import assert from 'node:assert/strict';
import { checkIptablesRequiredOptions } from '../../../../packages/core/src/iptables/lint/missing-option.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/missing-option', () => {
  it('flags matches and targets without the option they need', () => {
    const ds = check(checkIptablesRequiredOptions, '-j DNAT', { table: 'nat', chain: 'PREROUTING' });
    assert.deepEqual(codes(ds), ['missing-option']);
    assert.match(ds[0].message.en, /-j DNAT needs --to-destination/);
    assert.deepEqual(codes(check(checkIptablesRequiredOptions, '-m state')), ['missing-option']);
    assert.deepEqual(codes(check(checkIptablesRequiredOptions, '-m connbytes --connbytes 10')), ['missing-option', 'missing-option']);
  });

  it('accepts complete rules', () => {
    assert.deepEqual(check(checkIptablesRequiredOptions, '-m state --state NEW -j LOG'), []);
  });
});

import assert from 'node:assert/strict';
import { checkIptablesProtocolRequirements } from '../../../../packages/core/src/iptables/lint/protocol-requirement.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/protocol-requirement', () => {
  it('flags protocol matches and targets without -p', () => {
    const ds = check(checkIptablesProtocolRequirements, '-m tcp --dport 22');
    assert.deepEqual(codes(ds), ['needs-protocol']);
    assert.match(ds[0].message.en, /-m tcp needs -p tcp/);
    assert.deepEqual(codes(check(checkIptablesProtocolRequirements, '-m multiport --dports 1,2')), ['needs-protocol']);
    assert.deepEqual(codes(check(checkIptablesProtocolRequirements, '-p icmp -j REDIRECT --to-ports 80')), ['needs-protocol']);
  });

  it('accepts -p anywhere in the rule, by name or number', () => {
    assert.deepEqual(check(checkIptablesProtocolRequirements, '-m tcp --dport 1 -p 6'), []);
    assert.deepEqual(check(checkIptablesProtocolRequirements, '-p udplite -m multiport --dports 53'), []);
  });
});

import assert from 'node:assert/strict';
import { checkIptablesExtensions } from '../../../../packages/core/src/iptables/lint/unknown-extension.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/unknown-extension', () => {
  it('flags unknown matches and matches of the other family', () => {
    assert.deepEqual(codes(check(checkIptablesExtensions, '-m icmpv6')), ['unknown-match']);
    assert.deepEqual(codes(check(checkIptablesExtensions, '-p icmpv6 -m icmp6 --icmpv6-type 133', { family: 4 })), ['wrong-family']);
    assert.deepEqual(codes(check(checkIptablesExtensions, '-j TTL --ttl-set 1', { family: 6 })), ['wrong-family']);
  });

  it('does not judge -j names that may be chains', () => {
    assert.deepEqual(check(checkIptablesExtensions, '-j my_chain'), []);
  });
});

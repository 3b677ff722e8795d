import assert from 'node:assert/strict';
import { checkIptablesProtocols } from '../../../../packages/core/src/iptables/lint/invalid-protocol.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/invalid-protocol', () => {
  it('accepts iptables names, IANA keywords and numbers, in any case', () => {
    for (const p of ['tcp', 'UDP', 'icmp', 'ipv6-icmp', 'icmpv6', 'gre', 'esp', '50', 'all', 'sctp', 'mobility-header', 'udplite', 'vrrp'])
      assert.deepEqual(check(checkIptablesProtocols, `-p ${p}`), [], p);
  });

  it('rejects unknown names and numbers over 255, and 0 where it makes no sense', () => {
    assert.deepEqual(codes(check(checkIptablesProtocols, '-p tcpp')), ['invalid-protocol']);
    assert.deepEqual(codes(check(checkIptablesProtocols, '-p 256')), ['invalid-protocol']);
    assert.deepEqual(codes(check(checkIptablesProtocols, '-m conntrack --ctproto 0')), ['invalid-protocol']);
  });
});

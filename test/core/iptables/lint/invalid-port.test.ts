import assert from 'node:assert/strict';
import { checkIptablesPorts } from '../../../../packages/core/src/iptables/lint/invalid-port.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/invalid-port', () => {
  it('accepts ports, ranges, service names and multiport lists', () => {
    for (const r of ['-p tcp --dport 22', '-p tcp --dport ssh', '-p udp --sport 1024:', '-p tcp --dport :', '-p tcp -m multiport --dports 22,80,443,8000:8080', '-p tcp -j REDIRECT --to-ports 8080-8090'])
      assert.deepEqual(check(checkIptablesPorts, r, { table: 'nat', chain: 'PREROUTING' }), [], r);
  });

  it('rejects out-of-range ports, backwards ranges and long multiport lists', () => {
    assert.deepEqual(codes(check(checkIptablesPorts, '-p tcp --dport 65536')), ['invalid-port']);
    assert.deepEqual(codes(check(checkIptablesPorts, '-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15,16')), ['too-many-ports']);
    assert.deepEqual(codes(check(checkIptablesPorts, '-p tcp -j DNAT --to-destination 1.2.3.4:ssh-http')), ['invalid-port']);
  });

  it('asks for a protocol when a NAT target has ports', () => {
    assert.deepEqual(codes(check(checkIptablesPorts, '-j DNAT --to-destination 1.2.3.4:80')), ['ports-need-protocol']);
  });

  it('only warns about service names it does not know', () => {
    const ds = check(checkIptablesPorts, '-p tcp --dport my-service');
    assert.deepEqual(codes(ds), ['unknown-service']);
    assert.equal(ds[0].severity, 'warning');
  });
});

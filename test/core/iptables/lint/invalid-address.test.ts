import assert from 'node:assert/strict';
import { checkIptablesAddresses } from '../../../../packages/core/src/iptables/lint/invalid-address.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/invalid-address', () => {
  it('accepts addresses, CIDRs, dotted masks, lists and ranges', () => {
    for (const r of ['-s 10.0.0.0/8', '-d 1.2.3.4', '-s 10.11.12.13/255.0.255.0', '-s 1.2.3.4,5.6.7.8/32', '-m iprange --src-range 1.1.1.1-1.1.1.10', '-s 0.0.0.0/0'])
      assert.deepEqual(check(checkIptablesAddresses, r, { family: 4 }), [], r);
    for (const r of ['-s 2001:db8::/32', '-d ::ffff:127.0.0.1/128', '-s ::/0']) assert.deepEqual(check(checkIptablesAddresses, r, { family: 6 }), [], r);
  });

  it('rejects garbage, bad prefix lengths and the wrong family', () => {
    assert.deepEqual(codes(check(checkIptablesAddresses, '-s 10.0.0.256', { family: 4 })), ['invalid-address']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-s 10.0.0.0/33', { family: 4 })), ['invalid-address']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-s 1.2.3.4/', { family: 4 })), ['invalid-address']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-s 2001:db8::1', { family: 4 })), ['wrong-family']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-d 2001:db8::/129', { family: 6 })), ['invalid-address']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-m iprange --dst-range 1.1.1.1-::1')), ['invalid-address']);
    assert.deepEqual(codes(check(checkIptablesAddresses, '-p tcp -j DNAT --to-destination 1.1.1', { table: 'nat', chain: 'PREROUTING' })), ['invalid-address']);
  });

  it('warns on host names (resolved once, at load time)', () => {
    const ds = check(checkIptablesAddresses, '-s www.example.com');
    assert.deepEqual(codes(ds), ['hostname']);
    assert.equal(ds[0].severity, 'warning');
  });
});

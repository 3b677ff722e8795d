import assert from 'node:assert/strict';
import { checkIptablesPlacement } from '../../../../packages/core/src/iptables/lint/placement.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/placement', () => {
  it('flags targets outside their table or built-in chain', () => {
    assert.deepEqual(codes(check(checkIptablesPlacement, '-j MASQUERADE', { table: 'filter', chain: 'FORWARD' })), ['wrong-table']);
    assert.deepEqual(codes(check(checkIptablesPlacement, '-p tcp -j DNAT --to-destination 1.2.3.4', { table: 'nat', chain: 'POSTROUTING' })), ['wrong-chain']);
    assert.deepEqual(codes(check(checkIptablesPlacement, '-j CT --notrack', { table: 'filter', chain: 'INPUT' })), ['wrong-table']);
  });

  it('flags -i in OUTPUT and owner in INPUT', () => {
    assert.deepEqual(codes(check(checkIptablesPlacement, '-i eth0 -j ACCEPT', { chain: 'OUTPUT' })), ['wrong-chain']);
    assert.deepEqual(codes(check(checkIptablesPlacement, '-m owner --uid-owner 0', { chain: 'INPUT' })), ['wrong-chain']);
  });

  it('does not judge user chains', () => {
    assert.deepEqual(check(checkIptablesPlacement, '-i eth0 -m owner --uid-owner 0', { chain: 'mychain' }), []);
  });
});

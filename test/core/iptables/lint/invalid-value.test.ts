import assert from 'node:assert/strict';
import { checkIptablesOptionValues } from '../../../../packages/core/src/iptables/lint/invalid-value.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/invalid-value', () => {
  it('checks numbers, marks, enums, rates, MACs, interface names', () => {
    const bad = [
      '-m mark --mark 0x1/0x100000000',
      '-m conntrack --ctstate NEW,BOGUS',
      '-m limit --limit 5/fortnight',
      '-m mac --mac-source 00:11:22:33:44',
      '-i averyveryverylongname0',
      '-p tcp --tcp-flags SYN,FOO SYN',
      '-m time --timestart 25:00',
      '-m length --length 10:5',
      '-j REJECT --reject-with icmp-bogus',
    ];
    for (const r of bad) assert.equal(check(checkIptablesOptionValues, r, { family: 4 }).filter((d) => d.severity === 'error').length, 1, r);
  });

  it('accepts valid values', () => {
    const good = ['-m mark --mark 0x1/0xff', '-m conntrack --ctstate NEW,ESTABLISHED', '-m limit --limit 3/minute --limit-burst 10', '-p tcp --tcp-flags ALL NONE', '-m time --weekdays Mon,Fri --timestart 08:00'];
    for (const r of good) assert.deepEqual(check(checkIptablesOptionValues, r), [], r);
  });

  it('uses the family for --reject-with and requires TCP for tcp-reset', () => {
    assert.deepEqual(codes(check(checkIptablesOptionValues, '-j REJECT --reject-with icmp6-adm-prohibited', { family: 4 })), ['invalid-value']);
    assert.deepEqual(check(checkIptablesOptionValues, '-j REJECT --reject-with icmp6-adm-prohibited', { family: 6 }), []);
    assert.deepEqual(codes(check(checkIptablesOptionValues, '-j REJECT --reject-with tcp-reset')), ['reset-needs-tcp']);
    assert.deepEqual(check(checkIptablesOptionValues, '-p 6 -j REJECT --reject-with tcp-reset'), []);
  });
});

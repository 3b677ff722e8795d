// A prefix that is one action word (--log-prefix "DROP ") says what happened; it stays the user's own prefix.
import assert from 'node:assert/strict';
import { recognisePrefix } from '../../../packages/core/src/nflog/prefixes.js';

describe('recognisePrefix: a bare action word', () => {
  it('reads DROP, REJECT, ACCEPT, DENY and BLOCK, with or without a colon', () => {
    assert.deepEqual(recognisePrefix('DROP '), { action: 'drop', source: 'user' });
    assert.deepEqual(recognisePrefix('REJECT: '), { action: 'reject', source: 'user' });
    assert.deepEqual(recognisePrefix('ACCEPT '), { action: 'accept', source: 'user' });
    assert.deepEqual(recognisePrefix('DENY:'), { action: 'drop', source: 'user' });
    assert.deepEqual(recognisePrefix('BLOCK '), { action: 'drop', source: 'user' });
  });

  it('does not read an action out of a longer prefix or another word', () => {
    for (const p of ['FIREWALL_OUT ', 'IPTABLE ', 'drop ', 'DROPPED ', 'MY DROP ', 'IPTABLES-DROP: ', '']) {
      assert.deepEqual(recognisePrefix(p), { source: 'user' }, p);
    }
  });
});

describe('recognisePrefix: UniFi OS rule prefixes', () => {
  it('reads rule set, action and rule number, and the DESCR that follows', () => {
    assert.deepEqual(recognisePrefix('[WAN_LOCAL-D-2147483647] DESCR="[WAN_LOCAL]Block All Traffic" '), {
      action: 'drop',
      source: 'ubiquiti',
      details: { rule_set: 'WAN_LOCAL', rule_number: '2147483647', description: '[WAN_LOCAL]Block All Traffic' },
    });
    assert.deepEqual(recognisePrefix('[LAN_IN-A-4000] '), { action: 'accept', source: 'ubiquiti', details: { rule_set: 'LAN_IN', rule_number: '4000' } });
  });

  it('leaves the EdgeOS order (set-number-action) to the EdgeOS reading', () => {
    assert.deepEqual(recognisePrefix('[WAN_LOCAL-default-D] '), {
      action: 'drop',
      source: 'ubiquiti',
      details: { rule_set: 'WAN_LOCAL', rule_number: 'default' },
    });
  });
});

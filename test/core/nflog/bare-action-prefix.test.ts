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

import assert from 'node:assert/strict';
import { lintIptablesStructure } from '../../../../packages/core/src/iptables/lint/structure.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/structure', () => {
  it('flags lines outside a table, rules without a command, and -t in a file', () => {
    const ds = lintIptablesStructure(doc(':INPUT ACCEPT [0:0]', '*filter', '-p tcp -j ACCEPT', '-A INPUT -t nat -j ACCEPT', 'COMMIT', 'COMMIT'));
    assert.deepEqual(codes(ds).sort(), ['missing-command', 'outside-table', 'outside-table', 'table-option-in-file']);
  });
});

import assert from 'node:assert/strict';
import { lintIptablesUnknownTable } from '../../../../packages/core/src/iptables/lint/unknown-table.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/unknown-table', () => {
  it('flags a table the kernel does not have, on its name', () => {
    const ds = lintIptablesUnknownTable(doc('*filtre', 'COMMIT'));
    assert.deepEqual(codes(ds), ['unknown-table']);
    assert.deepEqual(ds[0].span, { line: 0, start: 1, end: 7 });
  });

  it('accepts the five tables', () => {
    assert.deepEqual(lintIptablesUnknownTable(doc('*filter', 'COMMIT', '*nat', 'COMMIT', '*mangle', 'COMMIT', '*raw', 'COMMIT', '*security', 'COMMIT')), []);
  });
});

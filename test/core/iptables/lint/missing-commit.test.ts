import assert from 'node:assert/strict';
import { lintIptablesMissingCommit } from '../../../../packages/core/src/iptables/lint/missing-commit.js';
import { applyEdits, codes, doc } from '../helpers.js';

describe('iptables/lint/missing-commit', () => {
  it('flags a table that is never committed, with a fix adding COMMIT after its last line', () => {
    const text = ['*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -o eth0 -j MASQUERADE', '*filter', 'COMMIT'].join('\n');
    const ds = lintIptablesMissingCommit(doc(...text.split('\n')));
    assert.deepEqual(codes(ds), ['missing-commit']);
    assert.equal(ds[0].span.line, 0);
    assert.equal(applyEdits(text, ds[0].fix?.edits ?? []).split('\n')[3], 'COMMIT');
  });

  it('accepts committed tables', () => {
    assert.deepEqual(lintIptablesMissingCommit(doc('*filter', 'COMMIT')), []);
  });
});

import assert from 'node:assert/strict';
import { lintIptablesPolicy } from '../../../../packages/core/src/iptables/lint/invalid-policy.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/invalid-policy', () => {
  it('accepts ACCEPT, DROP and - on built-in chains, - on user chains', () => {
    assert.deepEqual(lintIptablesPolicy(doc('*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT - [0:0]', ':mine - [0:0]', '-P INPUT ACCEPT', 'COMMIT')), []);
  });

  it('rejects other policies and policies on user chains', () => {
    const ds = lintIptablesPolicy(doc('*filter', ':INPUT REJECT [0:0]', ':mine ACCEPT [0:0]', ':PREROUTING ACCEPT [0:0]', '-P INPUT RETURN', 'COMMIT'));
    assert.deepEqual(codes(ds), ['invalid-policy', 'invalid-policy', 'invalid-policy', 'invalid-policy']);
    assert.deepEqual(ds.map((d) => d.span.line), [1, 2, 3, 4]);
    assert.match(ds[2].message.en, /PREROUTING is not a built-in chain of the filter table/);
  });
});

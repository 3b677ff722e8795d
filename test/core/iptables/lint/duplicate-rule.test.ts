import assert from 'node:assert/strict';
import { lintIptablesDuplicateRules } from '../../../../packages/core/src/iptables/lint/duplicate-rule.js';
import { codes, doc } from '../helpers.js';

describe('iptables/lint/duplicate-rule', () => {
  it('flags the same rule twice in a chain, whatever its spelling and counters', () => {
    const ds = lintIptablesDuplicateRules(doc('*filter', '-A INPUT -p tcp --dport 22 -j ACCEPT', '[3:4] -A INPUT --protocol tcp --destination-port 22 --jump ACCEPT', 'COMMIT'));
    assert.deepEqual(codes(ds), ['duplicate-rule']);
    assert.equal(ds[0].span.line, 2);
    assert.equal(ds[0].related?.[0].span.line, 1);
  });

  it('does not flag the same rule in different chains or different rules', () => {
    assert.deepEqual(lintIptablesDuplicateRules(doc('*filter', '-A INPUT -j ACCEPT', '-A OUTPUT -j ACCEPT', '-A INPUT -p udp -j ACCEPT', 'COMMIT')), []);
  });
});

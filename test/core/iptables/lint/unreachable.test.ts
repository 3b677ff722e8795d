import assert from 'node:assert/strict';
import { isIptablesRuleUnconditional, lintIptablesUnreachable } from '../../../../packages/core/src/iptables/lint/unreachable.js';
import { parseIptablesDocument } from '../../../../packages/core/src/iptables/parse.js';
import { applyEdits, doc, ruleOf } from '../helpers.js';

describe('iptables/lint/unreachable', () => {
  it("flags a LOG after the chain's final REJECT and moves it just above (the memo's point)", () => {
    const text = [
      '*filter',
      ':INPUT DROP [0:0]',
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
      '-A INPUT -m limit --limit 1/s -j LOG --log-prefix "INPUT REJECT: "',
      'COMMIT',
    ].join('\n');
    const ds = lintIptablesUnreachable(parseIptablesDocument(text));
    assert.equal(ds.length, 1);
    const d = ds[0];
    assert.equal(d.code, 'unreachable');
    assert.equal(d.span.line, 4);
    assert.match(d.message.en, /never logs anything/);
    assert.match(d.message.en, /line 4/);
    assert.equal(d.related?.[0].span.line, 3);
    assert.ok(d.fix);
    assert.match(d.fix.title.en, /Move the -j LOG rule above line 4/);
    const fixed = applyEdits(text, d.fix.edits);
    assert.deepEqual(fixed.split('\n').slice(2, 5), [
      '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A INPUT -m limit --limit 1/s -j LOG --log-prefix "INPUT REJECT: "',
      '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
    ]);
    assert.deepEqual(lintIptablesUnreachable(parseIptablesDocument(fixed)), []);
  });

  it('flags any rule after an unconditional DROP or -g, without a fix', () => {
    const ds = lintIptablesUnreachable(doc('*filter', ':X - [0:0]', ':Y - [0:0]', '-A X -j DROP', '-A X -p tcp -j ACCEPT', '-A Y -g X', '-A Y -j ACCEPT', 'COMMIT'));
    assert.deepEqual(ds.map((d) => [d.span.line, d.fix === undefined]), [
      [4, true],
      [6, true],
    ]);
  });

  it('does not flag rules after a conditional terminal rule, a jump to a chain, or a LOG', () => {
    assert.deepEqual(lintIptablesUnreachable(doc('*filter', '-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -j ACCEPT', 'COMMIT')), []);
    assert.deepEqual(lintIptablesUnreachable(doc('*filter', ':c - [0:0]', '-A INPUT -j c', '-A INPUT -j ACCEPT', 'COMMIT')), []);
    assert.deepEqual(lintIptablesUnreachable(doc('*filter', '-A INPUT -j LOG', '-A INPUT -j ACCEPT', 'COMMIT')), []);
  });

  it('skips chains reordered with -I', () => {
    assert.deepEqual(lintIptablesUnreachable(doc('*filter', '-A INPUT -j DROP', '-I INPUT -j LOG', '-A INPUT -j ACCEPT', 'COMMIT')), []);
  });

  it('treats comments, -i +, 0.0.0.0/0 and -p all as matching everything', () => {
    assert.ok(isIptablesRuleUnconditional(ruleOf('-A INPUT -i + -s 0.0.0.0/0 -p all -m comment --comment "final" -j DROP')));
    assert.ok(!isIptablesRuleUnconditional(ruleOf('-A INPUT ! -i + -j DROP')));
    assert.ok(!isIptablesRuleUnconditional(ruleOf('-A INPUT -m limit -j DROP')));
  });
});

import assert from 'node:assert/strict';
import { checkIptablesLogPrefix } from '../../../../packages/core/src/iptables/lint/log-prefix.js';
import { applyEdits, check, codes } from '../helpers.js';

describe('iptables/lint/log-prefix', () => {
  it('warns when the prefix is over 29 characters (the kernel cuts it) and offers a shorter one', () => {
    const text = '-j LOG --log-prefix "this prefix is much too long to keep: "';
    const ds = check(checkIptablesLogPrefix, text);
    assert.deepEqual(codes(ds), ['log-prefix-too-long']);
    const fixed = applyEdits(text, ds[0].fix?.edits ?? []);
    const prefix = /"(.*)"/.exec(fixed)?.[1] ?? '';
    assert.ok(prefix.length <= 29 && prefix.endsWith(' '), prefix);
  });

  it('accepts exactly 29 characters', () => {
    assert.deepEqual(check(checkIptablesLogPrefix, `-j LOG --log-prefix "${'x'.repeat(28)} "`), []);
  });

  it('warns when the prefix would glue to IN= and offers a trailing space', () => {
    const text = '-j LOG --log-prefix "DROP"';
    const ds = check(checkIptablesLogPrefix, text);
    assert.deepEqual(codes(ds), ['log-prefix-separator']);
    assert.match(ds[0].message.en, /DROPIN=eth0/);
    assert.equal(applyEdits(text, ds[0].fix?.edits ?? []), '-j LOG --log-prefix "DROP "');
  });

  it('accepts separators: space, colon, bracket, and the parser test file\'s symbols', () => {
    for (const p of ['"DROP: "', '"Shorewall:net-fw:DROP:"', '"[UFW BLOCK] "', '"!#*~%&/()=?"']) assert.deepEqual(check(checkIptablesLogPrefix, `-j LOG --log-prefix ${p}`), [], p);
  });

  it('errors on an empty prefix and warns on NFLOG prefixes over 64', () => {
    assert.deepEqual(codes(check(checkIptablesLogPrefix, '-j LOG --log-prefix ""')), ['invalid-value']);
    assert.deepEqual(codes(check(checkIptablesLogPrefix, `-j NFLOG --nflog-prefix ${'x'.repeat(65)}`)), ['log-prefix-too-long']);
  });
});

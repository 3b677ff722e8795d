import assert from 'node:assert/strict';
import { checkIptablesLogLimit } from '../../../../packages/core/src/iptables/lint/log-limit.js';
import { applyEdits, check } from '../helpers.js';

describe('iptables/lint/log-limit', () => {
  it('warns on LOG without a rate limit, with a fix that adds -m limit', () => {
    const text = '-A INPUT -j LOG --log-prefix "x: "';
    const ds = check(checkIptablesLogLimit, text);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].severity, 'warning');
    assert.equal(ds[0].code, 'log-without-limit');
    assert.equal(applyEdits(text, ds[0].fix?.edits ?? []), '-A INPUT -m limit --limit 1/s -j LOG --log-prefix "x: "');
  });

  it('accepts limit and hashlimit, and ignores other targets', () => {
    assert.deepEqual(check(checkIptablesLogLimit, '-m limit --limit 5/min -j LOG'), []);
    assert.deepEqual(check(checkIptablesLogLimit, '-m hashlimit --hashlimit-upto 1/s --hashlimit-name x -j LOG'), []);
    assert.deepEqual(check(checkIptablesLogLimit, '-j DROP'), []);
    assert.deepEqual(check(checkIptablesLogLimit, '-j NFLOG'), []);
  });
});

import assert from 'node:assert/strict';
import { checkIptablesOptionConflicts } from '../../../../packages/core/src/iptables/lint/option-conflicts.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/option-conflicts', () => {
  it('flags options given twice, including the rule\'s own', () => {
    assert.deepEqual(codes(check(checkIptablesOptionConflicts, '-p tcp --dport 1 --dport 2')), ['duplicate-option']);
    assert.deepEqual(codes(check(checkIptablesOptionConflicts, '-s 1.2.3.4 -s 5.6.7.8')), ['duplicate-option']);
  });

  it('allows the same match twice, and policy elements after --next', () => {
    assert.deepEqual(check(checkIptablesOptionConflicts, '-m recent --rcheck --name a -m recent --update --name b'), []);
    assert.deepEqual(check(checkIptablesOptionConflicts, '-m policy --dir in --pol ipsec --strict --reqid 1 --next --reqid 2'), []);
  });

  it('flags exclusive options, missing companions and wrong order', () => {
    assert.deepEqual(codes(check(checkIptablesOptionConflicts, '-m hl --hl-eq 1 --hl-lt 2', { family: 6 })), ['conflicting-options']);
    assert.deepEqual(codes(check(checkIptablesOptionConflicts, '-m recent --rcheck --reap')), ['option-requires']);
    assert.deepEqual(codes(check(checkIptablesOptionConflicts, '-m owner --suppl-groups --gid-owner 1', { chain: 'OUTPUT' })), ['option-order']);
  });
});

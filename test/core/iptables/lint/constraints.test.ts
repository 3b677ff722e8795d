import assert from 'node:assert/strict';
import { checkIptablesConstraints } from '../../../../packages/core/src/iptables/lint/constraints.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/constraints', () => {
  it('checks statistic --packet against --every', () => {
    assert.deepEqual(codes(check(checkIptablesConstraints, '-m statistic --mode nth --every 5 --packet 5')), ['invalid-range']);
    assert.deepEqual(check(checkIptablesConstraints, '-m statistic --mode nth --every 5 --packet 4'), []);
  });

  it('requires a SYN match for TCPMSS', () => {
    assert.deepEqual(codes(check(checkIptablesConstraints, '-p tcp -j TCPMSS --clamp-mss-to-pmtu')), ['tcpmss-needs-syn']);
    assert.deepEqual(check(checkIptablesConstraints, '-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu'), []);
    assert.deepEqual(check(checkIptablesConstraints, '-p tcp --syn -j TCPMSS --set-mss 1400'), []);
  });
});

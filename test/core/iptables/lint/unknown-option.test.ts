import assert from 'node:assert/strict';
import { checkIptablesUnknownOptions } from '../../../../packages/core/src/iptables/lint/unknown-option.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/unknown-option', () => {
  it('flags an option its match does not have, naming the match', () => {
    const ds = check(checkIptablesUnknownOptions, '-p udp -m multiport --ports 8080:8081 --something-else -j ACCEPT');
    assert.deepEqual(codes(ds), ['unknown-option']);
    assert.match(ds[0].message.en, /-m multiport has --source-ports/);
  });

  it('flags options without their match, and options after a jump to a chain', () => {
    assert.deepEqual(codes(check(checkIptablesUnknownOptions, '--dport 22')), ['unknown-option']);
    assert.deepEqual(codes(check(checkIptablesUnknownOptions, '-j mychain --log-prefix x')), ['unknown-option']);
  });

  it('knows implicit matches, aliases and family-specific options', () => {
    assert.deepEqual(check(checkIptablesUnknownOptions, '-p tcp --destination-port 22 --syn'), []);
    assert.deepEqual(check(checkIptablesUnknownOptions, '-m ah --ahres', { family: 6 }), []);
    assert.deepEqual(codes(check(checkIptablesUnknownOptions, '-f', { family: 6 })), ['unknown-option']);
  });

  it('leaves third-party extensions alone', () => {
    assert.deepEqual(check(checkIptablesUnknownOptions, '-m geoip --src-cc CN -j DROP'), []);
  });
});

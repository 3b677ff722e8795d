import assert from 'node:assert/strict';
import { checkIptablesLogLevel } from '../../../../packages/core/src/iptables/lint/invalid-log-level.js';
import { check, codes } from '../helpers.js';

describe('iptables/lint/invalid-log-level', () => {
  it('accepts 0-7 and the syslog names', () => {
    for (const l of ['0', '7', 'emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug', 'panic', 'warn', 'err'])
      assert.deepEqual(check(checkIptablesLogLevel, `-j LOG --log-level ${l}`), [], l);
  });

  it('rejects other values', () => {
    for (const l of ['8', 'bad', '-1', 'warnings']) assert.deepEqual(codes(check(checkIptablesLogLevel, `-j LOG --log-level ${l}`)), ['invalid-log-level'], l);
  });
});

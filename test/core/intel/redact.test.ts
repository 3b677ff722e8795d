/** core's report comments: the host's own addresses (any spelling), names and MACs, and the LAN, replaced. */
import assert from 'node:assert/strict';
import { MAX_REPORT_COMMENT, redactLine, reportComment } from '../../../packages/core/src/intel/redact.js';

const LINE4 =
  'Nov 25 11:58:01 gate01 kernel: [  297.79] [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=89.248.165.52 DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0';
const LINE6 =
  'Nov 25 11:58:02 gate01.example.org kernel: IN=eth0 OUT=lan0 MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd SRC=2a01:4f8:0000:0000:0000:0000:0000:0066 DST=2001:0db8:0000:0000:0000:0000:0000:0010 LEN=80 PROTO=TCP DPT=443 SYN';
const OPTS = { addresses: ['198.51.100.10', '2001:db8::10'], names: ['gate01', 'gate01.example.org'] };

describe('core intel: report comment redaction', () => {
  it("replaces the host's addresses, names and MACs; keeps the scanner, ports and flags", () => {
    const r = redactLine(LINE4, { ...OPTS, keep: '89.248.165.52' });
    assert.equal(
      r,
      'Nov 25 11:58:01 [this-host] kernel: [  297.79] [IPTABLES REJECT]: IN=eth0 OUT= MAC=[removed] SRC=89.248.165.52 DST=[this-host] LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0',
    );
  });

  it('matches the kernel’s fully expanded IPv6 and the fully qualified name; a LAN address becomes [internal]', () => {
    const r = redactLine(LINE6, { ...OPTS, keep: '2a01:4f8::66' });
    assert.ok(!r.includes('gate01'), r);
    assert.ok(!r.includes('2001:0db8:0000:0000:0000:0000:0000:0010'), r);
    assert.match(r, /DST=\[this-host\]/);
    assert.match(r, /SRC=2a01:4f8:0000:0000:0000:0000:0000:0066/);
    assert.equal(redactLine('SRC=89.248.165.52 DST=192.168.1.20', OPTS), 'SRC=89.248.165.52 DST=[internal]');
  });

  it('a comment holds whole lines only, within AbuseIPDB’s 1024 characters', () => {
    const c = reportComment('Port scan: 40 ports', Array(20).fill(LINE4), OPTS);
    assert.ok(c.length <= MAX_REPORT_COMMENT, String(c.length));
    assert.ok(c.startsWith('Port scan: 40 ports\n'));
    for (const l of c.split('\n').slice(1)) assert.ok(l.endsWith('URGP=0'), 'no line cut short');
  });
});

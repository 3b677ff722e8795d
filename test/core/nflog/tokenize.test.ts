import assert from 'node:assert/strict';
import { findInField, tokenize, tokenValue } from '../../../packages/core/src/nflog/tokenize.js';

function pairs(message: string): [string, string | null, number][] {
  const at = findInField(message);
  return tokenize(message, at < 0 ? 0 : at).map((t) => [t.key, t.valueStart < 0 ? null : tokenValue(message, t), t.depth]);
}

describe('nflog tokenizer', () => {
  it('finds IN= after any prefix, with or without a separator', () => {
    assert.equal(findInField('[IPTABLES REJECT]: IN=eth0 OUT= MAC='), 19);
    assert.equal(findInField('[wan-lan-default-D]IN=eth0 OUT= MAC='), 19);
    assert.equal(findInField('DROP(src wan)IN=eth0 OUT= SRC='), 13);
    assert.equal(findInField('Shorewall:net2fw:DROP:IN=eth1 OUT= MAC='), 22);
    assert.equal(findInField('IN= OUT=eth0 SRC=1.2.3.4'), 0);
  });

  it('does not take IN= inside a longer key or without OUT= after it', () => {
    assert.equal(findInField('LOGIN=root IN=eth0 OUT= SRC=1.2.3.4'), 11);
    assert.equal(findInField('IN=eth0 SRC=1.2.3.4'), -1);
    assert.equal(findInField('sshd[1]: Accepted publickey for root'), -1);
  });

  it('splits values, empty values and flags', () => {
    const m = 'IN=eth0 OUT= SRC=0.0.0.0 DST=224.0.0.1 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2';
    assert.deepEqual(pairs(m), [
      ['IN', 'eth0', 0],
      ['OUT', '', 0],
      ['SRC', '0.0.0.0', 0],
      ['DST', '224.0.0.1', 0],
      ['LEN', '32', 0],
      ['TOS', '0x00', 0],
      ['PREC', '0xC0', 0],
      ['TTL', '1', 0],
      ['ID', '0', 0],
      ['DF', null, 0],
      ['PROTO', '2', 0],
    ]);
  });

  it("marks ICMP's embedded packet as depth 1 and returns to depth 0 after it", () => {
    const m =
      'IN=eth0 OUT= SRC=192.168.2.71 DST=192.168.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=54 ID=0 DF PROTO=UDP SPT=21458 DPT=62936 LEN=40 ] MARK=0x1';
    const toks = pairs(m);
    const inner = toks.filter((t) => t[2] === 1).map((t) => t[0]);
    assert.deepEqual(inner, ['SRC', 'DST', 'LEN', 'TOS', 'PREC', 'TTL', 'ID', 'DF', 'PROTO', 'SPT', 'DPT', 'LEN']);
    assert.deepEqual(toks.at(-1), ['MARK', '0x1', 0]);
  });

  it('keeps the embedded packet closed even when ] touches the last value', () => {
    const toks = pairs('IN=a OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=1 TOS=0x00 PREC=0x00 TTL=1 ID=1 PROTO=ICMP TYPE=3 CODE=1 [SRC=2.2.2.2 DST=1.1.1.1 LEN=40] MTU=1');
    assert.deepEqual(toks.slice(-2), [
      ['LEN', '40', 1],
      ['MTU', '1', 0],
    ]);
  });

  it('reads OPT (hex), FRAG:n, IPv6 OPT ( ... ) groups and INCOMPLETE [N bytes]', () => {
    const tcp = pairs('IN=e OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF FRAG:185 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 OPT (020405B40402080A)');
    assert.deepEqual(tcp.find((t) => t[0] === 'FRAG'), ['FRAG', '185', 0]);
    assert.deepEqual(tcp.at(-1), ['OPT', '020405B40402080A', 0]);
    const v6 = pairs('IN=e OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( FRAG:1232 INCOMPLETE ID:1a2b3c4d ) PROTO=UDP');
    assert.deepEqual(
      v6.slice(7).map((t) => t.slice(0, 2)),
      [
        ['FLOWLBL', '0'],
        ['OPT', ' FRAG:1232 INCOMPLETE ID:1a2b3c4d '],
        ['FRAG', '1232'],
        ['INCOMPLETE', null],
        ['ID', '1a2b3c4d'],
        ['PROTO', 'UDP'],
      ],
    );
    const inc = pairs('IN=e OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP INCOMPLETE [4 bytes] ');
    assert.deepEqual(inc.at(-1), ['INCOMPLETE', '4 bytes', 0]);
  });

  it('keeps a quoted value whole (UniFi DESCR)', () => {
    const toks = pairs('[WAN_IN-2000-D]DESCR="drop all invalid" IN=eth8 OUT=eth9 SRC=1.1.1.1');
    assert.deepEqual(toks[0], ['IN', 'eth8', 0]);
    const all = tokenize('DESCR="drop all invalid" IN=x', 0).map((t) => t.key);
    assert.deepEqual(all, ['DESCR', 'IN']);
  });

  it('is linear and never throws on garbage or huge input', () => {
    const junk = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const t0 = tokenize(junk, 0);
    assert.ok(Array.isArray(t0));
    const big = 'IN=eth0 OUT= ' + 'X=1 '.repeat(500_000);
    assert.equal(tokenize(big, 0).length, 500_002);
    const unclosed = tokenize('IN=a OUT= OPT (0102' + '0'.repeat(1_000_000), 0);
    assert.equal(unclosed.at(-1)?.key, 'OPT');
  });
});

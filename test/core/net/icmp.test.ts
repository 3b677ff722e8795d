import assert from 'node:assert/strict';
import { ICMP_TYPES, ICMPV6_TYPES, icmpEmbedsPacket, icmpName, icmpType } from '../../../packages/core/src/net/icmp.js';

describe('net/icmp', () => {
  it('names ICMPv4 types and codes', () => {
    assert.deepEqual(icmpName(8, 0, false), { type: { en: 'Echo request (ping)', ja: 'エコー要求 (ping)' } });
    assert.equal(icmpName(0, 0, false)?.type.en, 'Echo reply (ping answer)');
    assert.equal(icmpName(3, 3, false)?.type.en, 'Destination unreachable');
    assert.equal(icmpName(3, 3, false)?.code?.en, 'Port unreachable (nothing listens there)');
    assert.equal(icmpName(3, 3, false)?.code?.ja, 'ポート到達不能 (待ち受けていない)');
    assert.match(icmpName(3, 4, false)?.code?.en ?? '', /Fragmentation needed/);
    assert.match(icmpName(3, 13, false)?.code?.en ?? '', /administratively prohibited/);
    assert.equal(icmpName(3, 15, false)?.code?.en, 'Precedence cutoff in effect');
    assert.equal(icmpName(3, 16, false)?.code, undefined);
    assert.equal(icmpName(11, 0, false)?.type.ja, '時間超過');
    assert.match(icmpName(11, 1, false)?.code?.en ?? '', /reassembly/);
    assert.equal(icmpName(5, 1, false)?.code?.en, 'Redirect for the host');
    assert.equal(icmpName(9, 16, false)?.code?.en, 'Does not route common traffic');
    assert.equal(icmpName(12, 2, false)?.code?.en, 'Bad length');
    assert.equal(icmpName(13, 0, false)?.type.en, 'Timestamp request');
    assert.equal(icmpName(17, 0, false)?.type.en, 'Address mask request (deprecated)');
    assert.equal(icmpType(17, false)?.deprecated, true);
    assert.equal(icmpName(43, 2, false)?.code?.en, 'No such interface');
    assert.equal(icmpName(1, 0, false), undefined);
    assert.equal(icmpName(7, 0, false), undefined);
    assert.equal(icmpName(128, 0, false), undefined);
  });

  it('names ICMPv6 types and codes', () => {
    assert.equal(icmpName(128, 0, true)?.type.en, 'Echo request (ping)');
    assert.equal(icmpName(129, 0, true)?.type.en, 'Echo reply (ping answer)');
    assert.equal(icmpName(1, 4, true)?.code?.en, 'Port unreachable (nothing listens there)');
    assert.equal(icmpName(1, 1, true)?.code?.ja, '通信は管理上禁止 (ファイアウォールによる拒否)');
    assert.equal(icmpName(2, 0, true)?.type.en, 'Packet too big (path MTU discovery)');
    assert.equal(icmpName(3, 0, true)?.code?.en, 'Hop limit exceeded in transit (a traceroute hop, or a routing loop)');
    assert.equal(icmpName(4, 10, true)?.code?.en, 'Option too big');
    assert.equal(icmpName(135, 0, true)?.type.ja, '近隣要請 (アドレス解決)');
    assert.equal(icmpName(136, 0, true)?.type.ja, '近隣広告');
    assert.equal(icmpName(143, 0, true)?.type.en, 'Multicast listener report (MLDv2)');
    assert.equal(icmpName(138, 255, true)?.code?.en, 'Sequence number reset');
    assert.equal(icmpName(161, 4, true)?.code?.en, 'Multiple interfaces satisfy query');
    assert.equal(icmpName(8, 0, true), undefined);
    assert.equal(icmpName(162, 0, true), undefined);
    assert.equal(icmpName(-1, 0, true), undefined);
    assert.equal(icmpName(1.5, 0, true), undefined);
  });

  it('knows which messages carry the offending packet', () => {
    const v4 = ICMP_TYPES.filter((r) => r.embedsPacket).map((r) => r.type);
    assert.deepEqual(v4, [3, 4, 5, 11, 12]);
    const v6 = ICMPV6_TYPES.filter((r) => r.embedsPacket).map((r) => r.type);
    assert.deepEqual(v6, [1, 2, 3, 4]);
    assert.equal(icmpEmbedsPacket(3, false), true);
    assert.equal(icmpEmbedsPacket(8, false), false);
    assert.equal(icmpEmbedsPacket(2, true), true);
    assert.equal(icmpEmbedsPacket(137, true), false);
    assert.equal(icmpEmbedsPacket(99, true), false);
  });

  it('has every name in both languages, each type once', () => {
    for (const rows of [ICMP_TYPES, ICMPV6_TYPES]) {
      assert.equal(new Set(rows.map((r) => r.type)).size, rows.length);
      for (const r of rows) {
        assert.ok(r.name.en && r.name.ja, String(r.type));
        for (const c of Object.values(r.codes ?? {})) assert.ok(c.en && c.ja);
      }
    }
  });
});

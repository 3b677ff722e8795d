import assert from 'node:assert/strict';
import { ETHER_TYPES, etherTypeName } from '../../../packages/core/src/net/ethertype.js';

describe('net/ethertype', () => {
  it('names the common types', () => {
    assert.deepEqual(etherTypeName(0x0800), { name: 'IPv4', description: { en: 'Internet Protocol version 4', ja: 'IPv4' } });
    assert.equal(etherTypeName(0x86dd)?.name, 'IPv6');
    assert.equal(etherTypeName(0x0806)?.name, 'ARP');
    assert.equal(etherTypeName(0x0806)?.description.ja, 'ARP (アドレス解決プロトコル)');
    assert.equal(etherTypeName(0x8100)?.name, '802.1Q');
    assert.equal(etherTypeName(0x88a8)?.name, '802.1ad');
    assert.equal(etherTypeName(0x88cc)?.name, 'LLDP');
    assert.equal(etherTypeName(0x888e)?.name, 'EAPOL');
    assert.equal(etherTypeName(0x8864)?.name, 'PPPoE');
    assert.equal(etherTypeName(0x8847)?.name, 'MPLS');
  });

  it('tells an 802.3 length from a type', () => {
    assert.equal(etherTypeName(0)?.name, '802.3');
    assert.equal(etherTypeName(256)?.name, '802.3'); // Elastic's sample line with "...:01:00" at the MAC tail
    assert.equal(etherTypeName(1500)?.name, '802.3');
    assert.equal(etherTypeName(1501), undefined);
    assert.equal(etherTypeName(0x05ff), undefined);
    assert.equal(etherTypeName(0x0600), undefined);
    assert.equal(etherTypeName(0xffff), undefined);
    assert.equal(etherTypeName(0x10000), undefined);
    assert.equal(etherTypeName(-1), undefined);
  });

  it('lists each type once, with both languages', () => {
    assert.equal(new Set(ETHER_TYPES.map((t) => t.value)).size, ETHER_TYPES.length);
    for (const t of ETHER_TYPES) {
      assert.ok(t.value >= 0x0600 && t.value <= 0xffff);
      assert.ok(t.description.en && t.description.ja && t.name);
    }
  });
});

import assert from 'node:assert/strict';
import ipaddr from 'ipaddr.js';
import {
  classifyAddress,
  registryRow,
  parseAddress,
  addressBytes,
  IPV4_RANGES,
  IPV6_RANGES,
  ADDRESS_CLASS_NAMES,
  type AddressClass,
} from '../../../packages/core/src/net/address-class.js';

type Case = [address: string, cls: AddressClass, range: string, bogon: boolean];

/** Each registry block: its first and last address inside, and a neighbour just outside. */
const V4: Case[] = [
  ['0.0.0.0', 'unspecified', '0.0.0.0/32', true],
  ['0.0.0.1', 'reserved', '0.0.0.0/8', true],
  ['0.255.255.255', 'reserved', '0.0.0.0/8', true],
  ['1.0.0.0', 'public', '', false],
  ['9.255.255.255', 'public', '', false],
  ['10.0.0.0', 'private', '10.0.0.0/8', true],
  ['10.255.255.255', 'private', '10.0.0.0/8', true],
  ['11.0.0.0', 'public', '', false],
  ['100.63.255.255', 'public', '', false],
  ['100.64.0.0', 'shared', '100.64.0.0/10', true],
  ['100.127.255.255', 'shared', '100.64.0.0/10', true],
  ['100.128.0.0', 'public', '', false],
  ['126.255.255.255', 'public', '', false],
  ['127.0.0.0', 'loopback', '127.0.0.0/8', true],
  ['127.0.0.1', 'loopback', '127.0.0.0/8', true],
  ['127.255.255.255', 'loopback', '127.0.0.0/8', true],
  ['128.0.0.0', 'public', '', false],
  ['169.253.255.255', 'public', '', false],
  ['169.254.0.0', 'link-local', '169.254.0.0/16', true],
  ['169.254.255.255', 'link-local', '169.254.0.0/16', true],
  ['169.255.0.0', 'public', '', false],
  ['172.15.255.255', 'public', '', false],
  ['172.16.0.0', 'private', '172.16.0.0/12', true],
  ['172.31.255.255', 'private', '172.16.0.0/12', true],
  ['172.32.0.0', 'public', '', false],
  ['191.255.255.255', 'public', '', false],
  ['192.0.0.0', 'ietf-protocol', '192.0.0.0/29', true],
  ['192.0.0.7', 'ietf-protocol', '192.0.0.0/29', true],
  ['192.0.0.8', 'ietf-protocol', '192.0.0.8/32', true],
  ['192.0.0.9', 'anycast', '192.0.0.9/32', false],
  ['192.0.0.10', 'anycast', '192.0.0.10/32', false],
  ['192.0.0.11', 'ietf-protocol', '192.0.0.0/24', true],
  ['192.0.0.169', 'ietf-protocol', '192.0.0.0/24', true],
  ['192.0.0.170', 'nat64', '192.0.0.170/32', true],
  ['192.0.0.171', 'nat64', '192.0.0.171/32', true],
  ['192.0.0.172', 'ietf-protocol', '192.0.0.0/24', true],
  ['192.0.0.255', 'ietf-protocol', '192.0.0.0/24', true],
  ['192.0.1.0', 'public', '', false],
  ['192.0.2.0', 'documentation', '192.0.2.0/24', true],
  ['192.0.2.255', 'documentation', '192.0.2.0/24', true],
  ['192.0.3.0', 'public', '', false],
  ['192.31.195.255', 'public', '', false],
  ['192.31.196.0', 'as112', '192.31.196.0/24', false],
  ['192.31.196.255', 'as112', '192.31.196.0/24', false],
  ['192.31.197.0', 'public', '', false],
  ['192.52.192.255', 'public', '', false],
  ['192.52.193.0', 'amt', '192.52.193.0/24', false],
  ['192.52.193.255', 'amt', '192.52.193.0/24', false],
  ['192.52.194.0', 'public', '', false],
  ['192.88.98.255', 'public', '', false],
  ['192.88.99.0', '6to4', '192.88.99.0/24', false],
  ['192.88.99.255', '6to4', '192.88.99.0/24', false],
  ['192.88.100.0', 'public', '', false],
  ['192.167.255.255', 'public', '', false],
  ['192.168.0.0', 'private', '192.168.0.0/16', true],
  ['192.168.255.255', 'private', '192.168.0.0/16', true],
  ['192.169.0.0', 'public', '', false],
  ['192.175.47.255', 'public', '', false],
  ['192.175.48.0', 'as112', '192.175.48.0/24', false],
  ['192.175.48.255', 'as112', '192.175.48.0/24', false],
  ['192.175.49.0', 'public', '', false],
  ['198.17.255.255', 'public', '', false],
  ['198.18.0.0', 'benchmarking', '198.18.0.0/15', true],
  ['198.19.255.255', 'benchmarking', '198.18.0.0/15', true],
  ['198.20.0.0', 'public', '', false],
  ['198.51.99.255', 'public', '', false],
  ['198.51.100.0', 'documentation', '198.51.100.0/24', true],
  ['198.51.100.255', 'documentation', '198.51.100.0/24', true],
  ['198.51.101.0', 'public', '', false],
  ['203.0.112.255', 'public', '', false],
  ['203.0.113.0', 'documentation', '203.0.113.0/24', true],
  ['203.0.113.255', 'documentation', '203.0.113.0/24', true],
  ['203.0.114.0', 'public', '', false],
  ['223.255.255.255', 'public', '', false],
  ['224.0.0.0', 'multicast', '224.0.0.0/24', true],
  ['224.0.0.1', 'multicast', '224.0.0.0/24', true],
  ['224.0.0.251', 'multicast', '224.0.0.0/24', true],
  ['224.0.1.0', 'multicast', '224.0.1.0/24', true],
  ['224.0.1.255', 'multicast', '224.0.1.0/24', true],
  ['224.0.2.0', 'multicast', '224.0.0.0/4', true],
  ['231.255.255.255', 'multicast', '224.0.0.0/4', true],
  ['232.0.0.0', 'multicast', '232.0.0.0/8', true],
  ['233.255.255.255', 'multicast', '233.0.0.0/8', true],
  ['234.0.0.0', 'multicast', '224.0.0.0/4', true],
  ['238.255.255.255', 'multicast', '224.0.0.0/4', true],
  ['239.0.0.0', 'multicast', '239.0.0.0/8', true],
  ['239.255.255.250', 'multicast', '239.0.0.0/8', true],
  ['239.255.255.255', 'multicast', '239.0.0.0/8', true],
  ['240.0.0.0', 'reserved', '240.0.0.0/4', true],
  ['255.255.255.254', 'reserved', '240.0.0.0/4', true],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32', true],
  // From the field memo.
  ['153.121.33.255', 'public', '', false],
  ['89.248.166.153', 'public', '', false],
  ['8.8.8.8', 'public', '', false],
];

const V6: Case[] = [
  ['::', 'unspecified', '::/128', true],
  ['::1', 'loopback', '::1/128', true],
  ['::2', 'reserved', '::/8', true],
  ['::ffff:0.0.0.0', 'ipv4-mapped', '::ffff:0:0/96', true],
  ['::ffff:192.0.2.1', 'ipv4-mapped', '::ffff:0:0/96', true],
  ['::ffff:255.255.255.255', 'ipv4-mapped', '::ffff:0:0/96', true],
  ['::1:0:0:0', 'reserved', '::/8', true],
  ['64:ff9b::', 'nat64', '64:ff9b::/96', false],
  ['64:ff9b::c000:201', 'nat64', '64:ff9b::/96', false],
  ['64:ff9b::ffff:ffff', 'nat64', '64:ff9b::/96', false],
  ['64:ff9b::1:0:0', 'reserved', '::/8', true],
  ['64:ff9b:1::', 'nat64', '64:ff9b:1::/48', true],
  ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'nat64', '64:ff9b:1::/48', true],
  ['64:ff9b:2::', 'reserved', '::/8', true],
  ['100::', 'discard', '100::/64', true],
  ['100::ffff:ffff:ffff:ffff', 'discard', '100::/64', true],
  ['100:0:0:1::', 'reserved', '100::/8', true],
  ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', '1000::/4', true],
  ['2000::', 'public', '', false],
  ['2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['2001::', 'teredo', '2001::/32', false],
  ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'teredo', '2001::/32', false],
  ['2001:1::', 'ietf-protocol', '2001::/23', true],
  ['2001:1::1', 'anycast', '2001:1::1/128', false],
  ['2001:1::2', 'anycast', '2001:1::2/128', false],
  ['2001:1::3', 'anycast', '2001:1::3/128', false],
  ['2001:1::4', 'ietf-protocol', '2001::/23', true],
  ['2001:2::', 'benchmarking', '2001:2::/48', true],
  ['2001:2:0:ffff:ffff:ffff:ffff:ffff', 'benchmarking', '2001:2::/48', true],
  ['2001:2:1::', 'ietf-protocol', '2001::/23', true],
  ['2001:3::', 'amt', '2001:3::/32', false],
  ['2001:3:ffff:ffff:ffff:ffff:ffff:ffff', 'amt', '2001:3::/32', false],
  ['2001:4::', 'ietf-protocol', '2001::/23', true],
  ['2001:4:112::', 'as112', '2001:4:112::/48', false],
  ['2001:4:112:ffff:ffff:ffff:ffff:ffff', 'as112', '2001:4:112::/48', false],
  ['2001:4:113::', 'ietf-protocol', '2001::/23', true],
  ['2001:f:ffff:ffff:ffff:ffff:ffff:ffff', 'ietf-protocol', '2001::/23', true],
  ['2001:10::', 'orchid', '2001:10::/28', false],
  ['2001:1f:ffff:ffff:ffff:ffff:ffff:ffff', 'orchid', '2001:10::/28', false],
  ['2001:20::', 'orchid', '2001:20::/28', false],
  ['2001:2f:ffff:ffff:ffff:ffff:ffff:ffff', 'orchid', '2001:20::/28', false],
  ['2001:30::', 'drone-id', '2001:30::/28', false],
  ['2001:3f:ffff:ffff:ffff:ffff:ffff:ffff', 'drone-id', '2001:30::/28', false],
  ['2001:40::', 'ietf-protocol', '2001::/23', true],
  ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', 'ietf-protocol', '2001::/23', true],
  ['2001:200::', 'public', '', false],
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['2001:db8::', 'documentation', '2001:db8::/32', true],
  ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation', '2001:db8::/32', true],
  ['2001:db9::', 'public', '', false],
  ['2001:4860:4860::8888', 'public', '', false],
  ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['2002::', '6to4', '2002::/16', false],
  ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '6to4', '2002::/16', false],
  ['2003::', 'public', '', false],
  ['2620:4f:7fff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['2620:4f:8000::', 'as112', '2620:4f:8000::/48', false],
  ['2620:4f:8000:ffff:ffff:ffff:ffff:ffff', 'as112', '2620:4f:8000::/48', false],
  ['2620:4f:8001::', 'public', '', false],
  ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['3fff::', 'documentation', '3fff::/20', true],
  ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', 'documentation', '3fff::/20', true],
  ['3fff:1000::', 'public', '', false],
  ['3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'public', '', false],
  ['4000::', 'reserved', '4000::/3', true],
  ['5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', '4000::/3', true],
  ['5f00::', 'segment-routing', '5f00::/16', true],
  ['5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'segment-routing', '5f00::/16', true],
  ['5f01::', 'reserved', '4000::/3', true],
  ['6000::', 'reserved', '6000::/3', true],
  ['8000::', 'reserved', '8000::/3', true],
  ['a000::', 'reserved', 'a000::/3', true],
  ['c000::', 'reserved', 'c000::/3', true],
  ['e000::', 'reserved', 'e000::/4', true],
  ['f000::', 'reserved', 'f000::/5', true],
  ['f800::', 'reserved', 'f800::/6', true],
  ['200::', 'reserved', '200::/7', true],
  ['400::', 'reserved', '400::/6', true],
  ['800::', 'reserved', '800::/5', true],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', 'f800::/6', true],
  ['fc00::', 'ula', 'fc00::/7', true],
  ['fd12:3456:789a::1', 'ula', 'fc00::/7', true],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ula', 'fc00::/7', true],
  ['fe00::', 'reserved', 'fe00::/9', true],
  ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', 'fe00::/9', true],
  ['fe80::', 'link-local', 'fe80::/10', true],
  ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local', 'fe80::/10', true],
  ['fec0::', 'reserved', 'fec0::/10', true],
  ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved', 'fec0::/10', true],
  ['ff00::', 'multicast', 'ff00::/8', true],
  ['ff02::1', 'multicast', 'ff02::/16', true],
  ['ff02::1:ff00:66', 'multicast', 'ff02::/16', true],
  ['ff05::1:3', 'multicast', 'ff00::/8', true],
  ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast', 'ff00::/8', true],
];

describe('net/address-class', () => {
  for (const [address, cls, range, bogon] of [...V4, ...V6]) {
    it(`${address} is ${cls} ${range}`, () => {
      const info = classifyAddress(address);
      assert.ok(info, address);
      assert.equal(info.class, cls);
      assert.equal(info.range, range);
      assert.equal(info.bogon, bogon);
      assert.equal(info.family, address.includes(':') ? 6 : 4);
    });
  }

  it('has a test case for every registry row', () => {
    const tested = new Set([...V4, ...V6].map((c) => c[2]));
    for (const row of [...IPV4_RANGES, ...IPV6_RANGES]) assert.ok(tested.has(row.cidr), `no case for ${row.cidr}`);
  });

  it('keeps each row a valid network CIDR with both languages filled in', () => {
    for (const row of [...IPV4_RANGES, ...IPV6_RANGES]) {
      const [net, bits] = ipaddr.parseCIDR(row.cidr);
      assert.equal(ipaddr.parse(row.cidr.split('/')[0]).toString(), net.toString());
      const network = net.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(row.cidr) : ipaddr.IPv6.networkAddressFromCIDR(row.cidr);
      assert.equal(network.toString(), net.toString(), `${row.cidr} has host bits set`);
      assert.ok(bits >= 0);
      assert.ok(row.name.en.length > 0 && row.name.ja.length > 0, row.cidr);
    }
    for (const [cls, name] of Object.entries(ADDRESS_CLASS_NAMES)) assert.ok(name.en && name.ja, cls);
  });

  it('follows the registry, not folklore', () => {
    assert.equal(classifyAddress('169.255.0.1')?.class, 'public'); // not a /12
    assert.equal(classifyAddress('169.240.0.1')?.class, 'public');
    assert.equal(classifyAddress('232.1.2.3')?.class, 'multicast'); // 224/4, not 224/5
    assert.equal(classifyAddress('192.0.0.100')?.class, 'ietf-protocol');
  });

  it('names blocks in English and Japanese', () => {
    assert.deepEqual(classifyAddress('10.1.2.3')?.name, { en: 'Private address (10.0.0.0/8)', ja: 'プライベートアドレス (10.0.0.0/8)' });
    assert.deepEqual(classifyAddress('198.51.100.7')?.name, { en: 'Documentation (TEST-NET-2)', ja: 'ドキュメント用 (TEST-NET-2)' });
    assert.equal(classifyAddress('89.248.166.153')?.name.ja, 'グローバルアドレス');
    assert.equal(classifyAddress('100.64.1.1')?.name.ja, '共有アドレス空間 (キャリアグレード NAT)');
  });

  it('canonicalises the kernel\'s fully expanded IPv6', () => {
    assert.deepEqual(parseAddress('2001:0db8:0010:0000:0000:0000:0000:0066'), { family: 6, address: '2001:db8:10::66' });
    const info = classifyAddress('2001:0db8:0010:0000:0000:0000:0000:0066');
    assert.equal(info?.address, '2001:db8:10::66');
    assert.equal(info?.class, 'documentation');
    assert.equal(classifyAddress('fe80:0000:0000:0000:0a00:27ff:fe4e:66a1')?.address, 'fe80::a00:27ff:fe4e:66a1');
    assert.equal(classifyAddress('ff02:0000:0000:0000:0000:0000:0000:0001')?.address, 'ff02::1');
    assert.equal(classifyAddress('0000:0000:0000:0000:0000:0000:0000:0000')?.class, 'unspecified');
    assert.equal(parseAddress('2001:DB8:0:0:1:0:0:1')?.address, '2001:db8::1:0:0:1');
    assert.equal(parseAddress('2001:db8:0:1:1:1:1:1')?.address, '2001:db8:0:1:1:1:1:1');
    assert.equal(parseAddress('0000:0000:0000:0000:0000:ffff:c000:0201')?.address, '::ffff:192.0.2.1');
  });

  it('gives addresses in network byte order', () => {
    assert.deepEqual(addressBytes('192.0.2.1'), { family: 4, bytes: [192, 0, 2, 1] });
    assert.deepEqual(addressBytes('2001:0db8:0000:0000:0000:0000:0000:0001'), {
      family: 6,
      bytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    });
    assert.equal(addressBytes('1.2.3'), undefined);
  });

  it('parses IPv4 as written', () => {
    assert.deepEqual(parseAddress('0.0.0.0'), { family: 4, address: '0.0.0.0' });
    assert.deepEqual(parseAddress('153.121.33.255'), { family: 4, address: '153.121.33.255' });
  });

  it('refuses anything that is not exactly an address', () => {
    for (const bad of [
      '', '300.1.2.3', '1.2.3', '1.2.3.4.5', '01.2.3.4', '0x7f.0.0.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.-1', '256.0.0.0',
      '::g', '1::2::3', '1:2:3:4:5:6:7:8:9', '2001:db8::/32', '10.0.0.0/8', 'fe80::1%eth0', '::ffff:01.2.3.4',
      '::ffff:0x1.2.3.4', '::ffff:1.2.3', 'localhost', 'SRC=1.2.3.4', ':', ':::', '12345::', 'a'.repeat(100),
    ]) {
      assert.equal(parseAddress(bad), undefined, bad);
      assert.equal(classifyAddress(bad), undefined, bad);
    }
  });

  it('returns the same frozen object for the same text (interned)', () => {
    const a = classifyAddress('89.248.166.153');
    const b = classifyAddress('89.248.166.153');
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
  });

  it('stays correct past the cache bound', () => {
    for (let i = 0; i < 20000; i++) {
      const text = `45.${(i >> 8) & 255}.${i & 255}.1`;
      assert.equal(classifyAddress(text)?.address, text);
    }
    assert.equal(classifyAddress('10.0.0.1')?.class, 'private');
    assert.equal(classifyAddress('300.1.2.3'), undefined);
  });

  it('registryRow gives the row classifyAddress names, for every block edge, its neighbours and random addresses', () => {
    const texts = [...V4, ...V6].map((c) => c[0]);
    // just outside each IPv4 block, both ends
    for (const r of IPV4_RANGES) {
      const [net, bits] = ipaddr.parseCIDR(r.cidr);
      const n = net.toByteArray().reduce((a, b) => a * 256 + b, 0);
      const size = 2 ** (32 - bits);
      for (const x of [n - 1, n, n + size - 1, n + size]) if (x >= 0 && x < 2 ** 32) texts.push([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.'));
    }
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      texts.push([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255, seed & 255].join('.'));
    }
    texts.push('', '1.2.3', '01.2.3.4', '256.1.1.1', '1.2.3.4.5', 'fe80::1%eth0', 'x', '::ffff:10.0.0.1', '2001:db8::1');
    for (const t of texts) {
      const info = classifyAddress(t);
      const row = registryRow(t);
      if (!info) assert.equal(row, undefined, t);
      else if (info.range === '') assert.equal(row, null, t);
      else assert.equal(row?.cidr, info.range, t);
    }
  });
});

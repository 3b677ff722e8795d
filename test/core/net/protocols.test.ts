import assert from 'node:assert/strict';
import {
  IP_PROTOCOLS,
  ecsTransport,
  ipProtocol,
  ipProtocolByKeyword,
  kernelProtoNumber,
} from '../../../packages/core/src/net/protocols.js';

describe('net/protocols', () => {
  it('covers the IANA registry 0-145 and 253-255, each once, in order', () => {
    const numbers = IP_PROTOCOLS.map((p) => p.number);
    assert.deepEqual(numbers, [...Array.from({ length: 146 }, (_, i) => i), 253, 254, 255]);
    for (const p of IP_PROTOCOLS) assert.ok(p.name.en && p.name.ja, String(p.number));
  });

  it('knows the protocols of firewall logs by number', () => {
    assert.equal(ipProtocol(6)?.keyword, 'TCP');
    assert.equal(ipProtocol(17)?.keyword, 'UDP');
    assert.equal(ipProtocol(1)?.keyword, 'ICMP');
    assert.equal(ipProtocol(58)?.keyword, 'IPv6-ICMP');
    assert.equal(ipProtocol(47)?.keyword, 'GRE');
    assert.equal(ipProtocol(50)?.keyword, 'ESP');
    assert.equal(ipProtocol(51)?.keyword, 'AH');
    assert.equal(ipProtocol(2)?.keyword, 'IGMP');
    assert.equal(ipProtocol(132)?.keyword, 'SCTP');
    assert.equal(ipProtocol(136)?.keyword, 'UDPLite');
    assert.equal(ipProtocol(89)?.keyword, 'OSPFIGP');
    assert.equal(ipProtocol(112)?.keyword, 'VRRP');
    assert.equal(ipProtocol(41)?.keyword, 'IPv6');
    assert.equal(ipProtocol(61)?.keyword, '');
    assert.equal(ipProtocol(50)?.name.ja, 'IPsec ESP (暗号化ペイロード)');
    assert.equal(ipProtocol(146), undefined);
    assert.equal(ipProtocol(252), undefined);
    assert.equal(ipProtocol(256), undefined);
    assert.equal(ipProtocol(-1), undefined);
    assert.equal(ipProtocol(6.5), undefined);
  });

  it('finds protocols by keyword, in any case', () => {
    assert.equal(ipProtocolByKeyword('tcp')?.number, 6);
    assert.equal(ipProtocolByKeyword('ipv6-icmp')?.number, 58);
    assert.equal(ipProtocolByKeyword('GRE')?.number, 47);
    assert.equal(ipProtocolByKeyword('icmpv6'), undefined); // the kernel's word, not IANA's keyword
    assert.equal(ipProtocolByKeyword('reserved'), undefined);
  });

  it('reads the kernel PROTO= words and numbers', () => {
    assert.equal(kernelProtoNumber('TCP'), 6);
    assert.equal(kernelProtoNumber('UDP'), 17);
    assert.equal(kernelProtoNumber('UDPLITE'), 136);
    assert.equal(kernelProtoNumber('ICMP'), 1);
    assert.equal(kernelProtoNumber('ICMPv6'), 58);
    assert.equal(kernelProtoNumber('AH'), 51);
    assert.equal(kernelProtoNumber('ESP'), 50);
    assert.equal(kernelProtoNumber('47'), 47);
    assert.equal(kernelProtoNumber('0'), 0);
    assert.equal(kernelProtoNumber('255'), 255);
    for (const bad of ['256', '047', '-1', 'tcp', 'GRE', '', ' 6', '6 ', 'toString', '__proto__']) {
      assert.equal(kernelProtoNumber(bad), undefined, bad);
    }
  });

  it('gives ECS network.transport and the number for Community ID', () => {
    assert.deepEqual(ecsTransport('TCP'), { transport: 'tcp', number: 6 });
    assert.deepEqual(ecsTransport('UDP'), { transport: 'udp', number: 17 });
    assert.deepEqual(ecsTransport('ICMP'), { transport: 'icmp', number: 1 });
    assert.deepEqual(ecsTransport('ICMPv6'), { transport: 'ipv6-icmp', number: 58 });
    assert.deepEqual(ecsTransport('ESP'), { transport: 'esp', number: 50 });
    assert.deepEqual(ecsTransport('AH'), { transport: 'ah', number: 51 });
    assert.deepEqual(ecsTransport('UDPLITE'), { transport: 'udplite', number: 136 });
    assert.deepEqual(ecsTransport('47'), { transport: 'gre', number: 47 });
    assert.deepEqual(ecsTransport(2), { transport: 'igmp', number: 2 });
    assert.deepEqual(ecsTransport(132), { transport: 'sctp', number: 132 });
    assert.deepEqual(ecsTransport(61), { number: 61 });
    assert.deepEqual(ecsTransport(200), { number: 200 });
    assert.deepEqual(ecsTransport(255), { number: 255 });
    assert.equal(ecsTransport(256), undefined);
    assert.equal(ecsTransport('bogus'), undefined);
  });
});

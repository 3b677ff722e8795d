import assert from 'node:assert/strict';
import { classifyNoise, NoiseClassifier, NOISE_REASONS } from '../../../packages/core/src/detect/noise.js';
import { ev } from './helpers.js';

const udp = (over: Parameters<typeof ev>[0]) => ev({ proto: 'UDP', tcpFlags: undefined, spt: 50000, ...over });

describe('detect/noise', () => {
  it("the memo's IGMP query from 0.0.0.0 to 224.0.0.1", () => {
    const v = classifyNoise(ev({ src: '0.0.0.0', dst: '224.0.0.1', proto: '2', tcpFlags: undefined, spt: undefined, dpt: undefined }));
    assert.equal(v?.reason, 'igmp');
    assert.ok(v.why.en.length > 0 && v.why.ja.length > 0);
  });

  it('IGMP from a LAN host', () => {
    assert.equal(classifyNoise(ev({ src: '192.168.1.5', dst: '239.255.255.250', proto: 'IGMP' }))?.reason, 'igmp');
  });

  it("the memo's NetBIOS datagram broadcast to the subnet's .255", () => {
    const e = udp({ src: '153.121.33.75', dst: '153.121.33.255', spt: 138, dpt: 138 });
    assert.equal(classifyNoise(e)?.reason, 'netbios');
    assert.equal(classifyNoise(e, { guessBroadcast: false }), undefined);
    assert.equal(classifyNoise(e, { guessBroadcast: false, broadcast: ['153.121.33.255'] })?.reason, 'netbios');
  });

  for (const [name, over, reason] of [
    ['mDNS v4', { dst: '224.0.0.251', dpt: 5353 }, 'mdns'],
    ['mDNS v6', { src: 'fe80::1', dst: 'ff02::fb', dpt: 5353 }, 'mdns'],
    ['SSDP', { dst: '239.255.255.250', dpt: 1900 }, 'ssdp'],
    ['LLMNR', { dst: '224.0.0.252', dpt: 5355 }, 'llmnr'],
    ['NetBIOS name', { dst: '255.255.255.255', dpt: 137 }, 'netbios'],
    ['DHCP discover', { src: '0.0.0.0', dst: '255.255.255.255', spt: 68, dpt: 67 }, 'dhcp'],
    ['DHCP unicast renewal', { src: '192.168.1.50', dst: '192.168.1.1', spt: 68, dpt: 67 }, 'dhcp'],
    ['DHCPv6 solicit', { src: 'fe80::1', dst: 'ff02::1:2', spt: 546, dpt: 547 }, 'dhcpv6'],
    ['other multicast', { dst: '224.0.0.18', dpt: 9999 }, 'multicast'],
    ['other broadcast', { dst: '255.255.255.255', dpt: 9999 }, 'broadcast'],
  ] as const) {
    it(`${name} is ${reason}`, () => {
      assert.equal(classifyNoise(udp(over))?.reason, reason);
    });
  }

  it('ICMPv6 to a multicast group (neighbour discovery) is multicast noise', () => {
    assert.equal(classifyNoise(ev({ src: 'fe80::1', dst: 'ff02::1', proto: 'ICMPv6', tcpFlags: undefined }))?.reason, 'multicast');
  });

  it('unicast probes are not noise', () => {
    assert.equal(classifyNoise(ev({ dpt: 22 })), undefined);
    assert.equal(classifyNoise(udp({ dst: '198.51.101.10', dpt: 137 })), undefined);
    assert.equal(classifyNoise(udp({ dst: '198.51.101.10', dpt: 67 })), undefined);
    assert.equal(classifyNoise(udp({ dst: '198.51.101.10', dpt: 5353 })), undefined);
  });

  it('reasons can be switched off', () => {
    const c = new NoiseClassifier({ reasons: NOISE_REASONS.filter((r) => r !== 'ssdp') });
    assert.equal(c.classify(udp({ dst: '239.255.255.250', dpt: 1900 })), undefined);
    assert.equal(c.classify(udp({ dst: '224.0.0.251', dpt: 5353 }))?.reason, 'mdns');
    assert.throws(() => new NoiseClassifier({ reasons: ['nope' as never] }), /unknown reason "nope"/);
  });
});

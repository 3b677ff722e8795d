import assert from 'node:assert/strict';
import { SpoofDetector, STRICT_CLASSES } from '../../../packages/core/src/detect/spoof.js';
import { ev } from './helpers.js';

describe('detect/spoof', () => {
  describe('with WAN interfaces configured', () => {
    const wan = { wan: ['eth0'] };

    it('reports a private source arriving on a WAN interface', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ time: 1000, src: '10.0.0.5' }));
      d.push(ev({ time: 2000, src: '10.0.0.5', dpt: 23 }));
      const [f, ...rest] = d.flush();
      assert.equal(rest.length, 0);
      assert.equal(f.rule, 'spoofed-source');
      assert.equal(f.source, '10.0.0.5');
      assert.equal(f.addressClass, 'private');
      assert.equal(f.range, '10.0.0.0/8');
      assert.deepEqual(f.interfaces, ['eth0']);
      assert.equal(f.lines, 2);
      assert.equal(f.first, 1000);
      assert.equal(f.last, 2000);
      assert.match(f.why.en, /Internet-facing interface eth0/);
      assert.match(f.why.ja, /eth0/);
    });

    it('ignores the same source on a LAN interface', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: '10.0.0.5', in: 'eth1' }));
      d.push(ev({ src: '192.168.1.20', in: 'br0' }));
      assert.deepEqual(d.flush(), []);
    });

    it('ignores public sources', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: '89.248.166.153' }));
      d.push(ev({ src: '2a01:4f8::1' }));
      assert.deepEqual(d.flush(), []);
    });

    for (const [src, cls] of [
      ['127.0.0.1', 'loopback'],
      ['169.254.3.4', 'link-local'],
      ['100.64.1.1', 'shared'],
      ['192.0.2.1', 'documentation'],
      ['198.18.0.1', 'benchmarking'],
      ['240.0.0.1', 'reserved'],
      ['224.0.0.5', 'multicast'],
      ['fd00::1', 'ula'],
      ['2001:db8::1', 'documentation'],
      ['::1', 'loopback'],
    ] as const) {
      it(`reports ${src} (${cls})`, () => {
        const d = new SpoofDetector(wan);
        d.push(ev({ src }));
        const [f] = d.flush();
        assert.ok(f, src);
        assert.equal(f.addressClass, cls);
      });
    }

    it('lets the harmless bogons through', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: 'fe80::1', dst: 'ff02::1', proto: 'ICMPv6', tcpFlags: undefined, dpt: undefined }));
      d.push(ev({ src: '0.0.0.0', dst: '255.255.255.255', proto: 'UDP', tcpFlags: undefined, spt: 68, dpt: 67 }));
      d.push(ev({ src: '0.0.0.0', dst: '224.0.0.1', proto: '2', tcpFlags: undefined, spt: undefined, dpt: undefined }));
      d.push(ev({ src: '::', dst: 'ff02::1:ff00:1', proto: 'ICMPv6', tcpFlags: undefined, dpt: undefined }));
      assert.deepEqual(d.flush(), []);
      assert.equal(d.stats.harmless, 4);
    });

    it('0.0.0.0 sending TCP is not harmless', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: '0.0.0.0' }));
      assert.equal(d.flush()[0]?.addressClass, 'unspecified');
    });

    it('never reports a connected network (a cloud VM behind 1:1 NAT)', () => {
      const d = new SpoofDetector({ wan: ['ens2'], connected: ['10.73.140.0/24'] });
      d.push(ev({ in: 'ens2', src: '10.73.140.1' }));
      d.push(ev({ in: 'ens2', src: '10.1.1.1' }));
      assert.deepEqual(d.flush().map((f) => f.source), ['10.1.1.1']);
      assert.throws(() => new SpoofDetector({ connected: ['10.0.0.0/33'] }), /not a network in CIDR notation/);
    });

    it('skips traffic the firewall allowed', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: '10.0.0.5', prefixAction: 'accept' }));
      d.push(ev({ src: '10.0.0.5', prefixAction: 'audit' }));
      assert.deepEqual(d.flush(), []);
    });

    it('ignores locally generated packets (no IN=)', () => {
      const d = new SpoofDetector(wan);
      d.push(ev({ src: '10.0.0.5', in: undefined }));
      assert.deepEqual(d.flush(), []);
    });
  });

  describe('without WAN configuration', () => {
    it('does not call a private source spoofed: it may be the LAN', () => {
      const d = new SpoofDetector();
      for (const src of ['10.0.0.5', '192.168.1.2', '172.16.0.1', '100.64.0.1', 'fd12::1', '169.254.1.1']) d.push(ev({ src }));
      assert.deepEqual(d.flush(), []);
    });

    it('reports sources that are a lie on any link', () => {
      const d = new SpoofDetector();
      d.push(ev({ src: '127.0.0.1', in: 'eth1' }));
      d.push(ev({ src: '192.0.2.1', in: 'eth1' }));
      const found = d.flush();
      assert.deepEqual(found.map((f) => f.addressClass).sort(), ['documentation', 'loopback']);
      assert.match(found[0].why.en, /no honest packet/);
      assert.ok(STRICT_CLASSES.has('loopback') && !STRICT_CLASSES.has('private'));
    });

    it('a loopback source on the loopback interface is normal', () => {
      const d = new SpoofDetector();
      d.push(ev({ src: '127.0.0.2', dst: '127.0.0.53', in: 'lo' }));
      assert.deepEqual(d.flush(), []);
    });
  });

  describe('bounds and episodes', () => {
    it('tracks at most maxSources spoofed sources', () => {
      const d = new SpoofDetector({ wan: ['eth0'], maxSources: 100 });
      let closed = 0;
      for (let i = 0; i < 10_000; i++) {
        closed += d.push(ev({ time: i, src: `10.${(i >> 8) & 255}.${i & 255}.1` })).length;
        assert.ok(d.tracked <= 100);
      }
      assert.equal(closed, 9_900);
      assert.equal(d.flush().length, 100);
    });

    it('a source silent past idleMs starts a new finding', () => {
      const d = new SpoofDetector({ wan: ['eth0'], idleMs: 1000 });
      d.push(ev({ time: 0, src: '10.0.0.5' }));
      const closed = d.push(ev({ time: 5000, src: '10.0.0.5' }));
      assert.equal(closed.length, 1);
      assert.equal(d.flush().length, 1);
    });
  });
});

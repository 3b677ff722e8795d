import assert from 'node:assert/strict';
import { ScanDetector, resolveScanConfig, DEFAULT_SCAN_CONFIG } from '../../../packages/core/src/detect/scan-detector.js';
import type { PortScanFinding } from '../../../packages/core/src/detect/findings.js';
import { ev } from './helpers.js';

/** `count` probes one second apart, to consecutive ports (vertical) or consecutive hosts (horizontal). */
function feed(d: ScanDetector, count: number, shape: 'ports' | 'hosts', over: Parameters<typeof ev>[0] = {}, start = 0): PortScanFinding[] {
  const closed: PortScanFinding[] = [];
  for (let i = 0; i < count; i++) {
    const target = shape === 'ports' ? { dpt: 1000 + i } : { dst: `198.51.101.${10 + i}` };
    closed.push(...d.push(ev({ time: start + i * 1000, ...target, ...over })));
  }
  return closed;
}

describe('detect/scan-detector', () => {
  describe('vertical scans', () => {
    it('reports a source reaching the port threshold within the window', () => {
      const d = new ScanDetector();
      assert.deepEqual(feed(d, 10, 'ports'), []);
      const [f, ...rest] = d.flush();
      assert.equal(rest.length, 0);
      assert.equal(f.rule, 'port-scan');
      assert.equal(f.source, '203.0.114.7');
      assert.equal(f.family, 4);
      assert.deepEqual(f.shapes, ['vertical']);
      assert.deepEqual(f.kinds, ['syn']);
      assert.equal(f.ports, 10);
      assert.equal(f.hosts, 1);
      assert.equal(f.lines, 10);
      assert.equal(f.first, 0);
      assert.equal(f.last, 9000);
      assert.deepEqual(f.interfaces, ['eth0']);
      assert.equal(f.capped, false);
      assert.deepEqual(f.portSample, [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
      assert.match(f.why.en, /203\.0\.114\.7 probed 10 distinct ports on 1 host/);
      assert.match(f.why.en, /SYN scan/);
      assert.match(f.why.ja, /ポートスキャン|ポートを探査/);
    });

    it('does not report one port below the threshold', () => {
      const d = new ScanDetector();
      feed(d, 9, 'ports');
      assert.deepEqual(d.flush(), []);
    });

    it('counts distinct ports, not lines', () => {
      const d = new ScanDetector();
      for (let i = 0; i < 50; i++) d.push(ev({ time: i * 100, dpt: 1000 + (i % 9) }));
      assert.deepEqual(d.flush(), []);
    });

    it('counts tcp/22 and udp/22 as two services', () => {
      const d = new ScanDetector();
      feed(d, 5, 'ports');
      feed(d, 5, 'ports', { proto: 'UDP', tcpFlags: undefined }, 5000);
      const [f] = d.flush();
      assert.ok(f);
      assert.deepEqual(f.kinds, ['syn', 'udp']);
      assert.equal(f.ports, 10);
    });

    it('honours configured thresholds', () => {
      const d = new ScanDetector({ ports: 4 });
      feed(d, 4, 'ports');
      assert.equal(d.flush().length, 1);
      const e = new ScanDetector({ ports: 4 });
      feed(e, 3, 'ports');
      assert.equal(e.flush().length, 0);
    });
  });

  describe('horizontal scans', () => {
    it('reports a source reaching the host threshold on one port', () => {
      const d = new ScanDetector();
      feed(d, 10, 'hosts', { dpt: 3389 });
      const [f] = d.flush();
      assert.ok(f);
      assert.deepEqual(f.shapes, ['horizontal']);
      assert.equal(f.hosts, 10);
      assert.equal(f.ports, 1);
      assert.match(f.why.en, /10 or more hosts on one port/);
    });

    it('does not report one host below the threshold', () => {
      const d = new ScanDetector();
      feed(d, 9, 'hosts', { dpt: 3389 });
      assert.deepEqual(d.flush(), []);
    });

    it('does not add up hosts across different ports', () => {
      const d = new ScanDetector();
      for (let i = 0; i < 10; i++) d.push(ev({ time: i, dst: `198.51.101.${i}`, dpt: i < 5 ? 22 : 23 }));
      assert.deepEqual(d.flush(), []);
    });

    it('calls ICMP to many hosts an ICMP sweep', () => {
      const d = new ScanDetector();
      feed(d, 10, 'hosts', { proto: 'ICMP', tcpFlags: undefined, spt: undefined, dpt: undefined });
      const [f] = d.flush();
      assert.ok(f);
      assert.deepEqual(f.shapes, ['horizontal']);
      assert.deepEqual(f.kinds, ['icmp', 'icmp-sweep']);
      assert.equal(f.ports, 0);
      assert.equal(f.hosts, 10);
    });

    it('ICMP to one host many times is not a sweep', () => {
      const d = new ScanDetector();
      for (let i = 0; i < 100; i++) d.push(ev({ time: i, proto: 'ICMP', tcpFlags: undefined, dpt: undefined }));
      assert.deepEqual(d.flush(), []);
    });
  });

  describe('the window', () => {
    it('includes a probe exactly one window old', () => {
      const d = new ScanDetector();
      d.push(ev({ time: 0, dpt: 1 }));
      for (let i = 2; i <= 10; i++) d.push(ev({ time: 60_000, dpt: i }));
      assert.equal(d.flush().length, 1);
    });

    it('forgets a probe older than the window', () => {
      const d = new ScanDetector();
      d.push(ev({ time: 0, dpt: 1 }));
      for (let i = 2; i <= 10; i++) d.push(ev({ time: 60_001, dpt: i }));
      assert.deepEqual(d.flush(), []);
    });

    it('does not add up a slow walk of ports across windows', () => {
      const d = new ScanDetector({ slowPorts: 0, longPorts: 0 });
      for (let i = 0; i < 30; i++) d.push(ev({ time: i * 7_000, dpt: 1000 + i }));
      assert.deepEqual(d.flush(), []);
    });

    it('refreshing a target keeps it in the window', () => {
      const d = new ScanDetector({ slowPorts: 0 });
      d.push(ev({ time: 0, dpt: 1 }));
      d.push(ev({ time: 50_000, dpt: 1 }));
      for (let i = 2; i <= 10; i++) d.push(ev({ time: 100_000, dpt: i }));
      assert.equal(d.flush().length, 1);
    });

    it('places an undated event at the latest time seen', () => {
      const d = new ScanDetector();
      d.push(ev({ time: 1_000_000, dpt: 1 }));
      for (let i = 2; i <= 10; i++) d.push(ev({ time: undefined, dpt: i }));
      const [f] = d.flush();
      assert.ok(f);
      assert.equal(f.first, 1_000_000);
      assert.equal(f.last, 1_000_000);
    });
  });

  describe('rate-limited logging (slow rule)', () => {
    it('sees a trickle of distinct ports over the long horizon', () => {
      const d = new ScanDetector();
      // ufw's 3 lines a minute: never 10 ports in 60 s, but 20 ports in under an hour.
      for (let i = 0; i < 20; i++) d.push(ev({ time: i * 25_000, dpt: 2000 + i }));
      const [f] = d.flush();
      assert.ok(f);
      // 20 ports are past the day's threshold too
      assert.deepEqual(f.shapes, ['long', 'slow']);
      assert.equal(f.ports, 20);
      assert.match(f.why.en, /rate-limited/);
    });

    it('can be switched off', () => {
      const d = new ScanDetector({ slowPorts: 0, longPorts: 0 });
      for (let i = 0; i < 20; i++) d.push(ev({ time: i * 25_000, dpt: 2000 + i }));
      assert.deepEqual(d.flush(), []);
    });
  });

  describe('scan kinds', () => {
    for (const [kind, flags] of [
      ['null', []],
      ['fin', ['FIN']],
      ['xmas', ['URG', 'PSH', 'FIN']],
    ] as const) {
      it(`${kind} probes are hostile at the lower threshold`, () => {
        const d = new ScanDetector();
        feed(d, 3, 'ports', { tcpFlags: flags });
        const [f] = d.flush();
        assert.ok(f, `${kind}: expected a finding`);
        assert.deepEqual(f.kinds, [kind]);
        assert.deepEqual(f.shapes, ['stealth']);
        assert.match(f.why.en, /NULL\/FIN\/Xmas/);
      });

      it(`${kind} probes below the lower threshold are not reported`, () => {
        const d = new ScanDetector();
        feed(d, 2, 'ports', { tcpFlags: flags });
        assert.deepEqual(d.flush(), []);
      });
    }

    it('the stealth threshold is configurable and can be switched off', () => {
      const d = new ScanDetector({ stealth: 5 });
      feed(d, 4, 'ports', { tcpFlags: [] });
      assert.deepEqual(d.flush(), []);
      const e = new ScanDetector({ stealth: 0 });
      feed(e, 9, 'ports', { tcpFlags: ['FIN'] });
      assert.deepEqual(e.flush(), []);
    });

    it('SYN probes need the normal threshold', () => {
      const d = new ScanDetector();
      feed(d, 3, 'ports');
      assert.deepEqual(d.flush(), []);
    });

    it('reports ACK, Maimon and crafted flags as what they are', () => {
      const d = new ScanDetector();
      d.push(ev({ time: 0, dpt: 1, tcpFlags: ['ACK'] }));
      d.push(ev({ time: 1, dpt: 2, tcpFlags: ['ACK', 'FIN'] }));
      d.push(ev({ time: 2, dpt: 3, tcpFlags: ['SYN', 'FIN'] }));
      d.push(ev({ time: 3, dpt: 4, tcpFlags: undefined }));
      feed(d, 6, 'ports', {}, 10);
      const [f] = d.flush();
      assert.ok(f);
      assert.deepEqual(f.kinds, ['ack', 'invalid', 'maimon', 'syn', 'tcp']);
    });

    it('answers and established traffic are not probes', () => {
      const d = new ScanDetector();
      const flags = [['ACK', 'SYN'], ['ACK', 'RST'], ['RST'], ['ACK', 'PSH'], ['ACK', 'PSH', 'FIN']];
      for (let i = 0; i < 50; i++) d.push(ev({ time: i, dpt: 1000 + i, tcpFlags: flags[i % flags.length] }));
      assert.deepEqual(d.flush(), []);
      assert.equal(d.stats.notProbes, 50);
    });

    it('late replies from a service port to ephemeral ports are not a scan', () => {
      const d = new ScanDetector();
      // A resolver's and a web server's last packets after conntrack forgot the flows.
      for (let i = 0; i < 40; i++) {
        d.push(ev({ time: i, src: '8.8.8.8', proto: 'UDP', tcpFlags: undefined, spt: 53, dpt: 33000 + i }));
        d.push(ev({ time: i, src: '93.184.215.14', spt: 443, dpt: 40000 + i, tcpFlags: i % 2 ? ['ACK'] : ['ACK', 'FIN'] }));
      }
      assert.deepEqual(d.flush(), []);
    });

    it('the same packets from an unprivileged port are counted', () => {
      const d = new ScanDetector();
      feed(d, 10, 'ports', { proto: 'UDP', tcpFlags: undefined, spt: 51000 });
      assert.equal(d.flush().length, 1);
      const e = new ScanDetector({ lateReplies: false });
      feed(e, 10, 'ports', { proto: 'UDP', tcpFlags: undefined, spt: 53 });
      assert.equal(e.flush().length, 1);
    });

    it('a SYN from a low source port is still a probe', () => {
      const d = new ScanDetector();
      feed(d, 10, 'ports', { spt: 80, tcpFlags: ['SYN'] });
      assert.equal(d.flush().length, 1);
    });
  });

  describe('allowed traffic', () => {
    for (const action of ['accept', 'audit'] as const) {
      it(`lines whose prefix action is ${action} never count`, () => {
        const d = new ScanDetector();
        feed(d, 30, 'ports', { prefixAction: action });
        feed(d, 30, 'hosts', { prefixAction: action, tcpFlags: [] });
        assert.deepEqual(d.flush(), []);
        assert.equal(d.stats.allowed, 60);
        assert.equal(d.stats.probes, 0);
      });
    }

    it('log, reject and unknown prefixes count', () => {
      for (const prefixAction of ['log', 'reject', undefined] as const) {
        const d = new ScanDetector();
        feed(d, 10, 'ports', { prefixAction });
        assert.equal(d.flush().length, 1, String(prefixAction));
      }
    });
  });

  describe('episodes', () => {
    it('closes the episode of a source that went quiet, once', () => {
      const d = new ScanDetector();
      feed(d, 12, 'ports');
      const later = d.push(ev({ time: 3 * 3_600_000, src: '203.0.114.99' }));
      assert.equal(later.length, 1);
      assert.equal(later[0].source, '203.0.114.7');
      assert.equal(later[0].ports, 12);
      assert.equal(d.tracked, 1);
      assert.deepEqual(d.flush(), []);
    });

    it('keeps counting after the threshold and reports the final figures', () => {
      const d = new ScanDetector();
      feed(d, 10, 'ports');
      feed(d, 10, 'hosts', { dpt: 445 }, 20_000);
      assert.equal(d.active().length, 1);
      const [f] = d.flush();
      assert.deepEqual(f.shapes, ['horizontal', 'vertical']);
      assert.equal(f.ports, 11);
      assert.equal(f.hosts, 10);
      assert.equal(f.lines, 20);
      assert.equal(f.last, 29_000);
    });

    it('flush empties the detector', () => {
      const d = new ScanDetector();
      feed(d, 10, 'ports');
      assert.equal(d.flush().length, 1);
      assert.equal(d.tracked, 0);
      assert.deepEqual(d.flush(), []);
    });

    it('a source returning after a long silence starts a new episode', () => {
      const d = new ScanDetector();
      feed(d, 10, 'ports');
      const closed = feed(d, 10, 'ports', {}, 5 * 3_600_000);
      assert.equal(closed.length, 1);
      const [f] = d.flush();
      assert.equal(f.first, 5 * 3_600_000);
    });
  });

  describe('memory bounds', () => {
    it('tracks at most maxSources sources: 1M distinct sources', function () {
      this.timeout(120_000);
      const cap = 10_000;
      const d = new ScanDetector({ maxSources: cap });
      let peak = 0;
      for (let i = 0; i < 1_000_000; i++) {
        const src = `${10 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}.1`;
        d.push({ time: i, src, dst: '198.51.101.10', in: 'eth0', proto: 'TCP', spt: 40000, dpt: 22, tcpFlags: ['SYN'] });
        if (d.tracked > peak) peak = d.tracked;
      }
      assert.ok(peak <= cap, `peak ${peak} > cap ${cap}`);
      assert.equal(d.stats.evicted, 1_000_000 - cap);
      assert.deepEqual(d.flush(), []);
    });

    it('evicting a scanner closes its episode instead of losing it', () => {
      const d = new ScanDetector({ maxSources: 2 });
      feed(d, 10, 'ports');
      d.push(ev({ time: 20_000, src: '203.0.114.8' }));
      const closed = d.push(ev({ time: 20_001, src: '203.0.114.9' }));
      assert.equal(closed.length, 1);
      assert.equal(closed[0].source, '203.0.114.7');
      assert.equal(d.tracked, 2);
    });

    it('a flood from one source stays within maxTargetsPerSource', () => {
      const d = new ScanDetector({ maxTargetsPerSource: 64, maxDistinct: 100 });
      for (let i = 0; i < 65_536; i++) d.push(ev({ time: 0, dpt: i }));
      const [f] = d.flush();
      assert.ok(f);
      assert.equal(f.ports, 100);
      assert.equal(f.capped, true);
      assert.match(f.why.en, /at least 100 distinct ports/);
      assert.equal(f.portSample.length, 16);
    });
  });

  describe('configuration', () => {
    it('fills defaults and ignores undefined', () => {
      assert.deepEqual(resolveScanConfig({ ports: undefined }), DEFAULT_SCAN_CONFIG);
      assert.equal(DEFAULT_SCAN_CONFIG.ports, 10);
      assert.equal(DEFAULT_SCAN_CONFIG.hosts, 10);
      assert.equal(DEFAULT_SCAN_CONFIG.windowMs, 60_000);
      assert.equal(DEFAULT_SCAN_CONFIG.stealth, 3);
    });

    it('refuses nonsense with a plain sentence', () => {
      assert.throws(() => new ScanDetector({ ports: 0 }), /ports must be a whole number above 0/);
      assert.throws(() => new ScanDetector({ windowMs: -5 }), RangeError);
      assert.throws(() => new ScanDetector({ ports: 5000, maxTargetsPerSource: 100 }), /below a threshold/);
    });
  });

  it('IPv6 sources are family 6', () => {
    const d = new ScanDetector();
    feed(d, 10, 'ports', { src: '2001:db9::1', dst: '2001:db9::2', proto: 'TCP' });
    assert.equal(d.flush()[0]?.family, 6);
  });
});

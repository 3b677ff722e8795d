import assert from 'node:assert/strict';
import {
  LongHorizonTracker,
  longHorizonSnapshotProblem,
  SNAPSHOT_MAX_SOURCES,
  type LongHorizonConfig,
} from '../../../packages/core/src/detect/long-horizon.js';
import { Detector } from '../../../packages/core/src/detect/pipeline.js';
import { ScanDetector } from '../../../packages/core/src/detect/scan-detector.js';
import { sourceKey } from '../../../packages/core/src/detect/source-key.js';
import { isPortScan, mergeFindings, type Finding, type PortScanFinding } from '../../../packages/core/src/detect/findings.js';
import type { DetectEvent } from '../../../packages/core/src/detect/event.js';
import { ev } from './helpers.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const CONFIG: LongHorizonConfig = { ports: 12, hosts: 32, windowMs: 24 * HOUR, maxSources: 1000, maxPerSource: 4096 };

function scans(d: ScanDetector | Detector, events: readonly DetectEvent[]): PortScanFinding[] {
  const out: Finding[] = [];
  for (const e of events) out.push(...d.push(e));
  out.push(...d.flush());
  return mergeFindings(out).filter(isPortScan);
}

/** `n` ports, one every `gapMs`: no short or hourly window ever holds many of them. */
function patient(n: number, gapMs: number, over: Partial<DetectEvent> = {}, start = 0): DetectEvent[] {
  return Array.from({ length: n }, (_, i) => ev({ time: start + i * gapMs, dpt: 1000 + i * 7, ...over }));
}

describe('detect/long-horizon', () => {
  describe('the tracker', () => {
    it('crosses at the port threshold within the window, not before', () => {
      const t = new LongHorizonTracker(CONFIG);
      for (let i = 0; i < 11; i++) assert.equal(t.add('a', i, 'h', i * HOUR), false);
      assert.equal(t.add('a', 11, 'h', 11 * HOUR), true);
      const v = t.view('a');
      assert.ok(v);
      assert.equal(v.ports, 12);
      assert.equal(v.hosts, 1);
      assert.equal(v.byPorts, true);
      assert.equal(v.first, 0);
    });

    it('does not count ports that left the window', () => {
      const t = new LongHorizonTracker(CONFIG);
      // one new port every 3 h: at most 8 within any 24 h
      for (let i = 0; i < 40; i++) assert.equal(t.add('a', i, 'h', i * 3 * HOUR), false, `port ${i}`);
      assert.ok(t.view('a')!.ports <= 9);
    });

    it("counts within the window ending at the source's own last probe, whatever other sources' lines came later", () => {
      // a scan split across threads by source closes an episode at a different later line in each thread
      const alone = new LongHorizonTracker(CONFIG);
      const crowded = new LongHorizonTracker(CONFIG);
      for (let i = 0; i < 20; i++) {
        alone.add('a', i, 'h', i * HOUR);
        crowded.add('a', i, 'h', i * HOUR);
      }
      crowded.add('b', 1, 'h', 30 * HOUR);
      assert.equal(alone.view('a')!.ports, 20);
      assert.deepEqual(crowded.view('a'), alone.view('a'));
    });

    it('a retransmitted or re-read probe changes nothing', () => {
      const t = new LongHorizonTracker(CONFIG);
      for (let r = 0; r < 50; r++) for (let p = 0; p < 3; p++) t.add('a', p, 'h', r * MIN);
      assert.equal(t.view('a')!.ports, 3);
    });

    it('counts hosts, and ICMP (no port) as a host only', () => {
      const t = new LongHorizonTracker(CONFIG);
      for (let i = 0; i < 31; i++) assert.equal(t.add('a', -1, `198.51.100.${i}`, i * MIN), false);
      assert.equal(t.add('a', -1, '198.51.100.200', 40 * MIN), true);
      const v = t.view('a')!;
      assert.equal(v.ports, 0);
      assert.equal(v.byHosts, true);
    });

    it('forgets a source quiet for the whole window', () => {
      const t = new LongHorizonTracker(CONFIG);
      t.add('a', 1, 'h', 0);
      t.add('b', 1, 'h', 25 * HOUR);
      assert.equal(t.view('a'), undefined);
      assert.equal(t.tracked, 1);
    });

    it('holds at most maxSources, the least recently heard going first', () => {
      const t = new LongHorizonTracker({ ...CONFIG, maxSources: 100 });
      for (let i = 0; i < 1000; i++) t.add(`s${i}`, 1, 'h', i);
      assert.equal(t.tracked, 100);
      assert.equal(t.evicted, 900);
      assert.ok(t.view('s999'));
      assert.equal(t.view('s0'), undefined);
    });

    it('holds at most maxPerSource ports per source and says the count is capped', () => {
      const t = new LongHorizonTracker({ ...CONFIG, maxPerSource: 50 });
      for (let p = 0; p < 500; p++) t.add('a', p, 'h', p);
      const v = t.view('a')!;
      assert.equal(v.ports, 50);
      assert.equal(v.capped, true);
    });

    it('a snapshot restores to the same counts, and survives JSON', () => {
      const a = new LongHorizonTracker(CONFIG);
      for (let i = 0; i < 8; i++) a.add('x', i, 'h', i * HOUR);
      a.add('y', 80, 'h', 9 * HOUR);
      const snap = JSON.parse(JSON.stringify(a.snapshot())) as unknown;
      assert.equal(longHorizonSnapshotProblem(snap), undefined);
      const b = new LongHorizonTracker(CONFIG);
      b.restore(snap as ReturnType<LongHorizonTracker['snapshot']>);
      assert.equal(b.view('x')!.ports, 8);
      assert.equal(b.view('y')!.ports, 1);
      // the resumed count goes on where it stopped
      for (let i = 8; i < 11; i++) assert.equal(b.add('x', i, 'h', 10 * HOUR + i), false);
      assert.equal(b.add('x', 11, 'h', 11 * HOUR), true);
      assert.equal(b.view('x')!.first, 0);
    });

    it('a snapshot is bounded, keeping the sources with the most ports', () => {
      const t = new LongHorizonTracker({ ...CONFIG, maxSources: SNAPSHOT_MAX_SOURCES + 500 });
      for (let i = 0; i < SNAPSHOT_MAX_SOURCES + 500; i++) t.add(`s${i}`, 1, 'h', i);
      for (let p = 2; p < 6; p++) t.add('s3', p, 'h', 100_000 + p);
      const snap = t.snapshot();
      assert.equal(snap.sources.length, SNAPSHOT_MAX_SOURCES);
      assert.equal(snap.sources[0]![0], 's3');
      assert.equal(snap.sources[0]![3].length, 5);
    });

    it('names what is wrong with a damaged snapshot', () => {
      assert.match(longHorizonSnapshotProblem([]) ?? '', /not an object/);
      assert.match(longHorizonSnapshotProblem({ version: 2, sources: [] }) ?? '', /version/);
      assert.match(longHorizonSnapshotProblem({ version: 1, sources: [['a', 5, 1, [], [], 0]] }) ?? '', /sources\[0\].*first\/last/);
      assert.match(longHorizonSnapshotProblem({ version: 1, sources: [['a', 1, 5, [[-3, 1]], [], 0]] }) ?? '', /sources\[0\].*port/);
      assert.match(longHorizonSnapshotProblem({ version: 1, sources: [['a', 1, 5, [], [['h', 'x']], 0]] }) ?? '', /host/);
      assert.equal(longHorizonSnapshotProblem({ version: 1, sources: [['a', 1, 5, [[22, 3]], [['h', 3]], 1]] }), undefined);
    });
  });

  describe('in the scan detector', () => {
    it('finds 20 ports spread over 6 hours, which no hourly window sees', () => {
      const events = patient(20, 18 * MIN);
      assert.deepEqual(scans(new ScanDetector({ longPorts: 0 }), events), [], 'the other rules alone miss it');
      const [f, ...rest] = scans(new ScanDetector(), events);
      assert.equal(rest.length, 0);
      assert.ok(f);
      assert.deepEqual(f.shapes, ['long']);
      assert.equal(f.ports, 20);
      assert.equal(f.first, 0);
      assert.equal(f.last, 19 * 18 * MIN);
      assert.match(f.why.en, /20 distinct ports on 1 host over 6 h/);
      assert.match(f.why.en, /12 or more ports or 32 or more hosts within 24 h/);
    });

    it('finds it across episodes separated by hours of silence, with the whole count', () => {
      // 6 ports, 3 hours of silence (the short state is gone), 6 more ports
      const events = [...patient(6, 5 * MIN), ...patient(6, 5 * MIN, { dpt: undefined }, 4 * HOUR).map((e, i) => ({ ...e, dpt: 5000 + i }))];
      const [f] = scans(new ScanDetector(), events);
      assert.ok(f);
      assert.deepEqual(f.shapes, ['long']);
      assert.equal(f.ports, 12);
      assert.equal(f.first, 0);
    });

    it('an ordinary busy source (three ports, thousands of lines, all day) is not a scanner', () => {
      const events = Array.from({ length: 5000 }, (_, i) => ev({ time: i * 17_000, dpt: [443, 80, 8443][i % 3] }));
      assert.deepEqual(scans(new ScanDetector(), events), []);
    });

    it('retransmissions (each probe logged three times) count once', () => {
      const events = patient(11, 30 * MIN).flatMap((e) => [e, { ...e, time: e.time! + 1000 }, { ...e, time: e.time! + 3000 }]);
      assert.deepEqual(scans(new ScanDetector(), events), []);
    });

    it('rate-limited logging that keeps one probe in five still shows a patient scan', () => {
      const all = patient(100, 3 * MIN);
      const [f] = scans(new ScanDetector(), all.filter((_, i) => i % 5 === 0));
      assert.ok(f);
      assert.equal(f.ports, 20);
    });

    it('an IPv6 scanner moving through its /64 is one scanner', () => {
      const events = Array.from({ length: 15 }, (_, i) =>
        ev({ time: i * 20 * MIN, src: `2001:db8:5:6::${(i + 1).toString(16)}`, dst: '2001:db8:ffff::1', dpt: 100 + i }),
      );
      const [f, ...rest] = scans(new ScanDetector(), events);
      assert.equal(rest.length, 0);
      assert.ok(f);
      assert.equal(f.family, 6);
      assert.equal(f.source, '2001:db8:5:6::1');
      assert.equal(f.network, '2001:db8:5:6::/64');
      assert.equal(f.addresses, 15);
      assert.equal(f.ports, 15);
      assert.match(f.why.en, /^2001:db8:5:6::\/64 \(15 addresses, first 2001:db8:5:6::1\) probed 15 distinct ports/);
    });

    it('a fast IPv6 scan through many addresses of a /64 is found by the fast rule too', () => {
      const events = Array.from({ length: 10 }, (_, i) => ev({ time: i * 1000, src: `2001:db8:7::${i + 1}`, dst: '2001:db8:ffff::1', dpt: 100 + i }));
      const [f] = scans(new ScanDetector({ longPorts: 0 }), events);
      assert.ok(f);
      assert.deepEqual(f.shapes, ['vertical']);
      assert.equal(f.network, '2001:db8:7::/64');
    });

    it('a scan from a private source is reported like any other (the spoof rule judges the address)', () => {
      const [f] = scans(new Detector(), patient(14, 25 * MIN, { src: '10.9.8.7' }));
      assert.ok(f);
      assert.equal(f.source, '10.9.8.7');
      assert.deepEqual(f.shapes, ['long']);
    });

    it('a scan split over two detectors (two cron runs) is found through a snapshot', () => {
      const events = patient(16, 15 * MIN);
      const first = new Detector();
      assert.deepEqual(scans(first, events.slice(0, 8)), []);
      const snap = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<Detector['snapshot']>;
      assert.ok(snap);
      const second = new Detector();
      second.restore(snap);
      const [f] = scans(second, events.slice(8));
      assert.ok(f, 'found in the second run');
      assert.equal(f.ports, 16);
      assert.equal(f.first, 0);
      const fresh = new Detector();
      assert.deepEqual(scans(fresh, events.slice(8)), [], 'the second half alone is below every threshold');
    });
  });

  describe('LAN /64s are many machines', () => {
    // ten neighbours on our own /64, each on a port of its own, over a day: ten ordinary hosts, not one scanner
    const lan = (prefix: string): DetectEvent[] =>
      Array.from({ length: 14 }, (_, i) => ev({ time: i * 30 * MIN, src: `${prefix}${(i + 1).toString(16)}`, dst: '2001:db8:ffff::1', dpt: 100 + i }));

    it('a connected network given as perAddress is counted per address', () => {
      assert.equal(scans(new ScanDetector({ perAddress: ['2001:db8:aa::/64'] }), lan('2001:db8:aa::')).length, 0);
      assert.equal(scans(new ScanDetector(), lan('2001:db8:aa::')).length, 1, 'without it, one /64');
    });

    it('link-local and unique-local sources are always counted per address', () => {
      assert.equal(scans(new ScanDetector(), lan('fe80::')).length, 0);
      assert.equal(scans(new ScanDetector(), lan('fd12:3456:789a:1::')).length, 0);
    });

    it('a bad perAddress entry is refused by name', () => {
      assert.throws(() => new ScanDetector({ perAddress: ['2001:db8::/129'] }), /"2001:db8::\/129" in perAddress is not a network/);
    });
  });

  describe('sourceKey', () => {
    it('an IPv4 address is its own key, an IPv6 one its /64', () => {
      assert.equal(sourceKey('203.0.113.5'), '203.0.113.5');
      assert.equal(sourceKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
      assert.equal(sourceKey('2001:db8::1'), '2001:db8::/64');
      assert.equal(sourceKey('not:an:address'), 'not:an:address');
    });
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { Detector } from '../../../packages/core/src/detect/pipeline.js';
import { toDetectEvent, type DetectEvent } from '../../../packages/core/src/detect/event.js';
import { mergeFindings, isPortScan, isSpoof, type Finding, type PortScanFinding } from '../../../packages/core/src/detect/findings.js';
import type { DecodedLine } from '../../../packages/core/src/nflog/types.js';
import { MEMO } from '../../fixtures/memo.js';
import { ev } from './helpers.js';

/** Read in place, never copied into the repository. */
const HUB = '/work/shared/corpus/crowdsec-hub/iptables-scan-multi-port';
/** The scenario's lines carry no year; CrowdSec's expected timestamps put them in 2026. */
const NOW = Date.UTC(2026, 11, 31);

function run(lines: readonly string[], detector: Detector): Finding[] {
  const out: Finding[] = [];
  for (const raw of lines) {
    const line = decodeLine(raw, { now: NOW });
    if (line) out.push(...detector.push(toDetectEvent(line)));
  }
  out.push(...detector.flush());
  return out;
}

describe('detect/pipeline', () => {
  it('a DecodedLine maps onto a DetectEvent', () => {
    const line: DecodedLine | undefined = decodeLine(MEMO[2], { now: NOW });
    assert.ok(line);
    const e: DetectEvent = toDetectEvent(line);
    assert.equal(e.src, '89.248.166.153');
    assert.equal(e.dst, '153.121.33.84');
    assert.equal(e.in, 'eth0');
    assert.equal(e.proto, 'TCP');
    assert.equal(e.dpt, 3389);
    assert.deepEqual(e.tcpFlags, ['SYN']);
    assert.equal(e.prefixAction, 'reject');
    assert.equal(e.time, Date.UTC(2026, 2, 21, 16, 3, 32));
  });

  it("the memo's four lines: two noise, no finding", () => {
    const d = new Detector({ spoof: { wan: ['eth0'] } });
    assert.deepEqual(run(MEMO, d), []);
    const s = d.stats;
    assert.equal(s.events, 4);
    assert.equal(s.noise, 2);
    assert.equal(s.noiseByReason.netbios, 1);
    assert.equal(s.noiseByReason.igmp, 1);
    assert.equal(s.scan.probes, 1); // the SYN to 3389; the RST+ACK is an answer
    assert.equal(s.scan.notProbes, 1);
  });

  it('noise never becomes evidence: IGMP from 0.0.0.0 on the WAN is not spoofed', () => {
    const d = new Detector({ spoof: { wan: ['eth0'] } });
    for (let i = 0; i < 20; i++) d.push(ev({ time: i, src: '0.0.0.0', dst: `224.0.0.${i + 1}`, proto: '2', tcpFlags: undefined, dpt: undefined }));
    assert.deepEqual(d.flush(), []);
    assert.equal(d.stats.noise, 20);
  });

  it('a spoofed scanner is both findings; spoofed first', () => {
    const d = new Detector({ spoof: { wan: ['eth0'] } });
    for (let i = 0; i < 10; i++) d.push(ev({ time: i, src: '10.9.9.9', dpt: 100 + i }));
    const found = d.flush();
    assert.deepEqual(found.map((f) => f.rule), ['spoofed-source', 'port-scan']);
    assert.equal(d.tracked.scan, 0);
  });

  describe('CrowdSec hub scenario iptables-scan-multi-port', () => {
    const lines = readFileSync(`${HUB}/iptables-scan-multi-port.log`, 'utf8').split('\n').filter((l) => l.length > 0);
    const assertText = readFileSync(`${HUB}/scenario.assert`, 'utf8');
    // What CrowdSec expects: how many alerts, and whose.
    const expectedCount = Number(/^len\(results\) == (\d+)$/m.exec(assertText)?.[1]);
    const expectedSources = [...assertText.matchAll(/^"([^"]+)" in results\[(\d+)\]\.Overflow\.GetSources\(\)$/gm)].map((m) => m[1]);
    const expectedEvents = [...assertText.matchAll(/^results\[\d+\]\.Overflow\.Alert\.GetEventsCount\(\) == (\d+)$/gm)].map((m) => Number(m[1]));

    it('finds the same scanners as CrowdSec, and not the audited loopback traffic', () => {
      assert.equal(expectedCount, 2);
      const found = run(lines, new Detector());
      const scans = found.filter(isPortScan);
      assert.equal(found.length, expectedCount);
      assert.deepEqual(scans.map((f) => f.source).sort(), [...expectedSources].sort());
      assert.ok(!found.some((f) => f.source === '127.0.0.1'), '[UFW AUDIT] lines must not count');
      // CrowdSec's bucket overflows on its 16th event; we report the whole episode.
      for (const [i, f] of scans.entries()) assert.ok(f.lines >= expectedEvents[i], `${f.source}: ${f.lines} lines`);
    });

    it('reports the figures of each scanner', () => {
      const byIp = new Map(run(lines, new Detector()).filter(isPortScan).map((f): [string, PortScanFinding] => [f.source, f]));
      const a = byIp.get('62.34.17.168');
      assert.ok(a);
      assert.equal(a.lines, 17);
      assert.equal(a.ports, 17);
      assert.equal(a.hosts, 1);
      assert.deepEqual(a.kinds, ['syn']);
      // 17 ports in seconds crosses the day's threshold (12) as well: every threshold crossed is listed
      assert.deepEqual(a.shapes, ['long', 'vertical']);
      assert.deepEqual(a.interfaces, ['ens2']);
      assert.equal(new Date(a.first).toISOString(), '2026-09-30T10:09:23.000Z');
      const b = byIp.get('127.0.0.2');
      assert.ok(b);
      assert.equal(b.lines, 16);
      assert.equal(b.ports, 16);
      assert.deepEqual(b.interfaces, ['lo']);
      assert.equal(new Date(b.first).toISOString(), '2026-10-30T10:09:23.000Z');
    });

    it('no spoofed source: 127.0.0.2 arrived on lo, and ens2 carries public sources', () => {
      const found = run(lines, new Detector({ spoof: { wan: ['ens2'] } }));
      assert.deepEqual(found.filter(isSpoof), []);
    });
  });

  describe('mergeFindings', () => {
    it('one finding per rule and source across episodes', () => {
      const d = new Detector();
      const out: Finding[] = [];
      for (let i = 0; i < 10; i++) out.push(...d.push(ev({ time: i * 1000, dpt: 100 + i })));
      for (let i = 0; i < 12; i++) out.push(...d.push(ev({ time: 10 * 3_600_000 + i * 1000, dpt: 200 + i, tcpFlags: ['FIN'] })));
      out.push(...d.flush());
      assert.equal(out.length, 2);
      const [m, ...rest] = mergeFindings(out);
      assert.equal(rest.length, 0);
      assert.ok(isPortScan(m));
      assert.equal(m.lines, 22);
      assert.equal(m.first, 0);
      assert.equal(m.last, 10 * 3_600_000 + 11_000);
      // both episodes fall within the long horizon (a day), which counts their ports together
      assert.equal(m.ports, 22);
      assert.deepEqual(m.kinds, ['fin', 'syn']);
      assert.deepEqual(m.shapes, ['long', 'stealth', 'vertical']);
    });

    it('without the long horizon, the larger episode is the floor', () => {
      const d = new Detector({ scan: { longPorts: 0, longHosts: 0 } });
      const out: Finding[] = [];
      for (let i = 0; i < 10; i++) out.push(...d.push(ev({ time: i * 1000, dpt: 100 + i })));
      for (let i = 0; i < 12; i++) out.push(...d.push(ev({ time: 10 * 3_600_000 + i * 1000, dpt: 200 + i, tcpFlags: ['FIN'] })));
      out.push(...d.flush());
      const [m] = mergeFindings(out);
      assert.ok(m && isPortScan(m));
      assert.equal(m.ports, 12);
      assert.deepEqual(m.shapes, ['stealth', 'vertical']);
    });
  });
});

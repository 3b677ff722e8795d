import assert from 'node:assert/strict';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { Detector } from '../../../packages/core/src/detect/pipeline.js';
import { toDetectEvent } from '../../../packages/core/src/detect/event.js';
import { isPortScan, mergeFindings, type Finding } from '../../../packages/core/src/detect/findings.js';
import { generateDetectLog, type DetectLogOptions } from '../../../bench/detect/generate.js';
import { score } from '../../../bench/detect/score.js';

/**
 * The benchmark's scoring on a small generated day: every scanner (fast, slow, IPv6, private) found, no ordinary
 * source flagged. A regression in the rules fails here, not only in a benchmark nobody runs.
 */
const SMALL: Partial<DetectLogOptions> = { seed: 11, ordinary: 1500, loud: 3, fast: 8, slow: 8, ipv6Share: 0.25, privateShare: 0.25 };
/** The lines carry no year; the day is in March 2026. */
const NOW = Date.UTC(2026, 11, 1);

function detect(lines: readonly string[], detector = new Detector()): Finding[] {
  const out: Finding[] = [];
  for (const raw of lines) {
    const line = decodeLine(raw, { now: NOW });
    if (line) out.push(...detector.push(toDetectEvent(line)));
  }
  out.push(...detector.flush());
  return out;
}

function flagged(findings: readonly Finding[]): string[] {
  return mergeFindings(findings)
    .filter(isPortScan)
    .map((f) => f.network ?? f.source);
}

describe('detect: ground truth of a generated day', () => {
  const { lines, truth } = generateDetectLog(SMALL);

  it('the day holds what the scoring needs (fast, slow, IPv6 moving through a /64, private, retransmissions)', () => {
    const kinds = truth.scanners;
    assert.equal(kinds.filter((s) => s.timing === 'fast').length, 8);
    assert.equal(kinds.filter((s) => s.timing === 'slow').length, 8);
    assert.ok(kinds.filter((s) => s.ipv6).length >= 4);
    assert.ok(kinds.some((s) => s.rotates));
    assert.ok(kinds.filter((s) => s.private).length >= 4);
    assert.ok(kinds.some((s) => s.loggedLines > s.loggedPorts), 'some probes retransmitted');
    assert.ok(lines.length > 5000);
    // the slow ones never reach the fast rule's 10 ports in a minute: only a longer horizon can find them
    for (const s of kinds.filter((k) => k.timing === 'slow')) {
      assert.ok(Date.parse(s.last) - Date.parse(s.first) >= 3_000_000, `${s.id} spans an hour or so`);
    }
  });

  it('recall 100% and no false positive', () => {
    const s = score(truth, flagged(detect(lines)));
    assert.deepEqual(s.missed, [], 'missed scanners');
    assert.deepEqual(s.falseSample, [], 'ordinary sources flagged');
    assert.equal(s.recall, 1);
    assert.equal(s.precision, 1);
    assert.equal(s.found, 16);
  });

  it('the scoring can fail: without the long horizon and the slow rule, slow scanners are missed', () => {
    const s = score(truth, flagged(detect(lines, new Detector({ scan: { longPorts: 0, longHosts: 0, slowPorts: 0 } }))));
    assert.ok(s.slow.found < s.slow.of, `slow found ${s.slow.found} of ${s.slow.of}`);
    assert.equal(s.fast.found, s.fast.of);
  });

  it('the scoring counts a flagged ordinary source as a false positive', () => {
    const ordinary = lines.find((l) => !truth.scanners.some((sc) => l.includes(`SRC=${sc.id} `)) && l.includes('DPT=22 '));
    assert.ok(ordinary);
    const src = /SRC=(\S+)/.exec(ordinary)![1]!;
    const s = score(truth, [...flagged(detect(lines)), src]);
    assert.equal(s.falsePositives, 1);
    assert.ok(s.precision < 1);
  });

  it('split into four cron runs carried by snapshots, the day gives the same verdicts', () => {
    const quarter = Math.ceil(lines.length / 4);
    const all: Finding[] = [];
    let snap: ReturnType<Detector['snapshot']>;
    for (let i = 0; i < 4; i++) {
      const d = new Detector();
      if (snap) d.restore(JSON.parse(JSON.stringify(snap)) as NonNullable<typeof snap>);
      // the agent also re-reads the last minute of lines (its carry); the long horizon must not double count them
      const from = Math.max(0, i * quarter - 50);
      all.push(...detect(lines.slice(from, (i + 1) * quarter), d));
      snap = d.snapshot();
    }
    const s = score(truth, flagged(all));
    assert.deepEqual(s.missed, []);
    assert.equal(s.falsePositives, 0);
  });
});

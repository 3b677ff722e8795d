import { strict as assert } from 'node:assert';
import { countryTallies, LogSummary, topOf } from '../../../packages/core/src/index.js';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

describe('core report: LogSummary', () => {
  it('counts lines, firewall lines, truncated lines and the time span', () => {
    const s = new LogSummary();
    s.other();
    s.add({ time: T0 + 5_000, src: '192.0.2.1', dpt: 22, proto: 'TCP' });
    s.add({ time: T0, src: '192.0.2.1', dpt: 23, proto: 'TCP' }, true);
    s.add({ src: '198.51.100.2' });
    const r = s.result();
    assert.deepEqual([r.lines, r.firewall, r.other, r.truncated], [4, 3, 1, 1]);
    assert.equal(r.first, T0);
    assert.equal(r.last, T0 + 5_000);
  });

  it('ranks sources and port/protocol pairs busiest first, ties by key', () => {
    const s = new LogSummary();
    const add = (src: string, dpt: number, proto: string) => s.add({ time: T0, src, dpt, proto });
    add('203.0.113.9', 443, 'TCP');
    add('203.0.113.9', 443, 'TCP');
    add('198.51.100.7', 53, 'UDP');
    add('192.0.2.5', 443, 'UDP');
    add('198.51.100.7', 443, 'TCP');
    const r = s.result(2);
    assert.deepEqual(r.sources, [
      { key: '198.51.100.7', lines: 2 },
      { key: '203.0.113.9', lines: 2 },
    ]);
    assert.deepEqual(r.ports, [
      { key: '443/tcp', lines: 3 },
      { key: '443/udp', lines: 1 },
    ]);
  });

  it('stops admitting new sources at its cap but keeps counting those it has', () => {
    const s = new LogSummary({ maxSources: 2 });
    for (const src of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.1']) s.add({ src });
    assert.deepEqual([...s.sourceTallies()], [
      ['192.0.2.1', 2],
      ['192.0.2.2', 1],
    ]);
    assert.equal(s.result().firewall, 4, 'every line still counts');
  });

  it('spreads lines over equal slices of the span for the timeline', () => {
    const s = new LogSummary();
    // 10 minutes: 3 lines in the first minute, 1 in the last
    for (let i = 0; i < 3; i++) s.add({ time: T0 + i * 1000 });
    s.add({ time: T0 + 9 * 60_000 });
    const t = s.result(10, 5).timeline;
    assert.deepEqual(t, [3, 0, 0, 0, 1]);
    assert.equal(new LogSummary().result().timeline.length, 0, 'no times, no timeline');
  });

  it('counted in parts by source and absorbed, gives the figures of one pass (the state survives a structured clone)', () => {
    const events = [
      { time: T0 + 60_000, src: '192.0.2.1', dpt: 22, proto: 'TCP' },
      { time: T0, src: '198.51.100.7', dpt: 22, proto: 'TCP' },
      { time: T0 + 600_000, src: '192.0.2.1', dpt: 443, proto: 'TCP' },
      { src: '203.0.113.9', dpt: 53, proto: 'UDP' },
      { time: T0 + 30_000, src: '198.51.100.7', dpt: 23, proto: 'TCP' },
    ];
    const whole = new LogSummary();
    const parts = [new LogSummary(), new LogSummary()];
    for (const e of events) {
      whole.add(e, e.dpt === 53);
      parts[e.src === '192.0.2.1' ? 0 : 1]!.add(e, e.dpt === 53);
    }
    whole.other();
    parts[0]!.other();
    const merged = new LogSummary();
    for (const p of parts) merged.absorb(structuredClone(p.state()));
    assert.deepEqual(merged.result(10, 4), whole.result(10, 4));
    assert.deepEqual([...merged.sourceTallies()].sort(), [...whole.sourceTallies()].sort());
    assert.equal(merged.result().lines, 6);
  });

  it('absorbing takes every key of the part (each part was capped as it counted), so a later part is not dropped', () => {
    const a = new LogSummary({ maxSources: 2 });
    a.add({ src: '192.0.2.1' });
    a.add({ src: '192.0.2.2' });
    const b = new LogSummary({ maxSources: 2 });
    for (const src of ['192.0.2.1', '192.0.2.3', '192.0.2.1']) b.add({ src });
    a.absorb(b.state());
    assert.deepEqual([...a.sourceTallies()], [
      ['192.0.2.1', 3],
      ['192.0.2.2', 1],
      ['192.0.2.3', 1],
    ]);
    assert.equal(a.result().firewall, 5);
  });
});

describe('core report: topOf and countryTallies', () => {
  it('keeps the n largest of many in order', () => {
    const m = new Map<string, number>();
    for (let i = 0; i < 1000; i++) m.set(`k${String(i).padStart(4, '0')}`, (i * 7919) % 1000);
    const top = topOf(m, 5);
    const expected = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([key, lines]) => ({ key, lines }));
    assert.deepEqual(top, expected);
    assert.deepEqual(topOf(m, 0), []);
  });

  it('adds up lines per country through the caller\'s lookup', () => {
    const sources = new Map([
      ['192.0.2.1', 5],
      ['192.0.2.2', 2],
      ['198.51.100.1', 4],
      ['10.0.0.1', 9],
    ]);
    const country = (a: string) => (a.startsWith('192.0.2.') ? 'NL' : a.startsWith('198.') ? 'JP' : undefined);
    assert.deepEqual(countryTallies(sources, country, 5), [
      { key: 'NL', lines: 7 },
      { key: 'JP', lines: 4 },
    ]);
  });
});

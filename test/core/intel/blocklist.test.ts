/**
 * core's blocklist parser and range arithmetic: the three formats, line-numbered problems, refusal of absurdly
 * broad networks, merging, the allow list cut out, and the fewest CIDRs written back.
 */
import assert from 'node:assert/strict';
import { blocklistCidrs, parseBlocklist } from '../../../packages/core/src/intel/blocklist.js';
import { mergeRanges, parseNet, rangesToCidrs, subtractRanges } from '../../../packages/core/src/intel/cidr-set.js';

describe('core intel: blocklists', () => {
  it('reads Spamhaus DROP lines (`;` comments), FireHOL netsets (`#` comments) and bare addresses', () => {
    const text = [
      '; Spamhaus DROP List 2026/11/25 - (c) 2026 The Spamhaus Project',
      '; Last-Modified: Tue, 25 Nov 2026 10:00:00 GMT',
      '198.51.100.0/25 ; SBL000001',
      '#',
      '# FireHOL style',
      '203.0.113.7',
      '  203.0.113.8\t# trailing comment',
      '2001:db8:bad::/48',
      '',
    ].join('\n');
    const p = parseBlocklist(text);
    assert.equal(p.entries, 4);
    assert.deepEqual(p.problems, []);
    assert.deepEqual(blocklistCidrs(p, []), { v4: ['198.51.100.0/25', '203.0.113.7', '203.0.113.8'], v6: ['2001:db8:bad::/48'] });
  });

  it("reads AbuseIPDB's blacklist in JSON and in plaintext", () => {
    const json = JSON.stringify({ meta: { generatedAt: '2026-11-25T12:00:00+00:00' }, data: [{ ipAddress: '203.0.113.9', abuseConfidenceScore: 100 }, { ipAddress: '2001:db8::9', abuseConfidenceScore: 100 }] });
    assert.deepEqual(blocklistCidrs(parseBlocklist(json), []), { v4: ['203.0.113.9'], v6: ['2001:db8::9'] });
    assert.deepEqual(blocklistCidrs(parseBlocklist('203.0.113.9\n2001:db8::9'), []), { v4: ['203.0.113.9'], v6: ['2001:db8::9'] });
    assert.match(parseBlocklist('{"data": 5}').problems[0]!.why, /without a "data" list/);
  });

  it('names every bad line by number and refuses networks broader than /8 (IPv4) or /16 (IPv6)', () => {
    const p = parseBlocklist('203.0.113.1\n<html>\n0.0.0.0/0\n10.0.0.0/8\n2000::/3\n198.51.100.300\n');
    assert.equal(p.entries, 2);
    assert.deepEqual(p.problems.map((x) => [x.line, x.why.slice(0, 24)]), [
      [2, 'not an address or CIDR'],
      [3, '/0 is broader than any l'],
      [5, '/3 is broader than any l'],
      [6, 'not an address or CIDR'],
    ]);
  });

  it('merges overlaps and neighbours, cuts out exempt addresses, and writes the fewest CIDRs', () => {
    const p = parseBlocklist('198.51.100.0/25\n198.51.100.128/25\n198.51.100.7\n198.51.100.0/26\n');
    assert.deepEqual(blocklistCidrs(p, []).v4, ['198.51.100.0/24'], 'two halves and a covered /26 and address: one /24');
    const cut = blocklistCidrs(p, ['198.51.100.66', '198.51.100.128/25', '2001:db8::1']).v4;
    assert.deepEqual(cut, ['198.51.100.0/26', '198.51.100.64/31', '198.51.100.67', '198.51.100.68/30', '198.51.100.72/29', '198.51.100.80/28', '198.51.100.96/27']);
    const n = (s: string) => parseNet(s)!.range;
    assert.deepEqual(rangesToCidrs(4, subtractRanges([n('203.0.113.0/24')], [n('203.0.113.0/24')])), [], 'an exempt network covering the whole entry leaves nothing');
    assert.deepEqual(rangesToCidrs(6, mergeRanges([n('2001:db8::/33'), n('2001:db8:8000::/33')])), ['2001:db8::/32']);
    assert.equal(parseNet('198.51.100.77/24')!.range.start, parseNet('198.51.100.0')!.range.start, 'host bits cleared');
    assert.equal(parseNet('198.51.100.0/33'), undefined);
  });

  it('100,000 entries parse, merge and cut within the load budget (bench/lists.ts measures it on its own)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.7`);
    const t0 = performance.now();
    const cut = blocklistCidrs(parseBlocklist(lines.join('\n')), ['11.0.0.7']);
    const ms = performance.now() - t0;
    assert.equal(cut.v4.length, 99_999);
    assert.ok(ms < 4000, `${ms.toFixed(0)} ms`);
  });
});

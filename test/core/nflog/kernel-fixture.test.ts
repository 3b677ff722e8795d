// Real lines the kernel printed in a namespace lab (test/fixtures/kernel-lines): every token must be a field the
// catalogue knows, every value valid, no line truncated. The live version of this test is test/e2e.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';

const lines = readFileSync(new URL('../../fixtures/kernel-lines/dmesg.log', import.meta.url), 'utf8').split('\n').filter(Boolean);

describe('decode: real kernel lines (fixture)', () => {
  it('has lines to check', () => assert.ok(lines.length >= 30));

  it('decodes every token of every line into a known, valid field', () => {
    const problems: string[] = [];
    for (const raw of lines) {
      const d = decodeLine(raw);
      if (!d) {
        problems.push(`not decoded: ${raw}`);
        continue;
      }
      if (d.truncated) problems.push(`marked truncated: ${raw}`);
      for (const f of decodeFields(d)) {
        if (!f.spec) problems.push(`unknown token '${f.key || f.raw}' in: ${raw}`);
        else if (f.invalid) problems.push(`${f.key}: ${f.invalid} in: ${raw}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('covers the kernel shapes the lab produced', () => {
    const keys = new Set<string>();
    for (const raw of lines) for (const f of decodeFields(decodeLine(raw)!)) keys.add(`${f.layer}:${f.key}${f.token.depth ? '@1' : ''}`);
    for (const k of ['tcp:SEQ', 'tcp:OPT', 'meta:UID', 'meta:MARK', 'ipv4:OPT', 'ipv4:FRAG', 'ipv4:MF', 'icmp:ID', 'ipv6:FLOWLBL', 'icmpv6:TYPE', 'ipv4:SRC@1']) {
      assert.ok(keys.has(k), `the fixture has no ${k}`);
    }
  });
});

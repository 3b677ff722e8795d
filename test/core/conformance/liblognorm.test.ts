// Conformance with liblognorm's v2-iptables field parser tests (rsyslog/liblognorm tests/field_v2-iptables*.sh),
// read in place. Their parser reads KEY=value pairs; ours reads the kernel's format, which always prints IN= and
// OUT= together. Where that makes us stricter, the case is listed below with the reason; anything else that
// differs fails the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';
import { tokenValue } from '../../../packages/core/src/nflog/tokenize.js';
import { CORPUS } from '../../corpus.js';

interface Case {
  source: string;
  line: number;
  input: string;
  expected_json_text: string;
}

const cases = readFileSync(join(CORPUS, 'liblognorm-iptables/v2-iptables-cases.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Case);

/**
 * Inputs liblognorm accepts that are not kernel lines, with the reason (the kernel prints `IN=%s OUT=%s ` together,
 * always with `=`). Their refusals (lower-case keys, a bare `IN`, two spaces between fields) are ours too: for us a
 * refused line is "not a firewall line" (decodeLine returns undefined).
 */
const DEVIATIONS: { input: string; why: string }[] = [
  { input: 'iptables: IN=value SECOND=test', why: 'IN= without OUT= after it: the kernel never prints one without the other' },
  { input: 'iptables: IN= SECOND=test', why: 'IN= without OUT= after it: the kernel never prints one without the other' },
  { input: 'iptables: IN SECOND=test', why: 'a bare IN flag: the kernel always prints IN= with its =, even when empty' },
  { input: 'iptables: IN OUT=outvalue', why: 'a bare IN flag: the kernel always prints IN= with its =, even when empty' },
];
const NOT_KERNEL = new Set(DEVIATIONS.map((d) => d.input));

/** liblognorm's expected text has a stray `}` in two cases; read the first JSON object only. */
function expectedOf(c: Case): Record<string, unknown> {
  const text = c.expected_json_text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(0, i + 1)) as Record<string, unknown>;
  }
  throw new Error(`no JSON object in ${c.source}:${c.line}`);
}

describe('conformance: liblognorm v2-iptables', () => {
  it('agrees on every case: the same values where both parse, the same refusals, and the kernel-only differences listed', () => {
    let same = 0;
    let refusedBoth = 0;
    let deviations = 0;
    const failures: string[] = [];
    for (const c of cases) {
      const expected = expectedOf(c);
      const ours = decodeLine(c.input);
      const where = `${c.source}:${c.line} ${JSON.stringify(c.input)}`;
      if ('unparsed-data' in expected) {
        if (ours) failures.push(`${where}: liblognorm refuses it, we decoded it`);
        else refusedBoth++;
        continue;
      }
      if (!ours) {
        if (NOT_KERNEL.has(c.input)) deviations++;
        else failures.push(`${where}: liblognorm parses it, we did not`);
        continue;
      }
      const field = expected.field as Record<string, string | null>;
      // the same keys (liblognorm folds the repeated LEN into one), no stray tokens, nothing invalid
      const ourKeys = [...new Set(ours.tokens.filter((t) => t.depth === 0).map((t) => t.key))].sort();
      if (JSON.stringify(ourKeys) !== JSON.stringify(Object.keys(field).sort())) failures.push(`${where}: keys ${ourKeys} vs theirs ${Object.keys(field).sort()}`);
      for (const f of decodeFields(ours)) if (f.invalid) failures.push(`${where}: ${f.key}=${f.raw} invalid: ${f.invalid}`);
      for (const [key, want] of Object.entries(field)) {
        // liblognorm keeps the last of a repeated key (the UDP LEN after the IP LEN); so do we here
        const tok = [...ours.tokens].reverse().find((t) => t.key === key && t.depth === 0);
        const got = tok ? (tok.valueStart < 0 ? null : tokenValue(ours.message, tok)) : undefined;
        if (got !== want) failures.push(`${where}: ${key} expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
      same++;
    }
    console.log(`      liblognorm: ${cases.length} cases, ${same} parsed alike, ${refusedBoth} refused by both, ${deviations} documented deviations`);
    if (failures.length) assert.fail(failures.join('\n'));
    assert.equal(same + refusedBoth + deviations, cases.length);
    assert.ok(same >= 9 && refusedBoth >= 21);
  });
});

// Conformance with Wazuh's iptables ruleset tests (wazuh/wazuh ruleset/testing/tests/iptables.ini), read in place.
// Format: `[section]`, then `log N pass = <line>` lines, then the rule id and alert level the section must end with.
// Rules (ruleset/rules/0020-iptables_rules.xml): 4100 "firewall rules grouped" (level 0, any kernel firewall line);
// 4101 "firewall drop event" (level 5, its decoder's action field is exactly DROP); 4151 "multiple drop events from
// the same source" (level 10, a frequency of 4101: each line of such a section is a 4101 drop on its own).
// Checked per line: it decodes as a firewall line, whole and without invalid fields (unless listed as damaged), its
// prefix reads as the table below says, and "Wazuh calls it a drop" agrees with "our prefix says drop or reject"
// unless the difference is a listed deviation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';
import { CORPUS } from '../../corpus.js';

const NOW = Date.UTC(2026, 11, 31);

interface Section {
  name: string;
  lines: string[];
  rule?: number;
  alert?: number;
  decoder?: string;
}

/** Reads the .ini: a `log N pass = ...` line is a test line; `rule/alert/decoder = ...` close the section. */
function readIni(text: string): { sections: Section[]; bareLines: number } {
  const sections: Section[] = [];
  let bareLines = 0;
  let cur: Section | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      sections.push((cur = { name: head[1], lines: [] }));
      continue;
    }
    assert.ok(cur, `a line before any section: ${line}`);
    const log = /^log \d+ pass = (.*)$/.exec(line);
    const kv = /^(rule|alert|decoder) = (.*)$/.exec(line);
    if (log) cur.lines.push(log[1]);
    else if (kv?.[1] === 'rule') cur.rule = Number(kv[2]);
    else if (kv?.[1] === 'alert') cur.alert = Number(kv[2]);
    else if (kv?.[1] === 'decoder') cur.decoder = kv[2];
    else if (/ kernel: /.test(line)) {
      // the "ufw audit" section gives its line without `log 1 pass = `; it is still the section's test line
      cur.lines.push(line);
      bareLines++;
    } else assert.fail(`unexpected line in [${cur.name}]: ${line}`);
  }
  return { sections, bareLines };
}

/** What each prefix in the file says, read by eye: source, action (absent: none), details. */
const PREFIXES: Record<string, { source: string; action?: string; details?: Record<string, string> }> = {
  'FIREWALL_OUT ': { source: 'user' },
  'IPTABLE ': { source: 'user' },
  'SFW2-INext-DROP-DEFLT ': { source: 'suse', action: 'drop', details: { chain: 'INext', reason: 'DEFLT' } },
  '': { source: 'user' },
  'DROP ': { source: 'user', action: 'drop' },
  'DROP(src wan)': { source: 'openwrt', action: 'drop', details: { input_zone: 'wan' } },
  '[UFW BLOCK] ': { source: 'ufw', action: 'drop', details: {} },
  '[UFW AUDIT] ': { source: 'ufw', action: 'audit', details: {} },
};

/** Lines damaged in the corpus itself: they must decode, marked truncated, with the damage shown as invalid. */
const DAMAGED: { line: string; why: string }[] = [
  { line: 'ACK RST URGn=0', why: "the sample's `URGP=0` is misspelt `URGn=0`: the TCP header lacks URGP (truncated) and `URGn=0` is stray text" },
];

/** Where our drop/not-drop differs from Wazuh's rule, with the reason; anything else that differs fails. */
const DEVIATIONS: { prefix: string; why: string }[] = [
  {
    prefix: 'SFW2-INext-DROP-DEFLT ',
    why: "Wazuh's rule 4101 needs the action field to be exactly DROP; SuSEfirewall2's SFW2-INext-DROP-DEFLT is its default-drop rule, which we read as a drop",
  },
  { prefix: '[UFW BLOCK] ', why: "Wazuh's rule 4101 needs the action field to be exactly DROP; ufw's [UFW BLOCK] is a drop, which we read as one" },
];

const { sections, bareLines } = readIni(readFileSync(join(CORPUS, 'wazuh-ruleset/iptables.ini'), 'utf8'));

describe('conformance: Wazuh iptables ruleset tests', () => {
  it('reads the file: every section has lines, a rule, an alert level and the kernel decoder', () => {
    assert.ok(sections.length >= 9);
    for (const s of sections) {
      assert.ok(s.lines.length > 0, s.name);
      assert.ok([4100, 4101, 4151].includes(s.rule!), `${s.name}: rule ${s.rule}`);
      assert.equal(s.alert, { 4100: 0, 4101: 5, 4151: 10 }[s.rule!], s.name);
      assert.equal(s.decoder, 'kernel', s.name);
    }
  });

  it('decodes every line, reads its prefix, and agrees on which lines are drops', () => {
    let lines = 0;
    let drops = 0;
    let agreed = 0;
    let deviations = 0;
    const failures: string[] = [];
    const usedDeviations = new Set<string>();
    for (const s of sections) {
      const wazuhDrop = s.rule === 4101 || s.rule === 4151;
      for (const raw of s.lines) {
        lines++;
        const where = `[${s.name}] ${raw}`;
        const d = decodeLine(raw, { now: NOW });
        if (!d) {
          failures.push(`${where}: not decoded`);
          continue;
        }
        if (d.frame.program !== 'kernel') failures.push(`${where}: program ${d.frame.program}, expected kernel`);
        if (!d.src || !d.dst || !d.proto) failures.push(`${where}: src/dst/proto missing`);
        const invalid = decodeFields(d).filter((f) => f.invalid);
        const damaged = DAMAGED.find((x) => raw.includes(x.line));
        if (damaged) {
          if (!d.truncated || invalid.length === 0) failures.push(`${where}: damaged line not marked (truncated ${d.truncated}, ${invalid.length} invalid)`);
        } else {
          if (d.truncated) failures.push(`${where}: marked truncated`);
          for (const f of invalid) failures.push(`${where}: ${f.key}=${f.raw} invalid: ${f.invalid}`);
        }
        const want = PREFIXES[d.prefix.text];
        if (!want) {
          failures.push(`${where}: prefix ${JSON.stringify(d.prefix.text)} not in the table`);
          continue;
        }
        try {
          const got = JSON.parse(JSON.stringify({ source: d.prefix.source, action: d.prefix.action, details: d.prefix.details }));
          assert.deepEqual(got, want);
        } catch {
          failures.push(`${where}: prefix read as ${JSON.stringify(d.prefix)}, expected ${JSON.stringify(want)}`);
        }
        const ourDrop = d.prefix.action === 'drop' || d.prefix.action === 'reject';
        if (wazuhDrop) drops++;
        if (ourDrop === wazuhDrop) {
          agreed++;
          continue;
        }
        const dev = DEVIATIONS.find((x) => x.prefix === d.prefix.text);
        if (dev) {
          deviations++;
          usedDeviations.add(dev.prefix);
        } else failures.push(`${where}: Wazuh rule ${s.rule} (${wazuhDrop ? 'drop' : 'not a drop'}), our prefix action ${d.prefix.action ?? 'none'}`);
      }
    }
    for (const dev of DEVIATIONS) if (!usedDeviations.has(dev.prefix)) failures.push(`deviation no longer needed: ${dev.prefix}`);
    console.log(
      `      wazuh: ${sections.length} sections, ${lines} lines (${bareLines} without 'log N pass ='), all decoded: ${drops} Wazuh drops, ${agreed}/${lines} agree on drop or not, ${deviations} documented deviations, ${DAMAGED.length} damaged sample`,
    );
    if (failures.length) assert.fail(failures.join('\n'));
    assert.ok(drops >= 37 && agreed + deviations === lines);
  });
});

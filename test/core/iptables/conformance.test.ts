// Conformance with iptables' own syntax tables (iptables v1.8.11 extensions/*.t) and with real iptables-save dumps.
// The corpus is read in place, never copied. The .t format (see the corpus README): `:CHAINS` sets the chains the
// next lines run in, `*table` the table, `@`/`%` lines run commands (skipped), and a test line is
// `rule;save;result[;variant[;alt]]`. We model the legacy backend: a line marked NFT uses its alternative result
// (skipped when it has none); a line marked LEGACY uses its own.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IptablesFamily } from '../../../packages/core/src/iptables/catalogue.js';
import { checkIptablesRuleSpec, lintIptablesDocument } from '../../../packages/core/src/iptables/lint/index.js';
import { parseIptablesDocument } from '../../../packages/core/src/iptables/parse.js';
import { CORPUS } from '../../corpus.js';

const EXT = join(CORPUS, 'netfilter-iptables', 'extensions');

/**
 * FAIL lines that fail for a reason no static reading can know: the kernel's or the host's state at load time.
 * Keyed by file and rule text. Each must stay undetected (a detected one is reported as stale).
 */
const KERNEL_STATE_FAILURES: Readonly<Record<string, string>> = {
  'libxt_SET.t|-j SET --add-set foo src,dst': 'the ipset "foo" does not exist in the kernel at test time',
  'libxt_set.t|-m set --match-set foo src,dst': 'the ipset "foo" does not exist in the kernel at test time',
  'libxt_connlabel.t|-m connlabel --label "foobar_not_there"': 'label names come from the host\'s connlabel.conf; this one is not there',
  'libxt_nfacct.t|-m nfacct --nfacct-name wrong': 'the nfacct object "wrong" does not exist in the kernel',
};

interface Case {
  rule: string;
  expect: 'accept' | 'reject';
  chains: string[];
  table: string;
  line: number;
}

function readT(file: string): Case[] {
  const cases: Case[] = [];
  let chains: string[] = ['INPUT'];
  let table = 'filter';
  readFileSync(join(EXT, file), 'utf8')
    .split('\n')
    .forEach((raw, n) => {
      const line = raw.replace(/\r$/, '');
      if (line === '' || line.startsWith('#') || line.startsWith('@') || line.startsWith('%')) return;
      if (line.startsWith(':')) {
        chains = line.slice(1).split(',').map((c) => c.trim());
        return;
      }
      if (line.startsWith('*')) {
        table = line.slice(1).trim();
        return;
      }
      const item = line.split(';');
      if (item.length < 3) return;
      let result = item[2].trim();
      const variant = item[3]?.trim();
      if (variant === 'NFT') {
        if (item[4] === undefined) return;
        result = item[4].trim();
      }
      if (result === '=' || result === '') result = 'OK';
      cases.push({ rule: item[0], expect: result === 'FAIL' ? 'reject' : 'accept', chains, table, line: n + 1 });
    });
  return cases;
}

function familiesOf(file: string): IptablesFamily[] {
  if (file.startsWith('libipt_') || file === 'iptables.t') return [4];
  if (file.startsWith('libip6t_')) return [6];
  return [4, 6];
}

const files = readdirSync(EXT)
  .filter((f) => f.endsWith('.t') && !f.startsWith('libarpt_') && !f.startsWith('libebt_'))
  .sort();

const totals = { ok: 0, okPass: 0, fail: 0, failPass: 0, kernel: 0 };
const perFile: string[] = [];

describe('iptables conformance: extensions/*.t', function () {
  this.timeout(60000);

  it('finds the iptables syntax tables', () => {
    assert.ok(files.length >= 120, `only ${files.length} .t files in ${EXT}`);
  });

  for (const file of files) {
    it(file, () => {
      const problems: string[] = [];
      const counts = { ok: 0, okPass: 0, fail: 0, failPass: 0, kernel: 0 };
      for (const c of readT(file)) {
        const kernelReason = KERNEL_STATE_FAILURES[`${file}|${c.rule}`];
        // A rule is rejected when every chain and family it runs in reports an error for it.
        let errorsEverywhere = true;
        let anyError: string | undefined;
        for (const family of familiesOf(file))
          for (const chain of c.chains) {
            const { diagnostics } = checkIptablesRuleSpec(c.rule, { family, table: c.table, chain });
            const err = diagnostics.find((d) => d.severity === 'error');
            if (err) anyError ??= `[${err.code}] ${err.message.en} (IPv${family} ${c.table}/${chain})`;
            else errorsEverywhere = false;
          }
        if (c.expect === 'accept') {
          counts.ok++;
          if (!anyError) counts.okPass++;
          else problems.push(`line ${c.line}: OK rule flagged: ${c.rule}\n      ${anyError}`);
        } else if (kernelReason) {
          counts.kernel++;
          if (errorsEverywhere) problems.push(`line ${c.line}: listed as undetectable but detected now (remove it from the list): ${c.rule}`);
        } else {
          counts.fail++;
          if (errorsEverywhere) counts.failPass++;
          else problems.push(`line ${c.line}: FAIL rule not flagged: ${c.rule}`);
        }
      }
      totals.ok += counts.ok;
      totals.okPass += counts.okPass;
      totals.fail += counts.fail;
      totals.failPass += counts.failPass;
      totals.kernel += counts.kernel;
      const rate = counts.ok + counts.fail === 0 ? 100 : (100 * (counts.okPass + counts.failPass)) / (counts.ok + counts.fail);
      perFile.push(
        `${file.padEnd(26)} ${rate.toFixed(1).padStart(5)}%  OK ${counts.okPass}/${counts.ok}  FAIL ${counts.failPass}/${counts.fail}${counts.kernel ? `  (+${counts.kernel} kernel-state FAIL)` : ''}`,
      );
      assert.deepEqual(problems, [], `${file}:\n  ${problems.join('\n  ')}`);
    });
  }

  after(() => {
    const all = totals.ok + totals.fail;
    const rate = all === 0 ? 0 : (100 * (totals.okPass + totals.failPass)) / all;
    console.log(`\n  iptables .t conformance per file:\n    ${perFile.join('\n    ')}`);
    console.log(
      `  total: ${rate.toFixed(1)}% of ${all} lines; OK accepted ${totals.okPass}/${totals.ok}, syntax FAIL rejected ${totals.failPass}/${totals.fail}; ${totals.kernel} FAIL lines depend on kernel state (listed)\n`,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Dumps

const DUMP_DIRS = ['netfilter-iptables/tests-shell-dumps', 'iptables-semantics-dumps', 'sysconfig-iptables-samples'];

/** Files in those folders that are not iptables-save text at all. */
const NOT_IPTABLES_SAVE: Readonly<Record<string, string>> = {
  'ipt-save__dumps__fedora27-iptables.xml': 'iptables-xml output (XML), not iptables-save text',
  'nft-only__0010-nft-native.txt': 'nft ruleset syntax (the native counterpart of the iptables-nft-save dump beside it)',
};

/**
 * Errors a dump really contains: the Iptables_Semantics parser test file deliberately holds lines iptables-restore
 * would refuse. Keyed by file and 1-based line, with the reason.
 */
const KNOWN_INVALID_DUMP_LINES: Readonly<Record<string, string>> = {
  'Parser_Test__data__iptables-save:12': '--something-else is not an option of multiport (a parser stress line)',
  'Parser_Test__data__iptables-save:40': '-m icmp6 exists only in ip6tables; the file\'s own comment on the line says so',
  'Parser_Test__data__iptables-save:41': '-m icmp6 exists only in ip6tables (same as line 40)',
};

function dumps(): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  for (const d of DUMP_DIRS)
    for (const f of readdirSync(join(CORPUS, d)).sort()) if (!NOT_IPTABLES_SAVE[f]) out.push({ name: f, path: join(CORPUS, d, f) });
  for (const f of readdirSync(join(CORPUS, 'ufw-jbq-mirror')).sort()) if (f.endsWith('.rules')) out.push({ name: f, path: join(CORPUS, 'ufw-jbq-mirror', f) });
  return out;
}

describe('iptables conformance: real dumps parse without errors', function () {
  this.timeout(60000);
  const summary: string[] = [];

  const list = dumps();
  it('finds the dumps', () => assert.ok(list.length >= 25, `only ${list.length} dumps`));

  for (const { name, path } of list) {
    it(name, () => {
      const doc = parseIptablesDocument(readFileSync(path, 'utf8'));
      const diagnostics = lintIptablesDocument(doc);
      const errors = diagnostics.filter((d) => d.severity === 'error' && !KNOWN_INVALID_DUMP_LINES[`${name}:${d.span.line + 1}`]);
      const byCode = new Map<string, number>();
      for (const d of diagnostics) if (d.severity !== 'error') byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
      const rules = doc.tables.reduce((n, t) => n + t.rules.length, 0);
      summary.push(
        `${name.slice(0, 58).padEnd(58)} ${String(doc.lines.length).padStart(4)} lines ${String(rules).padStart(4)} rules, IPv${doc.family ?? '?'}: ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ') || 'clean'}`,
      );
      assert.ok(rules > 0 || doc.tables.length > 0, `${name}: no table found`);
      assert.deepEqual(
        errors.map((e) => `line ${e.span.line + 1}: [${e.code}] ${e.message.en}`),
        [],
      );
    });
  }

  after(() => console.log(`\n  dumps (warnings and hints by code):\n    ${summary.join('\n    ')}\n`));
});

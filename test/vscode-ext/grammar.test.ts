/**
 * The extension's TextMate grammars (packages/vscode-ext/syntaxes) through vscode-tmgrammar-test, which tokenizes
 * with VS Code's own engine (vscode-textmate + oniguruma):
 * - snapshots (vscode-tmgrammar-snap in compare mode) of the repo's samples/sample.log and
 *   test/fixtures/kernel-lines/dmesg.log; a difference fails with the tool's diff;
 * - scope assertions (vscode-tmgrammar-test) on the tokens that matter, on lines of ours or written for the tests;
 * - the peer corpus (real logs and dumps, not ours to copy) read in place and tokenized, checking properties that
 *   must hold on every real line: address scopes on SRC=/DST=, no firewall scopes on other lines, a scope on every
 *   -j/-g target and *table;
 * - adversarial 1 MB lines tokenized under a time budget (no catastrophic backtracking, no quadratic rescans).
 * The tools run from node_modules/.bin: nothing is fetched. See test/vscode-ext/grammar/README.md.
 * GRAMMAR_SNAPSHOT_UPDATE=1 rewrites the snapshots instead of comparing (after a deliberate grammar change).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = join(ROOT, 'test', 'vscode-ext', 'grammar');
const SNAP = join(HERE, 'snap');
const UNIT = join(HERE, 'unit');
const SYNTAXES = join(ROOT, 'packages', 'vscode-ext', 'syntaxes');
const BIN = join(ROOT, 'node_modules', '.bin');
const UPDATE = process.env.GRAMMAR_SNAPSHOT_UPDATE === '1';

interface Language {
  id: 'netfilter-log' | 'iptables';
  scope: string;
  grammar: string;
  /** snapshot inputs: name in snap/ (its snapshot is snap/<name>.snap) and the file it is read from */
  inputs: { name: string; source: string }[];
}

const inSnap = (test: (name: string) => boolean) =>
  readdirSync(SNAP)
    .filter((f) => !f.endsWith('.snap') && test(f))
    .map((name) => ({ name, source: join(SNAP, name) }));

const LANGUAGES: Language[] = [
  {
    id: 'netfilter-log',
    scope: 'source.netfilter-log',
    grammar: join(SYNTAXES, 'netfilter-log.tmLanguage.json'),
    inputs: [
      ...inSnap((f) => f.endsWith('.log')),
      { name: 'sample.log', source: join(ROOT, 'samples', 'sample.log') },
      { name: 'dmesg.log', source: join(ROOT, 'test', 'fixtures', 'kernel-lines', 'dmesg.log') },
    ],
  },
  {
    id: 'iptables',
    scope: 'source.iptables',
    grammar: join(SYNTAXES, 'iptables.tmLanguage.json'),
    // No snapshot: real dumps are the peer corpus's, checked in place below; our own rules are in unit/.
    inputs: inSnap((f) => /\.ip6?tables-save$/.test(f)),
  },
];

/** Runs one of the tool's commands from a directory without a package.json, so only -g/-s configure it. */
function tool(cmd: 'vscode-tmgrammar-snap' | 'vscode-tmgrammar-test', args: string[], cwd: string) {
  const bin = join(BIN, cmd);
  assert.ok(existsSync(bin), `${bin} is missing: run npm ci`);
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

describe('vscode-ext TextMate grammars', function () {
  this.timeout(180_000);
  let tmp: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'pcl-grammar-'));
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has a snapshot input for every snapshot and the expected inputs per language', () => {
    const inputs = new Set(LANGUAGES.flatMap((l) => l.inputs.map((i) => i.name)));
    const orphans = readdirSync(SNAP)
      .filter((f) => f.endsWith('.snap'))
      .filter((f) => !inputs.has(f.slice(0, -'.snap'.length)));
    assert.deepEqual(orphans, [], 'snapshots without an input');
    const names = (id: string) => LANGUAGES.find((l) => l.id === id)!.inputs.map((i) => i.name).sort();
    assert.deepEqual(names('netfilter-log'), ['dmesg.log', 'sample.log']);
    assert.deepEqual(names('iptables'), []);
  });

  for (const lang of LANGUAGES.filter((l) => l.inputs.length > 0)) {
    it(`${lang.id}: tokens match the committed snapshots`, () => {
      const dir = join(tmp, 'snap', lang.id);
      mkdirSync(dir, { recursive: true });
      for (const { name, source } of lang.inputs) {
        copyFileSync(source, join(dir, name));
        const snap = join(SNAP, `${name}.snap`);
        // Without a .snap the tool writes one and reports success: a missing snapshot must fail here instead.
        if (!UPDATE) {
          assert.ok(existsSync(snap), `${snap} is missing (GRAMMAR_SNAPSHOT_UPDATE=1 writes it)`);
          copyFileSync(snap, join(dir, `${name}.snap`));
        }
      }
      const r = tool('vscode-tmgrammar-snap', [...(UPDATE ? ['-u'] : []), '-g', lang.grammar, '-s', lang.scope, join(dir, '*')], dir);
      assert.equal(r.status, 0, `vscode-tmgrammar-snap found differences for ${lang.id}:\n${r.output}`);
      for (const { name } of lang.inputs) {
        if (UPDATE) copyFileSync(join(dir, `${name}.snap`), join(SNAP, `${name}.snap`));
        else assert.match(r.output, new RegExp(`${name.replace(/\./g, '\\.')} run successfully`), `${name} was not compared:\n${r.output}`);
      }
    });
  }

  it('the snapshot comparison fails on a changed scope, printing the difference', () => {
    const dir = join(tmp, 'tampered');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(ROOT, 'samples', 'sample.log'), join(dir, 'sample.log'));
    const snap = readFileSync(join(SNAP, 'sample.log.snap'), 'utf8');
    const tampered = snap.replace(' string.unquoted.ip-address.ipv4.netfilter-log', ' constant.numeric.integer.netfilter-log');
    assert.notEqual(tampered, snap);
    writeFileSync(join(dir, 'sample.log.snap'), tampered);
    const log = LANGUAGES[0]!;
    const r = tool('vscode-tmgrammar-snap', ['-g', log.grammar, '-s', log.scope, join(dir, '*')], dir);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /ERROR in test case/);
    assert.match(r.output, /string\.unquoted\.ip-address\.ipv4\.netfilter-log/);
  });

  it('scope assertions on the key tokens hold (prefix, addresses, ports, flags, -j chains, --log-prefix)', () => {
    const files = ['netfilter-log.test.log', 'iptables.test.rules'].map((f) => join(UNIT, f));
    for (const f of files) {
      const asserts = readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => /^#\s*(\^|<~*-)/.test(l));
      assert.ok(asserts.length >= 30, `${basename(f)} has only ${asserts.length} assertions`);
    }
    const grammars = LANGUAGES.flatMap((l) => ['-g', l.grammar]);
    const r = tool('vscode-tmgrammar-test', [...grammars, ...files], tmp);
    assert.equal(r.status, 0, `vscode-tmgrammar-test:\n${r.output}`);
    for (const f of files) assert.match(r.output, new RegExp(`${basename(f).replace(/\./g, '\\.')} run successfuly`), r.output);
  });

  describe('the peer corpus, read in place, tokenizes as expected', () => {
    // Real files from other projects (licences in the corpus README): never copied here, only read where they are.
    type Token = { startIndex: number; endIndex: number; scopes: string[] };
    type Grammar = { tokenizeLine(line: string, state: unknown): { tokens: Token[]; ruleStack: unknown } };
    let corpus: string;
    let grammars: Record<'log' | 'iptables', Grammar>;

    before(async function () {
      ({ CORPUS: corpus } = await import('../corpus.js')); // throws a plain sentence when the corpus is missing
      const req = createRequire(join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'package.json'));
      const { createRegistry } = req('./dist/common/index.js') as {
        createRegistry(gs: { path: string; scopeName: string }[]): { loadGrammar(scope: string): Promise<Grammar> };
      };
      const registry = createRegistry(LANGUAGES.map((l) => ({ path: l.grammar, scopeName: l.scope })));
      grammars = { log: await registry.loadGrammar('source.netfilter-log'), iptables: await registry.loadGrammar('source.iptables') };
    });

    /** Every line of a corpus file with its tokens (the rule stack carried from line to line, as in the editor). */
    function tokenize(grammar: Grammar, rel: string) {
      const path = join(corpus, rel);
      assert.ok(existsSync(path), `the corpus file ${path} is missing`);
      let state: unknown = null;
      return readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .map((line) => {
          const r = grammar.tokenizeLine(line, state);
          state = r.ruleStack;
          return { line, tokens: r.tokens };
        });
    }
    const list = (dir: string, keep: (f: string) => boolean) => {
      const abs = join(corpus, dir);
      assert.ok(existsSync(abs), `the corpus folder ${abs} is missing`);
      return readdirSync(abs).filter(keep).sort().map((f) => `${dir}/${f}`);
    };
    const exact = (tokens: Token[], start: number, length: number) =>
      tokens.find((t) => t.startIndex === start && t.endIndex === start + length);
    const describeAt = (tokens: Token[], i: number, line: string) => {
      const t = tokens.find((x) => x.startIndex <= i && i < x.endIndex);
      return t ? `"${line.slice(t.startIndex, t.endIndex)}" ${t.scopes.join(' ')}` : 'no token';
    };

    // A firewall line: IN= after the start, a space, ']' (Ubiquiti's "[rule]IN=") or ':', and OUT= after a space.
    const FIREWALL = /(?:^|[\s\]:])IN=/;
    const FIREWALL_OUT = /\sOUT=/;
    const ADDRESS = /^string\.unquoted\.ip-address\.ipv[46]\.netfilter-log$/;
    const FIREWALL_SCOPE = /^(?:meta\.line\.firewall|string\.unquoted\.ip-address|variable\.other\.key|entity\.name\.function\.prefix)\./;

    it('firewall log samples (Elastic, CrowdSec): SRC=/DST= values are address tokens, other lines get no firewall scopes', () => {
      const files = [
        ...list('elastic-integrations-iptables', (f) => f.endsWith('.log')),
        ...list('elastic-beats-iptables', (f) => f.endsWith('.log')),
        ...list('crowdsec-hub', () => true).flatMap((d) => list(d, (f) => f.endsWith('.log'))),
      ];
      assert.ok(files.length >= 11, `only ${files.length} log files in the corpus: ${files.join(', ')}`);
      const failures: string[] = [];
      let totalOther = 0;
      for (const rel of files) {
        let firewall = 0;
        let addresses = 0;
        let other = 0;
        for (const [n, { line, tokens }] of tokenize(grammars.log, rel).entries()) {
          if (line.trim() === '') continue;
          const where = `${rel}:${n + 1}`;
          if (FIREWALL.test(line) && FIREWALL_OUT.test(line)) {
            firewall++;
            if (!tokens.some((t) => t.scopes.includes('meta.line.firewall.netfilter-log'))) failures.push(`${where}: not a firewall line`);
            for (const m of line.matchAll(/(?<=(?:^|[\s[])(?:SRC|DST)=)[^\s\]]+/g)) {
              addresses++;
              const t = exact(tokens, m.index!, m[0].length);
              if (!t || !t.scopes.some((s) => ADDRESS.test(s)))
                failures.push(`${where}: address ${m[0]} is ${describeAt(tokens, m.index!, line)}`);
            }
          } else {
            other++;
            const t = tokens.find((x) => x.scopes.some((s) => FIREWALL_SCOPE.test(s)));
            if (t) failures.push(`${where}: a line without IN=/OUT= has ${describeAt(tokens, t.startIndex, line)}`);
          }
        }
        totalOther += other;
        if (firewall === 0 || addresses === 0) failures.push(`${rel}: no firewall line or no SRC=/DST= found (${firewall}, ${addresses})`);
        console.log(`      ${rel}: ${firewall} firewall lines, ${addresses} addresses, ${other} other lines`);
      }
      assert.ok(totalOther > 0, 'no line without IN=/OUT= was checked');
      assert.deepEqual(failures, []);
    });

    it('iptables-save dumps (iptables-semantics-dumps, iptables shell-test dumps): every *table and -j/-g target is scoped', () => {
      const files = [
        ...list('iptables-semantics-dumps', () => true),
        // nft-native is nft syntax and the .xml a firewalld export: not iptables-save files.
        ...list('netfilter-iptables/tests-shell-dumps', (f) => !f.endsWith('.xml') && !f.includes('nft-native')),
      ];
      assert.ok(files.length >= 19, `only ${files.length} dumps in the corpus`);
      const TARGET = ['keyword.control.verdict.iptables', 'support.function.target.iptables', 'entity.name.function.chain.iptables'];
      const failures: string[] = [];
      for (const rel of files) {
        let tables = 0;
        let targets = 0;
        for (const [n, { line, tokens }] of tokenize(grammars.iptables, rel).entries()) {
          const where = `${rel}:${n + 1}`;
          const table = /^\*(\S+)\s*$/.exec(line);
          if (table) {
            tables++;
            const star = exact(tokens, 0, 1);
            const name = exact(tokens, 1, table[1]!.length);
            if (!star?.scopes.includes('keyword.other.table.iptables') || !name?.scopes.includes('entity.name.namespace.table.iptables'))
              failures.push(`${where}: table ${line} is ${describeAt(tokens, 1, line)}`);
          }
          if (/^\s*#/.test(line)) continue;
          for (const m of line.matchAll(/(?<=(?:^|\s)-[jg]\s+)[^\s"]+/g)) {
            targets++;
            const t = exact(tokens, m.index!, m[0].length);
            if (!t || !t.scopes.some((s) => TARGET.includes(s))) failures.push(`${where}: target ${m[0]} is ${describeAt(tokens, m.index!, line)}`);
          }
        }
        if (tables === 0 || targets === 0) failures.push(`${rel}: no *table or no -j/-g target found (${tables}, ${targets})`);
        console.log(`      ${rel}: ${tables} tables, ${targets} targets`);
      }
      assert.deepEqual(failures, []);
    });
  });

  describe('1 MB lines tokenize in linear time', () => {
    const MB = 1 << 20;
    const fill = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
    const fw = 'Mar 21 16:03:32 refirio kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:0d:00:23:10:00:24:38:2d:06:00:08:00 ';
    // Linear: 1-5 s each here (under the full suite); the quadratic forms these guard against took over a minute.
    const BUDGET_MS = 30_000;
    const cases: [string, string, string][] = [
      ['source.netfilter-log', 'a firewall line of 1 MB of fields', fw + fill('SRC=89.248.166.153 DST=153.121.33.84 LEN=40 TOS=0x00 SYN URGP=0 ')],
      ['source.netfilter-log', 'IN= repeated, OUT= only at the end', fill('x IN=') + ' IN=e OUT='],
      ['source.netfilter-log', 'an unterminated quote per field', fw + fill('A="x ')],
      ['source.netfilter-log', 'unclosed embedded packets', fw + fill('[SRC=1.2.3.4 ')],
      ['source.netfilter-log', 'a 1 MB prefix', 'Mar 21 16:03:32 h kernel: ' + fill('xIN=') + ' IN=eth0 OUT= SRC=1.2.3.4'],
      ['source.iptables', 'a rule of 1 MB of options', fill('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT ')],
      ['source.iptables', 'an unterminated string of escapes', '-A X --comment "' + fill('\\"')],
      ['source.iptables', 'hex and colons', fill('abcd:')],
    ];
    type Grammar = { tokenizeLine(line: string, state: unknown): { tokens: unknown[] } };
    let loadGrammar: (scope: string) => Promise<Grammar>;

    before(() => {
      // The same engine and registry the tool's CLIs use.
      const req = createRequire(join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'package.json'));
      const { createRegistry } = req('./dist/common/index.js') as {
        createRegistry(gs: { path: string; scopeName: string }[]): { loadGrammar(scope: string): Promise<Grammar> };
      };
      const registry = createRegistry(LANGUAGES.map((l) => ({ path: l.grammar, scopeName: l.scope })));
      loadGrammar = (scope) => registry.loadGrammar(scope);
    });

    for (const [scope, what, line] of cases) {
      it(`${scope}: ${what}`, async () => {
        const grammar = await loadGrammar(scope);
        const t0 = performance.now();
        const { tokens } = grammar.tokenizeLine(line, null);
        const ms = performance.now() - t0;
        assert.ok(tokens.length > 0);
        assert.ok(ms < BUDGET_MS, `${Math.round(ms)} ms for a ${line.length}-character line`);
      });
    }
  });
});

/**
 * The extension's TextMate grammars (packages/vscode-ext/syntaxes) through vscode-tmgrammar-test, which tokenizes
 * with VS Code's own engine (vscode-textmate + oniguruma):
 * - snapshots (vscode-tmgrammar-snap in compare mode) of real firewall log lines and iptables-save dumps, plus the
 *   repo's samples/sample.log and test/fixtures/kernel-lines/dmesg.log; a difference fails with the tool's diff;
 * - scope assertions (vscode-tmgrammar-test) on the tokens that matter;
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
    assert.deepEqual(names('netfilter-log'), ['corpus-firewall.log', 'dmesg.log', 'sample.log']);
    assert.deepEqual(names('iptables'), ['openvpn-eu.iptables-save', 'parser-test.ip6tables-save', 'parser-test.iptables-save']);
  });

  for (const lang of LANGUAGES) {
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
    copyFileSync(join(HERE, 'snap', 'corpus-firewall.log'), join(dir, 'corpus-firewall.log'));
    const snap = readFileSync(join(SNAP, 'corpus-firewall.log.snap'), 'utf8');
    const tampered = snap.replace(' string.unquoted.ip-address.ipv4.netfilter-log', ' constant.numeric.integer.netfilter-log');
    assert.notEqual(tampered, snap);
    writeFileSync(join(dir, 'corpus-firewall.log.snap'), tampered);
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

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  ReferencesRequest,
  SemanticTokensRequest,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node.js';
import { CORPUS } from '../corpus.js';
import { TestClient } from './client.js';

const RULES = [
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD DROP [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':SSH - [0:0]',
  '-A INPUT -i lo -j ACCEPT',
  '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -p tcp -m tcp --dport 22 -j SSH',
  '-A INPUT -j REJECT --reject-with icmp-host-prohibited',
  '-A INPUT -m limit --limit 1/s -j LOG --log-prefix "FINAL_REJECT: "',
  '-A SSH -s 192.0.2.0/24 -j ACCEPT',
  '-A SSH -j DROP',
  'COMMIT',
];
const URI = 'file:///tmp/portcullis-test/rules.v4';

/** The largest iptables-save dump in the corpus (the benchmark's file too). */
function largestDump(): string {
  const dir = join(CORPUS, 'iptables-semantics-dumps');
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

const lineOf = (needle: string): number => RULES.findIndex((l) => l.includes(needle));
const pos = (needle: string, word: string, extra = 1) => ({ line: lineOf(needle), character: RULES[lineOf(needle)].indexOf(word) + extra });
const labels = (r: CompletionItem[] | CompletionList | null): string[] => (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);

describe('lsp over stdio: iptables', function () {
  this.timeout(30_000);
  let client: TestClient;
  const doc = { uri: URI };

  before(async () => {
    client = new TestClient({ locale: 'en' });
    await client.initialize();
    await client.open(URI, 'iptables', RULES.join('\n') + '\n');
  });

  after(async () => {
    if (client) assert.equal(await client.stop(), 0);
  });

  it('flags the LOG after the final REJECT as unreachable, with a quick fix that moves it', async () => {
    const ds = await client.waitForDiagnostics(URI);
    const d = ds.find((x) => x.code === 'unreachable');
    assert.ok(d, ds.map((x) => `${x.code}: ${x.message}`).join('\n'));
    assert.equal(d.range.start.line, lineOf('-j LOG'));
    assert.equal(d.source, 'portcullis');
    assert.ok(d.relatedInformation?.[0].location.range.start.line === lineOf('-j REJECT'));
    const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: doc, range: d.range, context: { diagnostics: [d] } });
    const fix = (actions ?? []).find((a) => 'edit' in a && a.title.startsWith('Move'));
    assert.ok(fix && 'edit' in fix, JSON.stringify(actions));
    const edits = fix.edit!.changes![URI] as TextEdit[];
    // apply the edits (from the bottom up) and check the LOG now sits just above the REJECT
    const lines = [...RULES, ''];
    const text = applyEdits(lines.join('\n'), edits);
    const after = text.split('\n');
    assert.ok(after.indexOf(RULES[lineOf('-j LOG')]) === after.indexOf(RULES[lineOf('-j REJECT')]) - 1, text);
  });

  it('hovers a target, a match option and a chain', async () => {
    const hover = async (p: { line: number; character: number }) => ((await client.connection.sendRequest(HoverRequest.type, { textDocument: doc, position: p }))?.contents as MarkupContent).value;
    assert.match(await hover(pos('-j REJECT', 'REJECT')), /target `REJECT`/);
    assert.match(await hover(pos('--dport', '--dport')), /destination port/);
    assert.match(await hover(pos('--log-prefix', '--log-prefix')), /prefix/i);
    assert.match(await hover(pos('-j SSH', 'SSH')), /user chain/);
    assert.match(await hover({ line: 0, character: 2 }), /table `filter`/);
  });

  it('completes matches after -m, targets and chains after -j, values after --reject-with and --log-level', async () => {
    // each case types its line into a scratch document and asks at its end
    const scratch = 'file:///tmp/portcullis-test/scratch.rules';
    const base = ['*filter', ':INPUT ACCEPT [0:0]', ':SSH - [0:0]'];
    const at = async (text: string) => {
      await client.open(scratch, 'iptables', [...base, text, 'COMMIT'].join('\n'), Date.now());
      return labels(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: scratch }, position: { line: base.length, character: text.length } }));
    };
    const matches = await at('-A INPUT -m ');
    for (const m of ['tcp', 'limit', 'conntrack', 'multiport', 'comment']) assert.ok(matches.includes(m), m);
    const targets = await at('-A INPUT -j ');
    for (const t of ['ACCEPT', 'DROP', 'REJECT', 'LOG', 'SSH']) assert.ok(targets.includes(t), t);
    assert.ok(!targets.includes('INPUT'), 'no jump to a built-in chain');
    assert.ok((await at('-A INPUT -j REJECT --reject-with ')).includes('icmp-host-prohibited'));
    assert.ok((await at('-A INPUT -j LOG --log-level ')).includes('warning'));
    const limit = await at('-A INPUT -m limit --');
    assert.ok(limit.includes('--limit') && limit.includes('--limit-burst'), limit.join(' '));
    assert.ok((await at('-A ')).includes('SSH'));
  });

  it('goes to the definition of a chain and finds its references', async () => {
    const def = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: doc, position: pos('-j SSH', 'SSH') })) as Location;
    assert.equal(def.range.start.line, lineOf(':SSH'));
    assert.equal(def.range.start.character, 1);
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: doc, position: pos(':SSH', 'SSH'), context: { includeDeclaration: true } }))!;
    assert.deepEqual(refs.map((r) => r.range.start.line), [lineOf(':SSH'), lineOf('-j SSH'), lineOf('-A SSH -s'), lineOf('-A SSH -j DROP')]);
  });

  it('outlines table, chains and rules', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: doc })) as DocumentSymbol[];
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, '*filter');
    const chains = symbols[0].children!.map((c) => c.name);
    assert.deepEqual(chains, ['INPUT', 'FORWARD', 'OUTPUT', 'SSH']);
    assert.equal(symbols[0].children![0].children!.length, 5);
  });

  it('folds the table and each chain\'s run of rules', async () => {
    const ranges = (await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: doc }))!;
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine]),
      [
        [0, RULES.length - 1],
        [lineOf('-A INPUT -i lo'), lineOf('FINAL_REJECT')],
        [lineOf('-A SSH -s'), lineOf('-A SSH -j DROP')],
      ],
    );
  });

  it('returns semantic tokens for the rules', async () => {
    const legend = client.initializeResult!.capabilities.semanticTokensProvider!.legend;
    const { data } = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: doc }))!;
    assert.ok(data.length > 0 && data.length % 5 === 0);
    const types = new Set<string>();
    for (let i = 0; i < data.length; i += 5) types.add(legend.tokenTypes[data[i + 3]]);
    for (const t of ['namespace', 'type', 'parameter', 'function', 'string', 'keyword']) assert.ok(types.has(t), t);
  });

  it('updates the diagnostics after an incremental edit', async () => {
    client.forget(URI);
    const line = lineOf('-j LOG');
    // delete the misplaced LOG line: the unreachable warning goes
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }],
    });
    const ds = await client.waitForDiagnostics(URI);
    assert.equal(client.diagnostics.get(URI)?.version, 2);
    assert.ok(!ds.some((d) => d.code === 'unreachable'), ds.map((d) => d.code).join(' '));
    // a jump to a chain that does not exist, typed on the last rule line
    client.forget(URI);
    const ssh = RULES.indexOf('-A SSH -j DROP') - 1;
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version: 3 },
      contentChanges: [{ range: { start: { line: ssh, character: 10 }, end: { line: ssh, character: 14 } }, text: 'NOWHERE' }],
    });
    const ds3 = await client.waitForDiagnostics(URI);
    assert.ok(ds3.some((d) => d.range.start.line === ssh && /NOWHERE/.test(d.message)), ds3.map((d) => `${d.code}@${d.range.start.line}: ${d.message}`).join('\n'));
  });

  it('reads the largest corpus dump without an error diagnostic', async () => {
    const file = largestDump();
    const uri = `file://${file}`;
    await client.open(uri, 'iptables', readFileSync(file, 'utf8'));
    const ds = await client.waitForDiagnostics(uri);
    assert.deepEqual(ds.filter((d) => d.severity === 1).map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`), []);
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.ok(symbols.length >= 1);
  });
});

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

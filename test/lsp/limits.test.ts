import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HoverRequest, SemanticTokensRequest, type MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { TestClient } from './client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = readFileSync(resolve(ROOT, 'samples', 'sample.log'), 'utf8').trimEnd().split('\n');
const FIREWALL = SAMPLE.find((l) => l.includes('SRC=185.242.226.17'))!;

describe('lsp over stdio: sizes and garbage', function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    client = new TestClient({ locale: 'en' });
    await client.initialize();
  });

  after(async () => {
    if (client) assert.equal(await client.stop(), 0);
  });

  it('survives a 1 MB line, binary garbage and invalid UTF-8 in a log', async () => {
    const uri = 'file:///tmp/portcullis-test/garbage.log';
    const huge = `Mar 21 16:02:05 host kernel: IN=eth0 OUT= SRC=${'1'.repeat(1024 * 1024)}`;
    const garbage = Buffer.from([0, 1, 2, 0xff, 0xfe, 0xc3, 0x28, 0x1b, 0x5b, 0x41]).toString('latin1');
    const invalid = Buffer.from([0x49, 0x4e, 0x3d, 0xe2, 0x82, 0x53, 0x52, 0x43, 0x3d]).toString('utf8');
    await client.open(uri, 'netfilter-log', [FIREWALL, huge, garbage, invalid, FIREWALL].join('\n'));
    const started = Date.now();
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 500_000 } });
    assert.equal(h, null);
    assert.ok(Date.now() - started < 1000);
    await client.waitForDiagnostics(uri);
    const ok = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: FIREWALL.indexOf('DPT=') + 1 } });
    assert.match((ok!.contents as MarkupContent).value, /DPT=/);
  });

  it('survives a 1 MB line in a rules file', async () => {
    const uri = 'file:///tmp/portcullis-test/huge.rules';
    await client.open(uri, 'iptables', ['*filter', `-A INPUT ${'-s 10.0.0.1 '.repeat(100_000)}-j DROP`, 'COMMIT'].join('\n'));
    const ds = await client.waitForDiagnostics(uri);
    assert.ok(ds.some((d) => d.code === 'line-too-long'));
  });

  it('skips whole-document features on a 50 MB log, says so once, and still hovers', async () => {
    const uri = 'file:///tmp/portcullis-test/big.log';
    const block = SAMPLE.join('\n') + '\n';
    const text = block.repeat(Math.ceil((50 * 1024 * 1024) / block.length));
    await client.open(uri, 'netfilter-log', text);
    const ds = await client.waitForDiagnostics(uri, undefined, 30_000);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].code, 'too-large');
    assert.match(ds[0].message, /MB: diagnostics skipped/);
    assert.equal(client.messages.filter((m) => m.includes('diagnostics skipped')).length, 1);
    const line = SAMPLE.indexOf(FIREWALL) + SAMPLE.length * 1000;
    const started = Date.now();
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: FIREWALL.indexOf('SRC=') + 6 } });
    assert.match((h!.contents as MarkupContent).value, /185\.242\.226\.17/);
    assert.ok(Date.now() - started < 1000);
    const tokens = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    assert.ok(tokens!.data.length > 0);
    assert.ok(client.messages.some((m) => m.includes('semantic highlighting covers the first')));
  });

  it('portcullis.largeFiles.maxMegabytes moves the line: a 2 MB log skips diagnostics under a 1 MB limit', async () => {
    const small = new TestClient({ locale: 'en', settings: { largeFiles: { maxMegabytes: 1 } } });
    try {
      await small.initialize();
      const lines: string[] = [];
      for (let size = 0; size < 2 * 1024 * 1024; size += FIREWALL.length + 1) lines.push(FIREWALL);
      const uri = 'file:///tmp/portcullis-limits/two-mb.log';
      await small.open(uri, 'netfilter-log', `${lines.join('\n')}\n`);
      const ds = await small.waitForDiagnostics(uri, (d) => d.length > 0);
      assert.equal(ds[0]!.code, 'too-large');
      assert.match(ds[0]!.message, /past 1 MB/);
    } finally {
      assert.equal(await small.stop(), 0);
    }
  });
});

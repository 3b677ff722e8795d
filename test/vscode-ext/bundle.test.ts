/**
 * The extension's bundles: esbuild makes three CommonJS files; the bundled server (with its bundled diagnostics
 * worker) must answer a real LSP client over stdio exactly as the unbundled one does, and the client bundle must
 * load with nothing but `vscode` outside it.
 */
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { REPORT_REQUEST, type LogReport } from '../../packages/lsp/src/protocol.js';
import { TestClient } from '../lsp/client.js';

const EXT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'vscode-ext');
const SAMPLE = readFileSync(resolve(EXT, '..', '..', 'samples', 'sample.log'), 'utf8');

describe('vscode-ext bundles', function () {
  this.timeout(60_000);

  before(async () => {
    await execa(process.execPath, [resolve(EXT, 'build.mjs')]);
  });

  it('builds the client, the server and the worker as CommonJS with only vscode left outside', () => {
    for (const f of ['extension.js', 'server.js', 'diagnostics-worker.js']) assert.ok(existsSync(resolve(EXT, 'dist', f)), f);
    const client = readFileSync(resolve(EXT, 'dist', 'extension.js'), 'utf8');
    const required = [...client.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith('node:'));
    const builtins = new Set(['vscode', 'fs', 'path', 'os', 'crypto', 'net', 'child_process', 'util', 'events', 'stream', 'url', 'assert', 'buffer', 'tty', 'worker_threads']);
    assert.deepEqual([...new Set(required.filter((m) => !builtins.has(m)))], [], 'no package required at run time');
  });

  it('the bundled server hovers and publishes the scan diagnostics of the sample over stdio', async () => {
    const client = new TestClient({ locale: 'en', server: resolve(EXT, 'dist', 'server.js') });
    try {
      await client.initialize();
      const uri = 'file:///tmp/portcullis-bundle/kern.log';
      await client.open(uri, 'netfilter-log', SAMPLE);
      const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'port-scan'));
      assert.ok(diags.some((d) => d.code === 'spoofed-source'), 'spoofed sources too');
      const lines = SAMPLE.split('\n');
      const line = lines.findIndex((l) => l.includes(' SRC='));
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line]!.indexOf(' SRC=') + 2 } });
      assert.match((hover?.contents as MarkupContent).value, /source/i);
      // the report request, with countries from the database the bundle carries (loaded in the background)
      let report: LogReport | undefined;
      for (let i = 0; i < 50 && !report?.attribution; i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        report = await client.connection.sendRequest<LogReport>(REPORT_REQUEST, { uri });
      }
      assert.match(report?.attribution ?? '', /DB-IP/);
      assert.ok(report!.countries.length > 0 && report!.scans.some((f) => f.country), 'countries for the sources and the scanners');
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

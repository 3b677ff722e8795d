import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { generate } from '../../bench/generate.js';
import { logDiagnostics, mergeDiagnostics, type DiagnosticSet } from '../../packages/lsp/src/diagnostics.js';
import { CachedDocument } from '../../packages/lsp/src/documents.js';
import { MAX_DIAGNOSTICS } from '../../packages/lsp/src/limits.js';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../packages/lsp/src/settings.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NOW = Date.UTC(2026, 5, 1);

/** The last list a pass over `text` publishes, its log split between `parts` threads (run here one after another). */
async function diagnostics(text: string, parts: number, settings: ServerSettings = DEFAULT_SETTINGS): Promise<Diagnostic[]> {
  const sets: DiagnosticSet[] = [];
  for (let part = 0; part < parts; part++) {
    const doc = new CachedDocument('file:///parts.log', 'netfilter-log', 1, text, NOW);
    await logDiagnostics(doc, { lang: 'en', settings, isStale: () => false, part: { part, parts } }, (d) => (sets[part] = d));
  }
  return mergeDiagnostics(sets, 'en');
}

const key = (d: Diagnostic): string => JSON.stringify([d.range, d.code, d.severity, d.message, d.data ?? null]);
const sorted = (ds: readonly Diagnostic[]): string[] => ds.map(key).sort();

describe('lsp diagnostics split between threads by source', function () {
  this.timeout(120_000);

  it('gives the diagnostics of one pass on the sample log, for 2 and 3 parts', async () => {
    const text = readFileSync(join(ROOT, 'samples', 'sample.log'), 'utf8');
    const settings = { ...DEFAULT_SETTINGS, wan: ['eth0'] };
    const one = await diagnostics(text, 1, settings);
    assert.ok(one.some((d) => d.code === 'port-scan') && one.some((d) => d.code === 'spoofed-source'), 'findings on the sample');
    assert.deepEqual(sorted(await diagnostics(text, 2, settings)), sorted(one));
    assert.deepEqual(sorted(await diagnostics(text, 3, settings)), sorted(one));
  });

  it('gives the diagnostics of one pass on a generated log of 20k lines (scanners, IPv6 /64s, noise)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcl-lsp-parts-'));
    try {
      const out = join(dir, 'mixed.log');
      await generate({ lines: 20_000, seed: 11, out });
      const text = readFileSync(out, 'latin1');
      const one = await diagnostics(text, 1);
      assert.ok(one.filter((d) => d.code === 'port-scan').length > 10, 'scan warnings');
      assert.ok(one.length < MAX_DIAGNOSTICS, 'under the cap, so nothing depends on which were cut');
      assert.deepEqual(sorted(await diagnostics(text, 2)), sorted(one));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts the merged list once, counting what each part cut', () => {
    const d = (i: number, code: string): Diagnostic => ({ range: { start: { line: i, character: 0 }, end: { line: i, character: 1 } }, code, message: code });
    const many = (n: number, code: string): Diagnostic[] => Array.from({ length: n }, (_, i) => d(i, code));
    const a: DiagnosticSet = { marks: many(10, 'port-scan'), invalid: [], problems: many(MAX_DIAGNOSTICS, 'truncated'), hints: [], omitted: 7 };
    const b: DiagnosticSet = { marks: many(5, 'port-scan'), invalid: [], problems: [], hints: many(3, 'noise-igmp'), omitted: 0 };
    const merged = mergeDiagnostics([a, b], 'en');
    assert.equal(merged.length, MAX_DIAGNOSTICS + 1);
    assert.equal(merged.filter((x) => x.code === 'port-scan').length, 15, 'the findings of both parts come first');
    const more = merged.at(-1)!;
    assert.equal(more.code, 'too-many-diagnostics');
    // 15 marks + 5000 problems + 3 hints = 5018 listed, 5000 kept, 18 left out, plus the 7 part a cut before
    assert.match(more.message, /^25 /);
    assert.deepEqual(mergeDiagnostics([{ marks: [d(0, 'x')], invalid: [], problems: [], hints: [], omitted: 0 }], 'en'), [d(0, 'x')]);
  });
});

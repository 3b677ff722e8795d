/** `npm run package` makes portcullis-<version>.vsix holding the bundles, grammars, schema and manifest only. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXT = resolve(ROOT, 'packages', 'vscode-ext');

describe('vscode-ext package (.vsix)', function () {
  this.timeout(120_000);

  it('npm run package writes portcullis-<version>.vsix with the shipped files and nothing else', async () => {
    const version = (JSON.parse(readFileSync(resolve(EXT, 'package.json'), 'utf8')) as { version: string }).version;
    const vsix = resolve(EXT, `portcullis-${version}.vsix`);
    rmSync(vsix, { force: true });
    const r = await execa('npm', ['run', 'package'], { cwd: ROOT, reject: false, env: { CI: 'true' } });
    assert.equal(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(existsSync(vsix), vsix);
    const listing = (await execa('unzip', ['-Z1', vsix])).stdout.split('\n').filter((f) => f.startsWith('extension/') && !f.endsWith('/'));
    const expected = [
      'extension/LICENSE.txt',
      'extension/package.json',
      'extension/readme.md',
      'extension/dist/dbip-country.mmdb',
      'extension/dist/diagnostics-worker.js',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/schemas/config.schema.json',
      'extension/syntaxes/iptables.tmLanguage.json',
      'extension/syntaxes/netfilter-log.tmLanguage.json',
    ];
    assert.deepEqual(listing.sort(), expected.sort());
    const manifest = JSON.parse((await execa('unzip', ['-p', vsix, 'extension/package.json'])).stdout) as { contributes: { languages: Array<{ id: string }> } };
    assert.deepEqual(manifest.contributes.languages.map((l) => l.id), ['netfilter-log', 'iptables']);
  });
});

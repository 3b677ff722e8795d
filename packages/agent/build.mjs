// Bundles the `portcullis` CLI (after `tsc -b`) into dist/bundle/: one ESM entry and a chunk per command, so a
// command loads only what it uses (and `run` once more on its own, see below) (the Redis client only when a fleet is configured). Node then reads a handful of
// files instead of resolving some 200 modules on every cron run; that resolution was most of an idle run's time.
// The config's validator is generated here with ajv's standalone code instead of compiled from the schema at each
// start (see src/config/schema-validator.ts).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const out = join(dist, 'bundle');
const generated = join(dist, 'generated');

const { CONFIG_SCHEMA } = await import(pathToFileURL(join(dist, 'config', 'schema.js')).href);
const { VALIDATOR_OPTIONS } = await import(pathToFileURL(join(dist, 'config', 'schema-validator.js')).href);
const ajv = new Ajv({ ...VALIDATOR_OPTIONS, code: { source: true } });
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, 'validate-config.cjs'), standaloneCode(ajv, ajv.compile(CONFIG_SCHEMA)));
writeFileSync(
  join(generated, 'schema-validator.mjs'),
  "import validate from './validate-config.cjs';\nexport function configValidator() {\n  return validate;\n}\n",
);

/** dist/config/schema-validator.js (ajv at run time) → the generated validator, for the bundle only. */
const precompiledValidator = {
  name: 'precompiled-validator',
  setup(b) {
    b.onResolve({ filter: /\/schema-validator\.js$/ }, (args) =>
      args.importer.startsWith(join(dist, 'config')) ? { path: join(generated, 'schema-validator.mjs') } : undefined,
    );
  },
};

/**
 * For the bundle of `run` alone: main.ts's other commands (its dynamic imports but for run and the failure messages)
 * become an empty module, so that the code `run` shares with them no longer splits into chunks of its own.
 */
const onlyRun = {
  name: 'only-run',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer === join(dist, 'cli', 'main.js') && args.path !== './run.js' && args.path !== './failures.js'
        ? { path: args.path, namespace: 'left-out' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'export {};\n', loader: 'js' }));
  },
};

// The bundle's identity for the config's settings cache (src/config/settings-cache.ts): the version and a hash of
// every file of both bundles as built with a stand-in for the identity itself, put in once the hash is known.
// Entries made by any other build are misses.
const { version } = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const BUILD_STANDIN = 'portcullis-build-id-not-yet-known';

const common = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  define: { __PORTCULLIS_BUILD__: JSON.stringify(BUILD_STANDIN) },
  write: false,
  // which module ends up in which chunk, and how large: what a command pays to load (dist/bundle-meta*.json, for
  // esbuild's analyzer)
  metafile: true,
  // CommonJS dependencies (ajv's runtime, ipaddr.js, yaml's helpers) call require(); in an ES module it must exist
  banner: { js: "import { createRequire as __portcullisRequire } from 'node:module'; const require = __portcullisRequire(import.meta.url);" },
};

rmSync(out, { recursive: true, force: true });
// Every command, a chunk per command. scan's worker threads start from a file of their own, beside the chunk that
// starts them (cli/scan-count.ts).
const full = await build({
  ...common,
  entryPoints: { cli: join(dist, 'cli', 'main.js'), 'scan-worker': join(dist, 'cli', 'scan-worker.js') },
  outdir: out,
  plugins: [precompiledValidator],
});
// `run` again, alone (bundle/run/): the cron job of every minute. In the full bundle its code is split by which other
// commands share it, into some 20 files, and Node's ES module loader costs about 0.7 ms a file on top of the code
// (resolving, reading, the package scope of each); alone, the code it always runs is in a handful.
const runOnly = await build({ ...common, entryPoints: { main: join(dist, 'cli', 'main.js') }, outdir: join(out, 'run'), plugins: [precompiledValidator, onlyRun] });

const files = [...full.outputFiles, ...runOnly.outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
const hash = createHash('sha256');
for (const f of files) hash.update(`${f.path.slice(out.length)}\0${f.contents.length}\0`).update(f.contents);
const buildId = `${version}+${hash.digest('hex')}`;
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  const text = f.text;
  writeFileSync(f.path, text.includes(BUILD_STANDIN) ? text.replaceAll(BUILD_STANDIN, buildId) : f.contents);
}
// The entry (bin/portcullis.js imports it): `run` from its own bundle, everything else from the full one.
writeFileSync(
  join(out, 'main.js'),
  "export async function main(argv, io) {\n  return (await (argv[0] === 'run' ? import('./run/main.js') : import('./cli.js'))).main(argv, io);\n}\n",
);
writeFileSync(join(dist, 'bundle-meta.json'), JSON.stringify(full.metafile));
writeFileSync(join(dist, 'bundle-run-meta.json'), JSON.stringify(runOnly.metafile));

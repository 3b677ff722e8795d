import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { NOISE_REASONS } from '@portcullis/core';
import { checkConfigText } from '../../../packages/agent/src/config/check.js';
import { loadConfig } from '../../../packages/agent/src/config/load.js';
import { CONFIG_DEFAULTS, CONFIG_SCHEMA, type SchemaNode } from '../../../packages/agent/src/config/schema.js';
import { labFacts } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const agent = join(root, 'packages', 'agent');
const schemaJson = join(agent, 'src', 'config', 'schema.json');
const example = join(agent, 'examples', 'config.yaml');
const configMd = readFileSync(join(agent, 'CONFIG.md'), 'utf8');

/** Every key path of the schema (`detect.scan.ports`), sections included, with its node. */
function keyPaths(node: SchemaNode, prefix = ''): [string, SchemaNode][] {
  const out: [string, SchemaNode][] = [];
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    out.push([path, child]);
    out.push(...keyPaths(child, path));
  }
  return out;
}

const leaves = keyPaths(CONFIG_SCHEMA).filter(([, n]) => n.properties === undefined);

describe('config: schema, example and CONFIG.md stay true', () => {
  it('schema.json is generated from schema.ts (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(schemaJson, generated);
    assert.equal(readFileSync(schemaJson, 'utf8'), generated, 'schema.json is stale: run UPDATE_SCHEMA=1 npx mocha test/agent/config/docs.test.ts');
  });

  it('the schema is valid draft-07 and strict for ajv', () => {
    const ajv = new Ajv({ allowUnionTypes: true, strict: true });
    assert.equal(ajv.validateSchema(CONFIG_SCHEMA), true, JSON.stringify(ajv.errors));
    ajv.compile(CONFIG_SCHEMA);
  });

  it('every key has a description and, where it does not depend on the machine, a default', () => {
    for (const [path, node] of keyPaths(CONFIG_SCHEMA)) {
      assert.ok(node.description, `${path} has a description`);
      if (node.properties === undefined && path !== 'sources' && path !== 'wan') assert.ok('default' in node, `${path} has a default`);
    }
  });

  it("the schema's defaults validate and are what the loader uses", () => {
    const asYaml: Record<string, unknown> = {};
    for (const [path, node] of leaves) {
      if (!('default' in node)) continue;
      const segs = path.split('.');
      let cur = asYaml;
      for (const s of segs.slice(0, -1)) cur = (cur[s] ??= {}) as Record<string, unknown>;
      cur[segs[segs.length - 1]] = node.default;
    }
    assert.deepEqual(asYaml, JSON.parse(JSON.stringify(CONFIG_DEFAULTS)));
    const fromDefaults = checkConfigText(JSON.stringify(asYaml), 'defaults.json');
    const fromNothing = checkConfigText('', 'empty.yaml');
    assert.deepEqual({ ...fromDefaults, file: '' }, { ...fromNothing, file: '' });
  });

  it("noise reasons are core's", () => {
    const reasons = CONFIG_SCHEMA.properties?.detect.properties?.noise.properties?.reasons;
    assert.deepEqual(reasons?.items?.enum, NOISE_REASONS);
  });

  it('CONFIG.md names every key with its default', () => {
    for (const [path, node] of keyPaths(CONFIG_SCHEMA)) {
      assert.ok(configMd.includes(`\`${path}\``), `CONFIG.md mentions \`${path}\``);
    }
    for (const [path, node] of leaves) {
      const row = configMd.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
      assert.ok(row, `CONFIG.md has a table row for ${path}`);
      if (!('default' in node)) continue;
      const d = node.default;
      const text = Array.isArray(d) ? `[${d.join(', ')}]` : d === '' ? '""' : String(d);
      assert.ok(row.includes(`\`${text}\``), `CONFIG.md gives ${path}'s default as \`${text}\`: ${row}`);
    }
  });

  it('the example file validates, and shows every section', async () => {
    const text = readFileSync(example, 'utf8');
    const settings = checkConfigText(text, example);
    assert.deepEqual(settings.notes, []);
    for (const key of Object.keys(CONFIG_SCHEMA.properties ?? {})) assert.match(text, new RegExp(`^#? ?${key}:`, 'm'), `the example shows ${key}`);
    for (const [path] of leaves) {
      const last = path.split('.').pop() ?? '';
      assert.match(text, new RegExp(`^\\s*#? ?${last}:`, 'm'), `the example shows ${path}`);
    }
    const cfg = await loadConfig(example, { system: labFacts, exists: () => false, env: {} });
    assert.deepEqual(cfg.sources, ['/var/log/kern.log']);
    assert.deepEqual(cfg.allow, ['192.0.2.0/24', '2001:db8:1234::/48']);
  });

  it('the built package validates from dist (the schema travels as code)', async function () {
    const dist = join(agent, 'dist', 'config', 'check.js');
    // `npm test` builds first; a missing dist is a broken build, not a reason to pass quietly
    assert.ok(existsSync(dist), `${dist} is missing: run npx tsc -b`);
    const mod = (await import(dist)) as typeof import('../../../packages/agent/src/config/check.js');
    assert.equal(mod.checkConfigText('ban: {time: 2h}', 'x.yaml').ban.timeMs, 7_200_000);
    assert.throws(() => mod.checkConfigText('ban: {time: 2x}', 'x.yaml'), /x\.yaml:1:13: ban\.time: '2x' is not a duration/);
  });
});

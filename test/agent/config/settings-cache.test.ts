import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfigText } from '../../../packages/agent/src/config/check.js';
import { ConfigError, loadConfig, type LoadOptions } from '../../../packages/agent/src/config/load.js';
import { BUILD_ID, cachedSettings, saveSettings, settingsCacheFrom, type SettingsCache } from '../../../packages/agent/src/config/settings-cache.js';
import { labFacts } from './helpers.js';

// every section, so that a setting JSON would not carry exactly (and so would never be cached) shows up here
const RICH = `
sources: [/var/log/kern.log, journald]
wan: [wan0]
allow: [203.0.113.0/24, 2001:db8::/32]
detect:
  scan: {ports: 25, window: 2m, long_window: 2d}
  spoof: {guard: true}
  noise: {reasons: [igmp, mdns], broadcast: [192.168.1.255]}
ban: {time: 90s, increment: 1.5, max: 1w}
backend: {type: nftables, table: pcl}
state: /srv/portcullis
share:
  redis: redis://portcullis:secret@redis.example.net:6379/0
  trust: ['*']
abuseipdb:
  key_env: ABUSEIPDB_KEY
  check: true
lists:
  - name: drop
    url: https://www.example.net/drop.txt
    refresh: 12h
`;

const scratch = mkdtempSync(join(tmpdir(), 'pcl-settings-cache-'));
let n = 0;
/** A fresh directory for one test: its config and its cache. */
function place(): { dir: string; cache: SettingsCache; config: (text: string) => string } {
  const dir = join(scratch, String(n++));
  mkdirSync(dir);
  const cache: SettingsCache = { dir: join(dir, 'cache'), build: '0.1.0+test' };
  return {
    dir,
    cache,
    config: (text) => {
      const p = join(dir, 'config.yaml');
      writeFileSync(p, text);
      return p;
    },
  };
}
const options = (cache?: SettingsCache): LoadOptions => ({ system: labFacts, exists: () => false, env: {}, cache });
const entries = (cache: SettingsCache): string[] => (existsSync(cache.dir) ? readdirSync(cache.dir) : []);
function entryFile(cache: SettingsCache): string {
  const [name] = entries(cache);
  assert.ok(name, 'an entry was written');
  return join(cache.dir, name);
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('config/settings-cache', () => {
  it('keeps the checked settings of a config and gives them back, the same as checking the file again', async () => {
    const { cache, config } = place();
    const file = config(RICH);
    const first = await loadConfig(file, options(cache));
    assert.equal(entries(cache).length, 1);
    assert.equal(statSync(cache.dir).mode & 0o777, 0o700);
    assert.equal(statSync(entryFile(cache)).mode & 0o777, 0o600);
    const kept = cachedSettings(cache, file, RICH);
    assert.deepEqual(kept, checkConfigText(RICH, file));
    const again = await loadConfig(file, options(cache));
    assert.deepEqual(again, first);
    assert.deepEqual(again, await loadConfig(file, options()));
  });

  it('also keeps the defaults of an empty file and of the example config', async () => {
    const example = fileURLToPath(new URL('../../../packages/agent/examples/config.yaml', import.meta.url));
    for (const [file, text] of [['/nonexistent/empty.yaml', ''], [example, readFileSync(example, 'utf8')]] as const) {
      const { cache } = place();
      saveSettings(cache, file, text, checkConfigText(text, file));
      assert.deepEqual(cachedSettings(cache, file, text), checkConfigText(text, file), file);
    }
  });

  it('answers only for the same text, path and build', async () => {
    const { cache, config } = place();
    const file = config('ban: {time: 2h}\n');
    assert.equal((await loadConfig(file, options(cache))).ban.timeMs, 7_200_000);
    // an edit of the same length (so size and, within a tick, mtime could be the same)
    writeFileSync(file, 'ban: {time: 3h}\n');
    assert.equal(cachedSettings(cache, file, 'ban: {time: 3h}\n'), undefined);
    assert.equal((await loadConfig(file, options(cache))).ban.timeMs, 10_800_000);
    assert.equal(entries(cache).length, 1, 'the entry was replaced, not added to');
    assert.equal(cachedSettings({ ...cache, build: '0.1.0+other' }, file, 'ban: {time: 3h}\n'), undefined);
    assert.equal(cachedSettings(cache, `${file}.other`, 'ban: {time: 3h}\n'), undefined);
    assert.ok(cachedSettings(cache, file, 'ban: {time: 3h}\n'));
  });

  it('never keeps a config with problems', async () => {
    const { cache, config } = place();
    const file = config('ban: {time: 2x}\n');
    await assert.rejects(loadConfig(file, options(cache)), ConfigError);
    assert.deepEqual(entries(cache), []);
  });

  it('ignores a damaged or foreign entry, reads the file instead and writes a good entry', async () => {
    const damage: [string, (path: string, raw: string) => void][] = [
      ['cut short', (p, raw) => writeFileSync(p, raw.slice(0, raw.length >> 1))],
      ['empty', (p) => writeFileSync(p, '')],
      ['not JSON', (p) => writeFileSync(p, '\0\0\0\0')],
      ['JSON of another shape', (p) => writeFileSync(p, '[1,2,3]')],
      ['a changed setting, checksum as it was', (p, raw) => writeFileSync(p, raw.replace('7200000', '7300000'))],
      ['writable by others', (p) => chmodSync(p, 0o666)],
      [
        'a symlink to a good entry',
        (p, raw) => {
          const elsewhere = `${p}.real`;
          writeFileSync(elsewhere, raw, { mode: 0o600 });
          rmSync(p);
          symlinkSync(elsewhere, p);
        },
      ],
    ];
    if (process.geteuid?.() === 0) damage.push(['owned by another user', (p) => chownSync(p, 65534, 65534)]);
    for (const [what, spoil] of damage) {
      const { cache, config } = place();
      const file = config('ban: {time: 2h}\n');
      await loadConfig(file, options(cache));
      const entry = entryFile(cache);
      const raw = readFileSync(entry, 'utf8');
      assert.match(raw, /7200000/);
      spoil(entry, raw);
      assert.equal(cachedSettings(cache, file, 'ban: {time: 2h}\n'), undefined, what);
      assert.equal((await loadConfig(file, options(cache))).ban.timeMs, 7_200_000, what);
      assert.ok(cachedSettings(cache, file, 'ban: {time: 2h}\n'), `${what}: rewritten`);
    }
  });

  it('a cache that cannot be written costs nothing but the parse', async () => {
    const { dir, config } = place();
    const file = config('ban: {time: 2h}\n');
    writeFileSync(join(dir, 'not-a-dir'), '');
    const blocked: SettingsCache = { dir: join(dir, 'not-a-dir', 'cache'), build: 'b' };
    assert.equal((await loadConfig(file, options(blocked))).ban.timeMs, 7_200_000);
  });

  it('is named by the environment, and only with a build identity', () => {
    assert.equal(BUILD_ID, undefined, 'sources have no build identity: only the bundle caches');
    assert.equal(settingsCacheFrom({ PORTCULLIS_CACHE_DIR: '/tmp/x' }), undefined);
    assert.deepEqual(settingsCacheFrom({ PORTCULLIS_CACHE_DIR: '/tmp/x' }, 'b'), { dir: '/tmp/x', build: 'b' });
    assert.deepEqual(settingsCacheFrom({ CACHE_DIRECTORY: '/var/cache/portcullis:/var/cache/other' }, 'b'), { dir: '/var/cache/portcullis', build: 'b' });
    assert.equal(settingsCacheFrom({}, 'b'), undefined);
    assert.equal(settingsCacheFrom({ PORTCULLIS_CACHE_DIR: 'relative' }, 'b'), undefined);
  });

  it('the bundled CLI keeps an entry made by its own build where PORTCULLIS_CACHE_DIR says, and reads it back', function () {
    const bin = fileURLToPath(new URL('../../../packages/agent/bin/portcullis.js', import.meta.url));
    const { dir, cache, config } = place();
    const file = config(`state: ${join(dir, 'state')}\nbackend: {type: dry-run}\nwan: [eth0]\nsources: [${join(dir, 'kern.log')}]\n`);
    const env = { ...process.env, PORTCULLIS_CACHE_DIR: cache.dir, CACHE_DIRECTORY: '' };
    const status = (): string => execFileSync(process.execPath, [bin, 'status', '--config', file, '--json'], { env, encoding: 'utf8' });
    const first = status();
    const path = entryFile(cache);
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { build: string; file: string };
    assert.match(entry.build, /^\d+\.\d+\.\d+\+[0-9a-f]{64}$/);
    assert.equal(entry.file, file);
    const { ino } = statSync(path);
    assert.equal(status(), first);
    // `run` comes from a bundle of its own (build.mjs) with the same identity: it takes the entry status wrote
    execFileSync(process.execPath, [bin, 'run', '--config', file], { env, encoding: 'utf8' });
    assert.equal(statSync(path).ino, ino, 'read, not written again');
    assert.deepEqual(entries(cache), [path.slice(cache.dir.length + 1)]);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyState, expiredBans, parseState, StateError, StateStore, STATE_VERSION, type State } from '../../../packages/agent/src/state/store.js';

const here = dirname(fileURLToPath(import.meta.url));
const DAY = 24 * 3600 * 1000;

function sample(): State {
  const s = emptyState();
  s.bans.push({ address: '203.0.113.7', family: 4, kind: 'block', until: 1_700_003_600_000, reason: 'port scan: 40 ports in 12 s' });
  s.bans.push({ address: '2001:db8::1', family: 6, kind: 'spoof', until: 1_700_000_100_000, reason: 'spoofed source on eth0' });
  s.offences.set('203.0.113.7', { count: 2, last: 1_700_000_000_000 });
  s.cursors.set('/var/log/messages', {
    kind: 'file', path: '/var/log/messages', file: '/var/log/messages', dev: '2049', ino: '18446744073709551000', offset: 120,
    fingerprint: 'a'.repeat(64), fingerprintLength: 120, size: 120, mtimeNs: '1700000000123456789', compressed: false,
  });
  s.cursors.set('journald', { kind: 'journald', cursor: 's=abc;i=1' });
  return s;
}

describe('agent state: store', () => {
  let dir: string;
  const warnings: string[] = [];
  const now = 1_700_000_000_000;
  const store = (): StateStore => new StateStore(dir, { warn: (m) => warnings.push(m), now: () => now });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-state-'));
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file is empty state', async () => {
    const s = await store().load();
    assert.deepEqual(s, emptyState());
    assert.deepEqual(warnings, []);
  });

  it('round-trips bans, offences and cursors (64-bit inodes as strings), with a version field', async () => {
    await store().save(sample());
    const raw = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    assert.equal(raw.version, STATE_VERSION);
    assert.deepEqual(await store().load(), sample());
    assert.deepEqual(readdirSync(dir).sort(), ['state.json'], 'no temp file left, no .bak before a second save');
  });

  it('keeps the previous good state as state.json.bak', async () => {
    const s = sample();
    await store().save(s);
    s.bans.pop();
    await store().save(s);
    assert.equal(parseState(readFileSync(join(dir, 'state.json.bak'), 'utf8'), 'bak').bans.length, 2);
    assert.equal((await store().load()).bans.length, 1);
  });

  it('a corrupt file: warning naming file and problem, the .bak is used, the damaged file kept', async () => {
    const s = sample();
    await store().save(s);
    await store().save(s);
    writeFileSync(join(dir, 'state.json'), '{"version":1,"bans":[{"addr');
    const loaded = await store().load();
    assert.deepEqual(loaded, sample());
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /state\.json: not valid JSON .*cut short or damaged; using the previous good copy .*state\.json\.bak/);
    assert.equal(readFileSync(join(dir, 'state.json.corrupt'), 'utf8'), '{"version":1,"bans":[{"addr');
    // the next save must not make the damaged file the .bak
    const st = store();
    await st.load();
    await st.save(loaded);
    assert.deepEqual(parseState(readFileSync(join(dir, 'state.json.bak'), 'utf8'), 'bak'), sample());
  });

  it('a corrupt file and no usable copy is an error, never a silent empty start', async () => {
    writeFileSync(join(dir, 'state.json'), '');
    await assert.rejects(store().load(), (e: unknown) => e instanceof StateError && /state\.json: empty .*no previous good copy/.test(e.message));
    writeFileSync(join(dir, 'state.json'), '{"version":1,"bans":{},"offences":{},"cursors":{}}');
    writeFileSync(join(dir, 'state.json.bak'), 'garbage');
    await assert.rejects(store().load(), /state\.json: "bans" is not a list; the previous copy is unusable too \(.*state\.json\.bak: not valid JSON/);
  });

  it('names the field of a structurally wrong entry', async () => {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, bans: [{ address: '1.2.3.4', family: 5, kind: 'block', until: 1, reason: '' }], offences: {}, cursors: {} }));
    await assert.rejects(store().load(), /bans\[0\] has a "family" other than 4 or 6/);
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: 1, bans: [], offences: {}, cursors: { '/x': { kind: 'file', path: '/x' } } }));
    await assert.rejects(store().load(), /cursors\["\/x"\] file cursor has no string "file"/);
  });

  it('a newer version is a clear error, without falling back to an older copy', async () => {
    await store().save(sample());
    await store().save(sample());
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ version: STATE_VERSION + 1, bans: [] }));
    await assert.rejects(store().load(), /written by a newer portcullis \(state version 2; this one reads version 1\)/);
  });

  it('a missing state.json with a .bak (a crash between renames, a careless rm) uses the .bak', async () => {
    await store().save(sample());
    await store().save(sample());
    rmSync(join(dir, 'state.json'));
    assert.deepEqual(await store().load(), sample());
    assert.match(warnings[0], /missing; using the previous good copy/);
  });

  it('prunes offences older than the horizon (default 30 days) and caps their number', async () => {
    const s = emptyState();
    s.offences.set('192.0.2.1', { count: 1, last: now - 31 * DAY });
    s.offences.set('192.0.2.2', { count: 3, last: now - 29 * DAY });
    await store().save(s);
    assert.deepEqual([...(await store().load()).offences.keys()], ['192.0.2.2']);
    const capped = new StateStore(dir, { now: () => now, maxOffences: 2 });
    for (let i = 0; i < 5; i++) s.offences.set(`198.51.100.${i}`, { count: 1, last: now - i * 1000 });
    await capped.save(s);
    assert.deepEqual([...(await capped.load()).offences.keys()].sort(), ['198.51.100.0', '198.51.100.1']);
  });

  it('expired bans are reported, not silently dropped', () => {
    assert.deepEqual(expiredBans(sample(), 1_700_000_200_000).map((b) => b.address), ['2001:db8::1']);
  });

  it('a save killed with SIGKILL at any moment leaves a valid state, old or new, never a mixture', async function () {
    this.timeout(120_000);
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'save-loop.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('error', reject);
      });
      // let it complete some saves, then kill it somewhere inside one
      await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 200)));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const s = await new StateStore(dir, { warn: (m) => warnings.push(m) }).load();
      assert.ok(s.bans.length > 0, 'some save finished');
      assert.equal(s.offences.size, s.bans.length, 'one consistent snapshot');
      const rounds = new Set(s.bans.map((b) => b.reason.split(' ')[1]));
      assert.equal(rounds.size, 1, 'every ban from the same save');
    }
    assert.deepEqual(warnings, [], 'never needed the .bak: the primary file was always whole');
    assert.ok(existsSync(join(dir, 'state.json')));
  });
});

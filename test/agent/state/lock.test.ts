import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { acquireLock, isStale, LockBusyError, processStartTime } from '../../../packages/agent/src/state/lock.js';

const holder = join(dirname(fileURLToPath(import.meta.url)), 'lock-holder.ts');

function start(...args: string[]): ChildProcessByStdio<null, Readable, null> {
  return spawn(process.execPath, ['--import', 'tsx', holder, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function locked(child: ChildProcessByStdio<null, Readable, null>): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

function exited(child: ChildProcessByStdio<null, Readable, null>): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (c) => resolve(c))));
}

describe('agent state: lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pcl-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes and releases the lock; the lock file names pid and start time', async () => {
    const lock = await acquireLock(dir);
    const owner = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'));
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.start, processStartTime(process.pid));
    await lock.release();
    assert.equal(existsSync(join(dir, 'lock')), false);
    await lock.release();
    await (await acquireLock(dir)).release();
  });

  it('a second holder waits, then fails with a message naming the pid that holds it', async () => {
    const child = start('hold', dir, '-1');
    try {
      await locked(child);
      const t0 = Date.now();
      await assert.rejects(acquireLock(dir, { waitMs: 400, pollMs: 20 }), (e: unknown) => {
        assert.ok(e instanceof LockBusyError);
        assert.match(e.message, new RegExp(`lock: another portcullis run holds the lock \\(pid ${child.pid}, since .*\\); gave up after 0\\.4 s`));
        return true;
      });
      assert.ok(Date.now() - t0 >= 380, 'it waited');
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('a second run that waits long enough gets the lock when the first finishes', async () => {
    const child = start('hold', dir, '300');
    await locked(child);
    const lock = await acquireLock(dir, { waitMs: 10_000, pollMs: 20 });
    assert.equal(await exited(child), 0);
    await lock.release();
  });

  it('the lock of a run killed with -9 is taken over at once', async () => {
    const child = start('hold', dir, '-1');
    await locked(child);
    child.kill('SIGKILL');
    await exited(child);
    assert.ok(existsSync(join(dir, 'lock')), 'kill -9 leaves the lock file');
    const t0 = Date.now();
    const lock = await acquireLock(dir, { waitMs: 5000 });
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('stale: a dead pid, a reused pid (other start time), another boot, an unreadable file', () => {
    const done = spawnSync(process.execPath, ['-e', '0']);
    const base = { host: 'h', since: 'x', token: 't' };
    assert.equal(isStale({ ...base, pid: done.pid! }), true);
    assert.equal(isStale({ ...base, pid: process.pid, start: processStartTime(process.pid) }), false);
    assert.equal(isStale({ ...base, pid: process.pid, start: '1' }), true);
    assert.equal(isStale({ ...base, pid: process.pid, boot: '00000000-0000-0000-0000-000000000000' }), true);
    assert.equal(isStale(undefined), true);
  });

  it('a lock file left by a reused pid or damaged is taken over', async () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 1, start: 'not-init', host: 'h', since: 'x', token: 'old' }));
    await (await acquireLock(dir, { waitMs: 0 })).release();
    writeFileSync(join(dir, 'lock'), '');
    await (await acquireLock(dir, { waitMs: 0 })).release();
  });

  it('mutual exclusion: 4 processes x 15 read-modify-write rounds lose no update', async function () {
    this.timeout(60_000);
    const kids = [1, 2, 3, 4].map(() => start('count', dir, '15'));
    const codes = await Promise.all(kids.map(exited));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    assert.equal(readFileSync(join(dir, 'counter'), 'utf8'), '60');
    assert.equal(existsSync(join(dir, 'lock')), false);
  });
});

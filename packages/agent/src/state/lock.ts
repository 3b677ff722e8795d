import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds the lock, as written in the lock file. */
export interface LockOwner {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart. */
  readonly start?: string;
  /** /proc/sys/kernel/random/boot_id: a lock from before a reboot is stale whatever its pid. */
  readonly boot?: string;
  readonly host: string;
  /** ISO time the lock was taken, for the message a waiting run prints. */
  readonly since: string;
  /** Identifies this acquisition, so a release never removes a lock someone else took over. */
  readonly token: string;
}

export interface LockOptions {
  /** How long a second run waits for the first to finish before giving up (default 10 s). */
  readonly waitMs?: number;
  /** How often it looks again (default 100 ms). */
  readonly pollMs?: number;
}

export interface StateLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** Another run holds the lock and did not finish within the wait. */
export class LockBusyError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(message);
    this.name = 'LockBusyError';
  }
}

/**
 * An exclusive lock on the state directory (`DIR/lock`), so overlapping runs (a slow run and the next cron tick)
 * never both read the same lines and apply the same bans. Node has no flock(2); the lock is a file that only
 * ever appears whole: its content is written to a private temp file and hard-linked to `lock`, and link(2) fails
 * if `lock` exists, which makes taking it atomic.
 *
 * A run killed with -9 cannot remove its lock, so a lock whose owner is gone is stale and is taken over: the pid
 * is not running, or it is running but started at another time (the pid was reused), or the machine has rebooted
 * since. Breaking a stale lock happens under a second lock (`lock.break`) and only if `lock` is still the very
 * file found stale (same inode), so two waiters cannot both break it and end up both holding it.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<StateLock> {
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 100;
  const path = join(dir, 'lock');
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const owner: LockOwner = {
    pid: process.pid,
    start: processStartTime(process.pid),
    boot: bootId(),
    host: hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await createWhole(path, owner)) return held(path, owner);
    const found = await readOwner(path);
    if (found === undefined) continue; // released between our attempt and the read: try again at once
    if (isStale(found.owner)) {
      await breakStale(path, found.ino, owner);
      continue;
    }
    if (Date.now() >= deadline) {
      const o = found.owner!;
      throw new LockBusyError(
        `${path}: another portcullis run holds the lock (pid ${o.pid}${o.host !== owner.host ? ` on ${o.host}` : ''}, since ${o.since}); gave up after ${Math.round(waitMs / 100) / 10} s`,
        path,
        o,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}

function held(path: string, owner: LockOwner): StateLock {
  let released = false;
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      const found = await readOwner(path);
      if (found?.owner?.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}

/** Creates `path` with the owner in it, all at once, or returns false if it exists. */
async function createWhole(path: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${owner.token}.tmp`;
  await writeFile(tmp, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The owner in the lock file and the file's inode; owner undefined when unreadable; undefined when absent. */
async function readOwner(path: string): Promise<{ owner: LockOwner | undefined; ino: bigint } | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { ino } = await fh.stat({ bigint: true });
    const text = await fh.readFile('utf8');
    let owner: LockOwner | undefined;
    try {
      const v = JSON.parse(text) as Partial<LockOwner>;
      if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.token === 'string') {
        owner = { pid: v.pid, start: v.start, boot: v.boot, host: String(v.host ?? ''), since: String(v.since ?? '?'), token: v.token };
      }
    } catch {
      // left undefined: a lock file we did not write whole (a power cut before its data reached the disk)
    }
    return { owner, ino };
  } finally {
    await fh.close();
  }
}

/** True when the owner cannot be running any more (see acquireLock). */
export function isStale(owner: LockOwner | undefined): boolean {
  if (!owner) return true;
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user; only ESRCH says it is gone
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const start = processStartTime(owner.pid);
  return owner.start !== undefined && start !== undefined && start !== owner.start;
}

async function breakStale(path: string, ino: bigint, me: LockOwner): Promise<void> {
  const guard = `${path}.break`;
  if (!(await createWhole(guard, me))) {
    // Another waiter is breaking it, or died doing so (then its guard is stale in turn).
    const g = await readOwner(guard);
    if (g && isStale(g.owner)) await unlinkIfSame(guard, g.ino);
    return;
  }
  try {
    await unlinkIfSame(path, ino);
  } finally {
    await unlinkIfSame(guard, undefined, me.token);
  }
}

/** Unlinks `path` if it is still the file with inode `ino` (or holds `token`); otherwise leaves it. */
async function unlinkIfSame(path: string, ino: bigint | undefined, token?: string): Promise<void> {
  const now = await readOwner(path);
  if (!now) return;
  if (ino !== undefined && now.ino !== ino) return;
  if (token !== undefined && now.owner?.token !== token) return;
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/**
 * Field 22 of /proc/PID/stat. The second field (the command name, in parentheses) may contain spaces and ')', so
 * fields are counted from the last ')'. undefined where there is no /proc (then only the pid is checked).
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19]
    return fields[19];
  } catch {
    return undefined;
  }
}

let cachedBoot: string | null | undefined;

function bootId(): string | undefined {
  if (cachedBoot === undefined) {
    try {
      cachedBoot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() || null;
    } catch {
      cachedBoot = null;
    }
  }
  return cachedBoot ?? undefined;
}

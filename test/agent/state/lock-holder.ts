/**
 * Child process for the lock tests.
 *   hold DIR MS      take the lock, print "locked", keep it MS ms (forever when MS is -1), release
 *   count DIR N      N times: take the lock, read-modify-write DIR/counter slowly, release
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../../packages/agent/src/state/lock.js';

const [mode, dir, arg] = process.argv.slice(2);
if (mode === 'hold') {
  const lock = await acquireLock(dir);
  process.stdout.write('locked\n');
  const ms = Number(arg);
  await new Promise((r) => setTimeout(r, ms < 0 ? 2 ** 31 - 1 : ms));
  await lock.release();
} else if (mode === 'count') {
  for (let i = 0; i < Number(arg); i++) {
    const lock = await acquireLock(dir, { waitMs: 60_000, pollMs: 2 });
    const file = join(dir, 'counter');
    let n = 0;
    try {
      n = Number(readFileSync(file, 'utf8'));
    } catch {
      n = 0;
    }
    // widen the window in which an unprotected run would lose an update
    await new Promise((r) => setTimeout(r, 1));
    writeFileSync(file, String(n + 1));
    await lock.release();
  }
}

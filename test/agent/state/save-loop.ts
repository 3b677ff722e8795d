/**
 * Child process for the crash test: saves ever-changing state in a loop until it is killed with SIGKILL. Every
 * saved state is self-consistent (its ban count equals its offence count), so a reader can tell a mixture.
 */
import { emptyState, StateStore } from '../../../packages/agent/src/state/store.js';

const dir = process.argv[2];
const store = new StateStore(dir, { warn: () => undefined });
let n = 0;
process.stdout.write('ready\n');
for (;;) {
  n++;
  const state = emptyState();
  const size = 1 + (n % 200) * 10;
  for (let i = 0; i < size; i++) {
    state.bans.push({ address: `10.${(i >> 8) & 255}.${i & 255}.${n & 255}`, family: 4, kind: 'block', until: Date.now() + 3600_000, reason: `round ${n} ${'x'.repeat(n % 50)}` });
    state.offences.set(`10.${(i >> 8) & 255}.${i & 255}.${n & 255}`, { count: n, last: Date.now() });
  }
  await store.save(state);
}

/**
 * A patient scan spread over many cron runs of `portcullis run` is found as surely as one read in one go: the
 * long-horizon counts travel in state.json from run to run (the carry holds only the last minute of lines).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { runOnce, type RunDeps } from '../../../packages/agent/src/run/run-once.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';

const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
const MIN = 60_000;
const SCANNER = '89.248.165.61';
const ORDINARY = '45.83.64.2';

function line(t: number, src: string, port: number): string {
  return `${new Date(t).toISOString()} host kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

describe('agent runOnce: a patient scan across cron runs', () => {
  let dir = '';
  let log = '';
  let clock = T0;
  let backend: DryRunBackend;
  const deps = (): RunDeps => ({
    sources: [log],
    stateDir: join(dir, 'state'),
    backend,
    wan: ['eth0'],
    allow: [],
    detect: {},
    ban: { timeMs: 3_600_000, factor: 2, maxMs: 7 * 86_400_000 },
    startAt: 'beginning',
    now: () => clock,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-longruns-'));
    log = join(dir, 'kern.log');
    writeFileSync(log, '');
    clock = T0;
    backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true }, now: () => clock });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('two new ports every 30 minutes (never 20 in an hour): banned at the run that brings the 12th', async () => {
    let bannedAt = -1;
    for (let run = 0; run < 8; run++) {
      const t = T0 + run * 30 * MIN;
      // once banned, its packets are dropped before the logging rule sees them
      if (bannedAt < 0) appendFileSync(log, line(t, SCANNER, 1000 + 2 * run) + line(t + 7 * MIN, SCANNER, 1001 + 2 * run));
      // an ordinary source on its one port, every run
      appendFileSync(log, line(t + 9 * MIN, ORDINARY, 443));
      clock = t + 29 * MIN;
      const r = await runOnce(deps());
      assert.equal(r.lines, bannedAt < 0 ? 3 : 1, `run ${run} reads only its new lines`);
      if (r.applied.length) {
        assert.equal(bannedAt, -1, `banned once, again at run ${run}: ${JSON.stringify(r.applied)}`);
        bannedAt = run;
        assert.deepEqual(r.applied.map((b) => b.address), [SCANNER]);
        assert.match(r.decisions[0]!.why.en, /12 distinct ports on 1 host over 3 h .*within 24 h/);
      }
    }
    assert.equal(bannedAt, 5, 'the sixth run brings ports 11 and 12');
    const state = await new StateStore(join(dir, 'state')).load();
    assert.ok(state.detect, 'the counts are in the state');
    const ordinary = state.detect.sources.find((s) => s[0] === ORDINARY);
    assert.ok(ordinary);
    assert.deepEqual(ordinary[3].map(([k]) => k), [443], 'the ordinary source is one port, however many runs');
    assert.ok(readFileSync(join(dir, 'state', 'state.json'), 'utf8').length < 4096, 'the state stays small');
  });

  it('the same lines read in one run give the same verdict', async () => {
    for (let run = 0; run < 6; run++) {
      const t = T0 + run * 30 * MIN;
      appendFileSync(log, line(t, SCANNER, 1000 + 2 * run) + line(t + 7 * MIN, SCANNER, 1001 + 2 * run));
    }
    clock = T0 + 3 * 3_600_000;
    const r = await runOnce(deps());
    assert.deepEqual(r.applied.map((b) => b.address), [SCANNER]);
    assert.match(r.decisions[0]!.why.en, /12 distinct ports on 1 host over 3 h/);
  });
});

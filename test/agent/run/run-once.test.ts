/**
 * runOnce over several cron runs, with the real dry-run backend (its list() answers from what this process applied)
 * and a real state directory: what must hold from one run to the next.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detector } from '@portcullis/core';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { runOnce, type RunDeps } from '../../../packages/agent/src/run/run-once.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const SCANNER = '89.248.165.52';

function line(t: number, src: string, port: number): string {
  return `${new Date(t).toISOString()} host kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

describe('agent runOnce across cron runs', () => {
  let dir = '';
  let log = '';
  let clock = T0;
  let backend: DryRunBackend;
  const deps = (over: Partial<RunDeps> = {}): RunDeps => ({
    sources: [log],
    stateDir: join(dir, 'state'),
    backend,
    wan: ['eth0'],
    allow: [],
    detect: { scan: { ports: 10, hosts: 10, windowMs: 60_000, slowPorts: 1000 } },
    ban: { timeMs: 3_600_000, factor: 2, maxMs: 7 * 86_400_000 },
    startAt: 'beginning',
    now: () => clock,
    ...over,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-runonce-'));
    log = join(dir, 'kern.log');
    writeFileSync(log, '');
    clock = T0;
    backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true }, now: () => clock });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a scan split over two runs is found whole: the first run carries its lines over', async () => {
    for (let p = 1; p <= 6; p++) appendFileSync(log, line(T0 + p * 1000, SCANNER, p));
    clock = T0 + 10_000;
    const first = await runOnce(deps());
    assert.deepEqual([first.applied.length, first.findings.length], [0, 0], 'six ports: not yet a scan');
    const saved = await new StateStore(join(dir, 'state')).load();
    assert.equal(saved.carry.length, 6, 'the six lines wait in the state');

    for (let p = 7; p <= 12; p++) appendFileSync(log, line(T0 + 20_000 + p * 1000, SCANNER, p));
    clock = T0 + 40_000;
    const second = await runOnce(deps());
    assert.equal(second.lines, 6, 'only the new lines are read from the file');
    assert.equal(second.carried, 6);
    assert.deepEqual(second.applied.map((b) => b.address), [SCANNER]);
    assert.match(second.decisions[0]!.why.en, /12 distinct ports/);
    assert.deepEqual((await new StateStore(join(dir, 'state')).load()).carry, [], 'a banned source leaves nothing to carry');
  });

  it('lines older than the window are not carried: a slow trickle below every rule stays below it', async () => {
    // the long-horizon rule (tested in long-horizon-runs.test.ts) would add the two halves up: off here
    const noLong = { detect: { scan: { ports: 10, hosts: 10, windowMs: 60_000, slowPorts: 1000, longPorts: 0 } } };
    for (let p = 1; p <= 6; p++) appendFileSync(log, line(T0 + p * 1000, SCANNER, p));
    clock = T0 + 10_000;
    await runOnce(deps(noLong));
    for (let p = 7; p <= 12; p++) appendFileSync(log, line(T0 + 600_000 + p * 1000, SCANNER, p));
    clock = T0 + 620_000;
    const second = await runOnce(deps(noLong));
    assert.deepEqual(second.applied, [], 'ten minutes apart: two halves of nothing');
    assert.equal((await new StateStore(join(dir, 'state')).load()).carry.length, 6, 'only the last window is kept');
  });

  it('a source found again while its ban runs is not counted as a new offence', async () => {
    for (let p = 1; p <= 12; p++) appendFileSync(log, line(T0 + p * 100, SCANNER, p));
    clock = T0 + 5_000;
    assert.equal((await runOnce(deps())).applied.length, 1);
    // lines it sent before the ban took hold, logged late
    for (let p = 13; p <= 30; p++) appendFileSync(log, line(T0 + 4_000 + p * 10, SCANNER, p));
    clock = T0 + 65_000;
    const again = await runOnce(deps());
    assert.deepEqual([again.applied.length, again.alreadyBanned], [0, 1]);
    assert.equal((await new StateStore(join(dir, 'state')).load()).offences.get(SCANNER)?.count, 1);
  });

  it('a run with no line to read (no new line, nothing carried) counts nothing and keeps the long-horizon counts as saved', async () => {
    for (let p = 1; p <= 12; p++) appendFileSync(log, line(T0 + p * 100, SCANNER, p));
    clock = T0 + 5_000;
    assert.equal((await runOnce(deps())).applied.length, 1, 'banned: its lines are not carried');
    const before = await new StateStore(join(dir, 'state')).load();
    assert.deepEqual(before.carry, []);
    assert.ok(before.detect?.sources.length, 'the scanner is in the long-horizon counts');
    clock = T0 + 65_000;
    const idle = await runOnce(deps());
    assert.equal(idle.lines, 0);
    assert.deepEqual(idle.findings, []);
    // the detector this run did not load would have said just this
    assert.deepEqual(idle.stats, new Detector(deps().detect).stats);
    const after = await new StateStore(join(dir, 'state')).load();
    assert.deepEqual(after.detect, before.detect);
    assert.deepEqual([after.carry, after.bans], [before.carry, before.bans]);
  });

  it('an address added to the allow list after its ban is let go at the next run', async () => {
    for (let p = 1; p <= 12; p++) appendFileSync(log, line(T0 + p * 100, SCANNER, p));
    clock = T0 + 5_000;
    await runOnce(deps());
    assert.deepEqual((await backend.list()).map((e) => e.address), [SCANNER]);
    clock = T0 + 60_000;
    await runOnce(deps({ allow: [{ cidr: '89.248.160.0/20', why: 'config' }] }));
    assert.deepEqual(await backend.list(), [], 'removed from the kernel');
    assert.deepEqual((await new StateStore(join(dir, 'state')).load()).bans, [], 'and from the state');
  });
});

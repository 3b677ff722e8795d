import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../packages/agent/src/backends/backend.js';
import { spawnRunner } from '../../../packages/agent/src/backends/runner.js';

describe('agent runner (node:child_process, argument arrays, bounded concurrency)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-runner-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs at most `concurrency` commands at once, and all of them', async () => {
    const run = spawnRunner({ concurrency: 2 });
    // each command marks itself running, reports how many are running, and unmarks itself a moment later
    const script = 'touch "$0/$$"; ls "$0" | wc -l; sleep 0.2; rm "$0/$$"';
    const results = await Promise.all(Array.from({ length: 8 }, () => run('bash', ['-c', script, dir])));
    const counts = results.map((r) => Number(r.stdout.trim()));
    assert.equal(counts.length, 8);
    assert.ok(Math.max(...counts) <= 2, `at most 2 at once: ${counts.join(' ')}`);
    assert.ok(counts.includes(2), `two did run side by side: ${counts.join(' ')}`);
  });

  it('passes arguments as they are (no shell) and stdin as given', async () => {
    const run = spawnRunner();
    const r = await run('cat', [], 'a; $(rm -rf /) `x`\n');
    assert.equal(r.stdout, 'a; $(rm -rf /) `x`');
    const e = await run('printf', ['%s|', '$HOME', '*']);
    assert.equal(e.stdout, '$HOME|*|');
  });

  it('a missing program and a refusal are BackendErrors with one sentence', async () => {
    const run = spawnRunner();
    await assert.rejects(run('pcl-no-such-tool', ['x']), (e: unknown) => e instanceof BackendError && /pcl-no-such-tool: not installed/.test(e.message));
    await assert.rejects(run('bash', ['-c', 'echo nope >&2; exit 3']), (e: unknown) => e instanceof BackendError && e.message === 'bash refused: nope');
    await assert.rejects(run('bash', ['-c', 'exit 4']), (e: unknown) => e instanceof BackendError && e.message === 'bash refused: exit code 4');
  });

  it('a command past its timeout is stopped and named; one that leaves its input unread fails by its exit code', async () => {
    const slow = spawnRunner({ timeoutMs: 300 });
    const t = Date.now();
    await assert.rejects(slow('sleep', ['5']), (e: unknown) => e instanceof BackendError && e.message === 'sleep: no answer within 0 s');
    assert.ok(Date.now() - t < 2500, 'stopped, not waited for');
    const big = 'x'.repeat(4 << 20);
    await assert.rejects(spawnRunner()('bash', ['-c', 'echo refused >&2; exit 1'], big), (e: unknown) => e instanceof BackendError && e.message === 'bash refused: refused');
  });

  it('the environment is the process\'s plus what the options add', async () => {
    const r = await spawnRunner({ env: { PCL_RUNNER_TEST: 'yes' } })('bash', ['-c', 'echo "$PCL_RUNNER_TEST $HOME"']);
    assert.equal(r.stdout, `yes ${process.env.HOME}`);
  });
});

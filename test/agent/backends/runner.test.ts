import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError } from '../../../packages/agent/src/backends/backend.js';
import { execaRunner } from '../../../packages/agent/src/backends/runner.js';

describe('agent runner (execa, argument arrays, bounded concurrency)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-runner-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs at most `concurrency` commands at once, and all of them', async () => {
    const run = execaRunner({ concurrency: 2 });
    // each command marks itself running, reports how many are running, and unmarks itself a moment later
    const script = 'touch "$0/$$"; ls "$0" | wc -l; sleep 0.2; rm "$0/$$"';
    const results = await Promise.all(Array.from({ length: 8 }, () => run('bash', ['-c', script, dir])));
    const counts = results.map((r) => Number(r.stdout.trim()));
    assert.equal(counts.length, 8);
    assert.ok(Math.max(...counts) <= 2, `at most 2 at once: ${counts.join(' ')}`);
    assert.ok(counts.includes(2), `two did run side by side: ${counts.join(' ')}`);
  });

  it('passes arguments as they are (no shell) and stdin as given', async () => {
    const run = execaRunner();
    const r = await run('cat', [], 'a; $(rm -rf /) `x`\n');
    assert.equal(r.stdout, 'a; $(rm -rf /) `x`');
    const e = await run('printf', ['%s|', '$HOME', '*']);
    assert.equal(e.stdout, '$HOME|*|');
  });

  it('a missing program and a refusal are BackendErrors with one sentence', async () => {
    const run = execaRunner();
    await assert.rejects(run('pcl-no-such-tool', ['x']), (e: unknown) => e instanceof BackendError && /pcl-no-such-tool: not installed/.test(e.message));
    await assert.rejects(run('bash', ['-c', 'echo nope >&2; exit 3']), (e: unknown) => e instanceof BackendError && e.message === 'bash refused: nope');
  });
});

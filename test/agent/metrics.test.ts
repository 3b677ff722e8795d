import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMetrics, writeMetricsFile } from '../../packages/agent/src/metrics.js';

describe('agent metrics (Prometheus textfile)', () => {
  it('prints HELP and TYPE once per name, then labelled samples with escaping', () => {
    const text = formatMetrics([
      { name: 'portcullis_findings', help: 'Findings of the last run.', value: 3, labels: { rule: 'port-scan' } },
      { name: 'portcullis_findings', help: 'Findings of the last run.', value: 6, labels: { rule: 'spoofed-source' } },
      { name: 'portcullis_last_run_success', help: 'Whether the last run finished.', value: 1 },
      { name: 'portcullis_odd', help: 'a "quoted"\nhelp', value: 0, labels: { file: 'C:\\x "y"' } },
    ]);
    assert.equal(
      text,
      [
        '# HELP portcullis_findings Findings of the last run.',
        '# TYPE portcullis_findings gauge',
        'portcullis_findings{rule="port-scan"} 3',
        'portcullis_findings{rule="spoofed-source"} 6',
        '# HELP portcullis_last_run_success Whether the last run finished.',
        '# TYPE portcullis_last_run_success gauge',
        'portcullis_last_run_success 1',
        '# HELP portcullis_odd a "quoted"\\nhelp',
        '# TYPE portcullis_odd gauge',
        'portcullis_odd{file="C:\\\\x \\"y\\""} 0',
        '',
      ].join('\n'),
    );
  });

  it('refuses names Prometheus would reject', () => {
    assert.throws(() => formatMetrics([{ name: 'bad-name', help: 'x', value: 1 }]), /bad-name/);
    assert.throws(() => formatMetrics([{ name: 'ok', help: 'x', value: 1, labels: { 'bad-label': 'v' } }]), /bad-label/);
  });

  it('replaces the file atomically and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcl-metrics-'));
    try {
      const path = join(dir, 'portcullis.prom');
      await writeMetricsFile(path, [{ name: 'a', help: 'h', value: 1 }]);
      await writeMetricsFile(path, [{ name: 'a', help: 'h', value: 2 }]);
      assert.match(readFileSync(path, 'utf8'), /^a 2$/m);
      assert.deepEqual(readdirSync(dir), ['portcullis.prom']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

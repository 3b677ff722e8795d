import { rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { writeSynced } from './synced-file.js';

/** One gauge sample; the Prometheus textfile collector reads these from node_exporter's directory. */
export interface Sample {
  readonly name: string;
  readonly help: string;
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The text exposition format: HELP and TYPE once per metric name, then its samples. */
export function formatMetrics(samples: readonly Sample[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    if (!NAME.test(s.name)) throw new RangeError(`metric name '${s.name}' is not valid in Prometheus`);
    if (!seen.has(s.name)) {
      seen.add(s.name);
      out.push(`# HELP ${s.name} ${s.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      out.push(`# TYPE ${s.name} gauge`);
    }
    const labels = Object.entries(s.labels ?? {});
    for (const [k] of labels) if (!LABEL.test(k)) throw new RangeError(`label name '${k}' is not valid in Prometheus`);
    const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}` : '';
    out.push(`${s.name}${l} ${Number.isFinite(s.value) ? s.value : s.value > 0 ? '+Inf' : s.value < 0 ? '-Inf' : 'NaN'}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Writes the file whole or not at all: node_exporter may read it at any moment, and a half-written file would
 * publish wrong numbers. The temp file sits beside the target (same file system) and is renamed over it.
 */
export async function writeMetricsFile(path: string, samples: readonly Sample[]): Promise<void> {
  const text = formatMetrics(samples);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeSynced(tmp, text, 0o644);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

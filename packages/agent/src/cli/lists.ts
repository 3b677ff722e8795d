/**
 * `portcullis lists [--json]`: each configured blocklist: where it comes from, entries, last and next refresh,
 * until when its entries live, the last error, and whether the kernel holds its sets. Reads only: the state files
 * and the kernel (through the dry-run backend, which really runs reads and nothing else).
 */
import type { ListSettings } from '../lists/settings.js';
import { loadListRecords, type ListRecord } from '../lists/store.js';
import { CONFIG_OPTIONS, setUp } from './agent-setup.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';

export async function listsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, { config: CONFIG_OPTIONS.config, json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`lists takes no argument: '${positionals[0]}'`);
  const setup = await setUp({ ...values, 'dry-run': true }, io, { dryRunOut: { write: () => true } });
  const { cfg } = setup;
  const now = setup.now();
  const records = await loadListRecords(cfg.state, setup.warn);
  let kernel: Set<string> | undefined;
  let kernelProblem: string | undefined;
  try {
    const ops = setup.backend.blocklists;
    if (ops) kernel = new Set((await ops.list()).map((l) => l.name));
    else kernelProblem = `the ${cfg.backend.type} backend cannot hold blocklists`;
  } catch (err) {
    kernelProblem = (err as Error).message;
  }
  const rows = cfg.lists.map((l) => row(l, records.get(l.name), kernel, now));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ lists: rows, kernel_problem: kernelProblem ?? null })}\n`);
    return 0;
  }
  if (!rows.length) io.stdout.write('no lists configured (see CONFIG.md, section lists)\n');
  for (const r of rows) {
    io.stdout.write(
      [
        `${r.name}: ${r.source}`,
        `  entries:      ${r.entries ?? '-'}${r.skipped ? ` (${r.skipped} line(s) skipped; ${r.skipped_example})` : ''}`,
        `  last refresh: ${r.last_refresh ?? 'never'}`,
        `  next refresh: ${r.next_refresh ?? 'at the next run'}`,
        `  expires:      ${r.expires ?? '-'}${r.expired ? ' (expired)' : ''}`,
        `  kernel:       ${r.in_kernel === null ? `unknown (${kernelProblem})` : r.in_kernel ? 'loaded' : 'not loaded'}`,
        ...(r.error ? [`  error:        ${r.error}`] : []),
        '',
      ].join('\n'),
    );
  }
  return 0;
}

function row(l: ListSettings, rec: ListRecord | undefined, kernel: Set<string> | undefined, now: number) {
  const iso = (t?: number): string | null => (t === undefined ? null : new Date(t).toISOString());
  const fresh = rec && rec.source === JSON.stringify(l.source) ? rec : undefined;
  return {
    name: l.name,
    source: shownSource(l),
    entries: fresh?.entries ?? null,
    skipped: fresh?.skipped ?? 0,
    skipped_example: fresh?.skippedExample ?? null,
    last_refresh: iso(fresh?.fetchedAt),
    last_attempt: iso(fresh?.attemptAt),
    next_refresh: iso(fresh?.nextAt),
    expires: iso(fresh?.expiresAt),
    expired: fresh?.expiresAt !== undefined && fresh.expiresAt <= now,
    error: fresh?.error ?? null,
    in_kernel: kernel ? kernel.has(l.name) : null,
  };
}

/** A URL without user and password (a list URL may carry credentials). */
function shownSource(l: ListSettings): string {
  if (l.source.type === 'file') return l.source.path;
  if (l.source.type === 'abuseipdb') return `AbuseIPDB blacklist (confidence ≥ ${l.source.confidenceMinimum}, at most ${l.source.limit})`;
  try {
    const u = new URL(l.source.url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(bad URL)';
  }
}

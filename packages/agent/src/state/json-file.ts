/**
 * Small JSON side files of the state directory (the AbuseIPDB cache, the blocklists' refresh records), written the
 * way state.json is: a temp file fsynced, renamed over the old one, the directory fsynced. Callers hold the state
 * lock while they write. They are kept apart from state.json on purpose: they are caches and bookkeeping whose loss
 * costs a few repeated requests, never a ban, so a damaged one is set aside with a warning instead of stopping the
 * agent (state.json, which holds the bans, refuses to go on without a good copy).
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeSynced } from '../synced-file.js';

/** The parsed file; undefined when absent or unreadable as JSON (`problem` says which, for a warning). */
export async function readJsonFile(path: string): Promise<{ value?: unknown; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `${path}: cannot read (${(err as Error).message}); starting afresh` };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: `${path}: not valid JSON; starting afresh` };
  }
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeSynced(tmp, `${JSON.stringify(value)}\n`, 0o640);
  await rename(tmp, path);
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

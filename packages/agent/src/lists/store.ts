/**
 * The blocklists' bookkeeping in the state directory: `lists.json` (per list: HTTP validators, when it was fetched
 * and is due, how many entries, the last error, until when its entries live) and `lists/<name>.cidrs`, the last
 * good content (validated and merged, before the allow list is cut out). The copy is what a run loads again after
 * a reboot (kernel sets live in memory only), after a 304, or when the allow list changed, without asking the
 * server; and what stays in force while the server fails, until it expires. Written under the state lock.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '../state/json-file.js';

export interface ListRecord {
  /** The source this record belongs to; a changed source in the config starts afresh. */
  source: string;
  etag?: string;
  lastModified?: string;
  /** Last successful fetch (200 or 304), epoch ms. */
  fetchedAt?: number;
  /** Last attempt. */
  attemptAt?: number;
  /** When the next fetch is due. */
  nextAt?: number;
  /** Entries of the last good content, and lines skipped as invalid in it. */
  entries?: number;
  skipped?: number;
  /** The first skipped line, for `portcullis lists`. */
  skippedExample?: string;
  /** The last fetch's failure, cleared by a success. */
  error?: string;
  /** Until when the loaded entries live in the kernel. */
  expiresAt?: number;
  /** Which exemptions (a hash of the allow list and LAN networks) the kernel content was cut with. */
  exempt?: string;
  loadedAt?: number;
}

export const LISTS_FILE = 'lists.json';

export async function loadListRecords(stateDir: string, warn?: (line: string) => void): Promise<Map<string, ListRecord>> {
  const { value, problem } = await readJsonFile(join(stateDir, LISTS_FILE));
  if (problem) warn?.(problem);
  const lists = (value as { lists?: unknown } | undefined)?.lists;
  const out = new Map<string, ListRecord>();
  if (lists && typeof lists === 'object') {
    for (const [name, r] of Object.entries(lists as Record<string, unknown>)) {
      if (r && typeof r === 'object' && typeof (r as ListRecord).source === 'string') out.set(name, { ...(r as ListRecord) });
    }
  }
  return out;
}

export async function saveListRecords(stateDir: string, records: ReadonlyMap<string, ListRecord>): Promise<void> {
  await writeJsonFile(join(stateDir, LISTS_FILE), { version: 1, lists: Object.fromEntries(records) });
}

function contentFile(stateDir: string, name: string): string {
  return join(stateDir, 'lists', `${name}.cidrs`);
}

export async function saveContent(stateDir: string, name: string, cidrs: readonly string[]): Promise<void> {
  await writeJsonFile(contentFile(stateDir, name), cidrs);
}

export async function readContent(stateDir: string, name: string): Promise<string[] | undefined> {
  try {
    const v = JSON.parse(await readFile(contentFile(stateDir, name), 'utf8')) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function dropContent(stateDir: string, name: string): Promise<void> {
  await rm(contentFile(stateDir, name), { force: true });
}

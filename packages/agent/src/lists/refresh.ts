/**
 * The blocklists' part of a run: fetch the lists that are due, validate them, and keep the kernel's sets equal to
 * the last good content with the allow list cut out. Called after the run's bans are applied: a list server that
 * is slow or down costs this step only, never a ban, and never fails the run (every problem becomes a note).
 *
 * Per list, in order: due (never fetched, refresh passed, or its source changed in the config) → fetch
 * conditionally; a 304 or a new valid text renews the entries' lifetime (`expire` from now) and reloads; a
 * failure keeps whatever the kernel holds, which lapses by itself at the old expiry, and says so. Not due, but the
 * kernel lost the sets (a reboot) or the exemptions changed → reload from the saved copy while it is still valid.
 */
import { createHash } from 'node:crypto';
import { blocklistCidrs, parseBlocklist, type ParsedBlocklist } from '@portcullis/core';
import type { Backend } from '../backends/backend.js';
import { fetchList, FetchError, type FetchOptions } from './fetch.js';
import type { ListSettings } from './settings.js';
import { dropContent, loadListRecords, readContent, saveContent, saveListRecords, type ListRecord } from './store.js';

export interface ListsDeps {
  readonly lists: readonly ListSettings[];
  /** Never blocked by a list: the allow list (own addresses, gateways, config) and the LAN's networks. */
  readonly exempt: readonly string[];
  readonly fetch?: FetchOptions;
}

export interface ListsInput {
  readonly stateDir: string;
  readonly backend: Backend;
  readonly now: number;
  readonly warn?: (line: string) => void;
}

export interface ListOutcome {
  readonly name: string;
  /** fetched: new content; unchanged: 304 or same file; reloaded: from the saved copy; failed; kept: nothing to do. */
  readonly action: 'fetched' | 'unchanged' | 'reloaded' | 'failed' | 'kept' | 'expired';
  readonly entries?: number;
  readonly error?: string;
}

/**
 * Cut out of every list, whatever it says: ranges whose blocking cuts the host off from itself or its link
 * ("this network", loopback, link-local, multicast, broadcast), the classes a fleet ban may never name either
 * (share/entry.ts). FireHOL's level-1 netset, for one, lists every bogon, 127.0.0.0/8 and 169.254.0.0/16 included:
 * loaded as it is, it would drop the local resolver's answers (127.0.0.53) and a cloud's metadata service.
 */
export const NEVER_LISTED: readonly string[] = ['0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '255.255.255.255/32', '::/128', '::1/128', 'fe80::/10', 'ff00::/8'];

/** More invalid lines than this share of the list: not a list at all (an HTML error page served with 200). */
const MAX_BAD_SHARE = 0.1;
/** After a failed fetch, the next attempt comes sooner than a full refresh. */
const RETRY_MS = 10 * 60_000;
/** A Retry-After longer than this is taken as this (a server's typo must not silence a list for a year). */
const MAX_RETRY_AFTER_MS = 7 * 86_400_000;

export async function refreshLists(deps: ListsDeps, input: ListsInput): Promise<{ outcomes: ListOutcome[]; notes: string[] }> {
  const notes: string[] = [];
  const outcomes: ListOutcome[] = [];
  const records = await loadListRecords(input.stateDir, input.warn);
  const ops = input.backend.blocklists;
  if (!ops) {
    if (deps.lists.length) notes.push(`lists: the ${input.backend.name} backend cannot hold blocklists (use ipset or nftables): none loaded`);
    return { outcomes, notes };
  }
  const now = input.now;
  const exempt = [...NEVER_LISTED, ...deps.exempt];
  const exemptKey = createHash('sha256').update([...exempt].sort().join(',')).digest('hex').slice(0, 16);
  const inKernel = new Set((await ops.list()).map((l) => l.name));
  // nothing configured, nothing left from before: nothing to write either
  if (!deps.lists.length && !records.size && !inKernel.size) return { outcomes, notes };
  const live: string[] = [];

  for (const list of deps.lists) {
    const source = JSON.stringify(list.source);
    let rec = records.get(list.name);
    if (!rec || rec.source !== source) rec = { source };
    records.set(list.name, rec);
    const due = rec.nextAt === undefined || now >= rec.nextAt;
    let content: ParsedBlocklist | undefined;
    let action: ListOutcome['action'] = 'kept';
    if (due) {
      rec.attemptAt = now;
      try {
        const res = await fetchList(list.source, { etag: rec.etag, lastModified: rec.lastModified }, deps.fetch);
        if (res.changed) {
          content = validated(res.text, rec);
          const all = blocklistCidrs(content, []);
          // merged ranges back to CIDRs: the saved copy is canonical and small
          await saveContent(input.stateDir, list.name, [...all.v4, ...all.v6]);
          rec.etag = res.validators.etag;
          rec.lastModified = res.validators.lastModified;
          action = 'fetched';
        } else {
          content = await savedList(input.stateDir, list.name);
          if (!content) throw new FetchError('the server says unchanged, but the saved copy is missing; fetching whole next time');
          action = 'unchanged';
        }
        rec.fetchedAt = now;
        rec.expiresAt = now + list.expireMs;
        rec.nextAt = now + list.refreshMs;
        delete rec.error;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        rec.error = message;
        // a server that said when to come back (a 429's Retry-After: AbuseIPDB's spent daily quota) is not asked before
        const wait = err instanceof FetchError && err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
        rec.nextAt = now + Math.max(Math.min(list.refreshMs, RETRY_MS), wait);
        if (message.includes('saved copy is missing')) {
          delete rec.etag;
          delete rec.lastModified;
        }
        action = 'failed';
        const keeps = rec.expiresAt !== undefined && rec.expiresAt > now;
        notes.push(`list ${list.name}: ${message}; ${keeps ? `the old list stays until ${new Date(rec.expiresAt!).toISOString()}` : 'no list in force'}`);
      }
    }
    const valid = rec.expiresAt !== undefined && rec.expiresAt > now;
    if (!content && valid && (!inKernel.has(list.name) || rec.exempt !== exemptKey)) {
      content = await savedList(input.stateDir, list.name);
      if (content && action === 'kept') action = 'reloaded';
    }
    if (content && valid) {
      try {
        const cut = blocklistCidrs(content, exempt);
        await ops.replace({ name: list.name, v4: cut.v4, v6: cut.v6, seconds: Math.ceil((rec.expiresAt! - now) / 1000) });
        rec.exempt = exemptKey;
        rec.loadedAt = now;
        inKernel.add(list.name);
      } catch (err) {
        action = 'failed';
        rec.error = `loading into the kernel failed: ${(err as Error).message}`;
        notes.push(`list ${list.name}: ${rec.error}`);
      }
    }
    if (!valid && rec.fetchedAt !== undefined && action !== 'failed') action = 'expired';
    if (valid && inKernel.has(list.name)) live.push(list.name);
    outcomes.push({ name: list.name, action, entries: rec.entries, ...(rec.error ? { error: rec.error } : {}) });
  }

  // lists gone from the config: their bookkeeping and saved copies go too
  const configured = new Set(deps.lists.map((l) => l.name));
  for (const name of [...records.keys()]) {
    if (configured.has(name)) continue;
    records.delete(name);
    await dropContent(input.stateDir, name);
  }
  if (deps.lists.length || inKernel.size) {
    try {
      await ops.hook(live);
    } catch (err) {
      notes.push(`lists: hooking the sets failed: ${(err as Error).message}`);
    }
  }
  await saveListRecords(input.stateDir, records);
  return { outcomes, notes };
}

async function savedList(stateDir: string, name: string): Promise<ParsedBlocklist | undefined> {
  const saved = await readContent(stateDir, name);
  return saved && parseBlocklist(saved.join('\n'));
}

/** Parsed and checked; throws a FetchError when the text is not a list. Records the count and skipped lines. */
function validated(text: string, rec: ListRecord): ParsedBlocklist {
  const parsed = parseBlocklist(text);
  const bad = parsed.problems.length;
  if (parsed.entries === 0 && bad > 0) throw new FetchError(`not a list: no valid line (line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.why})`);
  if (bad > MAX_BAD_SHARE * (parsed.entries + bad)) {
    throw new FetchError(`${bad} of ${parsed.entries + bad} lines are not addresses or CIDRs (line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.why}); not loaded`);
  }
  rec.entries = parsed.entries;
  rec.skipped = bad;
  if (bad) rec.skippedExample = `line ${parsed.problems[0]!.line}: ${parsed.problems[0]!.text} (${parsed.problems[0]!.why})`;
  else delete rec.skippedExample;
  return parsed;
}

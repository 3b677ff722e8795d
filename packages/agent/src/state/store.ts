import { copyFile, link, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { longHorizonSnapshotProblem, type LongHorizonSnapshot } from '@portcullis/core';
import { writeSynced } from '../synced-file.js';
import type { AddressFamily, BanKind } from '../backends/backend.js';
import { cursorProblem, type SourceCursor } from '../sources/cursor.js';
import { fleetToJson, parseFleetState, type FleetState } from '../share/fleet-state.js';

/** Where the agent keeps its state unless the config says otherwise. */
export const DEFAULT_STATE_DIR = '/var/lib/portcullis';

/** The layout version this code writes. A file with a higher one came from a newer portcullis and is refused. */
export const STATE_VERSION = 1;

export interface BanRecord {
  /** Canonical address, as the backends receive it. */
  readonly address: string;
  readonly family: AddressFamily;
  readonly kind: BanKind;
  /** Epoch ms when the block ends; `restore` re-applies it with the time that is left. */
  readonly until: number;
  /** Why, in words (the finding's summary), for `bans list`. */
  readonly reason: string;
}

/** How often a source was banned, for escalation (doubling ban times for repeat offenders). */
export interface Offence {
  readonly count: number;
  /** Epoch ms of the latest offence; offences older than the horizon are forgotten. */
  readonly last: number;
}

export interface State {
  bans: BanRecord[];
  /** Keyed by canonical address. */
  offences: Map<string, Offence>;
  /** Keyed by source: the configured path of a log file, or `journald`. */
  cursors: Map<string, SourceCursor>;
  /**
   * The firewall lines of the last detection window that made no ban yet: the next run reads them first, so a scan
   * that straddles two cron runs is seen whole. Bounded by the run (MAX_CARRY lines).
   */
  carry: string[];
  /** The last run that finished, for `status`. */
  lastRun?: RunRecord;
  /** Sharing bans through Redis: cursor, outbox, counters (share/fleet-state.ts says why they live here). */
  fleet?: FleetState;
  /**
   * The scan rule's long-horizon counts (distinct ports and hosts per source over a day), so a patient scan
   * spread over many cron runs adds up as if read in one go. Bounded by core (20,000 sources).
   */
  detect?: LongHorizonSnapshot;
}

/** What `status` shows about the last run. */
export interface RunRecord {
  /** Epoch ms when it finished. */
  readonly at: number;
  readonly lines: number;
  readonly firewallLines: number;
  readonly findings: number;
  readonly applied: number;
}

/** At most this many carried lines (about 2.5 MB of state). */
export const MAX_CARRY = 10_000;

export function emptyState(): State {
  return { bans: [], offences: new Map(), cursors: new Map(), carry: [] };
}

export interface StoreOptions {
  /** Offences of a source not seen for this long are dropped when saving (default 30 days). */
  readonly offenceHorizonMs?: number;
  /** At most this many offences are kept; the least recent go first (default 100 000). */
  readonly maxOffences?: number;
  /** Told when the state was recovered from the previous good copy. Default: one line on stderr. */
  readonly warn?: (message: string) => void;
  readonly now?: () => number;
}

/** A state file that cannot be used, named with the problem in one sentence. */
export class StateError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'StateError';
  }
}

const DAY_MS = 24 * 3600 * 1000;
const FILE = 'state.json';

/**
 * The agent's state, one JSON file in the state directory, replaced whole on every save:
 *
 * 1. the new content goes to a temp file in the same directory (a rename is atomic only within a file system),
 *    which is fsynced, so its bytes are on disk before any name points at it;
 * 2. the current file, known to be valid, is hard-linked to `state.json.bak` (the previous good copy);
 * 3. the temp file is renamed over `state.json` and the directory is fsynced, so the rename itself survives a
 *    power cut.
 *
 * Whenever the process dies, `state.json` is the old or the new content, never a mixture. Should it still turn out
 * damaged (a disk, a hand edit), loading falls back to the `.bak` with a warning and keeps the damaged file as
 * `state.json.corrupt`; with no usable copy it stops with an error instead of starting empty over the ruins.
 */
export class StateStore {
  readonly file: string;
  readonly backup: string;
  readonly corrupt: string;
  private readonly horizonMs: number;
  private readonly maxOffences: number;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;
  /** Whether `state.json` as it stands was found valid by this store (worth keeping as `.bak`); unknown at first. */
  private primaryGood: boolean | undefined;

  constructor(
    readonly dir: string = DEFAULT_STATE_DIR,
    options: StoreOptions = {},
  ) {
    this.file = join(dir, FILE);
    this.backup = `${this.file}.bak`;
    this.corrupt = `${this.file}.corrupt`;
    this.horizonMs = options.offenceHorizonMs ?? 30 * DAY_MS;
    this.maxOffences = options.maxOffences ?? 100_000;
    this.warn = options.warn ?? ((m) => process.stderr.write(`portcullis: warning: ${m}\n`));
    this.now = options.now ?? Date.now;
  }

  async load(): Promise<State> {
    const primary = await readText(this.file);
    if (primary !== undefined) {
      try {
        const state = parseState(primary, this.file);
        this.primaryGood = true;
        return state;
      } catch (err) {
        if (!(err instanceof StateError) || err instanceof NewerStateError) throw err;
        const state = await this.fromBackup(err.message);
        // keep the damaged file for a post-mortem: the next save replaces state.json
        await copyFile(this.file, this.corrupt).catch(() => undefined);
        this.primaryGood = false;
        this.warn(`${err.message}; using the previous good copy ${this.backup} (kept the damaged file as ${this.corrupt})`);
        return state;
      }
    }
    this.primaryGood = false;
    if ((await readText(this.backup)) === undefined) return emptyState();
    const state = await this.fromBackup(`${this.file}: missing`);
    this.warn(`${this.file} is missing; using the previous good copy ${this.backup}`);
    return state;
  }

  private async fromBackup(problem: string): Promise<State> {
    const text = await readText(this.backup);
    if (text === undefined) {
      throw new StateError(`${problem}; no previous good copy (${this.backup}) to fall back to. Repair the file, or move it aside to start with empty state`, this.file);
    }
    try {
      return parseState(text, this.backup);
    } catch (err) {
      if (err instanceof NewerStateError) throw err;
      throw new StateError(`${problem}; the previous copy is unusable too (${(err as Error).message}). Repair a file, or move both aside to start with empty state`, this.file);
    }
  }

  /** Writes the state (offences pruned first) so that a crash at any moment leaves the old or the new file. */
  async save(state: State): Promise<void> {
    pruneOffences(state, this.now(), this.horizonMs, this.maxOffences);
    const text = serializeState(state, this.now());
    await this.removeStaleTemps();
    const tmp = join(this.dir, `.${FILE}.${process.pid}.tmp`);
    await writeSynced(tmp, text, 0o640);
    try {
      if (this.primaryGood ?? (await this.primaryIsValid())) await this.keepBackup();
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    this.primaryGood = true;
    await syncDir(this.dir);
  }

  private async primaryIsValid(): Promise<boolean> {
    const text = await readText(this.file);
    if (text === undefined) return false;
    try {
      parseState(text, this.file);
      return true;
    } catch {
      return false;
    }
  }

  /** The current file becomes the `.bak` in one rename, so a `.bak` is always a whole, valid file. */
  private async keepBackup(): Promise<void> {
    const tmp = join(this.dir, `.${FILE}.bak.${process.pid}.tmp`);
    await unlink(tmp).catch(() => undefined);
    try {
      await link(this.file, tmp);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      // file systems without hard links: a copy is as good, only slower
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw err;
      await copyFile(this.file, tmp);
    }
    await rename(tmp, this.backup);
  }

  /** Temp files of a run killed mid-save; the caller holds the lock, so no live run owns them. */
  private async removeStaleTemps(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StateError(`${this.dir}: state directory does not exist`, this.file);
      throw err;
    }
    const ours = new RegExp(`^\\.${FILE.replace('.', '\\.')}\\.(?:bak\\.)?\\d+\\.tmp$`);
    await Promise.all(names.filter((n) => ours.test(n)).map((n) => unlink(join(this.dir, n)).catch(() => undefined)));
  }
}

/** Drops offences older than the horizon, then the least recent beyond `max`. Returns how many were dropped. */
export function pruneOffences(state: State, now: number, horizonMs: number, max: number): number {
  let dropped = 0;
  for (const [address, o] of state.offences) {
    if (o.last < now - horizonMs) {
      state.offences.delete(address);
      dropped++;
    }
  }
  if (state.offences.size > max) {
    const byAge = [...state.offences].sort((a, b) => a[1].last - b[1].last);
    for (let i = 0; i < byAge.length - max; i++) state.offences.delete(byAge[i][0]);
    dropped += byAge.length - max;
  }
  return dropped;
}

/**
 * Bans whose time is over. The store never drops them by itself: where the kernel does not expire entries
 * (firewalld's nftables backend) the agent must remove them first, and may forget them only once that worked.
 */
export function expiredBans(state: State, now: number): BanRecord[] {
  return state.bans.filter((b) => b.until <= now);
}

export function serializeState(state: State, now: number): string {
  return `${JSON.stringify({
    version: STATE_VERSION,
    savedAt: new Date(now).toISOString(),
    bans: state.bans,
    offences: Object.fromEntries(state.offences),
    cursors: Object.fromEntries(state.cursors),
    carry: state.carry,
    ...(state.lastRun ? { lastRun: state.lastRun } : {}),
    ...(state.fleet ? { fleet: fleetToJson(state.fleet) } : {}),
    ...(state.detect ? { detect: state.detect } : {}),
  })}\n`;
}

class NewerStateError extends StateError {}

/** Parses and validates a state file's text; every problem is a StateError naming `file`. */
export function parseState(text: string, file: string): State {
  const fail = (why: string): never => {
    throw new StateError(`${file}: ${why}`, file);
  };
  if (text.length === 0) fail('empty (a write was cut short?)');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message}); cut short or damaged`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('not a JSON object');
  const r = raw as Record<string, unknown>;
  if (typeof r.version !== 'number' || !Number.isInteger(r.version) || r.version < 1) fail('has no valid "version"');
  if ((r.version as number) > STATE_VERSION) {
    throw new NewerStateError(
      `${file}: written by a newer portcullis (state version ${r.version as number}; this one reads version ${STATE_VERSION}). Upgrade portcullis, or move the state directory aside`,
      file,
    );
  }
  const state = emptyState();
  if (!Array.isArray(r.bans)) fail('"bans" is not a list');
  (r.bans as unknown[]).forEach((b, i) => {
    const problem = banProblem(b);
    if (problem) fail(`bans[${i}] ${problem}`);
    const v = b as BanRecord;
    state.bans.push({ address: v.address, family: v.family, kind: v.kind, until: v.until, reason: v.reason });
  });
  for (const [address, o] of entries(r.offences, '"offences"', fail)) {
    const c = o as Record<string, unknown> | null;
    if (!c || typeof c !== 'object' || !isCount(c.count) || !isTime(c.last)) fail(`offences["${address}"] needs a positive integer "count" and a time "last"`);
    state.offences.set(address, { count: c!.count as number, last: c!.last as number });
  }
  for (const [source, c] of entries(r.cursors, '"cursors"', fail)) {
    const problem = cursorProblem(c);
    if (problem) fail(`cursors["${source}"] ${problem}`);
    state.cursors.set(source, c as SourceCursor);
  }
  // absent in files written before these fields existed: same version, nothing to migrate
  if (r.carry !== undefined) {
    if (!Array.isArray(r.carry) || r.carry.length > MAX_CARRY || !r.carry.every((l) => typeof l === 'string' && l.length <= 65_536 && !l.includes('\n'))) {
      fail(`"carry" is not a list of at most ${MAX_CARRY} single lines`);
    }
    state.carry = r.carry as string[];
  }
  if (r.lastRun !== undefined) {
    const v = r.lastRun as Record<string, unknown> | null;
    const counts = ['lines', 'firewallLines', 'findings', 'applied'] as const;
    if (!v || typeof v !== 'object' || !isTime(v.at) || !counts.every((k) => typeof v[k] === 'number' && Number.isSafeInteger(v[k]) && (v[k] as number) >= 0)) {
      fail('"lastRun" needs a time "at" and whole numbers lines, firewallLines, findings, applied');
    }
    state.lastRun = { at: v!.at as number, lines: v!.lines as number, firewallLines: v!.firewallLines as number, findings: v!.findings as number, applied: v!.applied as number };
  }
  if (r.detect !== undefined) {
    const problem = longHorizonSnapshotProblem(r.detect);
    if (problem) fail(`"detect" ${problem}`);
    state.detect = r.detect as LongHorizonSnapshot;
  }
  if (r.fleet !== undefined) {
    const f = parseFleetState(r.fleet);
    if (typeof f === 'string') fail(`"fleet" ${f}`);
    state.fleet = f as FleetState;
  }
  return state;
}

function entries(v: unknown, name: string, fail: (why: string) => never): [string, unknown][] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${name} is not an object`);
  return Object.entries(v as Record<string, unknown>);
}

function banProblem(b: unknown): string | undefined {
  if (b === null || typeof b !== 'object') return 'is not an object';
  const v = b as Record<string, unknown>;
  if (typeof v.address !== 'string' || v.address.length === 0 || v.address.length > 64) return 'has no valid "address"';
  if (v.family !== 4 && v.family !== 6) return 'has a "family" other than 4 or 6';
  if (v.kind !== 'block' && v.kind !== 'spoof') return 'has a "kind" other than block or spoof';
  if (!isTime(v.until)) return 'has no valid "until"';
  if (typeof v.reason !== 'string') return 'has no "reason"';
  return undefined;
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`${path}: cannot read (${(err as Error).message})`, path);
  }
}

/** Makes the renames in `dir` durable: without it a power cut can bring back the old name after a "successful" save. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

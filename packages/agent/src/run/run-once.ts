import {
  Allowlist,
  decide,
  decodeLine,
  Detector,
  parseAddress,
  toDetectEvent,
  type AllowEntry,
  type BanPolicy,
  type DetectConfig,
  type Decision,
  type Finding,
  type Skipped,
} from '@portcullis/core';
import type { Backend, Ban, BanKey, Capabilities } from '../backends/backend.js';
import { acquireLock } from '../state/lock.js';
import { expiredBans, StateStore, type BanRecord, type State } from '../state/store.js';
import type { FileCursor, JournalCursor } from '../sources/cursor.js';
import { readNew } from '../sources/file-cursor.js';
import { readJournal, type JournalOptions } from '../sources/journald.js';

/** ipset's ceiling for a timeout; every backend is given at most this (the agent re-applies longer bans later). */
export const MAX_KERNEL_SECONDS = 2_147_483;

export interface RunDeps {
  /** Log files by path, or `journald`. */
  readonly sources: readonly string[];
  readonly stateDir: string;
  readonly backend: Backend;
  readonly wan: readonly string[];
  /** Never blocked: configured CIDRs, own addresses, gateways, the SSH client. */
  readonly allow: readonly AllowEntry[];
  readonly detect: DetectConfig;
  readonly ban: BanPolicy;
  /** Where a first run starts in an existing file. */
  readonly startAt: 'end' | 'beginning';
  /** The agent's clock (epoch ms); core never reads one. */
  readonly now: () => number;
  readonly journal?: JournalOptions;
  /** Milliseconds a second run waits for the lock. */
  readonly lockWaitMs?: number;
  /** One line per notable event (only printed with --verbose or on a TTY). */
  readonly log?: (line: string) => void;
}

export interface RunSummary {
  lines: number;
  firewallLines: number;
  findings: Finding[];
  decisions: Decision[];
  skipped: Skipped[];
  applied: Ban[];
  /** Bans the state had but the kernel had lost (a reboot, a firewall reload), put back. */
  restored: number;
  /** Expired bans removed by the agent because the backend cannot expire them itself. */
  removed: number;
  capabilities: Capabilities;
  notes: string[];
}

/**
 * One run of the agent, in the order that keeps the promises of the design:
 * 1. lock the state directory (a second run waits, then fails naming the holder), load the state;
 * 2. make sure the sets and hooks exist, and put back what the kernel lost (reboot, reload);
 * 3. read only the new lines of each source, detect, decide;
 * 4. check the allow list once more right before the batch is built, apply it as one batch;
 * 5. only then move the cursors and record the bans, atomically. A run that dies before 5 reads the same lines
 *    again next time: a ban may be applied twice (idempotent), never lost.
 */
export async function runOnce(deps: RunDeps): Promise<RunSummary> {
  const lock = await acquireLock(deps.stateDir, { waitMs: deps.lockWaitMs });
  try {
    const store = new StateStore(deps.stateDir, { warn: deps.log, now: deps.now });
    const state = await store.load();
    const allow = new Allowlist(deps.allow);
    const notes: string[] = [];
    const capabilities = await deps.backend.ensure({ wan: deps.wan });
    if (capabilities.note) notes.push(capabilities.note);

    const { restored, removed } = await reconcile(deps, state, capabilities, allow);

    // read and detect
    const detector = new Detector({ ...deps.detect, spoof: { ...deps.detect.spoof, wan: deps.wan } });
    const findings: Finding[] = [];
    const positions = new Map<string, FileCursor | JournalCursor>();
    let lines = 0;
    let firewallLines = 0;
    const now = deps.now();
    for (const source of deps.sources) {
      const reader =
        source === 'journald'
          ? readJournal(journalCursor(state.cursors.get(source)), { ...deps.journal, startAt: deps.startAt })
          : readNew(fileCursor(state.cursors.get(source)), source, { startAt: deps.startAt });
      for await (const line of reader) {
        lines++;
        const d = decodeLine(line.text, { now });
        if (!d) continue;
        firewallLines++;
        findings.push(...detector.push(toDetectEvent(d)));
      }
      for (const n of 'notes' in reader ? reader.notes : []) notes.push(`${source}: ${n}`);
      const pos = reader.position();
      if (pos) positions.set(source, pos);
    }
    findings.push(...detector.flush());

    // decide, guard, apply
    const offences = new Map([...state.offences].map(([a, o]) => [a, o.count]));
    const { decisions, skipped } = decide({ findings, now, offences, allow, policy: deps.ban });
    const applied = guardedBans(decisions, allow, deps.log);
    if (applied.length) await deps.backend.apply(applied);

    // record: bans, offences, then cursors: all in one atomic save, after the backend said yes
    for (const d of decisions) {
      if (!applied.some((b) => b.address === d.address && b.kind === d.kind)) continue;
      state.bans = state.bans.filter((b) => !(b.address === d.address && b.kind === d.kind));
      state.bans.push({ address: d.address, family: d.family, kind: d.kind, until: now + d.remainingMs, reason: d.why.en });
      state.offences.set(d.address, { count: d.offence, last: now });
    }
    for (const [source, pos] of positions) state.cursors.set(source, pos);
    await store.save(state);
    return { lines, firewallLines, findings, decisions, skipped, applied, restored, removed, capabilities, notes };
  } finally {
    await lock.release();
  }
}

/** Bans ready for the backend: each address re-validated and checked against the allow list at this last step. */
function guardedBans(decisions: readonly Decision[], allow: Allowlist, log?: (line: string) => void): Ban[] {
  const bans: Ban[] = [];
  for (const d of decisions) {
    const parsed = parseAddress(d.address);
    if (!parsed || parsed.family !== d.family) continue;
    const covering = allow.covering(parsed.address);
    if (covering) {
      log?.(`not blocking ${parsed.address}: ${covering.cidr} (${covering.why})`);
      continue;
    }
    bans.push({ address: parsed.address, family: parsed.family, kind: d.kind, seconds: Math.min(MAX_KERNEL_SECONDS, Math.ceil(d.remainingMs / 1000)) });
  }
  return bans;
}

/**
 * The kernel and the state must agree: bans the kernel lost are re-applied with the time they have left; bans
 * whose time is over are forgotten, and removed by us first when the backend cannot expire them itself.
 */
async function reconcile(deps: RunDeps, state: State, caps: Capabilities, allow: Allowlist): Promise<{ restored: number; removed: number }> {
  const now = deps.now();
  let removed = 0;
  const expired = expiredBans(state, now);
  if (expired.length && !caps.expires) {
    await deps.backend.remove(expired.map(keyOf));
    removed = expired.length;
  }
  state.bans = state.bans.filter((b) => b.until > now);
  // an address added to the allow list since it was banned is let go now
  const released = state.bans.filter((b) => allow.allows(b.address));
  if (released.length) {
    await deps.backend.remove(released.map(keyOf));
    state.bans = state.bans.filter((b) => !allow.allows(b.address));
  }
  const held = new Set((await deps.backend.list()).map((e) => `${e.kind} ${e.address}`));
  const lost = state.bans.filter((b) => !held.has(`${b.kind} ${b.address}`));
  if (lost.length) {
    await deps.backend.apply(
      lost.map((b) => ({ address: b.address, family: b.family, kind: b.kind, seconds: Math.min(MAX_KERNEL_SECONDS, Math.ceil((b.until - now) / 1000)) })),
    );
  }
  return { restored: lost.length, removed };
}

function keyOf(b: BanRecord): BanKey {
  return { address: b.address, family: b.family, kind: b.kind };
}

function fileCursor(c: FileCursor | JournalCursor | undefined): FileCursor | undefined {
  return c?.kind === 'file' ? c : undefined;
}

function journalCursor(c: FileCursor | JournalCursor | undefined): JournalCursor | undefined {
  return c?.kind === 'journald' ? c : undefined;
}

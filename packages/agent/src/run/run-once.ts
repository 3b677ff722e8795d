import {
  Allowlist,
  decide,
  NOISE_REASONS,
  parseAddress,
  type BanPolicy,
  type DetectConfig,
  type DetectStats,
  type Decision,
  type Finding,
  type Skipped,
} from '@portcullis/core';
import type { Ban, Capabilities } from '../backends/backend.js';
import { MAX_CARRY } from '../state/store.js';
import { kernelSeconds, reconcile } from './reconcile.js';
import { withState, type StateDeps } from './with-state.js';
import type { FileCursor, JournalCursor } from '../sources/cursor.js';
import { readNew } from '../sources/file-cursor.js';
import type { JournalOptions } from '../sources/journald.js';
import { afterBans, type AfterBansDeps, type AfterBansSummary } from './intel.js';
import type { FleetLink, FleetReport } from '../share/fleet.js';
import type { LineFeed, Tail } from './line-feed.js';

export interface RunDeps extends StateDeps {
  /** Log files by path, or `journald`. */
  readonly sources: readonly string[];
  /** Networks attached to this host: special-purpose scanners inside them are real neighbours. */
  readonly neighbours?: readonly string[];
  readonly detect: DetectConfig;
  readonly ban: BanPolicy;
  /** Where a first run starts in an existing file. */
  readonly startAt: 'end' | 'beginning';
  readonly journal?: JournalOptions;
  /** Called every few thousand lines of a log file with the byte offset reached (for a progress bar). */
  readonly progress?: (source: string, file: string, offset: number) => void;
  /** AbuseIPDB and blocklists (config `abuseipdb`, `lists`); absent: neither. */
  readonly intel?: AfterBansDeps;
  /** Sharing bans through Redis (config `share`); absent: off. */
  readonly fleet?: FleetLink;
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
  /** Bans already active for a source found again (its lines logged before the ban took hold): kept, not escalated. */
  alreadyBanned: number;
  /** Lines read again from the previous run's tail (scans that straddle two runs). */
  carried: number;
  stats: DetectStats;
  /** Bans on record after the run, by kind. */
  active: Record<'block' | 'spoof', number>;
  capabilities: Capabilities;
  notes: string[];
  /** Scores, lengthened bans, reports, list refreshes. */
  intel?: AfterBansSummary;
  /** What the fleet sent, took and refused; a `problem` when Redis could not be used. */
  fleet?: FleetReport;
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
  return withState(deps, async (state, capabilities, allow) => {
    const notes: string[] = [];
    if (capabilities.note) notes.push(capabilities.note);

    const { restored, removed } = await reconcile(deps.backend, state, capabilities, allow, deps.now());

    // read and detect: first the previous run's tail, then what is new
    const findings: Finding[] = [];
    const positions = new Map<string, FileCursor | JournalCursor>();
    const tail: Tail[] = [];
    let lines = 0;
    let firewallLines = 0;
    const now = deps.now();
    // the decoder and the detectors load with the first line to read (line-feed.ts says why)
    let feed: LineFeed | undefined;
    const feeder = async (): Promise<LineFeed> => (feed ??= (await import('./line-feed.js')).lineFeed(deps.detect, state.detect, now, findings, tail));
    if (state.carry.length) {
      const f = await feeder();
      for (const text of state.carry) f.push(text);
    }
    const carried = tail.length;
    for (const source of deps.sources) {
      // journald's reader (and execa, which starts journalctl) loads only when a source is the journal
      const reader =
        source === 'journald'
          ? (await import('../sources/journald.js')).readJournal(journalCursor(state.cursors.get(source)), { ...deps.journal, startAt: deps.startAt })
          : readNew(fileCursor(state.cursors.get(source)), source, { startAt: deps.startAt });
      let n = 0;
      for await (const line of reader) {
        lines++;
        if ((feed ?? (await feeder())).push(line.text)) firewallLines++;
        if (deps.progress && ++n % 4096 === 0 && 'offset' in line) deps.progress(source, line.source, line.offset);
      }
      for (const n of 'notes' in reader ? reader.notes : []) notes.push(`${source}: ${n}`);
      const pos = reader.position();
      if (pos) positions.set(source, pos);
    }
    if (feed) findings.push(...feed.detector.flush());

    // decide, guard, apply; a source already banned is left as it is (its lines were logged before the ban took hold)
    const active = new Set(state.bans.map(banKey));
    const offences = new Map([...state.offences].map(([a, o]) => [a, o.count]));
    const neighbours = new Allowlist((deps.neighbours ?? []).map((cidr) => ({ cidr, why: 'connected network' })));
    const decided = decide({ findings, now, offences, allow, neighbours, policy: deps.ban });
    const decisions = decided.decisions.filter((d) => !active.has(banKey(d)));
    const alreadyBanned = decided.decisions.length - decisions.length;
    const applied = guardedBans(decisions, allow, deps.log);
    // the fleet's bans go through the same batch (checked against the allow list in there, at the last step)
    const fleet = await deps.fleet?.receive(state, allow, now, applied);
    if (fleet?.remove.length) await deps.backend.remove(fleet.remove);
    const batch = fleet?.apply.length ? [...applied, ...fleet.apply] : applied;
    if (batch.length) await deps.backend.apply(batch);

    // record: bans, offences, the tail, then cursors: all in one atomic save, after the backend said yes
    const appliedKeys = new Set(applied.map(banKey));
    const fresh = decisions.filter((d) => appliedKeys.has(banKey(d)));
    state.bans = state.bans.filter((b) => !appliedKeys.has(banKey(b)));
    for (const d of fresh) {
      state.bans.push({ address: d.address, family: d.family, kind: d.kind, until: now + d.remainingMs, reason: d.why.en });
      state.offences.set(d.address, { count: d.offence, last: now });
    }
    state.carry = nextCarry(tail, deps.detect, new Set(state.bans.map((b) => b.address)), allow);
    // With no line read there was nothing to count: the long-horizon counts stay as the last run saved them (a
    // detector resumed from them and given nothing would only re-save them, trimmed to this config's bounds, which
    // the next run that reads a line does on resuming them anyway).
    if (feed) state.detect = feed.detector.snapshot();
    for (const [source, pos] of positions) state.cursors.set(source, pos);
    // AbuseIPDB and the blocklists after the bans are in, so neither can delay one (every failure is a note)
    const linesOf = (a: string): string[] => tail.filter((t) => t.src === a).map((t) => t.text);
    const intel = deps.intel && (await afterBans(deps.intel, { ...deps, now, applied, decisions: fresh, maxBanMs: deps.ban.maxMs, linesOf }, state.bans));
    if (intel) notes.push(...intel.notes);
    fleet?.commit(state);
    // after the batch, into the outbox saved with this state; sent now if Redis answers, else by a later command
    if (deps.fleet) {
      const ends = new Map(state.bans.filter((b) => b.kind === 'block').map((b) => [b.address, b.until]));
      // loaded only with a fleet, like the link itself (cli/run.ts)
      const { banItems } = await import('../share/fleet.js');
      await deps.fleet.publish(state, banItems(fresh, now, ends), now);
    }
    state.lastRun = { at: deps.now(), lines, firewallLines, findings: findings.length, applied: applied.length };
    return {
      lines,
      firewallLines,
      findings,
      decisions,
      skipped: decided.skipped,
      applied,
      restored,
      removed,
      alreadyBanned,
      carried,
      stats: feed?.detector.stats ?? noStats(),
      active: { block: state.bans.filter((b) => b.kind === 'block').length, spoof: state.bans.filter((b) => b.kind === 'spoof').length },
      capabilities,
      notes,
      ...(intel && { intel }),
      ...(deps.fleet && { fleet: deps.fleet.report }),
    };
  });
}

/**
 * The lines the next run reads first: those within one detection window of the newest line, from sources that
 * are neither banned now nor allowed (their evidence is settled). The newest MAX_CARRY at most.
 */
function nextCarry(tail: readonly Tail[], detect: DetectConfig, banned: ReadonlySet<string>, allow: Allowlist): string[] {
  let newest = -Infinity;
  for (const l of tail) if (l.time !== undefined && l.time > newest) newest = l.time;
  if (newest === -Infinity) return [];
  const from = newest - (detect.scan?.windowMs ?? 60_000);
  const kept: string[] = [];
  for (let i = tail.length - 1; i >= 0 && kept.length < MAX_CARRY; i--) {
    const l = tail[i]!;
    if (l.time === undefined || l.time < from || banned.has(l.src) || allow.allows(l.src)) continue;
    kept.push(l.text);
  }
  return kept.reverse();
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
    bans.push({ address: parsed.address, family: parsed.family, kind: d.kind, seconds: kernelSeconds(d.remainingMs) });
  }
  return bans;
}

/** What a detector that was given no line counts (the same shape as core's `Detector.stats`). */
function noStats(): DetectStats {
  const noiseByReason = {} as DetectStats['noiseByReason'];
  for (const r of NOISE_REASONS) noiseByReason[r] = 0;
  return {
    events: 0,
    noise: 0,
    noiseByReason,
    scan: { events: 0, probes: 0, allowed: 0, notProbes: 0, noSource: 0, evicted: 0 },
    spoof: { events: 0, spoofed: 0, harmless: 0, evicted: 0 },
  };
}

function banKey(b: { readonly kind: string; readonly address: string }): string {
  return `${b.kind} ${b.address}`;
}

function fileCursor(c: FileCursor | JournalCursor | undefined): FileCursor | undefined {
  return c?.kind === 'file' ? c : undefined;
}

function journalCursor(c: FileCursor | JournalCursor | undefined): JournalCursor | undefined {
  return c?.kind === 'journald' ? c : undefined;
}

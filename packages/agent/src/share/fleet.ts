/**
 * The fleet as a run sees it: before the batch, the bans and unbans other nodes published since the last run
 * (checked, filtered by trust, never this node's own, the allow list at the last step); after the batch, this
 * run's new bans queued in the outbox and sent. One connection per command, opened on first need; a Redis that is
 * down, slow or refuses the credentials costs one timeout, sets `problem`, and changes nothing local: the cursor
 * stays, the outbox keeps what was not sent.
 */
import type { Allowlist, Decision } from '@portcullis/core';
import type { Ban, BanKey } from '../backends/backend.js';
import { kernelSeconds } from '../run/reconcile.js';
import type { BanRecord, State } from '../state/store.js';
import { connectFleet, FleetError, type FleetClient } from './connection.js';
import type { FleetOp } from './entry.js';
import { emptyFleetState, MAX_REASON, noteNode, queue, type FleetState, type OutboxItem } from './fleet-state.js';
import { fleetKeys, type FleetKeys } from './keys.js';
import { sendOutbox } from './publish.js';
import { pull } from './receive.js';
import { nodeName, type ShareSettings } from './settings.js';

/** What the fleet did in one command, for its report, `--verbose` and the metrics. */
export interface FleetReport {
  readonly node: string;
  /** Valid entries read (own and untrusted ones included). */
  received: number;
  /** Bans of other nodes applied here. */
  applied: number;
  /** Bans lifted here because another node lifted them. */
  lifted: number;
  /** Entries refused as malformed or hostile. */
  skipped: number;
  /** Bans and unbans this node sent. */
  published: number;
  /** Left in the outbox for the next command that reaches Redis. */
  waiting: number;
  roundTrips: number;
  /** Why Redis could not be used (one sentence), when it could not. */
  problem?: string;
  notes: string[];
}

export interface Incoming {
  /** Fleet bans for the batch (allowed addresses and bans already in force left out). */
  readonly apply: Ban[];
  /** Kernel entries to remove before the batch (bans another node lifted). */
  readonly remove: BanKey[];
  /** Records the bans, forgets the lifted ones and moves the cursor: call once the backend said yes. */
  commit(state: State): void;
}

export interface FleetOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A dry run reads but never publishes (its bans were never applied). */
  readonly dryRun?: boolean;
  /** The local ban.max: no fleet ban lasts longer here. */
  readonly maxBanMs: number;
  readonly log?: (line: string) => void;
  /** Tests and the bench count what the connection does; default: node-redis. */
  readonly connect?: typeof connectFleet;
}

const NOTHING: Incoming = { apply: [], remove: [], commit: () => undefined };

export class FleetLink {
  readonly node: string;
  readonly keys: FleetKeys;
  readonly report: FleetReport;
  private client: Promise<FleetClient> | undefined;
  private failed: FleetError | undefined;

  constructor(
    readonly settings: ShareSettings,
    private readonly opts: FleetOptions,
  ) {
    this.node = nodeName(settings);
    this.keys = fleetKeys(settings.prefix);
    this.report = { node: this.node, received: 0, applied: 0, lifted: 0, skipped: 0, published: 0, waiting: 0, roundTrips: 0, notes: [] };
  }

  /** What the fleet said since this node's cursor, ready for the run's batch. Never throws for Redis' sake. */
  async receive(state: State, allow: Allowlist, now: number, local: readonly Ban[]): Promise<Incoming> {
    if (!this.settings.subscribe) return NOTHING;
    const fleet = fleetOf(state);
    const trustAll = this.settings.trust.includes('*');
    const trusted = new Set(this.settings.trust);
    let pulled;
    try {
      pulled = await pull(await this.connection(), this.keys, { cursor: fleet.cursor, now, liveAllowed: trustAll });
    } catch (err) {
      this.fail(fleet, err, now);
      return NOTHING;
    }
    this.report.notes.push(...pulled.notes);
    this.report.skipped += pulled.skipped.length;
    for (const s of pulled.skipped) this.opts.log?.(`fleet: skipped stream entry ${s.id}${s.node ? ` from ${s.node}` : ''}: ${s.problem}`);
    if (pulled.skipped.length) {
      const s = pulled.skipped[0]!;
      this.report.notes.push(`skipped ${pulled.skipped.length} malformed or hostile stream entr${pulled.skipped.length === 1 ? 'y' : 'ies'} (first: ${s.id}${s.node ? ` from ${s.node}` : ''}: ${s.problem})`);
    }

    // the last word on each address wins; this node's own entries never come back to it (no echo)
    const last = new Map<string, FleetOp>();
    for (const op of pulled.ops) {
      if (op.node !== '*') this.report.received++;
      if (op.node === this.node || (op.node !== '*' && !trustAll && !trusted.has(op.node))) continue;
      last.set(op.address, op);
    }
    const localKeys = new Set(local.map((b) => `${b.kind} ${b.address}`));
    const banned = new Map(state.bans.filter((b) => b.kind === 'block' && b.until > now).map((b) => [b.address, b]));
    const apply: Ban[] = [];
    const records: BanRecord[] = [];
    const remove: BanKey[] = [];
    for (const op of last.values()) {
      // a ban this run decided itself stands on its own evidence: the fleet neither lengthens nor lifts it
      if (localKeys.has(`block ${op.address}`)) continue;
      if (op.op === 'unban') {
        if (banned.has(op.address)) remove.push({ address: op.address, family: op.family, kind: 'block' });
        continue;
      }
      if (banned.has(op.address)) continue;
      // the allow list, own addresses, gateways and the SSH client win, checked here at the last step
      const covering = allow.covering(op.address);
      if (covering) {
        this.opts.log?.(`fleet: not blocking ${op.address} (from ${op.node === '*' ? 'the live view' : op.node}): ${covering.cidr} (${covering.why})`);
        continue;
      }
      const until = Math.min(op.until, now + this.opts.maxBanMs);
      apply.push({ address: op.address, family: op.family, kind: 'block', seconds: kernelSeconds(until - now) });
      const from = op.node === '*' ? 'fleet' : `fleet ${op.node}`;
      records.push({ address: op.address, family: op.family, kind: 'block', until, reason: `${from}: ${op.reason || 'banned'}`.slice(0, MAX_REASON) });
    }
    const report = this.report;
    return {
      apply,
      remove,
      commit(s: State): void {
        const f = fleetOf(s);
        const lifted = new Set(remove.map((r) => r.address));
        const added = new Set(records.map((r) => r.address));
        s.bans = s.bans.filter((b) => !(b.kind === 'block' && (lifted.has(b.address) || added.has(b.address))));
        s.bans.push(...records);
        f.cursor = pulled.cursor;
        f.received += pulled.ops.filter((o) => o.node !== '*').length;
        f.skipped += pulled.skipped.length;
        for (const [node, at] of pulled.nodes) noteNode(f, node, at);
        f.lastContact = now;
        delete f.lastProblem;
        report.applied += records.length;
        report.lifted += remove.length;
      },
    };
  }

  /** Queues `items` behind what waits in the outbox and sends them all. Never throws for Redis' sake. */
  async publish(state: State, items: readonly OutboxItem[], now: number): Promise<void> {
    if (!this.settings.publish || this.opts.dryRun) return;
    const fleet = fleetOf(state);
    queue(fleet, items);
    this.report.waiting = fleet.outbox.length;
    if (!fleet.outbox.length || this.failed) return;
    try {
      const sent = await sendOutbox(await this.connection(), this.keys, fleet.outbox, { node: this.node, now, streamMax: this.settings.streamMax });
      fleet.published += sent;
      this.report.published += sent;
      fleet.outbox = [];
      this.report.waiting = 0;
      fleet.lastContact = now;
      delete fleet.lastProblem;
    } catch (err) {
      this.fail(fleet, err, now);
    }
  }

  async close(): Promise<void> {
    const c = await this.client?.catch(() => undefined);
    if (c) {
      this.report.roundTrips = c.roundTrips;
      await c.close();
    }
  }

  /** The connection, opened once; a failure to connect is remembered so that one command waits one timeout. */
  private connection(): Promise<FleetClient> {
    if (this.failed) return Promise.reject(this.failed);
    this.client ??= (this.opts.connect ?? connectFleet)(this.settings, this.opts.env);
    return this.client.then((c) => {
      this.report.roundTrips = c.roundTrips;
      return c;
    });
  }

  private fail(fleet: FleetState, err: unknown, now: number): void {
    if (!(err instanceof FleetError)) throw err;
    this.failed = err;
    this.report.problem = err.message;
    fleet.lastProblem = { at: now, text: err.message };
  }
}

/**
 * This run's new blocks as outbox items (spoofed-source drops are about this host's WAN: never shared). `ends`: the
 * state's end of each ban where it differs from the decision's (AbuseIPDB's score lengthened it), so the fleet holds
 * the ban as long as this node does.
 */
export function banItems(fresh: readonly Decision[], now: number, ends?: ReadonlyMap<string, number>): OutboxItem[] {
  return fresh
    .filter((d) => d.kind === 'block')
    .map((d) => ({
      op: 'ban' as const,
      address: d.address,
      until: ends?.get(d.address) ?? now + d.remainingMs,
      reason: d.why.en.slice(0, MAX_REASON),
      ...(d.finding.rule === 'port-scan' && { types: [...d.finding.kinds] }),
    }));
}

function fleetOf(state: State): FleetState {
  state.fleet ??= emptyFleetState();
  return state.fleet;
}

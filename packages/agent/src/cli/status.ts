import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration } from '../config/values.js';
import { StateStore, type State } from '../state/store.js';
import { CONFIG_OPTIONS, kernelEntries, setUp } from './agent-setup.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';
import { fleetStatus, fleetLines } from './fleet-status.js';

interface SourceStatus {
  source: string;
  /** Bytes not read yet in the live file (files only); null when unknown. */
  behind: number | null;
  position: string;
}

/** `portcullis status`: what the agent is configured to do, where it stands, and whether the kernel agrees. Changes nothing. */
export async function statusCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, { config: CONFIG_OPTIONS.config, json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError(`status takes no argument: '${positionals[0]}'`);
  // a status never changes the firewall: the dry-run backend really reads, and what it would write goes nowhere
  const setup = await setUp({ ...values, 'dry-run': true }, io, { dryRunOut: { write: () => true } });
  const { cfg } = setup;
  const state = await new StateStore(cfg.state, { warn: setup.warn, now: setup.now }).load();
  const now = setup.now();
  const active = state.bans.filter((b) => b.until > now);
  const sources = await Promise.all(cfg.sources.map((s) => sourceStatus(s, state)));
  const kernel = await kernelEntries(setup);
  const kernelCount = kernel.entries?.length;
  const lock = await readFile(join(cfg.state, 'lock'), 'utf8').then((t) => t.trim(), () => undefined);
  const doc = {
    config: cfg.file ?? null,
    backend: cfg.backend.type,
    state: cfg.state,
    wan: cfg.wan,
    wan_from: cfg.defaulted.wan ? 'default routes' : 'config',
    sources,
    never_blocked: cfg.neverBlock,
    last_run: state.lastRun ? { ...state.lastRun, at: new Date(state.lastRun.at).toISOString() } : null,
    running: lock ? lockOwner(lock) : null,
    bans: { block: active.filter((b) => b.kind === 'block').length, spoof: active.filter((b) => b.kind === 'spoof').length },
    kernel_entries: kernelCount ?? null,
    kernel_problem: kernel.problem ?? null,
    offences: state.offences.size,
    carried_lines: state.carry.length,
    fleet: fleetStatus(cfg.share, state.fleet),
  };
  if (values.json) {
    io.stdout.write(`${JSON.stringify(doc)}\n`);
    return 0;
  }
  const out: string[] = [];
  out.push(`config:   ${cfg.file ?? '(none: every setting is its default)'}`);
  out.push(`backend:  ${cfg.backend.type}${cfg.backend.type === 'nftables' ? ` (table inet ${cfg.backend.table})` : ''}`);
  out.push(`wan:      ${cfg.wan.length ? cfg.wan.join(', ') : '(none)'} (from the ${doc.wan_from})`);
  for (const s of sources) out.push(`source:   ${s.source}: ${s.position}`);
  out.push(`allow:    ${cfg.neverBlock.length} never-blocked entries (${[...new Set(cfg.neverBlock.map((e) => e.why))].join(', ') || 'none'})`);
  out.push(`state:    ${cfg.state}`);
  out.push(
    `last run: ${
      state.lastRun
        ? `${new Date(state.lastRun.at).toISOString()} (${formatDuration(Math.max(0, now - state.lastRun.at))} ago): ${state.lastRun.lines} lines, ${state.lastRun.firewallLines} from the firewall, ${state.lastRun.findings} findings, ${state.lastRun.applied} bans applied`
        : 'never'
    }`,
  );
  if (doc.running) out.push(`running:  a run holds the lock (${doc.running})`);
  out.push(`bans:     ${doc.bans.block} block, ${doc.bans.spoof} spoof (WAN only) active; ${state.offences.size} sources with offences on record`);
  out.push(`kernel:   ${kernelCount !== undefined ? `${kernelCount} entries in our sets${kernelCount < active.length ? ' (fewer than on record: run portcullis restore)' : ''}` : `cannot tell (${kernel.problem})`}`);
  out.push(...fleetLines(doc.fleet, now));
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

function lockOwner(text: string): string {
  try {
    const o = JSON.parse(text) as { pid?: number; since?: string };
    return `pid ${o.pid ?? '?'} since ${o.since ?? '?'}`;
  } catch {
    return 'unknown owner';
  }
}

async function sourceStatus(source: string, state: State): Promise<SourceStatus> {
  const c = state.cursors.get(source);
  if (c?.kind === 'journald') return { source, behind: null, position: c.cursor ? 'journal cursor kept' : 'journal: nothing read yet' };
  if (!c) return { source, behind: null, position: 'not read yet' };
  const st = await stat(source, { bigint: true }).catch(() => undefined);
  if (st === undefined) return { source, behind: null, position: `read to byte ${c.offset} of ${c.file}; the file is missing now` };
  const behind = c.file === source && String(st.ino) === c.ino ? Math.max(0, Number(st.size) - c.offset) : null;
  return { source, behind, position: behind === null ? `rotated since the last run (the next run reads the rest of ${c.file} first)` : `${behind} bytes not read yet` };
}

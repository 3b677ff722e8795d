import { parseAddress } from '@portcullis/core';
import { formatDuration, parseDuration } from '../config/values.js';
import { addBan, removeBan } from '../run/ops.js';
import { StateStore, type BanRecord } from '../state/store.js';
import { CONFIG_OPTIONS, kernelEntries, setUp, stateDeps, type AgentSetup } from './agent-setup.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';
import { write } from './output.js';
import { publishByHand } from './fleet-setup.js';

/** `portcullis bans list|add ADDR [--for 2h]|remove ADDR`. */
export async function bansCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    ...CONFIG_OPTIONS,
    json: { type: 'boolean' },
    for: { type: 'string' },
    reason: { type: 'string' },
  });
  const [action, ...args] = positionals;
  if (action !== 'list' && action !== 'add' && action !== 'remove') {
    throw new UsageError(`bans: say list, add ADDR or remove ADDR${action === undefined ? '' : ` (not '${action}')`}`);
  }
  if (action === 'list' ? args.length > 0 : args.length !== 1) {
    throw new UsageError(action === 'list' ? `bans list takes no address: '${args[0]}'` : `bans ${action} takes one address`);
  }
  if (values.for !== undefined && action !== 'add') throw new UsageError('--for goes with bans add');
  let ms: number | undefined;
  if (values.for !== undefined) {
    ms = parseDuration(values.for);
    if (ms === undefined || ms < 1000) throw new UsageError(`--for: '${values.for}' is not a duration (90s, 15m, 2h, 7d)`);
  }
  const setup = await setUp(values, io);
  if (action === 'list') return list(setup, io, values.json === true);
  const address = args[0]!;
  if (action === 'add') {
    const r = await addBan(stateDeps(setup), { address, ms: ms ?? setup.cfg.ban.timeMs, reason: values.reason ?? 'added by hand' });
    if (!r.ok) throw new UsageError(`bans add: ${r.problem}`);
    if (values.json) io.stdout.write(`${JSON.stringify(view(r.record, setup.now()))}\n`);
    else if (!setup.dryRun) io.stdout.write(`blocked ${r.record.address} until ${new Date(r.record.until).toISOString()}\n`);
    return publishByHand(setup, io, [{ op: 'ban', address: r.record.address, until: r.record.until, reason: r.record.reason }]);
  }
  const r = await removeBan(stateDeps(setup), address);
  if (!r.ok) throw new UsageError(`bans remove: ${r.problem}`);
  if (values.json) io.stdout.write(`${JSON.stringify({ removed: r.removed.map((b) => view(b, setup.now())) })}\n`);
  else if (!setup.dryRun) io.stdout.write(r.removed.length ? `unblocked ${address} (${r.removed.map((b) => b.kind).join(', ')})\n` : `${address} had no ban on record; removed from the kernel sets if it was there\n`);
  return publishByHand(setup, io, [{ op: 'unban', address: parseAddress(address)?.address ?? address }]);
}

interface BanView {
  address: string;
  kind: string;
  until: string;
  seconds_left: number;
  reason: string;
  /** Whether the kernel holds it now; null when the kernel could not be asked. */
  in_kernel: boolean | null;
}

function view(b: BanRecord, now: number, kernel?: ReadonlySet<string>): BanView {
  return {
    address: b.address,
    kind: b.kind,
    until: new Date(b.until).toISOString(),
    seconds_left: Math.max(0, Math.ceil((b.until - now) / 1000)),
    reason: b.reason,
    in_kernel: kernel ? kernel.has(`${b.kind} ${b.address}`) : null,
  };
}

/** The state's active bans, each checked against the kernel; entries only the kernel has are listed too. */
async function list(setup: AgentSetup, io: Io, json: boolean): Promise<number> {
  const state = await new StateStore(setup.cfg.state, { warn: setup.warn, now: setup.now }).load();
  const now = setup.now();
  const { entries: kernel, problem } = await kernelEntries(setup);
  const held = kernel ? new Set(kernel.map((e) => `${e.kind} ${e.address}`)) : undefined;
  const active = state.bans.filter((b) => b.until > now).sort((a, b) => a.until - b.until);
  const known = new Set(active.map((b) => `${b.kind} ${b.address}`));
  const extra = (kernel ?? []).filter((e) => !known.has(`${e.kind} ${e.address}`));
  if (json) {
    await write(io.stdout, `${JSON.stringify({ bans: active.map((b) => view(b, now, held)), kernel_only: extra, kernel_problem: problem ?? null })}\n`);
    return 0;
  }
  if (problem) io.stderr.write(`portcullis: warning: cannot ask the kernel: ${problem}\n`);
  if (!active.length) await write(io.stdout, 'no active bans\n');
  for (const b of active) {
    const v = view(b, now, held);
    const mark = v.in_kernel === false ? '  (missing from the kernel: run portcullis restore)' : '';
    await write(io.stdout, `${b.address.padEnd(39)} ${b.kind.padEnd(5)} ${formatDuration(v.seconds_left * 1000).padStart(9)} left  ${b.reason}${mark}\n`);
  }
  for (const e of extra) await write(io.stdout, `${e.address.padEnd(39)} ${e.kind.padEnd(5)} in the kernel sets but not in the state (added by hand?)\n`);
  return 0;
}

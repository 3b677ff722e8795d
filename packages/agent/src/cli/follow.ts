/**
 * `portcullis follow`: a service for servers that want fleet bans within a second instead of at the next cron run.
 * It blocks on the stream (`XREAD BLOCK`) after the cursor kept in the state; when something new arrives it takes
 * the lock and applies it exactly as `run` does (same checks, same batch, same atomic save of bans and cursor), so
 * `run` and `follow` can both be active: whichever comes second finds the cursor moved and nothing to do.
 * Redis away: one warning, a retry every few seconds, one line when it is back. SIGTERM or SIGINT: stops between
 * steps, never in the middle of one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connectFleet, FleetError, type FleetClient } from '../share/connection.js';
import { FleetLink } from '../share/fleet.js';
import { redactUrl } from '../share/settings.js';
import { withState } from '../run/with-state.js';
import { StateStore } from '../state/store.js';
import { CONFIG_OPTIONS, setUp, stateDeps, type AgentSetup } from './agent-setup.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';

/** How long one blocking read waits: short, so a stop request is honoured within about a second. */
const BLOCK_MS = 1000;
const RETRY_MS = 5000;

export async function followCommand(argv: string[], io: Io, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseOptions(argv, { config: CONFIG_OPTIONS.config });
  if (positionals.length) throw new UsageError(`follow takes no argument: '${positionals[0]}'`);
  const setup = await setUp(values, io);
  const share = setup.cfg.share;
  if (!share) throw new UsageError('follow: the config sets no share.redis, so there is no fleet to follow', 5);
  if (!share.subscribe) throw new UsageError('follow: share.subscribe is false, so there is nothing to follow', 5);
  // a dry run saves no state, so its cursor would never move and every wake-up would read the same entries again
  if (setup.dryRun) throw new UsageError('follow: backend dry-run keeps no state to hold its place in the stream; use portcullis run --dry-run to see what the fleet would bring', 5);

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  signal?.addEventListener('abort', onSignal, { once: true });
  setup.say(`following ${redactUrl(share.redis)} (prefix ${share.prefix})`);
  let client: FleetClient | undefined;
  let outage: string | undefined;
  try {
    while (!stop.signal.aborted) {
      try {
        client ??= await connectFleet(share, io.env);
        const cursor = (await new StateStore(setup.cfg.state, { warn: setup.warn, now: setup.now }).load()).fleet?.cursor;
        // no cursor yet: the first step reads the live view at once; else wait for an entry past the cursor
        const woken =
          cursor === undefined ||
          (await client.batch([['XREAD', 'COUNT', '1', 'BLOCK', String(BLOCK_MS), 'STREAMS', `{${share.prefix}}:stream`, cursor]], { timeoutMs: BLOCK_MS + share.timeoutMs }))[0] !== null;
        if (woken && !stop.signal.aborted) await step(setup, io, client);
        if (outage) setup.warn('fleet: Redis answers again');
        outage = undefined;
      } catch (err) {
        if (!(err instanceof FleetError)) throw err;
        if (outage === undefined) setup.warn(`fleet: ${err.message}; retrying every ${RETRY_MS / 1000}s`);
        outage = err.message;
        await client?.close().catch(() => undefined);
        client = undefined;
        await sleep(RETRY_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await client?.close().catch(() => undefined);
  }
  setup.say('follow: stopped');
  return 0;
}

/** One pass of what `run` does with the fleet, under the lock: receive, apply as one batch, record, save. */
async function step(setup: AgentSetup, io: Io, client: FleetClient): Promise<void> {
  const share = setup.cfg.share!;
  // the link borrows the waiting connection: no second handshake per step, and closing the link leaves it open
  const borrowed: FleetClient = { batch: (c, o) => client.batch(c, o), get roundTrips() { return client.roundTrips; }, close: async () => undefined };
  const link = new FleetLink(share, { env: io.env, dryRun: setup.dryRun, maxBanMs: setup.cfg.ban.maxMs, log: setup.say, connect: async () => borrowed });
  await withState(stateDeps(setup), async (state, _caps, allow) => {
    const now = setup.now();
    const incoming = await link.receive(state, allow, now, []);
    if (incoming.remove.length) await setup.backend.remove(incoming.remove);
    if (incoming.apply.length) await setup.backend.apply(incoming.apply);
    incoming.commit(state);
  });
  const r = link.report;
  if (r.problem) throw new FleetError(r.problem, 'unreachable');
  for (const n of r.notes) (n.startsWith('skipped') ? setup.warn : setup.say)(`fleet: ${n}`);
  if (r.applied || r.lifted) setup.say(`fleet: ${r.applied} ban(s) applied, ${r.lifted} lifted`);
}

/**
 * The fleet benchmark: sharing bans through a real redis-server (Debian's package, started here on 127.0.0.1 with
 * a free port, an ACL user, no persistence, stopped at the end).
 *
 *   node --import tsx bench/fleet.ts            (part of npm run bench)
 *   node --import tsx bench/fleet.ts --bans 10000 --live 100000
 *
 * 1. End to end: node A publishes `--bans` bans (one outbox, as `bans add` or a run sends it); node B, a second
 *    state directory, runs the real runOnce with the fleet on and the dry-run nftables backend (commands built and
 *    discarded: the kernel's own time is the nftables suite's business), applying them all. Prints the time from
 *    A's first byte to B's saved state, the round trips each side used, and the bytes Redis saw.
 * 2. Scale: Redis memory (`INFO memory`) with `--live` live bans (the live view and a stream capped at as many
 *    entries), and the bytes of one run's exchange: idle, and per entry received.
 * Nothing here asserts: this is never part of npm test. The target for 1 is 1 s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DryRunBackend } from '../packages/agent/src/backends/dry-run.js';
import { runOnce } from '../packages/agent/src/run/run-once.js';
import { connectFleet } from '../packages/agent/src/share/connection.js';
import { FleetLink } from '../packages/agent/src/share/fleet.js';
import { fleetKeys } from '../packages/agent/src/share/keys.js';
import { sendOutbox } from '../packages/agent/src/share/publish.js';
import type { ShareSettings } from '../packages/agent/src/share/settings.js';
import { StateStore } from '../packages/agent/src/state/store.js';
import { startRedis, type RedisLab } from '../test/agent/share/redis-lab.js';

const { values } = parseArgs({ options: { bans: { type: 'string', default: '10000' }, live: { type: 'string', default: '100000' } } });
const BANS = Number(values.bans);
const LIVE = Number(values.live);
const DAY = 86_400_000;

/** `n` distinct addresses: IPv4 from 100.64.0.0/10-sized counting (as numbers), then IPv6; none special. */
function address(i: number): string {
  // 45.0.0.0 onwards: ordinary unicast space, as scanners' addresses are (never contacted: these are set entries)
  const n = 0x2d000000 + i;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

async function info(redis: RedisLab, section: string, key: string): Promise<number> {
  const text = await redis.cli('INFO', section);
  const m = new RegExp(`^${key}:(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function netBytes(redis: RedisLab): Promise<number> {
  return (await info(redis, 'stats', 'total_net_input_bytes')) + (await info(redis, 'stats', 'total_net_output_bytes'));
}

function shareOf(redis: RedisLab, node: string): ShareSettings {
  return { redis: redis.url(), prefix: 'bench', node, publish: true, subscribe: true, trust: ['*'], timeoutMs: 5000, streamMax: Math.max(LIVE, BANS) };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'pcl-bench-fleet-'));
  try {
    const version = (await redis.cli('INFO', 'server')).match(/^redis_version:(\S+)/m)?.[1];
    console.log(`redis-server ${version} on 127.0.0.1:${redis.port}; ${BANS} bans end to end, ${LIVE} live bans for memory\n`);

    // --- 1. end to end ----------------------------------------------------------------------------------------
    const bDir = join(dir, 'b');
    const log = join(dir, 'empty.log');
    writeFileSync(log, '');
    const backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true } });
    const runB = async (): Promise<{ link: FleetLink; applied: number }> => {
      const link = new FleetLink(shareOf(redis, 'b'), { env: {}, maxBanMs: 7 * DAY });
      try {
        await runOnce({ sources: [log], stateDir: bDir, backend, wan: [], allow: [], detect: {}, ban: { timeMs: 3_600_000, factor: 2, maxMs: 7 * DAY }, startAt: 'beginning', now: Date.now, fleet: link });
      } finally {
        await link.close();
      }
      return { link, applied: link.report.applied };
    };
    await runB(); // B joins before: its cursor is the stream's end
    const until = Date.now() + 3_600_000;
    const items = Array.from({ length: BANS }, (_, i) => ({ op: 'ban' as const, address: address(i), until, reason: 'port scan (SYN scan)', types: ['syn'] }));
    const aDir = join(dir, 'a');
    mkdirSync(aDir);
    const bytes0 = await netBytes(redis);
    const t0 = performance.now();
    const store = new StateStore(aDir);
    const st = await store.load();
    const a = new FleetLink(shareOf(redis, 'a'), { env: {}, maxBanMs: 7 * DAY });
    await a.publish(st, items, Date.now());
    await a.close();
    await store.save(st);
    const t1 = performance.now();
    const b = await runB();
    const t2 = performance.now();
    const bytes1 = await netBytes(redis);
    console.log('end to end (publish on A, one run on B applying every ban, both states saved)');
    console.log(`  published ${a.report.published} in ${(t1 - t0).toFixed(0)} ms, ${a.report.roundTrips} round trips (connect + 1 pipeline)`);
    console.log(`  applied   ${b.applied} in ${(t2 - t1).toFixed(0)} ms, ${b.link.report.roundTrips} round trips (connect + XINFO with the first XREAD page)`);
    console.log(`  total     ${(t2 - t0).toFixed(0)} ms (target 1000 ms); ${((bytes1 - bytes0) / 1024).toFixed(0)} KiB on the wire, ${((bytes1 - bytes0) / BANS / 2).toFixed(0)} bytes per ban each way\n`);

    // --- 2. scale -------------------------------------------------------------------------------------------------
    await redis.cli('FLUSHALL');
    const base = await info(redis, 'memory', 'used_memory');
    const client = await connectFleet(shareOf(redis, 'a'), {});
    const keys = fleetKeys('bench');
    for (let i = 0; i < LIVE; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, LIVE - i) }, (_, j) => ({ op: 'ban' as const, address: address(i + j), until: until + (i + j) * 10, reason: 'port scan (SYN scan)', types: ['syn'] }));
      await sendOutbox(client, keys, batch, { node: `web-${i % 1000}`, now: Date.now(), streamMax: LIVE });
    }
    await client.close();
    const used = await info(redis, 'memory', 'used_memory');
    const streamBytes = Number(await redis.cli('MEMORY', 'USAGE', keys.stream, 'SAMPLES', '0'));
    const liveBytes = Number(await redis.cli('MEMORY', 'USAGE', keys.live, 'SAMPLES', '0'));
    console.log(`memory with ${LIVE} live bans (INFO memory used_memory over an empty server)`);
    console.log(`  total ${((used - base) / 1048576).toFixed(1)} MiB: stream ${(streamBytes / 1048576).toFixed(1)} MiB (${await redis.cli('XLEN', keys.stream)} entries of 100 bans, ${(streamBytes / LIVE).toFixed(0)} B per ban), live view ${(liveBytes / 1048576).toFixed(1)} MiB (${(liveBytes / LIVE).toFixed(0)} B per ban)\n`);

    // one run's exchange: a node with nothing new, then one with 1,000 new entries
    const cDir = join(dir, 'c');
    const runC = async (): Promise<{ bytes: number; rt: number }> => {
      const before = await netBytes(redis);
      const link = new FleetLink(shareOf(redis, 'c'), { env: {}, maxBanMs: 7 * DAY });
      try {
        await runOnce({ sources: [log], stateDir: cDir, backend, wan: [], allow: [], detect: {}, ban: { timeMs: 3_600_000, factor: 2, maxMs: 7 * DAY }, startAt: 'beginning', now: Date.now, fleet: link });
      } finally {
        await link.close();
      }
      // the INFO call itself is counted too: subtract one (measured alone)
      return { bytes: (await netBytes(redis)) - before, rt: link.report.roundTrips };
    };
    const infoAlone = (await netBytes(redis)) - (await netBytes(redis));
    const join1 = await runC();
    console.log(`a node joining late reads the live view: ${(join1.bytes / 1048576).toFixed(1)} MiB, ${join1.rt} round trips`);
    const idle = await runC();
    const extra = Array.from({ length: 1000 }, (_, i) => ({ op: 'ban' as const, address: address(LIVE + i), until, reason: 'port scan (SYN scan)', types: ['syn'] }));
    const c2 = await connectFleet(shareOf(redis, 'a'), {});
    await sendOutbox(c2, keys, extra, { node: 'web-1', now: Date.now(), streamMax: LIVE });
    await c2.close();
    const busy = await runC();
    console.log(`a run with nothing new: ${idle.bytes - Math.abs(infoAlone)} bytes, ${idle.rt} round trips (connect, XINFO + XREAD)`);
    console.log(`a run receiving 1,000 new bans: ${((busy.bytes - Math.abs(infoAlone)) / 1024).toFixed(0)} KiB (${((busy.bytes - idle.bytes) / 1000).toFixed(0)} bytes per ban), ${busy.rt} round trips`);
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

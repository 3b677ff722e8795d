/**
 * One agent of the library-level fleet tests: its own temp directory with a log and a state, the real dry-run
 * backend (its commands captured), and `run()` the real runOnce with a FleetLink to the shared Redis.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { runOnce, type RunSummary } from '../../../packages/agent/src/run/run-once.js';
import { FleetLink } from '../../../packages/agent/src/share/fleet.js';
import type { AfterBansDeps } from '../../../packages/agent/src/run/intel.js';
import type { ShareSettings } from '../../../packages/agent/src/share/settings.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';

export const SCANNER = '198.51.100.77';
export const DAY = 86_400_000;

export function scanLines(src: string, at: number): string {
  let out = '';
  for (let p = 1; p <= 12; p++) {
    out += `${new Date(at + p * 50).toISOString()} a kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${p} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
  }
  return out;
}

/** Share settings as the tests use them: publish and subscribe, trust every node, a small stream, 2 s timeouts. */
export function testShare(redis: string, prefix: string, over: Partial<ShareSettings> = {}): ShareSettings {
  return { redis, prefix, publish: true, subscribe: true, trust: ['*'], timeoutMs: 2000, streamMax: 1000, ...over };
}

/**
 * The fleet's basic promise between two agents: `b` has joined (one run), `a` sees SCANNER scan, bans it and
 * publishes it in its run; `b`'s next run applies it through its backend. Returns both runs' summaries.
 */
export async function banTravels(a: Agent, b: Agent): Promise<{ ra: RunSummary; rb: RunSummary }> {
  await b.run();
  appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
  const ra = await a.run();
  assert.equal(ra.fleet?.problem, undefined);
  assert.equal(ra.fleet?.published, 1);
  const rb = await b.run();
  assert.equal(rb.fleet?.problem, undefined);
  assert.equal(rb.fleet?.applied, 1, 'b applied the ban a published');
  assert.match(b.commands, new RegExp(`add element inet portcullis block4 \\{ ${SCANNER.replace(/\./g, '\\.')} timeout`));
  return { ra, rb };
}

export class Agent {
  readonly dir = mkdtempSync(join(tmpdir(), 'pcl-fleet-'));
  readonly log = join(this.dir, 'kern.log');
  readonly stateDir = join(this.dir, 'state');
  commands = '';
  /** AbuseIPDB and the lists, when a test gives them. */
  intel: AfterBansDeps | undefined;
  readonly backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: (t: string) => (this.commands += t) } });
  warnings: string[] = [];
  logged: string[] = [];
  /** The environment the link reads password_env from. */
  env: Record<string, string> = {};

  constructor(
    readonly node: string,
    public share: ShareSettings,
    readonly allow: string[] = [],
  ) {
    writeFileSync(this.log, '');
  }

  async run(): Promise<RunSummary> {
    const fleet = new FleetLink({ ...this.share, node: this.node }, { env: this.env, maxBanMs: 7 * DAY, log: (l) => this.logged.push(l) });
    try {
      return await runOnce({
        sources: [this.log],
        stateDir: this.stateDir,
        backend: this.backend,
        // the scanner is a documentation address: a neighbour here (else it would count as spoofed, and never be shared)
        wan: [],
        neighbours: ['198.51.100.0/24'],
        allow: this.allow.map((cidr) => ({ cidr, why: 'config' })),
        detect: { scan: { ports: 10, hosts: 10, windowMs: 60_000, slowPorts: 1000 }, spoof: { wan: [] } },
        ban: { timeMs: 3_600_000, factor: 2, maxMs: 7 * DAY },
        startAt: 'beginning',
        now: Date.now,
        warn: (l) => this.warnings.push(l),
        fleet,
        ...(this.intel && { intel: this.intel }),
      });
    } finally {
      await fleet.close();
    }
  }

  state() {
    return new StateStore(this.stateDir).load();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}


/**
 * Sharing bans through Redis Sentinel and Redis Cluster, real ones started here (redis-lab.ts): one master, one
 * replica and one sentinel; three Cluster masters. The agents are the library-level ones of fleet.test.ts (the real
 * runOnce, the dry-run backend). What must hold: a ban published by one node reaches another through each; after a
 * SENTINEL FAILOVER the next runs write to the new master and still meet; in a Cluster a node whose seed does not
 * hold our slot is sent to the one that does; a blocking XREAD (what `follow` waits on) wakes through each; the
 * wrong password through each is 'auth', one warning and exit 9, as with one server, in the library and in the built
 * CLI (`run` with the dry-run backend).
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectFleet, FleetError, type FleetClient } from '../../../packages/agent/src/share/connection.js';
import { fleetKeys } from '../../../packages/agent/src/share/keys.js';
import { clusterLabel, parseHostPort, redactUrl, sentinelLabel, type HostPort, type ShareSettings } from '../../../packages/agent/src/share/settings.js';
import { FLEET_EXIT, reportFleet } from '../../../packages/agent/src/cli/fleet-setup.js';
import type { AgentSetup } from '../../../packages/agent/src/cli/agent-setup.js';
import { Agent, banTravels, SCANNER, scanLines, testShare } from './fleet-agent.js';
import { PASSWORD, SENTINEL_MASTER, startCluster, startSentinel, USER, type ClusterLab, type SentinelLab } from './redis-lab.js';
import { execa } from 'execa';
import { BIN } from '../run/run-lab.js';

const ENV = { PCL_FLEET_PW: PASSWORD };
const SECOND = '198.51.100.78';

const node = (text: string): HostPort => parseHostPort(text)!;
const redisCli = async (port: number, ...args: string[]): Promise<string> =>
  String((await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', ...args])).stdout);

/** The exit code and the one warning `run` would give for this link's report. */
function exitFor(report: Parameters<typeof reportFleet>[0]): { code: number; warnings: string[] } {
  const warnings: string[] = [];
  const setup = { say: () => undefined, warn: (l: string) => warnings.push(l) } as unknown as AgentSetup;
  return { code: reportFleet(report, setup, false), warnings };
}

/** A blocking XREAD (as `follow` issues it) on one connection wakes when another connection appends. */
async function blockingReadWakes(share: ShareSettings): Promise<void> {
  const { stream } = fleetKeys(share.prefix);
  const [waiter, writer] = [await connectFleet(share, ENV), await connectFleet(share, ENV)];
  try {
    const start = Date.now();
    const woken = waiter.batch([['XREAD', 'COUNT', '1', 'BLOCK', '5000', 'STREAMS', stream, '$']], { timeoutMs: 7000 });
    await new Promise((r) => setTimeout(r, 300));
    const [id] = await writer.batch([['XADD', stream, '*', 'probe', '1']]);
    const [reply] = await woken;
    assert.ok(Date.now() - start < 4000, `woken by the append, not by the block's end: ${Date.now() - start} ms`);
    assert.deepEqual(reply, [[stream, [[id, ['probe', '1']]]]]);
  } finally {
    await waiter.close();
    await writer.close();
  }
}

/**
 * The built CLI (the esbuild bundle, where the client's module has only `default`) runs `run` with the dry-run
 * backend (no firewall touched) and the share section given: its exit code and stderr, with the right password
 * and with a wrong one.
 */
async function cliRuns(shareYaml: string): Promise<{ good: { code: number; stderr: string }; wrong: { code: number; stderr: string } }> {
  const dir = await mkdtemp(join(tmpdir(), 'pcl-topology-cli-'));
  try {
    await writeFile(join(dir, 'kern.log'), '');
    const config = join(dir, 'config.yaml');
    await writeFile(config, `sources: [${dir}/kern.log]\nbackend: {type: dry-run}\nstate: ${dir}/state\nshare:\n${shareYaml}  user: ${USER}\n  password_env: PCL_FLEET_PW\n  node: cli\n`);
    const cli = async (pw: string) => {
      const r = await execa(process.execPath, [BIN, 'run', '--config', config], { reject: false, timeout: 60_000, env: { PCL_FLEET_PW: pw }, stdin: 'ignore' });
      return { code: r.exitCode ?? -1, stderr: String(r.stderr) };
    };
    return { good: await cli(PASSWORD), wrong: await cli('not-the-password') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function assertCliExit(r: Awaited<ReturnType<typeof cliRuns>>, where: RegExp): void {
  assert.equal(r.good.code, 0, r.good.stderr);
  assert.equal(r.good.stderr, '');
  assert.equal(r.wrong.code, FLEET_EXIT, r.wrong.stderr);
  const lines = r.wrong.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.wrong.stderr);
  assert.match(lines[0]!, /^portcullis: warning: fleet: Redis at /);
  assert.match(lines[0]!, where);
  assert.match(lines[0]!, /refused the credentials \(WRONGPASS\).*local bans went ahead/);
  assert.ok(!r.wrong.stderr.includes('not-the-password'));
}

async function refusedCredentials(share: ShareSettings, where: RegExp): Promise<void> {
  const started = Date.now();
  await assert.rejects(connectFleet(share, { PCL_FLEET_PW: 'not-the-password' }), (err: unknown) => {
    assert.ok(err instanceof FleetError);
    assert.equal(err.problem, 'auth');
    assert.match(err.message, where);
    assert.match(err.message, /refused the credentials \(WRONGPASS\)/);
    assert.ok(!err.message.includes('not-the-password'));
    return true;
  });
  assert.ok(Date.now() - started < share.timeoutMs + 1000, `one timeout at most: ${Date.now() - started} ms`);
}

describe('fleet: through Redis Sentinel and Redis Cluster', function () {
  this.timeout(120_000);
  let agents: Agent[] = [];
  const agent = (name: string, share: ShareSettings): Agent => {
    const a = new Agent(name, share);
    a.env = ENV;
    agents.push(a);
    return a;
  };
  /** A run whose fleet password is wrong: the local ban still goes ahead, and the fleet's problem is auth, exit 9. */
  const runWithWrongPassword = async (share: ShareSettings, source: string): Promise<{ a: Agent; warnings: string[] }> => {
    const a = agent('a', share);
    a.env = { PCL_FLEET_PW: 'not-the-password' };
    appendFileSync(a.log, scanLines(source, Date.now() - 5000));
    const r = await a.run();
    assert.equal(r.applied.length, 1, 'the local ban went ahead');
    assert.match(r.fleet?.problem ?? '', /refused the credentials/);
    const { code, warnings } = exitFor(r.fleet);
    assert.equal(code, FLEET_EXIT);
    return { a, warnings };
  };
  afterEach(() => {
    for (const a of agents) a.remove();
    agents = [];
  });
  const base = (prefix: string): Omit<ShareSettings, 'redis'> => testShare('', prefix, { user: USER, passwordEnv: 'PCL_FLEET_PW' });

  describe('Sentinel: one master, one replica, one sentinel', () => {
    let lab: SentinelLab;
    let share: ShareSettings;
    before(async () => {
      lab = await startSentinel();
      const nodes = [node(lab.sentinel)];
      share = { ...base(`s${Math.random().toString(36).slice(2, 8)}`), redis: sentinelLabel(SENTINEL_MASTER, nodes), sentinel: { master: SENTINEL_MASTER, nodes } };
    });
    after(async () => {
      await lab?.stop();
    });

    it('a ban published by one node reaches another; after a SENTINEL FAILOVER the next runs meet on the new master', async () => {
      const [a, b] = [agent('a', share), agent('b', share)];
      assert.equal(redactUrl(share.redis), `sentinel ${SENTINEL_MASTER} at ${lab.sentinel}`, 'status shows the label as it is');
      await banTravels(a, b);
      const { stream } = fleetKeys(share.prefix);
      const first = await lab.masterPort();
      assert.equal(await redisCli(first, 'XLEN', stream), '1', 'written to the master Sentinel names');

      const promoted = await lab.failover();
      assert.notEqual(promoted, first);
      appendFileSync(a.log, scanLines(SECOND, Date.now() - 2000));
      const ra2 = await a.run();
      assert.equal(ra2.fleet?.problem, undefined, 'the run after the failover reaches the new master');
      assert.equal(ra2.fleet?.published, 1);
      const rb2 = await b.run();
      assert.equal(rb2.fleet?.problem, undefined);
      assert.equal(rb2.fleet?.applied, 1, 'b applied the ban published after the failover');
      assert.match(b.commands, new RegExp(SECOND.replace(/\./g, '\\.')));
      assert.equal(await redisCli(promoted, 'XLEN', stream), '2', 'both entries on the promoted master (the first came by replication)');
      assert.match(await redisCli(promoted, 'INFO', 'replication'), /role:master/);
    });

    it('a blocking XREAD (what follow waits on) wakes through Sentinel', async () => {
      await blockingReadWakes(share);
    });

    it('the wrong password through Sentinel is auth, one warning and exit 9; nothing is lost', async () => {
      await refusedCredentials(share, new RegExp(`Redis at sentinel ${SENTINEL_MASTER} at 127\\.0\\.0\\.1:\\d+ refused`));
      const { a, warnings } = await runWithWrongPassword(share, '198.51.100.79');
      assert.equal((await a.state()).fleet?.outbox.length, 1, 'the ban waits in the outbox');
      assert.equal(warnings.length, 1);
      assertCliExit(await cliRuns(`  sentinel: {master: ${SENTINEL_MASTER}, nodes: ["${lab.sentinel}"]}\n`), new RegExp(`sentinel ${SENTINEL_MASTER} at `));
    });
  });

  describe('Cluster: three masters', () => {
    let lab: ClusterLab;
    let prefix: string;
    let owner: number;
    const clusterShare = (seeds: readonly number[]): ShareSettings => {
      const nodes = seeds.map((p) => ({ host: '127.0.0.1', port: p }));
      return { ...base(prefix), redis: clusterLabel(nodes), cluster: nodes };
    };
    before(async () => {
      lab = await startCluster();
      prefix = `c${Math.random().toString(36).slice(2, 8)}`;
      // the node that serves our slot answers; the others say MOVED
      const { stream } = fleetKeys(prefix);
      const answers = await Promise.all(lab.ports.map(async (p) => [p, await redisCli(p, 'XLEN', stream)] as const));
      owner = answers.find(([, out]) => !/MOVED/.test(out))![0];
    });
    after(async () => {
      await lab?.stop();
    });

    it('a ban published by one node reaches another, each knowing only a seed that does not hold the slot', async () => {
      const others = lab.ports.filter((p) => p !== owner);
      const [a, b] = [agent('a', clusterShare([others[0]!])), agent('b', clusterShare([others[1]!]))];
      assert.match(redactUrl(a.share.redis), /^cluster 127\.0\.0\.1:\d+$/);
      await banTravels(a, b);
      const { stream, live } = fleetKeys(prefix);
      assert.equal(await redisCli(owner, 'XLEN', stream), '1', 'the stream is on the node of its slot');
      assert.equal(await redisCli(owner, 'ZCARD', live), '1', 'and the live view beside it');
    });

    it('a batch is one round trip to one node, and a blocking XREAD (what follow waits on) wakes through the Cluster', async () => {
      const share = clusterShare(lab.ports);
      const client: FleetClient = await connectFleet(share, ENV);
      try {
        const { stream, live } = fleetKeys(prefix);
        for (const p of lab.ports) await redisCli(p, 'CONFIG', 'RESETSTAT');
        const before = client.roundTrips;
        const replies = await client.batch([['XLEN', stream], ['ZCARD', live], ['XINFO', 'STREAM', `{${prefix}}:nothing`]]);
        assert.equal(client.roundTrips, before + 1);
        for (const p of lab.ports) {
          const stats = await redisCli(p, 'INFO', 'commandstats');
          if (p === owner) assert.match(stats, /cmdstat_xlen:calls=1,[\s\S]*cmdstat_zcard:calls=1,|cmdstat_zcard:calls=1,[\s\S]*cmdstat_xlen:calls=1,/, 'the batch went to the node of the slot');
          else assert.doesNotMatch(stats, /cmdstat_(xlen|zcard|xinfo)/, `nothing of the batch went to ${p}`);
        }
        assert.equal(typeof replies[0], 'number');
        assert.match(String((replies[2] as { message?: string }).message), /no such key/, 'a command refused on its own leaves the batch going');
      } finally {
        await client.close();
      }
      await blockingReadWakes(share);
    });

    it('the wrong password through the Cluster is auth, one warning and exit 9', async () => {
      const share = clusterShare(lab.ports);
      await refusedCredentials(share, /Redis at cluster 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ refused/);
      await runWithWrongPassword(share, '198.51.100.80');
      assertCliExit(await cliRuns(`  cluster: [${lab.nodes.map((n) => `"${n}"`).join(', ')}]\n`), /cluster 127\.0\.0\.1:\d+,/);
    });
  });
});

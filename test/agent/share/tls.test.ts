/**
 * Sharing bans over TLS (`rediss://`) with a private CA, against real redis-servers speaking only TLS (redis-lab.ts:
 * `--port 0 --tls-port`, a throwaway CA and certificates made by openssl in the lab's temp directory, removed with
 * it). What must hold: with share.tls.ca_file a ban published by one node reaches another; without the CA, or with
 * another CA, or under a name the certificate does not carry, the connection fails at once with a sentence naming
 * the TLS problem ('setup'), the local ban stands, one warning, exit 9, and the outbox goes out once trusted; with
 * `--tls-auth-clients yes` a client certificate signed by the CA is needed and works when given; a missing or bad
 * file is named, its content never printed. The config keys: where they may stand, each mistake with
 * file:line:column. The built CLI (the bundle) connects with them too.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { checkConfigText } from '../../../packages/agent/src/config/load.js';
import { configProblems } from '../config/helpers.js';
import { connectFleet, FleetError } from '../../../packages/agent/src/share/connection.js';
import { fleetKeys } from '../../../packages/agent/src/share/keys.js';
import type { ShareSettings, ShareTls } from '../../../packages/agent/src/share/settings.js';
import { FLEET_EXIT, reportFleet } from '../../../packages/agent/src/cli/fleet-setup.js';
import type { AgentSetup } from '../../../packages/agent/src/cli/agent-setup.js';
import { BIN } from '../run/run-lab.js';
import { Agent, banTravels, SCANNER, scanLines, testShare } from './fleet-agent.js';
import { PASSWORD, startRedis, USER, type RedisLab } from './redis-lab.js';

const UNKNOWN_CA = /TLS: certificate signed by an unknown authority: trust its CA with share\.tls\.ca_file/;

function exitFor(report: Parameters<typeof reportFleet>[0]): { code: number; warnings: string[] } {
  const warnings: string[] = [];
  const setup = { say: () => undefined, warn: (l: string) => warnings.push(l) } as unknown as AgentSetup;
  return { code: reportFleet(report, setup, false), warnings };
}

function configMessage(text: string): string[] {
  const lines = configProblems(text);
  assert.notEqual(lines.length, 0, 'no error');
  return lines;
}

describe('fleet: TLS (rediss://) with a private CA', function () {
  this.timeout(60_000);
  let agents: Agent[] = [];
  let prefix = '';
  const share = (lab: RedisLab, tls?: ShareTls, over: Partial<ShareSettings> = {}): ShareSettings =>
    testShare(lab.url(), prefix, { ...(tls && { tls }), ...over });
  const agent = (node: string, s: ShareSettings): Agent => {
    const a = new Agent(node, s);
    agents.push(a);
    return a;
  };
  beforeEach(() => {
    prefix = `t${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(() => {
    for (const a of agents) a.remove();
    agents = [];
  });

  /** The connection fails within the one timeout, as a FleetError of this kind whose message matches. */
  async function refused(s: ShareSettings, problem: string, why: RegExp): Promise<string> {
    const started = Date.now();
    let message = '';
    await assert.rejects(connectFleet(s, {}), (err: unknown) => {
      assert.ok(err instanceof FleetError, String(err));
      assert.equal(err.problem, problem, err.message);
      assert.match(err.message, why);
      assert.ok(!err.message.includes(PASSWORD));
      message = err.message;
      return true;
    });
    assert.ok(Date.now() - started < s.timeoutMs + 1000, `one timeout at most: ${Date.now() - started} ms`);
    return message;
  }

  describe('config: share.tls', () => {
    it('is read beside a rediss:// URL', () => {
      const s = checkConfigText(
        'share:\n  redis: "rediss://ops:pw@redis.example.net:6380/0"\n  tls: {ca_file: /etc/portcullis/redis-ca.pem, cert_file: /etc/portcullis/redis.crt, key_file: /etc/portcullis/redis.key, servername: redis.example.net}\n',
        'c.yaml',
      ).share;
      assert.deepEqual(s?.tls, { caFile: '/etc/portcullis/redis-ca.pem', certFile: '/etc/portcullis/redis.crt', keyFile: '/etc/portcullis/redis.key', servername: 'redis.example.net' });
      assert.equal(checkConfigText('share: {redis: "rediss://r:6380", tls: {ca_file: ""}}', 'c.yaml').share?.tls, undefined, 'empty: the system CAs');
    });

    it('each mistake named with file:line:column', () => {
      assert.deepEqual(configMessage('share:\n  redis: "redis://ops:hunter2@r:6379"\n  tls: {ca_file: /etc/ca.pem}\n'), [
        'c.yaml:3:3: share.tls: is set but share.redis is a redis:// URL, which does not use TLS: write rediss://',
      ]);
      assert.deepEqual(configMessage('share:\n  cluster: ["r:7000"]\n  tls: {ca_file: /etc/ca.pem}\n'), [
        'c.yaml:3:3: share.tls: is for share.redis (a rediss:// URL) only: share.cluster connects without TLS',
      ]);
      assert.deepEqual(configMessage('share:\n  sentinel: {master: m, nodes: ["s:26379"]}\n  tls: {ca_file: /etc/ca.pem}\n'), [
        'c.yaml:3:3: share.tls: is for share.redis (a rediss:// URL) only: share.sentinel connects without TLS',
      ]);
      assert.deepEqual(configMessage('share:\n  redis: "rediss://r:6380"\n  tls:\n    cert_file: /etc/c.pem\n'), [
        'c.yaml:4:16: share.tls.cert_file: needs key_file, the private key of the certificate',
      ]);
      assert.deepEqual(configMessage('share:\n  redis: "rediss://r:6380"\n  tls:\n    key_file: /etc/c.key\n'), ['c.yaml:4:15: share.tls.key_file: needs cert_file, the certificate of the key']);
      assert.deepEqual(configMessage('share:\n  redis: "rediss://r:6380"\n  tls:\n    ca_file: ca.pem\n    servername: "bad name"\n    colour: red\n'), [
        "c.yaml:4:14: share.tls.ca_file: 'ca.pem' is not an absolute path (cron and systemd start in /, so a relative one would be a surprise)",
        "c.yaml:5:17: share.tls.servername: 'bad name' is not a DNS name (the name the server's certificate carries)",
        'c.yaml:6:5: share.tls.colour: unknown key (known here: ca_file, cert_file, key_file, servername)',
      ]);
    });
  });

  describe('a Redis speaking only TLS, client certificates optional', () => {
    let lab: RedisLab;
    before(async () => {
      lab = await startRedis({ tls: 'optional' });
    });
    after(async () => {
      await lab?.stop();
    });

    it('the lab speaks TLS only: a plain connection to its port gets no answer from Redis', async () => {
      const r = await execa('redis-cli', ['-h', lab.host, '-p', String(lab.port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', 'PING'], { reject: false, timeout: 5000 });
      assert.notEqual(String(r.stdout).trim(), 'PONG');
      assert.equal(await lab.cli('PING'), 'PONG', 'redis-cli --tls with the CA is answered');
    });

    it('with the CA trusted, a ban published by one node over rediss:// is applied by another', async () => {
      const s = share(lab, { caFile: lab.tls!.ca });
      assert.match(s.redis, /^rediss:\/\//);
      await banTravels(agent('a', s), agent('b', s));
      assert.equal(await lab.cli('XLEN', fleetKeys(prefix).stream), '1');
      // the name checked may be one the certificate carries other than the URL's host
      const c = await connectFleet(share(lab, { caFile: lab.tls!.ca, servername: 'localhost' }), {});
      assert.deepEqual(await c.batch([['PING']]), ['PONG']);
      await c.close();
    });

    it('without the CA, or with another CA: setup, "certificate signed by an unknown authority", the local ban stands, exit 9, the outbox goes out once trusted', async () => {
      await refused(share(lab), 'setup', UNKNOWN_CA);
      const message = await refused(share(lab, { caFile: lab.tls!.otherCa }), 'setup', UNKNOWN_CA);
      assert.match(message, /^cannot reach Redis at 127\.0\.0\.1:\d+: TLS: /);
      const a = agent('a', share(lab, { caFile: lab.tls!.otherCa }));
      appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
      const r = await a.run();
      assert.equal(r.applied.length, 1, 'the local ban went ahead');
      assert.match(r.fleet?.problem ?? '', UNKNOWN_CA);
      const { code, warnings } = exitFor(r.fleet);
      assert.equal(code, FLEET_EXIT);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^fleet: cannot reach Redis at .*unknown authority.*local bans went ahead, 1 wait in the outbox/);
      assert.equal((await a.state()).fleet?.outbox?.length, 1);
      a.share = share(lab, { caFile: lab.tls!.ca });
      const again = await a.run();
      assert.equal(again.fleet?.problem, undefined);
      assert.equal(again.fleet?.published, 1, 'the outbox went out');
      assert.equal(await lab.cli('XLEN', fleetKeys(prefix).stream), '1');
    });

    it('a name the certificate does not carry is refused, naming servername', async () => {
      await refused(share(lab, { caFile: lab.tls!.ca, servername: 'redis.example.net' }), 'setup', /TLS: the server's certificate is not for this name .*share\.tls\.servername/);
    });

    it('a missing, unreadable or unusable file is a setup problem naming it, never its content', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pcl-tls-files-'));
      try {
        await refused(share(lab, { caFile: join(dir, 'nope.pem') }), 'setup', new RegExp(`^share\\.tls\\.ca_file ${dir}/nope\\.pem: cannot read: no such file$`));
        await refused(share(lab, { caFile: dir }), 'setup', /^share\.tls\.ca_file .*: cannot read: a directory$/);
        await writeFile(join(dir, 'not.pem'), 'hello\n');
        await refused(share(lab, { caFile: join(dir, 'not.pem') }), 'setup', /^share\.tls\.ca_file .*not\.pem: holds no PEM certificate/);
        const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
        await writeFile(join(dir, 'broken.pem'), broken);
        await refused(share(lab, { caFile: join(dir, 'broken.pem') }), 'setup', /^share\.tls\.ca_file .*broken\.pem: not usable: certificate 1 of 1 cannot be read/);
        // a key that is not the certificate's: named, and the key itself never printed
        const key = await readFile(lab.tls!.strangerKey, 'utf8');
        const message = await refused(share(lab, { caFile: lab.tls!.ca, certFile: lab.tls!.clientCert, keyFile: lab.tls!.strangerKey }), 'setup', /^share\.tls\.key_file .*stranger\.key: not usable: key values mismatch$/);
        for (const line of key.split('\n').filter((l) => l.length > 20)) assert.ok(!message.includes(line));
        await refused(share(lab, { caFile: lab.tls!.ca, certFile: lab.tls!.clientCert, keyFile: lab.tls!.clientCert }), 'setup', /^share\.tls\.key_file .*client\.crt: holds no PEM private key$/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('rediss:// to a server that does not speak TLS costs one timeout, with a hint', async () => {
      const plain = await startRedis();
      try {
        const url = plain.url().replace(/^redis:/, 'rediss:');
        // the plain server reads the handshake as a command and waits for its end: one timeout, with a hint
        await refused(share(lab, undefined, { redis: url }), 'timeout', /no answer within 2s \(rediss:\/\/: is this the port where it speaks TLS\?\)/);
      } finally {
        await plain.stop();
      }
    });
  });

  describe('a Redis speaking only TLS that wants client certificates (tls-auth-clients yes)', () => {
    let lab: RedisLab;
    before(async () => {
      lab = await startRedis({ tls: 'yes' });
    });
    after(async () => {
      await lab?.stop();
    });

    it('without a client certificate, or with one of another CA, the connection is refused, saying a client certificate may be wanted', async () => {
      await refused(share(lab, { caFile: lab.tls!.ca }), 'setup', /TLS: the server refused the handshake \(\w+\): it wants a client certificate \(share\.tls\.cert_file and key_file\)/);
      await refused(share(lab, { caFile: lab.tls!.ca, certFile: lab.tls!.strangerCert, keyFile: lab.tls!.strangerKey }), 'setup', /TLS: the server refused the handshake \(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA\): it does not accept the client certificate/);
    });

    it('with the client certificate signed by the CA, a ban travels from one node to another', async () => {
      const s = share(lab, { caFile: lab.tls!.ca, certFile: lab.tls!.clientCert, keyFile: lab.tls!.clientKey });
      const [a, b] = [agent('a', s), agent('b', s)];
      await b.run();
      appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
      assert.equal((await a.run()).fleet?.published, 1);
      const rb = await b.run();
      assert.equal(rb.fleet?.problem, undefined);
      assert.equal(rb.fleet?.applied, 1);
    });

    it('the built CLI: share.tls from the config file; exit 0 with the right files, one warning and exit 9 with another CA', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pcl-tls-cli-'));
      try {
        await writeFile(join(dir, 'kern.log'), '');
        const run = async (ca: string) => {
          const config = join(dir, 'config.yaml');
          await writeFile(
            config,
            `sources: [${dir}/kern.log]\nbackend: {type: dry-run}\nstate: ${dir}/state\nshare:\n  redis: "rediss://${lab.host}:${lab.port}/0"\n  user: ${USER}\n  password_env: PCL_FLEET_PW\n  node: cli\n` +
              `  tls: {ca_file: ${ca}, cert_file: ${lab.tls!.clientCert}, key_file: ${lab.tls!.clientKey}}\n`,
          );
          const r = await execa(process.execPath, [BIN, 'run', '--config', config], { reject: false, timeout: 60_000, env: { PCL_FLEET_PW: PASSWORD }, stdin: 'ignore' });
          return { code: r.exitCode ?? -1, stderr: String(r.stderr) };
        };
        const good = await run(lab.tls!.ca);
        assert.equal(good.code, 0, good.stderr);
        assert.equal(good.stderr, '');
        const wrong = await run(lab.tls!.otherCa);
        assert.equal(wrong.code, FLEET_EXIT, wrong.stderr);
        const lines = wrong.stderr.trim().split('\n');
        assert.equal(lines.length, 1, wrong.stderr);
        assert.match(lines[0]!, /^portcullis: warning: fleet: cannot reach Redis at 127\.0\.0\.1:\d+: TLS: certificate signed by an unknown authority.*local bans went ahead/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

/**
 * A real redis-server for the fleet tests (Debian's package; /work/shared/recipes/redis.md): its own temp
 * directory, an ACL user with a password, the default user off (so a client without credentials gets NOAUTH),
 * no persistence, bound to one address (127.0.0.1, or an address of a test namespace), a free port. Started by
 * the test, stopped by its pid.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

export const USER = 'fleet';
export const PASSWORD = 'b4n-sh4ring-s3cret';

/** TLS material made by `makeCerts` (throwaway, in the lab's temp directory, removed with it). */
export interface TlsFiles {
  /** The CA that signed the server's and the client's certificates. */
  readonly ca: string;
  /** Another CA, which signed nothing of this lab. */
  readonly otherCa: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate and key signed by the other CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
}

export interface RedisLab {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** With `startRedis({ tls })`: the certificates; the port is then the TLS port (no plain one). */
  readonly tls?: TlsFiles;
  /** The URL with the test user's credentials. */
  url(password?: string, user?: string): string;
  /** redis-cli as the test user; stdout. */
  cli(...args: string[]): Promise<string>;
  pid(): Promise<number>;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1 and localhost, a client certificate, and a second CA with a
 * client certificate of its own, made with openssl (P-256 keys: quick) in `dir`. Never committed: made per run.
 */
export async function makeCerts(dir: string): Promise<TlsFiles> {
  const f = (name: string): string => join(dir, name);
  const ssl = (...args: string[]) => execa('openssl', args);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = async (name: string): Promise<void> => {
    await ssl('req', '-x509', ...key, '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`), '-days', '2', '-subj', `/CN=portcullis test ${name}`);
  };
  const leaf = async (name: string, by: string, ext: string): Promise<void> => {
    await writeFile(f(`${name}.ext`), ext);
    await ssl('req', ...key, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=portcullis test ${name}`);
    await ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${by}.crt`), '-CAkey', f(`${by}.key`), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '2', '-extfile', f(`${name}.ext`));
  };
  await ca('ca');
  await ca('other-ca');
  await leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  await leaf('stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: f('ca.crt'),
    otherCa: f('other-ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    strangerCert: f('stranger.crt'),
    strangerKey: f('stranger.key'),
  };
}

/**
 * `port`: a given one (a restart at the same place), else a free one. `tls`: the server speaks only TLS on that
 * port (`--port 0 --tls-port`), with certificates from `makeCerts`; its value is `--tls-auth-clients` (does a client
 * need a certificate signed by the CA).
 */
export async function startRedis(options: { host?: string; netns?: string; port?: number; tls?: 'no' | 'optional' | 'yes' } = {}): Promise<RedisLab> {
  const host = options.host ?? '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'pcl-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const tls = options.tls ? await makeCerts(dir) : undefined;
  const listen = (port: number): string[] =>
    tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.serverCert, '--tls-key-file', tls.serverKey, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', options.tls!]
      : ['--port', String(port)];
  // redis-cli over TLS trusts the lab's CA and shows the lab's client certificate
  const cliTls = tls ? ['--tls', '--cacert', tls.ca, '--cert', tls.clientCert, '--key', tls.clientKey] : [];
  const wrap = (file: string, args: string[]): [string, string[]] => (options.netns ? ['ip', ['netns', 'exec', options.netns, file, ...args]] : [file, args]);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = options.port ?? (options.netns ? 20000 + Math.floor(Math.random() * 20000) : await freePort(host));
    const [file, args] = wrap('redis-server', [
      ...listen(port), '--bind', host, '--dir', dir, '--daemonize', 'yes', '--pidfile', pidfile,
      '--save', '', '--appendonly', 'no', '--logfile', join(dir, 'redis.log'),
      '--user', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all', '--user', 'default', 'off',
    ]);
    await execa(file, args);
    const up = await waitUp();
    if (up) break;
    if (attempt >= 3) throw new Error(`redis-server did not start on ${host}:${port}: ${await readFile(join(dir, 'redis.log'), 'utf8').catch(() => '')}`);
  }
  async function waitUp(): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      const [file, args] = wrap('redis-cli', [...cliTls, '-h', host, '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', 'PING']);
      const r = await execa(file, args, { reject: false });
      if (String(r.stdout).trim() === 'PONG') return true;
      await sleep(50);
    }
    return false;
  }
  const lab: RedisLab = {
    host,
    port,
    dir,
    ...(tls && { tls }),
    url: (password = PASSWORD, user = USER) => `${tls ? 'rediss' : 'redis'}://${user}:${encodeURIComponent(password)}@${host}:${port}/0`,
    async cli(...args) {
      const [file, a] = wrap('redis-cli', [...cliTls, '-h', host, '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', ...args]);
      return String((await execa(file, a)).stdout);
    },
    async pid() {
      return Number((await readFile(pidfile, 'utf8')).trim());
    },
    async stop() {
      const pid = await lab.pid().catch(() => undefined);
      if (pid) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone already */
        }
        for (let i = 0; i < 100; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await sleep(50);
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  return lab;
}

/** Stops a daemonized redis-server by its pid file: SIGTERM, then waits for it to be gone. */
async function stopByPidfile(pidfile: string): Promise<void> {
  const pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
  if (!pid) return;
  try {
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
}

async function until(what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const cli = async (port: number, ...args: string[]): Promise<string> =>
  String((await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', ...args])).stdout);

/** The data node's options: the test's ACL user, the default user off, no persistence, 127.0.0.1, daemonized. */
function nodeArgs(dir: string, name: string, port: number): string[] {
  return [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'yes', '--pidfile', join(dir, `${name}.pid`),
    '--save', '', '--appendonly', 'no', '--logfile', join(dir, `${name}.log`), '--dbfilename', `${name}.rdb`,
    '--user', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all', '--user', 'default', 'off',
    // a replica (and a demoted master after a failover) authenticates to its master as the test user
    '--masteruser', USER, '--masterauth', PASSWORD,
  ];
}

export const SENTINEL_MASTER = 'pclfleet';

export interface SentinelLab {
  /** `host:port` of the one sentinel. */
  readonly sentinel: string;
  /** The data nodes' ports: [first master, first replica]. */
  readonly ports: readonly [number, number];
  /** The port Sentinel names as master now. */
  masterPort(): Promise<number>;
  /** SENTINEL FAILOVER, then waits until the sentinel names the other node and it accepts writes. */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * One master, one replica and one sentinel (`redis-server --sentinel`, quorum 1) on 127.0.0.1, free ports, one
 * temp directory; the data nodes have the test's ACL user, the sentinel has no password. Started by the test,
 * every process stopped by `stop()`.
 */
export async function startSentinel(): Promise<SentinelLab> {
  const dir = await mkdtemp(join(tmpdir(), 'pcl-sentinel-'));
  const master = await freePort();
  const replica = await freePort();
  const sport = await freePort();
  const pidfiles = [join(dir, 'master.pid'), join(dir, 'replica.pid'), join(dir, 'sentinel.pid')];
  const lab: SentinelLab = {
    sentinel: `127.0.0.1:${sport}`,
    ports: [master, replica],
    async masterPort() {
      const out = String((await execa('redis-cli', ['-p', String(sport), 'SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER])).stdout);
      return Number(out.split('\n')[1]);
    },
    async failover() {
      const before = await lab.masterPort();
      const other = before === master ? replica : master;
      // the replica must be known to the sentinel and in sync, else there is nobody to promote
      await until('the replica in sync', async () => /master_link_status:up/.test(await cli(other, 'INFO', 'replication')));
      await until('the sentinel to see the replica', async () => {
        const r = String((await execa('redis-cli', ['-p', String(sport), 'SENTINEL', 'replicas', SENTINEL_MASTER])).stdout);
        return r.includes(String(other)) && !/s_down|disconnected/.test(r);
      });
      await execa('redis-cli', ['-p', String(sport), 'SENTINEL', 'FAILOVER', SENTINEL_MASTER]);
      await until('the failover', async () => (await lab.masterPort()) === other && /role:master/.test(await cli(other, 'INFO', 'replication')));
      return other;
    },
    async stop() {
      for (const p of pidfiles) await stopByPidfile(p);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await execa('redis-server', nodeArgs(dir, 'master', master));
    await execa('redis-server', [...nodeArgs(dir, 'replica', replica), '--replicaof', '127.0.0.1', String(master)]);
    await until('master and replica', async () => /master_link_status:up/.test(await cli(replica, 'INFO', 'replication')));
    // the sentinel rewrites its config file: it must be its own, writable
    const conf = join(dir, 'sentinel.conf');
    await writeFile(
      conf,
      [
        `port ${sport}`, 'bind 127.0.0.1', 'daemonize yes', `pidfile ${pidfiles[2]}`, `logfile ${join(dir, 'sentinel.log')}`, `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${master} 1`,
        `sentinel auth-user ${SENTINEL_MASTER} ${USER}`,
        `sentinel auth-pass ${SENTINEL_MASTER} ${PASSWORD}`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} 2000`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
        '',
      ].join('\n'),
    );
    await execa('redis-server', [conf, '--sentinel']);
    await until('the sentinel', async () => (await lab.masterPort()) === master);
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

export interface ClusterLab {
  /** `host:port` of each master. */
  readonly nodes: readonly string[];
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

/**
 * Three masters (`cluster-enabled yes`, no replicas) on 127.0.0.1, free ports and free bus ports, joined with
 * `redis-cli --cluster create`; the test's ACL user on each. Started by the test, every process stopped by `stop()`.
 */
export async function startCluster(): Promise<ClusterLab> {
  const dir = await mkdtemp(join(tmpdir(), 'pcl-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await freePort());
  const pidfiles = ports.map((_, i) => join(dir, `node${i}.pid`));
  const lab: ClusterLab = {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    ports,
    async stop() {
      for (const p of pidfiles) await stopByPidfile(p);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const [i, port] of ports.entries()) {
      await execa('redis-server', [
        ...nodeArgs(dir, `node${i}`, port),
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes${i}.conf`), '--cluster-port', String(await freePort()),
        '--cluster-node-timeout', '5000',
      ]);
    }
    for (const port of ports) await until(`cluster node ${port}`, async () => (await cli(port, 'PING')) === 'PONG');
    await execa('redis-cli', ['--user', USER, '--pass', PASSWORD, '--no-auth-warning', '--cluster', 'create', ...lab.nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await until(`cluster state ok at ${port}`, async () => /cluster_state:ok/.test(await cli(port, 'CLUSTER', 'INFO')));
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

/**
 * A real redis-server for the fleet tests (Debian's package; /work/shared/recipes/redis.md): its own temp
 * directory, an ACL user with a password, the default user off (so a client without credentials gets NOAUTH),
 * no persistence, bound to one address (127.0.0.1, or an address of a test namespace), a free port. Started by
 * the test, stopped by its pid.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

export const USER = 'fleet';
export const PASSWORD = 'b4n-sh4ring-s3cret';

export interface RedisLab {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
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

/** `port`: a given one (a restart at the same place), else a free one. */
export async function startRedis(options: { host?: string; netns?: string; port?: number } = {}): Promise<RedisLab> {
  const host = options.host ?? '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'pcl-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const wrap = (file: string, args: string[]): [string, string[]] => (options.netns ? ['ip', ['netns', 'exec', options.netns, file, ...args]] : [file, args]);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = options.port ?? (options.netns ? 20000 + Math.floor(Math.random() * 20000) : await freePort(host));
    const [file, args] = wrap('redis-server', [
      '--port', String(port), '--bind', host, '--dir', dir, '--daemonize', 'yes', '--pidfile', pidfile,
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
      const [file, args] = wrap('redis-cli', ['-h', host, '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', 'PING']);
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
    url: (password = PASSWORD, user = USER) => `redis://${user}:${encodeURIComponent(password)}@${host}:${port}/0`,
    async cli(...args) {
      const [file, a] = wrap('redis-cli', ['-h', host, '-p', String(port), '--user', USER, '--pass', PASSWORD, '--no-auth-warning', ...args]);
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

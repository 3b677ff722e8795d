/**
 * The one connection a command makes to Redis, through the official client (node-redis): credentials from the URL,
 * a file or an environment variable; connect and command timeouts; no reconnecting (a run tries once and moves on,
 * `follow` reconnects itself); RESP2, so replies are plain lists. Failures become a FleetError whose message names
 * the server (host:port) and the problem, never the password.
 */
import { readFile } from 'node:fs/promises';
import { endpoint, type ShareSettings } from './settings.js';

export type FleetProblem = 'setup' | 'auth' | 'unreachable' | 'timeout' | 'refused';

export class FleetError extends Error {
  constructor(
    message: string,
    readonly problem: FleetProblem,
  ) {
    super(message);
    this.name = 'FleetError';
  }
}

/**
 * A command the server answered with an error of its own (`ERR no such key`, `WRONGTYPE`): the batch goes on.
 * Our own type, so the modules that read replies never load the Redis client.
 */
export class RefusedReply {
  constructor(readonly message: string) {}
}

/** A reply as RESP2 gives it: text, a number, null, or a list of these. */
export type Reply = string | number | null | Reply[];

export interface FleetClient {
  /**
   * Sends the commands together (written in one go, answered in order: one round trip) and gives each reply, or
   * the error reply of a command that failed on its own (`ERR no such key`). Lost connections, timeouts and
   * refused credentials throw a FleetError.
   */
  batch(commands: readonly (readonly string[])[], options?: { timeoutMs?: number }): Promise<(Reply | RefusedReply)[]>;
  /** Round trips so far (connecting counts its handshake as one). */
  readonly roundTrips: number;
  close(): Promise<void>;
}

export async function connectFleet(s: ShareSettings, env: Readonly<Record<string, string | undefined>>): Promise<FleetClient> {
  const where = endpoint(s.redis);
  const url = new URL(s.redis);
  const password = await passwordOf(s, url, env);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  // the credentials travel as options, never inside a URL that a library might print
  url.username = '';
  url.password = '';
  // imported here, not at the top: most runs have no fleet, and the client is the biggest module we have. It is
  // CommonJS: Node gives its exports as named ones, the CLI's bundle as `default` only
  const loaded: typeof import('redis') & { default?: typeof import('redis') } = await import('redis');
  const { createClient, ErrorReply } = loaded.default ?? loaded;
  const client = createClient({
    url: url.toString(),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    RESP: 2,
    disableClientInfo: true,
    socket: { connectTimeout: s.timeoutMs, reconnectStrategy: false },
    commandOptions: { timeout: s.timeoutMs },
  });
  // the client reports socket errors as events too; they are handled where the command fails
  client.on('error', () => undefined);
  const explain = (err: unknown, isReply = err instanceof ErrorReply): FleetError => describe(err, where, s.timeoutMs, isReply);
  // the handshake (HELLO/AUTH) runs without the command timeout: a server that accepts and then says nothing
  // (frozen, overloaded) would hold the run forever, so the whole connect gets the one timeout
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FleetError(`cannot reach Redis at ${where}: no answer within ${s.timeoutMs / 1000}s`, 'timeout')), s.timeoutMs);
  });
  try {
    await Promise.race([client.connect(), silent]);
  } catch (err) {
    client.destroy();
    throw explain(err);
  } finally {
    clearTimeout(timer);
  }
  let roundTrips = 1;
  return {
    get roundTrips() {
      return roundTrips;
    },
    async batch(commands, options = {}) {
      roundTrips++;
      const opts = options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : undefined;
      // issued in the same tick: the client writes them together (its automatic pipelining)
      const settled = await Promise.allSettled(commands.map((c) => client.sendCommand<Reply>([...c], opts)));
      return settled.map((r) => {
        if (r.status === 'fulfilled') return r.value;
        if (r.reason instanceof ErrorReply && !/^(NOAUTH|WRONGPASS|NOPERM)/.test(r.reason.message)) return new RefusedReply(r.reason.message);
        throw explain(r.reason, r.reason instanceof ErrorReply);
      });
    },
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}

async function passwordOf(s: ShareSettings, url: URL, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (s.passwordFile !== undefined) {
    try {
      return (await readFile(s.passwordFile, 'utf8')).split('\n')[0]!.trimEnd();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
      throw new FleetError(`share.password_file ${s.passwordFile}: cannot read: ${why}`, 'setup');
    }
  }
  if (s.passwordEnv !== undefined) {
    const v = env[s.passwordEnv];
    if (v === undefined || v === '') throw new FleetError(`share.password_env: the environment variable ${s.passwordEnv} is not set`, 'setup');
    return v;
  }
  return url.password ? decodeURIComponent(url.password) : undefined;
}

/** One sentence for what went wrong, naming the server but never the credentials. */
function describe(err: unknown, where: string, timeoutMs: number, isReply: boolean): FleetError {
  if (err instanceof FleetError) return err;
  const e = err as Error & { code?: string };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  const secs = `${timeoutMs / 1000}s`;
  if (/^WRONGPASS/.test(msg)) return new FleetError(`Redis at ${where} refused the credentials (WRONGPASS): check the user and password (share.redis, share.password_file or share.password_env)`, 'auth');
  if (/^NOAUTH/.test(msg)) return new FleetError(`Redis at ${where} wants a user and password (NOAUTH): give them in share.redis, share.password_file or share.password_env`, 'auth');
  if (/^NOPERM/.test(msg)) return new FleetError(`Redis at ${where}: the user may not do this (${firstLine(msg)}); it needs XADD, XREAD, XINFO and the sorted-set commands on the prefix's keys`, 'auth');
  if (e?.name === 'ConnectionTimeoutError') return new FleetError(`cannot reach Redis at ${where}: no answer within ${secs}`, 'unreachable');
  if (e?.name === 'TimeoutError' || e?.name === 'SocketTimeoutError') return new FleetError(`Redis at ${where} did not answer within ${secs}`, 'timeout');
  if (e?.code === 'ECONNREFUSED') return new FleetError(`cannot reach Redis at ${where}: connection refused (is it running?)`, 'unreachable');
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new FleetError(`cannot reach Redis at ${where}: the host name does not resolve`, 'unreachable');
  if (e?.code === 'EHOSTUNREACH' || e?.code === 'ENETUNREACH' || e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return new FleetError(`cannot reach Redis at ${where}: ${e.code}`, 'unreachable');
  // node-redis's SocketClosedUnexpectedlyError (no name of its own): the server went away under a waiting command
  if (/^Socket closed unexpectedly/.test(msg)) return new FleetError(`cannot reach Redis at ${where}: the connection closed (stopped or restarted?)`, 'unreachable');
  if (isReply) return new FleetError(`Redis at ${where} refused a command: ${firstLine(msg)}`, 'refused');
  return new FleetError(`Redis at ${where}: ${firstLine(msg)}`, 'unreachable');
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

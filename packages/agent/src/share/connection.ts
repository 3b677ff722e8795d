/**
 * The one connection a command makes to Redis, through the official client (node-redis): one server (`createClient`),
 * the master that Redis Sentinel names (`createSentinel`), or a Redis Cluster (`createCluster`). Credentials from the
 * URL, `share.user`, a file or an environment variable; connect and command timeouts; no reconnecting (a run tries
 * once and moves on, `follow` reconnects itself); RESP2, so replies are plain lists. Failures become a FleetError
 * whose message names the server (host:port, or the Sentinel/Cluster label) and the problem, never the password.
 * TLS with a `rediss://` URL (one server only): `share.tls` gives the CA to trust, a client certificate and the name
 * to check; the files are read and checked before connecting (a bad one is a 'setup' problem naming the file, never
 * its content), and a failed handshake is named for what it means (an unknown CA, a wrong name, a refused client).
 *
 * Behind Sentinel every command goes to the master, on one reserved connection; in a Cluster every command is routed
 * by the stream key: both our keys share one hash slot, so a batch goes to one node, written in one go either way.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { fleetKeys } from './keys.js';
import { endpoint, type ShareSettings, type ShareTls } from './settings.js';

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

/** What the three kinds of node-redis connection have in common, as far as a batch needs it. */
interface Wire {
  connect(): Promise<unknown>;
  send(args: string[], timeout: number | undefined): Promise<Reply>;
  close(): Promise<void>;
  destroy(): void;
}

export async function connectFleet(s: ShareSettings, env: Readonly<Record<string, string | undefined>>): Promise<FleetClient> {
  const where = endpoint(s.redis);
  const url = s.sentinel || s.cluster ? undefined : new URL(s.redis);
  const password = await passwordOf(s, url, env);
  const username = s.user ?? (url?.username ? decodeURIComponent(url.username) : undefined);
  // imported here, not at the top: most runs have no fleet, and the client is the biggest module we have. It is
  // CommonJS: Node gives its exports as named ones, the CLI's bundle as `default` only
  const loaded: typeof import('redis') & { default?: typeof import('redis') } = await import('redis');
  const redis = loaded.default ?? loaded;
  const { ErrorReply } = redis;
  // the credentials travel as options, never inside a URL that a library might print
  const auth = { ...(username !== undefined && { username }), ...(password !== undefined && { password }) };
  const socket = { connectTimeout: s.timeoutMs, reconnectStrategy: false as const };
  const commandOptions = { timeout: s.timeoutMs };
  // the clients report socket errors (and, behind Sentinel or in a Cluster, a refused handshake) as events: kept
  // to explain a connect that fails or hangs, else handled where the command fails
  const seen: unknown[] = [];
  let decisive: ((err: unknown) => void) | undefined;
  const onError = (err: unknown): void => {
    // only while connecting: a long `follow` would otherwise keep every error it ever saw
    if (!decisive) return;
    const e = err instanceof Error || typeof err === 'string' ? err : (err as { error?: unknown })?.error;
    seen.push(e);
    if (isAuth(e)) decisive?.(e);
  };
  const opts: WireOptions = { auth, socket, commandOptions, onError };
  const made = s.sentinel ? sentinelWire(redis, s.sentinel, opts) : s.cluster ? clusterWire(redis, s, s.cluster, opts) : await serverWire(redis, s, url!, opts);
  const { wire, connected = () => undefined } = made;
  const explain = (err: unknown, isReply = err instanceof ErrorReply): FleetError => describe(err, where, s.timeoutMs, isReply);
  // the handshake (HELLO/AUTH) runs without the command timeout: a server that accepts and then says nothing
  // (frozen, overloaded) would hold the run forever, so the whole connect gets the one timeout. Sentinel keeps
  // retrying a master that refuses the credentials: the refusal, reported as an event, ends the wait at once
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    decisive = reject;
    timer = setTimeout(() => {
      const telling = seen.find(isAuth) ?? seen.find((e) => e instanceof Error && (e as { code?: string }).code !== undefined);
      // over TLS, a port that does not speak it often just waits
      const hint = url?.protocol === 'rediss:' ? ' (rediss://: is this the port where it speaks TLS?)' : '';
      reject(telling ?? new FleetError(`cannot reach Redis at ${where}: no answer within ${s.timeoutMs / 1000}s${hint}`, 'timeout'));
    }, s.timeoutMs);
  });
  try {
    await Promise.race([wire.connect(), silent]);
  } catch (err) {
    wire.destroy();
    // a Cluster whose seeds all failed says only that; the events say why (the credentials, a refused connection)
    const why = (err as Error)?.name === 'RootNodesUnavailableError' || /^All the root nodes are unavailable/.test((err as Error)?.message ?? '') ? (seen.find(isAuth) ?? seen.at(-1) ?? err) : err;
    throw explain(why);
  } finally {
    clearTimeout(timer);
    decisive = undefined;
    connected();
  }
  let roundTrips = 1;
  return {
    get roundTrips() {
      return roundTrips;
    },
    async batch(commands, options = {}) {
      roundTrips++;
      // issued in the same tick: the client writes them together (its automatic pipelining)
      const settled = await Promise.allSettled(commands.map((c) => wire.send([...c], options.timeoutMs)));
      return settled.map((r) => {
        if (r.status === 'fulfilled') return r.value;
        if (r.reason instanceof ErrorReply && !/^(NOAUTH|WRONGPASS|NOPERM)/.test(r.reason.message)) return new RefusedReply(r.reason.message);
        throw explain(r.reason, r.reason instanceof ErrorReply);
      });
    },
    async close() {
      await wire.close().catch(() => wire.destroy());
    },
  };
}

/** What each kind of connection is made with. */
interface WireOptions {
  readonly auth: { username?: string; password?: string };
  readonly socket: { connectTimeout: number; reconnectStrategy: false };
  readonly commandOptions: { timeout: number };
  /** The client's error events, kept while connecting (see connectFleet). */
  readonly onError: (err: unknown) => void;
}

type RedisModule = typeof import('redis');

/** A connection not yet made, and what to undo once it is (Sentinel's tracer). */
interface Made {
  readonly wire: Wire;
  readonly connected?: () => void;
}

/** The master that Redis Sentinel names, on one reserved connection. */
function sentinelWire(redis: RedisModule, target: NonNullable<ShareSettings['sentinel']>, { auth, socket, commandOptions, onError }: WireOptions): Made {
  const sentinel = redis.createSentinel({
    name: target.master,
    sentinelRootNodes: target.nodes.map((n) => ({ host: n.host, port: n.port })),
    // the data nodes take the credentials; the sentinels answer without them
    nodeClientOptions: { ...auth, disableClientInfo: true, socket },
    sentinelClientOptions: { disableClientInfo: true, socket },
    RESP: 2,
    commandOptions,
    // one connection to the master, held for the whole command: every batch is written on it in one go
    masterPoolSize: 1,
    reserveClient: true,
    // a run is short: no background topology scan (a failover is still followed through the sentinels' messages)
    scanInterval: 0,
  });
  sentinel.on('error', onError);
  sentinel.on('client-error', onError);
  // a master that refuses the credentials is retried, and said only to the client's tracer (its public hook for
  // what it does): read there while connecting, so the refusal ends the wait at once instead of as a timeout
  const tracer = {
    push(line: string): number {
      const at = line.search(/\b(WRONGPASS|NOAUTH|NOPERM)\b/);
      if (at >= 0) onError(new Error(line.slice(at)));
      return 0;
    },
  };
  sentinel.setTracer(tracer as unknown as string[]);
  const connected = (): void => sentinel.setTracer(undefined);
  const wire: Wire = {
    connect: () => sentinel.connect(),
    send: (args, timeout) => sentinel.sendCommand<Reply>(false, args, timeout !== undefined ? { timeout } : undefined),
    close: () => sentinel.close(),
    destroy: () => void sentinel.destroy().catch(() => undefined),
  };
  return { wire, connected };
}

/** A Redis Cluster, every command routed by the stream key. */
function clusterWire(redis: RedisModule, s: ShareSettings, nodes: NonNullable<ShareSettings['cluster']>, { auth, socket, commandOptions, onError }: WireOptions): Made {
  const stream = fleetKeys(s.prefix).stream;
  const cluster = redis.createCluster({
    rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })),
    defaults: { ...auth, disableClientInfo: true, socket },
    RESP: 2,
    commandOptions,
    // connect only to the node that holds our slot, when the first command goes there
    minimizeConnections: true,
  });
  cluster.on('error', onError);
  const wire: Wire = {
    connect: () => cluster.connect(),
    // routed by the stream key: every key of ours is in its slot (keys.ts), XREAD's too
    send: (args, timeout) => cluster.sendCommand<Reply>(stream, false, args, timeout !== undefined ? { timeout } : undefined),
    close: () => cluster.close(),
    destroy: () => cluster.destroy(),
  };
  return { wire };
}

/** One server by URL, over TLS for rediss://. */
async function serverWire(redis: RedisModule, s: ShareSettings, url: URL, { auth, socket, commandOptions, onError }: WireOptions): Promise<Made> {
  const target = new URL(url);
  target.username = '';
  target.password = '';
  // rediss:// turns TLS on (node-redis reads the scheme); share.tls adds whom to trust and what to show. Read
  // here, before the client exists, so a missing file is a 'setup' problem that names it
  const secure = target.protocol === 'rediss:' ? { ...socket, tls: true as const, ...(await tlsOptions(s.tls)) } : socket;
  const client = redis.createClient({ url: target.toString(), ...auth, RESP: 2, disableClientInfo: true, socket: secure, commandOptions });
  client.on('error', onError);
  const wire: Wire = {
    connect: () => client.connect(),
    send: (args, timeout) => client.sendCommand<Reply>(args, timeout !== undefined ? { timeout } : undefined),
    close: async () => {
      if (client.isOpen) await client.close();
    },
    destroy: () => client.destroy(),
  };
  return { wire };
}

/** A refusal of the credentials or of a permission, as a reply or as a client's event. */
function isAuth(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  return /(^|: )(WRONGPASS|NOAUTH|NOPERM)/.test(msg);
}

async function passwordOf(s: ShareSettings, url: URL | undefined, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
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
  return url?.password ? decodeURIComponent(url.password) : undefined;
}

/** Node's TLS options from `share.tls`: the files' contents (never printed), each checked to be usable PEM. */
async function tlsOptions(t: ShareTls | undefined): Promise<{ ca?: string; cert?: string; key?: string; servername?: string }> {
  if (!t) return {};
  const read = async (key: string, file: string | undefined): Promise<string | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : code ?? 'error';
      throw new FleetError(`share.tls.${key} ${file}: cannot read: ${why}`, 'setup');
    }
  };
  const [ca, cert, key] = [await read('ca_file', t.caFile), await read('cert_file', t.certFile), await read('key_file', t.keyFile)];
  // checked now, so the message names the file; OpenSSL's reason names a routine, never the content
  const usable = (what: string, file: string, options: Parameters<typeof createSecureContext>[0]): void => {
    try {
      createSecureContext(options);
    } catch (err) {
      throw new FleetError(`share.tls.${what} ${file}: not usable: ${opensslReason(err)}`, 'setup');
    }
  };
  // each PEM certificate parsed: OpenSSL itself skips a block it cannot read in a CA list, and trusts nothing
  const certificates = (what: string, file: string, text: string): void => {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new FleetError(`share.tls.${what} ${file}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, 'setup');
    for (const [i, block] of blocks.entries()) {
      try {
        new X509Certificate(block);
      } catch (err) {
        throw new FleetError(`share.tls.${what} ${file}: not usable: certificate ${i + 1} of ${blocks.length} cannot be read (${opensslReason(err)})`, 'setup');
      }
    }
  };
  if (ca !== undefined) {
    certificates('ca_file', t.caFile!, ca);
    usable('ca_file', t.caFile!, { ca });
  }
  if (cert !== undefined) {
    certificates('cert_file', t.certFile!, cert);
    usable('cert_file', t.certFile!, { cert });
  }
  if (key !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw new FleetError(`share.tls.key_file ${t.keyFile}: holds no PEM private key`, 'setup');
  if (cert !== undefined && key !== undefined) usable('key_file', t.keyFile!, { cert, key });
  return { ...(ca !== undefined && { ca }), ...(cert !== undefined && { cert }), ...(key !== undefined && { key }), ...(t.servername !== undefined && { servername: t.servername }) };
}

/** OpenSSL's reason from a Node error (`error:05800074:x509 certificate routines::key values mismatch`): the last part. */
function opensslReason(err: unknown): string {
  const msg = ((err as Error)?.message ?? String(err)).split('\n')[0]!;
  return (/::([^:]+)$/.exec(msg)?.[1] ?? /SSL routines:[^:]*:([^:]+)/.exec(msg)?.[1] ?? msg).slice(0, 200);
}

/**
 * What a failed TLS handshake means, from Node's error code (OpenSSL's verify codes, Node's own, OpenSSL's alerts);
 * undefined: not a TLS failure.
 */
function tlsProblem(code: string | undefined, msg: string): string | undefined {
  const unknownCa = 'certificate signed by an unknown authority: trust its CA with share.tls.ca_file';
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return `TLS: ${unknownCa} (${code})`;
    case 'CERT_HAS_EXPIRED':
      return 'TLS: the server\'s certificate has expired (CERT_HAS_EXPIRED)';
    case 'CERT_NOT_YET_VALID':
      return 'TLS: the server\'s certificate is not valid yet (CERT_NOT_YET_VALID): check the clocks';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the server's certificate is not for this name (${firstLine(msg).replace(/^Hostname\/IP does not match certificate's altnames: /, '')}): connect by a name it carries, or set share.tls.servername`;
  }
  const said = `${code ?? ''} ${msg}`;
  if (/CERTIFICATE_REQUIRED|certificate required/i.test(said)) {
    return `TLS: the server refused the handshake (${code ?? 'certificate required'}): it wants a client certificate (share.tls.cert_file and key_file) signed by a CA it trusts`;
  }
  if (/HANDSHAKE_FAILURE|handshake failure/i.test(said)) {
    return `TLS: the server refused the handshake (${code ?? 'handshake failure'}): no TLS version or cipher in common, or it wants a client certificate (share.tls.cert_file and key_file)`;
  }
  if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED)/i.test(said)) {
    return `TLS: the server refused the handshake (${code}): it does not accept the client certificate (share.tls.cert_file): not signed by a CA it trusts (its tls-ca-cert-file), or expired`;
  }
  if (/WRONG_VERSION_NUMBER|wrong version number|packet length too long/i.test(said)) {
    return `TLS: the server does not speak TLS there (${code ?? 'wrong version number'}): use redis://, or its TLS port`;
  }
  if (code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_')) return `TLS: ${opensslReason(new Error(msg))} (${code})`;
  return undefined;
}

/** One sentence for what went wrong, naming the server but never the credentials. */
function describe(err: unknown, where: string, timeoutMs: number, isReply: boolean): FleetError {
  if (err instanceof FleetError) return err;
  const e = err as Error & { code?: string };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  const secs = `${timeoutMs / 1000}s`;
  if (/(^|: )WRONGPASS/.test(msg)) return new FleetError(`Redis at ${where} refused the credentials (WRONGPASS): check the user and password (share.redis or share.user, share.password_file or share.password_env)`, 'auth');
  if (/(^|: )NOAUTH/.test(msg)) return new FleetError(`Redis at ${where} wants a user and password (NOAUTH): give them in share.redis or share.user, share.password_file or share.password_env`, 'auth');
  if (/(^|: )NOPERM/.test(msg)) return new FleetError(`Redis at ${where}: the user may not do this (${firstLine(msg)}); it needs XADD, XREAD, XINFO and the sorted-set commands on the prefix's keys`, 'auth');
  const tls = isReply ? undefined : tlsProblem(e?.code, msg);
  if (tls) return new FleetError(`cannot reach Redis at ${where}: ${tls}`, 'setup');
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

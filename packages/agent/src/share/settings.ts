import { hostname } from 'node:os';

/**
 * The `share` section as the agent works with it (the loader fills it in; see config/schema.ts for the keys).
 * Undefined in the config means the fleet is off: no `share.redis` URL, no Sentinel, no Cluster, no connection,
 * nothing published.
 */
export interface ShareSettings {
  /**
   * One server: `redis://[user[:password]@]host[:port][/db]` or `rediss://` for TLS. May hold a password: print
   * `redactUrl(redis)`. With `sentinel` or `cluster`: their label (`sentinelLabel`, `clusterLabel`), which holds
   * no password and which `redactUrl` gives back as it is.
   */
  readonly redis: string;
  /** Ask these sentinels for the master they watch under this name (Redis Sentinel); `redis` is then its label. */
  readonly sentinel?: { readonly master: string; readonly nodes: readonly HostPort[] };
  /** Seed nodes of a Redis Cluster; `redis` is then its label. */
  readonly cluster?: readonly HostPort[];
  /** The ACL user on the data nodes (wins over the URL's); undefined: the URL's, else the default user. */
  readonly user?: string;
  /** A file holding the password (first line); wins over the environment variable and the URL. */
  readonly passwordFile?: string;
  /** The name of an environment variable holding the password; wins over the URL. */
  readonly passwordEnv?: string;
  /** Keys are `{prefix}:stream` and `{prefix}:live`: the braces are a Cluster hash tag (one slot, so one pipeline). */
  readonly prefix: string;
  /** This server's name in the fleet; undefined: the host name. */
  readonly node?: string;
  readonly publish: boolean;
  readonly subscribe: boolean;
  /** Nodes whose bans are applied here; `*` alone: every node. */
  readonly trust: readonly string[];
  /** Connect and command timeout. */
  readonly timeoutMs: number;
  /** The stream's cap (`XADD ... MAXLEN ~ streamMax`). */
  readonly streamMax: number;
  /**
   * TLS trust for a `rediss://` URL (`share.redis` only; the loader refuses it beside `redis://`, `sentinel` or
   * `cluster`). Undefined: the system's CAs, no client certificate, the URL's host name checked.
   */
  readonly tls?: ShareTls;
}

/** Files read when connecting (absolute paths), never printed beyond their names. */
export interface ShareTls {
  /** PEM certificates of the CAs to trust instead of the system's (a private CA). */
  readonly caFile?: string;
  /** PEM client certificate (chain) to present, for a server with `tls-auth-clients yes`; with `keyFile`. */
  readonly certFile?: string;
  /** PEM private key of `certFile` (unencrypted). */
  readonly keyFile?: string;
  /** The name the server's certificate must carry (and SNI), when not the URL's host name (say, an address). */
  readonly servername?: string;
}

export const SHARE_DEFAULTS = {
  prefix: 'portcullis',
  publish: true,
  subscribe: true,
  trust: ['*'] as string[],
  timeout: '2s',
  stream_max: 100_000,
} as const;

/** A node name: what the stream carries and `trust` lists. Host names fit. */
export const NODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** A Sentinel or Cluster node: `host:port` or `[IPv6]:port` (the loader checks the port's range). */
export const HOST_PORT_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$';
/** The name Sentinel watches a master under (`sentinel monitor NAME ...`): no spaces. */
export const SENTINEL_NAME_PATTERN = '^[A-Za-z0-9._:-]{0,128}$';
/** An ACL user name: no spaces or control characters; empty: none. */
export const USER_PATTERN = '^[^\\s@:/]{0,128}$';
/** A DNS name the server's certificate must carry; empty: the URL's host. */
export const SERVER_NAME_PATTERN = '^([A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*)?$';
/** A key prefix: no braces (the loader wraps it in a hash tag), no spaces. */
export const PREFIX_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, `[v6]:port` for an IPv6 address. */
export function hostPort(n: HostPort): string {
  return n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`;
}

/** `host:port` or `[v6]:port` read (the schema's pattern checked the form); undefined: no port in 1-65535. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535)) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

/** What `redis` holds for a Sentinel setup: `sentinel NAME at host:port,...`. */
export function sentinelLabel(master: string, nodes: readonly HostPort[]): string {
  return `sentinel ${master} at ${nodes.map(hostPort).join(',')}`;
}

/** What `redis` holds for a Cluster: `cluster host:port,...`. */
export function clusterLabel(nodes: readonly HostPort[]): string {
  return `cluster ${nodes.map(hostPort).join(',')}`;
}

const LABEL = /^(sentinel|cluster) /;

/**
 * The URL without its password, for status lines and messages (`redis://ops:***@host:6379/0`); a Sentinel or
 * Cluster label as it is (it never holds a password).
 */
export function redactUrl(url: string): string {
  if (LABEL.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/**
 * `host:port` of the URL, for messages that must name the server but never the credentials; a Sentinel or Cluster
 * label as it is.
 */
export function endpoint(url: string): string {
  if (LABEL.test(url)) return url;
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(not a valid URL)';
  }
}

/**
 * This node's name in the fleet: `share.node`, else the host name with anything outside [A-Za-z0-9._-] made `-`,
 * at most 64 characters ('node' when nothing is left). What is published and what `portcullis status` shows.
 */
export function nodeName(settings: Pick<ShareSettings, 'node'>, host: string = hostname()): string {
  return settings.node ?? (host.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'node');
}

export function isNodeName(s: string): boolean {
  return new RegExp(NODE_PATTERN).test(s);
}

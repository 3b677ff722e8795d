/**
 * The `share` section as the agent works with it (the loader fills it in; see config/schema.ts for the keys).
 * Undefined in the config means the fleet is off: no `share.redis` URL, no connection, nothing published.
 */
export interface ShareSettings {
  /** `redis://[user[:password]@]host[:port][/db]` or `rediss://` for TLS. May hold a password: print `redactUrl(redis)`. */
  readonly redis: string;
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
/** A key prefix: no braces (the loader wraps it in a hash tag), no spaces. */
export const PREFIX_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$';

/** The URL without its password, for status lines and messages (`redis://ops:***@host:6379/0`). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/** `host:port` of the URL, for messages that must name the server but never the credentials. */
export function endpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '6379'}`;
  } catch {
    return '(not a valid URL)';
  }
}

export function isNodeName(s: string): boolean {
  return new RegExp(NODE_PATTERN).test(s);
}

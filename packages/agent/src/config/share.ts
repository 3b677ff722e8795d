/**
 * The `share` section: what the schema cannot say about it. Kept apart from load.ts so the fleet's settings live
 * in one small file; the loader calls it with its own `duration` and `issue` helpers, so messages keep the
 * file:line:column form. The URL is never repeated in a message: it may hold a password.
 */
import { clusterLabel, parseHostPort, sentinelLabel, SHARE_DEFAULTS, type HostPort, type ShareSettings, type ShareTls } from '../share/settings.js';

export interface RawShare {
  redis?: string;
  sentinel?: { master?: string; nodes?: string[] };
  cluster?: string[];
  user?: string;
  password_file?: string;
  password_env?: string;
  tls?: { ca_file?: string; cert_file?: string; key_file?: string; servername?: string };
  prefix?: string;
  node?: string;
  publish?: boolean;
  subscribe?: boolean;
  trust?: string[];
  timeout?: number | string;
  stream_max?: number;
}

type Seg = string | number;

export function shareSettings(
  raw: RawShare | undefined,
  duration: (path: readonly Seg[], given: number | string | undefined, fallback: string) => number,
  issue: (path: readonly Seg[], message: string, key?: boolean) => void,
  notes: string[],
): ShareSettings | undefined {
  if (raw === undefined) return undefined;
  const timeoutMs = duration(['share', 'timeout'], raw.timeout, SHARE_DEFAULTS.timeout);
  if (timeoutMs > 60_000) issue(['share', 'timeout'], 'is longer than a minute: a run would wait that long for a Redis that is down (at most 60s)');
  const redis = raw.redis ?? '';
  const sentinelSet = Boolean(raw.sentinel?.master || raw.sentinel?.nodes?.length);
  const clusterSet = Boolean(raw.cluster?.length);
  // empty: sharing is off (status says so); the other keys may wait there, filled in, for the day it is on
  if (redis === '' && !sentinelSet && !clusterSet) return undefined;
  const given = [redis !== '' && 'redis', sentinelSet && 'sentinel', clusterSet && 'cluster'].filter((k): k is string => Boolean(k));
  if (given.length > 1) {
    issue(['share', given[1]!], `share.${given[0]} is set too: give one of redis (one server), sentinel (Redis Sentinel) or cluster (Redis Cluster)`, true);
  }
  const nodes = (key: readonly Seg[], list: readonly string[]): HostPort[] =>
    list.flatMap((text, i) => {
      const n = parseHostPort(text);
      if (!n) issue([...key, i], `'${text}' has no port in 1-65535 (host:port, or [IPv6]:port)`);
      return n ? [n] : [];
    });
  let where: Pick<ShareSettings, 'redis' | 'sentinel' | 'cluster'> = { redis };
  if (sentinelSet) {
    const master = raw.sentinel?.master ?? '';
    const list = nodes(['share', 'sentinel', 'nodes'], raw.sentinel?.nodes ?? []);
    if (master === '') issue(['share', 'sentinel'], 'names no master: give sentinel.master, the name the sentinels watch it under (sentinel monitor NAME ...)', true);
    if (!raw.sentinel?.nodes?.length) issue(['share', 'sentinel'], 'names no sentinel: give sentinel.nodes, a list of host:port (26379 is the usual port)', true);
    where = { redis: sentinelLabel(master, list), sentinel: { master, nodes: list } };
  } else if (clusterSet) {
    const list = nodes(['share', 'cluster'], raw.cluster ?? []);
    where = { redis: clusterLabel(list), cluster: list };
  } else {
    let url: URL | undefined;
    try {
      url = new URL(redis);
    } catch {
      issue(['share', 'redis'], 'is not a URL (redis://user:password@host:6379/0, or rediss:// for TLS)');
    }
    if (url) {
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') issue(['share', 'redis'], `is a ${url.protocol.replace(/:$/, '')} URL, not redis:// or rediss://`);
      else if (!url.hostname) issue(['share', 'redis'], 'names no host (redis://host:6379)');
      else if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) issue(['share', 'redis'], 'has a path that is not a database number (/0 to /15)');
      if (url.password && (raw.password_file || raw.password_env)) {
        notes.push(`share: the password in share.redis is not used (share.${raw.password_file ? 'password_file' : 'password_env'} wins)`);
      }
      if (url.username && raw.user) notes.push('share: the user in share.redis is not used (share.user wins)');
    }
  }
  const tls = tlsSettings(raw, given[0], redis, issue);
  const trust = raw.trust ?? [...SHARE_DEFAULTS.trust];
  if (trust.includes('*') && trust.length > 1) notes.push('share.trust: * trusts every node; the names beside it add nothing');
  if (trust.length === 0 && raw.subscribe !== false) notes.push('share.trust is empty: no node is trusted, so no fleet ban is applied here');
  return {
    ...where,
    ...(raw.user ? { user: raw.user } : {}),
    ...(raw.password_file ? { passwordFile: raw.password_file } : {}),
    ...(raw.password_env ? { passwordEnv: raw.password_env } : {}),
    ...(tls && { tls }),
    prefix: raw.prefix ?? SHARE_DEFAULTS.prefix,
    ...(raw.node ? { node: raw.node } : {}),
    publish: raw.publish ?? SHARE_DEFAULTS.publish,
    subscribe: raw.subscribe ?? SHARE_DEFAULTS.subscribe,
    trust,
    timeoutMs,
    streamMax: raw.stream_max ?? SHARE_DEFAULTS.stream_max,
  };
}

/**
 * `share.tls`: only beside a `rediss://` URL (the scheme is what turns TLS on; Sentinel and Cluster connect without
 * it), a client certificate only with its key. The files are read when connecting: a missing one is a 'setup'
 * problem of the run, not a config error (the config may be checked on another machine).
 */
function tlsSettings(raw: RawShare, kind: string | undefined, redis: string, issue: (path: readonly Seg[], message: string, key?: boolean) => void): ShareTls | undefined {
  const t = raw.tls ?? {};
  const tls: ShareTls = {
    ...(t.ca_file ? { caFile: t.ca_file } : {}),
    ...(t.cert_file ? { certFile: t.cert_file } : {}),
    ...(t.key_file ? { keyFile: t.key_file } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
  };
  if (Object.keys(tls).length === 0) return undefined;
  if (kind === 'sentinel' || kind === 'cluster') {
    issue(['share', 'tls'], `is for share.redis (a rediss:// URL) only: share.${kind} connects without TLS`, true);
  } else if (/^redis:/i.test(redis)) {
    issue(['share', 'tls'], 'is set but share.redis is a redis:// URL, which does not use TLS: write rediss://', true);
  }
  if (tls.certFile && !tls.keyFile) issue(['share', 'tls', 'cert_file'], 'needs key_file, the private key of the certificate');
  if (tls.keyFile && !tls.certFile) issue(['share', 'tls', 'key_file'], 'needs cert_file, the certificate of the key');
  return tls;
}

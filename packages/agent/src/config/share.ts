/**
 * The `share` section: what the schema cannot say about it. Kept apart from load.ts so the fleet's settings live
 * in one small file; the loader calls it with its own `duration` and `issue` helpers, so messages keep the
 * file:line:column form. The URL is never repeated in a message: it may hold a password.
 */
import { SHARE_DEFAULTS, type ShareSettings } from '../share/settings.js';

export interface RawShare {
  redis?: string;
  password_file?: string;
  password_env?: string;
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
  issue: (path: readonly Seg[], message: string) => void,
  notes: string[],
): ShareSettings | undefined {
  if (raw === undefined) return undefined;
  const timeoutMs = duration(['share', 'timeout'], raw.timeout, SHARE_DEFAULTS.timeout);
  if (timeoutMs > 60_000) issue(['share', 'timeout'], 'is longer than a minute: a run would wait that long for a Redis that is down (at most 60s)');
  const redis = raw.redis ?? '';
  // empty: sharing is off (status says so); the other keys may wait there, filled in, for the day it is on
  if (redis === '') return undefined;
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
  }
  const trust = raw.trust ?? [...SHARE_DEFAULTS.trust];
  if (trust.includes('*') && trust.length > 1) notes.push('share.trust: * trusts every node; the names beside it add nothing');
  if (trust.length === 0 && raw.subscribe !== false) notes.push('share.trust is empty: no node is trusted, so no fleet ban is applied here');
  return {
    redis,
    ...(raw.password_file ? { passwordFile: raw.password_file } : {}),
    ...(raw.password_env ? { passwordEnv: raw.password_env } : {}),
    prefix: raw.prefix ?? SHARE_DEFAULTS.prefix,
    ...(raw.node ? { node: raw.node } : {}),
    publish: raw.publish ?? SHARE_DEFAULTS.publish,
    subscribe: raw.subscribe ?? SHARE_DEFAULTS.subscribe,
    trust,
    timeoutMs,
    streamMax: raw.stream_max ?? SHARE_DEFAULTS.stream_max,
  };
}

/**
 * Getting a list's text: over HTTP with a conditional request (`If-None-Match` with the last ETag,
 * `If-Modified-Since` with the last Last-Modified), so an unchanged list costs the server a 304 and us nothing; or
 * from a file, where the modification time plays the same part. AbuseIPDB's blacklist is a URL like any other,
 * with the `Key` header. Failures are FetchErrors with one sentence; the caller keeps the old list.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ListSource } from './settings.js';

export interface Validators {
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FetchResult = { readonly changed: false } | { readonly changed: true; readonly text: string; readonly validators: Validators };

export class FetchError extends Error {
  constructor(
    message: string,
    /** How long the server asked us to wait (Retry-After), when it did. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchOptions {
  readonly timeoutMs?: number;
  /** AbuseIPDB's key and base URL, for `abuseipdb` sources. */
  readonly abuseipdb?: { readonly key?: string; readonly baseUrl: string };
  /** Largest body accepted (default 64 MiB): a runaway server must not fill memory. */
  readonly maxBytes?: number;
}

export async function fetchList(source: ListSource, last: Validators, options: FetchOptions = {}): Promise<FetchResult> {
  if (source.type === 'file') return readListFile(source.path, last);
  let url: string;
  const headers: Record<string, string> = { Accept: 'text/plain, */*' };
  if (source.type === 'abuseipdb') {
    const key = options.abuseipdb?.key;
    if (!key) throw new FetchError('no AbuseIPDB key (see the abuseipdb section)');
    const params = new URLSearchParams({ confidenceMinimum: String(source.confidenceMinimum), limit: String(source.limit), plaintext: '' });
    url = `${(options.abuseipdb?.baseUrl ?? '').replace(/\/+$/, '')}/blacklist?${params.toString()}`;
    headers.Key = key;
  } else url = source.url;
  if (last.etag) headers['If-None-Match'] = last.etag;
  if (last.lastModified) headers['If-Modified-Since'] = last.lastModified;
  const shown = source.type === 'abuseipdb' ? 'AbuseIPDB blacklist' : withoutCredentials(url);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new FetchError(`${shown}: no answer within ${(options.timeoutMs ?? 30_000) / 1000} s`);
    throw new FetchError(`${shown}: cannot connect (${e.cause?.code ?? e.message})`);
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { changed: false };
  }
  if (!res.ok) {
    await res.body?.cancel();
    const retry = retryAfterMs(res.headers.get('retry-after'), Date.now());
    throw new FetchError(`${shown}: HTTP ${res.status}${retry !== undefined ? ` (retry after ${Math.ceil(retry / 1000)} s)` : ''}`, retry);
  }
  const max = options.maxBytes ?? 64 * 1024 * 1024;
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > max) {
    await res.body?.cancel();
    throw new FetchError(`${shown}: ${length} bytes is more than the ${max} a list may have`);
  }
  const text = await res.text();
  if (text.length > max) throw new FetchError(`${shown}: more than the ${max} bytes a list may have`);
  const etag = res.headers.get('etag') ?? undefined;
  const lastModified = res.headers.get('last-modified') ?? undefined;
  return { changed: true, text, validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) } };
}

async function readListFile(path: string, last: Validators): Promise<FetchResult> {
  try {
    const st = await stat(path);
    const mark = `${st.mtimeMs}:${st.size}`;
    if (last.lastModified === mark) return { changed: false };
    return { changed: true, text: await readFile(path, 'utf8'), validators: { lastModified: mark } };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
}

/** Retry-After (seconds, or an HTTP date) as milliseconds from `now`; undefined when absent or unreadable. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** A URL as messages show it: a user and password in it stay out of logs. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(bad URL)';
  }
}

/**
 * A client for AbuseIPDB's API v2 (https://docs.abuseipdb.com): `check`, `report` and `blacklist`, over Node's
 * own fetch. What the documentation asks of a client, and this one does:
 * - the key goes in the `Key` header (never in the URL, where proxies and logs would keep it), with
 *   `Accept: application/json`;
 * - parameters are URL-encoded (an IPv6 address has colons); `report` is a form POST;
 * - every answer's `X-RateLimit-Limit/-Remaining/-Reset` is remembered per endpoint: at 0 remaining the endpoint is
 *   not asked again before the reset (the daily quota); a 429 names its wait in `Retry-After`;
 * - errors come as `{"errors": [{"detail": "…", "status": 4xx}]}`; the detail is passed on (it never holds the key).
 * No call here ever throws anything but AbuseIpdbError, so callers decide in one place what a failure means;
 * a run treats every one as "skip AbuseIPDB this time".
 */

export type Endpoint = 'check' | 'report' | 'blacklist';

export const DEFAULT_BASE_URL = 'https://api.abuseipdb.com/api/v2';

/** Category 14, "Port Scan", in AbuseIPDB's list of report categories. */
export const PORT_SCAN_CATEGORY = 14;

export interface CheckResult {
  readonly ipAddress: string;
  readonly isPublic?: boolean;
  readonly isWhitelisted?: boolean | null;
  readonly abuseConfidenceScore: number;
  readonly countryCode?: string | null;
  readonly usageType?: string | null;
  readonly isp?: string | null;
  readonly domain?: string | null;
  readonly totalReports?: number;
  readonly numDistinctUsers?: number;
  readonly lastReportedAt?: string | null;
}

export interface RateState {
  limit?: number;
  remaining?: number;
  /** Epoch ms when the quota resets (X-RateLimit-Reset, Unix seconds). */
  resetAt?: number;
  /** Epoch ms before which the endpoint is not asked (a 429's Retry-After, or the reset when the quota is spent). */
  blockedUntil?: number;
}

/** `duplicate`: the address was reported by this key less than 15 minutes ago (AbuseIPDB's rule). */
export type FailureKind = 'duplicate' | 'auth' | 'invalid' | 'rate-limit' | 'quota' | 'server' | 'network' | 'timeout' | 'answer';

export class AbuseIpdbError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number,
    /** Seconds to wait, from Retry-After. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AbuseIpdbError';
  }
}

export interface ClientOptions {
  readonly key: string;
  readonly baseUrl?: string;
  /** Per request (default 5 s): a slow AbuseIPDB must not hold up a run. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** Rate state carried over from earlier runs (the cache file), updated in place. */
  readonly rate?: Partial<Record<Endpoint, RateState>>;
}

export class AbuseIpdbClient {
  readonly rate: Partial<Record<Endpoint, RateState>>;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    if (!options.key) throw new AbuseIpdbError('no API key', 'auth');
    this.base = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.rate = options.rate ?? {};
  }

  /** Why the endpoint must not be asked now (quota spent, told to wait), or undefined. */
  blocked(endpoint: Endpoint): string | undefined {
    const r = this.rate[endpoint];
    const now = this.now();
    if (r?.blockedUntil !== undefined && r.blockedUntil > now) {
      return `AbuseIPDB ${endpoint}: ${r.remaining === 0 ? 'daily quota spent' : 'rate limited'} until ${new Date(r.blockedUntil).toISOString()}`;
    }
    return undefined;
  }

  async check(address: string, maxAgeInDays = 90): Promise<CheckResult> {
    const data = await this.call('check', 'GET', new URLSearchParams({ ipAddress: address, maxAgeInDays: String(maxAgeInDays) }));
    const d = data as Partial<CheckResult> | null;
    if (!d || typeof d.ipAddress !== 'string' || typeof d.abuseConfidenceScore !== 'number') {
      throw new AbuseIpdbError('AbuseIPDB check: answer without ipAddress and abuseConfidenceScore', 'answer');
    }
    return d as CheckResult;
  }

  async report(address: string, categories: readonly number[], comment: string, timestamp?: string): Promise<{ ipAddress: string; abuseConfidenceScore: number }> {
    const form = new URLSearchParams({ ip: address, categories: categories.join(','), comment });
    if (timestamp) form.set('timestamp', timestamp);
    const data = await this.call('report', 'POST', form);
    const d = data as { ipAddress?: unknown; abuseConfidenceScore?: unknown } | null;
    if (!d || typeof d.ipAddress !== 'string') throw new AbuseIpdbError('AbuseIPDB report: answer without ipAddress', 'answer');
    return { ipAddress: d.ipAddress, abuseConfidenceScore: typeof d.abuseConfidenceScore === 'number' ? d.abuseConfidenceScore : 0 };
  }

  /** The blacklist as plain text, one address a line (the `plaintext` form), with the ETag machinery left to HTTP. */
  async blacklist(confidenceMinimum: number, limit: number): Promise<string> {
    const params = new URLSearchParams({ confidenceMinimum: String(confidenceMinimum), limit: String(limit), plaintext: '' });
    return (await this.request('blacklist', 'GET', params, 'text/plain')).text;
  }

  private async call(endpoint: Endpoint, method: 'GET' | 'POST', params: URLSearchParams): Promise<unknown> {
    const { text } = await this.request(endpoint, method, params, 'application/json');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new AbuseIpdbError(`AbuseIPDB ${endpoint}: the answer is not JSON`, 'answer');
    }
    return (doc as { data?: unknown } | null)?.data;
  }

  private async request(endpoint: Endpoint, method: 'GET' | 'POST', params: URLSearchParams, accept: string): Promise<{ text: string }> {
    const why = this.blocked(endpoint);
    if (why) throw new AbuseIpdbError(why, this.rate[endpoint]?.remaining === 0 ? 'quota' : 'rate-limit');
    const url = `${this.base}/${endpoint}${method === 'GET' ? `?${params.toString()}` : ''}`;
    const headers: Record<string, string> = { Key: this.options.key, Accept: accept };
    if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: method === 'POST' ? params.toString() : undefined, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new AbuseIpdbError(`AbuseIPDB ${endpoint}: no answer within ${this.timeoutMs / 1000} s`, 'timeout');
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new AbuseIpdbError(`AbuseIPDB ${endpoint}: cannot connect (${cause?.code ?? cause?.message ?? e.message})`, 'network');
    }
    const text = await res.text().catch(() => '');
    this.remember(endpoint, res);
    if (res.ok) return { text };
    const detail = errorDetail(text) ?? `HTTP ${res.status}`;
    const retry = retryAfter(res.headers.get('retry-after'), this.now());
    if (res.status === 429 && endpoint === 'report' && /15 minutes/i.test(detail)) {
      // about one address, not the endpoint: other reports may go on
      throw new AbuseIpdbError(`AbuseIPDB report: ${detail}`, 'duplicate', 429, retry);
    }
    if (res.status === 429) {
      const r = (this.rate[endpoint] ??= {});
      // without Retry-After, a minute: better a skipped lookup than hammering a refusing server
      r.blockedUntil = Math.max(r.blockedUntil ?? 0, this.now() + (retry ?? 60) * 1000);
      throw new AbuseIpdbError(`AbuseIPDB ${endpoint}: ${detail}`, r.remaining === 0 ? 'quota' : 'rate-limit', 429, retry);
    }
    const kind: FailureKind = res.status === 401 || res.status === 403 ? 'auth' : res.status === 422 || res.status === 400 ? 'invalid' : 'server';
    throw new AbuseIpdbError(`AbuseIPDB ${endpoint}: ${detail}`, kind, res.status);
  }

  private remember(endpoint: Endpoint, res: Response): void {
    const num = (h: string): number | undefined => {
      const v = res.headers.get(h);
      return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
    };
    const limit = num('x-ratelimit-limit');
    const remaining = num('x-ratelimit-remaining');
    const reset = num('x-ratelimit-reset');
    if (limit === undefined && remaining === undefined && reset === undefined) return;
    const r = (this.rate[endpoint] ??= {});
    if (limit !== undefined) r.limit = limit;
    if (remaining !== undefined) r.remaining = remaining;
    if (reset !== undefined) r.resetAt = reset * 1000;
    // the quota is spent: nothing until it resets (a day, on the free plan)
    if (r.remaining === 0 && r.resetAt !== undefined) r.blockedUntil = Math.max(r.blockedUntil ?? 0, r.resetAt);
  }
}

/** `{"errors": [{"detail": "…", "status": 429}]}` → the details, joined; undefined when the body is not that. */
function errorDetail(text: string): string | undefined {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return undefined;
    const details = errors.map((e: unknown) => (e as { detail?: unknown } | null)?.detail).filter((d): d is string => typeof d === 'string');
    return details.length ? details.join('; ').slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
function retryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

/**
 * A local stand-in for AbuseIPDB's API v2 on 127.0.0.1, speaking its documented wire format
 * (https://docs.abuseipdb.com): `GET /api/v2/check?ipAddress=&maxAgeInDays=`, `POST /api/v2/report` (form:
 * ip, categories, comment), `GET /api/v2/blacklist?confidenceMinimum=&limit=[&plaintext]`; answers
 * `{"data": …}` or `{"errors": [{"detail", "status", "source"?}]}`; 401 for a missing or wrong `Key` header,
 * 422 for an address that is not one, 429 with `Retry-After`, `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0`
 * and `X-RateLimit-Reset` when an endpoint's daily quota is spent, and 429 when one address is reported again
 * within 15 minutes. Every request is recorded (method, raw path, headers, form) for the tests to inspect.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  /** The raw request target, as sent (to check the URL-encoding). */
  readonly rawPath: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly form?: URLSearchParams;
}

export interface FakeAddress {
  abuseConfidenceScore: number;
  countryCode?: string;
  usageType?: string;
  isp?: string;
  domain?: string;
  totalReports?: number;
  numDistinctUsers?: number;
  lastReportedAt?: string | null;
}

type Endpoint = 'check' | 'report' | 'blacklist';

export class FakeAbuseIpdb {
  readonly requests: SeenRequest[] = [];
  readonly addresses = new Map<string, FakeAddress>();
  /** Daily quota per endpoint and what is used of it. */
  readonly limits: Record<Endpoint, number> = { check: 1000, report: 1000, blacklist: 5 };
  readonly used: Record<Endpoint, number> = { check: 0, report: 0, blacklist: 0 };
  /** The server's clock (the 15-minute rule, the reset time). */
  now = Date.now();
  /** Delay every answer by this many ms (a slow AbuseIPDB). */
  delayMs = 0;
  /** Drop every connection without an answer (AbuseIPDB down). */
  down = false;
  /** Last accepted report per address (server clock). */
  private readonly lastReport = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly key: string,
  ) {}

  static async start(key: string): Promise<FakeAbuseIpdb> {
    const server = createServer();
    const fake = new FakeAbuseIpdb(server, key);
    server.on('request', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const seen: SeenRequest = {
          method: req.method ?? '',
          rawPath: req.url ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          ...(req.method === 'POST' ? { form: new URLSearchParams(body) } : {}),
        };
        fake.requests.push(seen);
        if (fake.down) {
          req.socket.destroy();
          return;
        }
        const answer = (): void => {
          const { status, headers, body: out } = fake.answer(seen);
          if (!res.destroyed) res.writeHead(status, headers).end(out);
        };
        if (fake.delayMs) setTimeout(answer, fake.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2`;
  }

  /** Requests to one endpoint. */
  seen(endpoint: Endpoint): SeenRequest[] {
    return this.requests.filter((r) => r.path === `/api/v2/${endpoint}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: SeenRequest): { status: number; headers: Record<string, string>; body: string } {
    const json = (status: number, doc: unknown, extra: Record<string, string> = {}) => ({
      status,
      headers: { 'Content-Type': 'application/json', ...extra },
      body: JSON.stringify(doc),
    });
    const error = (status: number, detail: string, extra: Record<string, string> = {}, parameter?: string) =>
      json(status, { errors: [{ detail, status, ...(parameter ? { source: { parameter } } : {}) }] }, extra);
    if (req.headers.key !== this.key) {
      return error(401, 'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.');
    }
    const endpoint = (['check', 'report', 'blacklist'] as const).find((e) => req.path === `/api/v2/${e}`);
    if (!endpoint) return error(404, 'Not found.');
    const reset = String(Math.floor(this.now / 86_400_000 + 1) * 86_400);
    if (this.used[endpoint] >= this.limits[endpoint]) {
      return error(429, `Daily rate limit of ${this.limits[endpoint]} requests exceeded for this endpoint. See headers for additional details.`, {
        'Retry-After': String(Number(reset) - Math.floor(this.now / 1000)),
        'X-RateLimit-Limit': String(this.limits[endpoint]),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': reset,
      });
    }
    this.used[endpoint]++;
    const rate = { 'X-RateLimit-Limit': String(this.limits[endpoint]), 'X-RateLimit-Remaining': String(this.limits[endpoint] - this.used[endpoint]) };

    if (endpoint === 'check') {
      if (req.method !== 'GET') return error(405, 'Method not allowed.');
      const ip = req.query.get('ipAddress') ?? '';
      if (!isIP(ip)) return error(422, 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).', {}, 'ipAddress');
      const a = this.addresses.get(ip) ?? { abuseConfidenceScore: 0 };
      return json(
        200,
        {
          data: {
            ipAddress: ip,
            isPublic: true,
            ipVersion: isIP(ip),
            isWhitelisted: false,
            abuseConfidenceScore: a.abuseConfidenceScore,
            countryCode: a.countryCode ?? null,
            usageType: a.usageType ?? null,
            isp: a.isp ?? null,
            domain: a.domain ?? null,
            hostnames: [],
            isTor: false,
            totalReports: a.totalReports ?? 0,
            numDistinctUsers: a.numDistinctUsers ?? 0,
            lastReportedAt: a.lastReportedAt ?? null,
          },
        },
        rate,
      );
    }
    if (endpoint === 'report') {
      if (req.method !== 'POST') return error(405, 'Method not allowed.');
      const ip = req.form?.get('ip') ?? '';
      if (!isIP(ip)) return error(422, 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).', {}, 'ip');
      const categories = (req.form?.get('categories') ?? '').split(',');
      if (!categories.length || !categories.every((c) => /^\d+$/.test(c) && Number(c) >= 1 && Number(c) <= 23)) {
        return error(422, 'The categories field must contain valid category IDs.', {}, 'categories');
      }
      if ((req.form?.get('comment') ?? '').length > 1024) return error(422, 'The comment may not be greater than 1024 characters.', {}, 'comment');
      const last = this.lastReport.get(ip);
      if (last !== undefined && this.now - last < 15 * 60_000) {
        return error(429, `You can only report the same IP address (\`${ip}\`) once in 15 minutes.`, rate, 'ip');
      }
      this.lastReport.set(ip, this.now);
      const a = this.addresses.get(ip) ?? { abuseConfidenceScore: 0 };
      return json(200, { data: { ipAddress: ip, abuseConfidenceScore: a.abuseConfidenceScore } }, rate);
    }
    const min = Number(req.query.get('confidenceMinimum') ?? 100);
    const limit = Number(req.query.get('limit') ?? 10_000);
    const listed = [...this.addresses].filter(([, a]) => a.abuseConfidenceScore >= min).slice(0, limit);
    if (req.query.has('plaintext')) return { status: 200, headers: { 'Content-Type': 'text/plain', ...rate }, body: listed.map(([ip]) => ip).join('\n') };
    return json(200, {
      meta: { generatedAt: new Date(this.now).toISOString() },
      data: listed.map(([ip, a]) => ({ ipAddress: ip, countryCode: a.countryCode ?? null, abuseConfidenceScore: a.abuseConfidenceScore, lastReportedAt: a.lastReportedAt ?? null })),
    }, rate);
  }
}

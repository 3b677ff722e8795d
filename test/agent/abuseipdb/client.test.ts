/**
 * The AbuseIPDB client against the local server of fake-abuseipdb.ts (AbuseIPDB's documented v2 wire format):
 * headers, URL-encoding, the answers' shapes, 401/422/429 with their headers, the daily quota remembered, the
 * 15-minute rule, and failures that never carry the key.
 */
import assert from 'node:assert/strict';
import { AbuseIpdbClient, AbuseIpdbError } from '../../../packages/agent/src/abuseipdb/client.js';
import { FakeAbuseIpdb } from './fake-abuseipdb.js';

const KEY = 'k3y-abcdefghijklmnopqrstuvwxyz0123456789-SECRET';

async function failure(p: Promise<unknown>): Promise<AbuseIpdbError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AbuseIpdbError, `an AbuseIpdbError, not ${String(err)}`);
    assert.ok(!err.message.includes(KEY), 'the key is never in a message');
    return err;
  }
  assert.fail('expected a failure');
}

describe('agent abuseipdb: client (local server speaking the v2 wire format)', () => {
  let fake: FakeAbuseIpdb;
  let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
  const client = (over: Partial<ConstructorParameters<typeof AbuseIpdbClient>[0]> = {}) =>
    new AbuseIpdbClient({ key: KEY, baseUrl: fake.baseUrl, now: () => clock, ...over });

  beforeEach(async () => {
    fake = await FakeAbuseIpdb.start(KEY);
    fake.now = clock;
  });
  afterEach(async () => fake.stop());

  it('check sends Key and Accept headers, URL-encodes an IPv6 address, and reads the data object', async () => {
    fake.addresses.set('2001:db8::66', { abuseConfidenceScore: 87, countryCode: 'NL', usageType: 'Data Center/Web Hosting/Transit', isp: 'Example Hosting', domain: 'example.net', totalReports: 412, numDistinctUsers: 57, lastReportedAt: '2026-11-25T11:58:00+00:00' });
    const r = await client().check('2001:db8::66', 30);
    assert.deepEqual(
      [r.ipAddress, r.abuseConfidenceScore, r.countryCode, r.usageType, r.isp, r.domain, r.totalReports, r.numDistinctUsers, r.lastReportedAt],
      ['2001:db8::66', 87, 'NL', 'Data Center/Web Hosting/Transit', 'Example Hosting', 'example.net', 412, 57, '2026-11-25T11:58:00+00:00'],
    );
    const req = fake.seen('check')[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.headers.key, KEY);
    assert.equal(req.headers.accept, 'application/json');
    assert.match(req.rawPath, /[?&]ipAddress=2001%3Adb8%3A%3A66(&|$)/, `colons are percent-encoded: ${req.rawPath}`);
    assert.ok(!req.rawPath.includes(KEY), 'the key is never in the URL');
    assert.equal(req.query.get('maxAgeInDays'), '30');
  });

  it('401 (wrong key) and 422 (not an address) become one sentence with the server’s detail', async () => {
    const wrong = await failure(new AbuseIpdbClient({ key: 'wrong', baseUrl: fake.baseUrl }).check('203.0.113.9'));
    assert.equal(wrong.kind, 'auth');
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /^AbuseIPDB check: Authentication failed\./);
    const bad = await failure(client().check('not-an-ip'));
    assert.equal(bad.kind, 'invalid');
    assert.match(bad.message, /must be a valid IPv4 or IPv6 address/);
  });

  it('the daily quota: X-RateLimit-* remembered, a 429 blocks the endpoint until the reset without asking again', async () => {
    fake.limits.check = 2;
    const c = client();
    await c.check('203.0.113.1');
    assert.deepEqual([c.rate.check?.limit, c.rate.check?.remaining], [2, 1]);
    await c.check('203.0.113.2');
    assert.equal(c.rate.check?.remaining, 0);
    // 200 answers carry no reset time: the server's 429 gives it (Retry-After, X-RateLimit-Reset)
    const spent = await failure(c.check('203.0.113.3'));
    assert.equal(spent.status, 429);
    assert.equal(spent.kind, 'quota');
    assert.equal(spent.retryAfterS, 12 * 3600);
    assert.match(spent.message, /Daily rate limit of 2 requests exceeded/);
    assert.equal(c.rate.check?.blockedUntil, Date.UTC(2026, 10, 26));
    const blocked = await failure(c.check('203.0.113.4'));
    assert.match(blocked.message, /daily quota spent until 2026-11-26T00:00:00\.000Z/);
    assert.equal(fake.seen('check').length, 3, 'a spent quota is not asked again');

    // the rate state carried to the next run (the cache file) keeps it quiet as well
    const fresh = client({ rate: JSON.parse(JSON.stringify(c.rate)) });
    assert.equal((await failure(fresh.check('203.0.113.5'))).kind, 'quota');
    assert.equal(fake.seen('check').length, 3);
    clock = Date.UTC(2026, 10, 26, 0, 0, 1);
    fake.used.check = 0;
    fake.now = clock;
    assert.equal((await fresh.check('203.0.113.5')).ipAddress, '203.0.113.5', 'asked again after the reset');
  });

  it('report posts a form (ip, categories=14, comment); the same address within 15 minutes is a duplicate, not a blocked endpoint', async () => {
    const c = client();
    const r = await c.report('2001:db8::66', [14], 'Port scan: 40 ports\nline 1');
    assert.equal(r.ipAddress, '2001:db8::66');
    const req = fake.seen('report')[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual([req.form?.get('ip'), req.form?.get('categories'), req.form?.get('comment')], ['2001:db8::66', '14', 'Port scan: 40 ports\nline 1']);
    const dup = await failure(c.report('2001:db8::66', [14], 'again'));
    assert.equal(dup.kind, 'duplicate');
    assert.match(dup.message, /once in 15 minutes/);
    assert.equal(c.blocked('report'), undefined, 'other addresses may still be reported');
    await c.report('203.0.113.77', [14], 'another');
  });

  it('a slow AbuseIPDB times out, a down one is a connection failure: neither hangs', async () => {
    fake.delayMs = 3000;
    const t0 = Date.now();
    const slow = await failure(client({ timeoutMs: 300 }).check('203.0.113.1'));
    assert.equal(slow.kind, 'timeout');
    assert.ok(Date.now() - t0 < 2000, 'gave up at the timeout');
    fake.delayMs = 0;
    fake.down = true;
    assert.equal((await failure(client().check('203.0.113.1'))).kind, 'network');
  });
});

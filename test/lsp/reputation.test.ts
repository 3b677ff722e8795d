/**
 * AbuseIPDB in hovers, over stdio, against the local stand-in that speaks AbuseIPDB's v2 wire format
 * (test/agent/abuseipdb/fake-abuseipdb.ts): with a key the hover asks in the background and the next hover shows
 * the score; a refused key pauses lookups with one warning that never shows the key; without a key nothing is asked.
 */
import { strict as assert } from 'node:assert';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node.js';
import { MEMO } from '../fixtures/memo.js';
import { FakeAbuseIpdb } from '../agent/abuseipdb/fake-abuseipdb.js';
import { TestClient } from './client.js';

const URI = 'file:///tmp/portcullis-test/reputation.log';
const KEY = 'k3y-for-the-editor-0123456789';
/** The memo's scanner line: SRC=89.248.166.153. */
const LINE = MEMO[2]!;
const POS = { line: 0, character: LINE.indexOf('SRC=') + 6 };

function text(h: Hover | null): string {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

async function hoverUntil(client: TestClient, done: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  let h = '';
  while (Date.now() < deadline) {
    h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: POS }));
    if (done.test(h)) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  return h;
}

describe('lsp over stdio: AbuseIPDB in hovers', function () {
  this.timeout(30_000);
  let fake: FakeAbuseIpdb;

  before(async () => {
    fake = await FakeAbuseIpdb.start(KEY);
    fake.addresses.set('89.248.166.153', { abuseConfidenceScore: 87, countryCode: 'NL', usageType: 'Data Center/Web Hosting/Transit', isp: 'IP Volume inc', totalReports: 1234, numDistinctUsers: 321, lastReportedAt: '2026-11-24T10:00:00+00:00' });
  });

  after(async () => {
    await fake?.stop();
  });

  it('shows the score on the next hover, having asked once with the Key header', async () => {
    const client = new TestClient({ locale: 'en', settings: { abuseipdb: { key: KEY, base_url: fake.baseUrl } } });
    try {
      await client.initialize();
      await client.open(URI, 'netfilter-log', LINE + '\n');
      await client.waitForDiagnostics(URI);
      const h = await hoverUntil(client, /confidence of abuse/);
      assert.match(h, /AbuseIPDB confidence of abuse: 87%\*\*, 1234 reports by 321 users, last 2026-11-24/);
      assert.match(h, /IP Volume inc/);
      const checks = fake.requests.filter((r) => r.path === '/api/v2/check');
      assert.equal(checks.length, 1, 'one lookup, then the answer is remembered');
      assert.equal(checks[0]!.headers.key, KEY);
      assert.equal(checks[0]!.headers.accept, 'application/json');
      assert.equal(checks[0]!.query.get('ipAddress'), '89.248.166.153');
      assert.ok(client.logs.every((l) => !l.includes(KEY)), 'the key is never logged');
    } finally {
      await client.stop();
    }
  });

  it('pauses on a refused key with one warning that does not show the key', async () => {
    const client = new TestClient({ locale: 'en', settings: { abuseipdb: { key: 'wrong-key-987', base_url: fake.baseUrl } } });
    try {
      await client.initialize();
      await client.open(URI, 'netfilter-log', LINE + '\n');
      await client.waitForDiagnostics(URI);
      const before = fake.requests.length;
      const h = await hoverUntil(client, /not available/);
      assert.match(h, /AbuseIPDB: not available/);
      for (let i = 0; i < 3; i++) await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: POS });
      assert.equal(fake.requests.length - before, 1, 'a refused key is not tried again');
      const paused = client.logs.filter((l) => /AbuseIPDB lookups paused/.test(l));
      assert.equal(paused.length, 1, client.logs.join('\n'));
      assert.ok(client.logs.every((l) => !l.includes('wrong-key-987')), 'the key is never logged');
    } finally {
      await client.stop();
    }
  });

  it('asks nothing without a key', async () => {
    const client = new TestClient({ locale: 'en', settings: { abuseipdb: { base_url: fake.baseUrl } } });
    try {
      await client.initialize();
      await client.open(URI, 'netfilter-log', LINE + '\n');
      await client.waitForDiagnostics(URI);
      const before = fake.requests.length;
      const h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: POS }));
      assert.doesNotMatch(h, /confidence|looking it up|not available/);
      assert.match(h, /abuseipdb\.com\/check/, 'the link is still there');
      assert.equal(fake.requests.length, before);
    } finally {
      await client.stop();
    }
  });
});

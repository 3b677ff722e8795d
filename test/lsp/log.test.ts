import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node.js';
import { frame } from '../../packages/core/src/index.js';
import { REPORT_REQUEST, type LogReport } from '../../packages/lsp/src/protocol.js';
import { MEMO } from '../fixtures/memo.js';
import { TestClient } from './client.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = readFileSync(resolve(ROOT, 'samples', 'sample.log'), 'utf8');
const DMESG = readFileSync(resolve(ROOT, 'test', 'fixtures', 'kernel-lines', 'dmesg.log'), 'utf8');
/**
 * The memo's lines merged into the sample in time order (a real syslog file is in time order, and the detectors
 * read time from the lines: a file that jumps back a month would cut every episode), then the dmesg lines, which
 * carry only an uptime.
 */
const NOW = Date.UTC(2026, 5, 1);
const timeOf = (l: string): number => frame(l, { now: NOW }).time ?? 0;
const LOG = [...[...MEMO, ...SAMPLE.trimEnd().split('\n')].map((l, i) => [l, i] as const).sort((a, b) => timeOf(a[0]) - timeOf(b[0]) || a[1] - b[1]).map(([l]) => l), ...DMESG.trimEnd().split('\n')];
const MEMO_AT = MEMO.map((m) => LOG.indexOf(m));
const LOG_URI = 'file:///tmp/portcullis-test/firewall.log';
const SAMPLE_URI = 'file:///tmp/portcullis-test/sample.log';

// what `portcullis scan --wan eth0 samples/sample.log` reports: the server must show the same findings
const SAMPLE_SCANNERS = ['89.248.165.52', '193.163.125.80', '185.242.226.17'];
const SAMPLE_SPOOFED = ['10.23.4.17', '192.168.1.100', '169.254.169.254', '127.0.0.1', '10.255.1.3', '192.168.0.1'];

function text(h: Hover | null): string {
  assert.ok(h, 'a hover');
  return (h.contents as MarkupContent).value;
}

function at(line: number, needle: string, extra = 1): { line: number; character: number } {
  const c = LOG[line].indexOf(needle);
  assert.ok(c >= 0, `${needle} on line ${line}`);
  return { line, character: c + extra };
}

const sources = (ds: Diagnostic[], code: string): string[] => [...new Set(ds.filter((d) => d.code === code).map((d) => (d.data as { source: string }).source))];

describe('lsp over stdio: netfilter-log', function () {
  this.timeout(30_000);
  let client: TestClient;

  before(async () => {
    client = new TestClient({ locale: 'en', settings: { wan: ['eth0'] } });
    const init = await client.initialize();
    assert.equal(init.serverInfo?.name, 'portcullis-lsp');
    await client.open(LOG_URI, 'netfilter-log', LOG.join('\n') + '\n');
  });

  after(async () => {
    if (client) {
      const code = await client.stop();
      assert.equal(code, 0, 'the server exits 0 after shutdown and exit');
      assert.notEqual(client.child.exitCode, null, 'the child process is gone');
    }
  });

  const hover = (pos: { line: number; character: number }) => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: LOG_URI }, position: pos });

  it('hovers SRC with the address class and an AbuseIPDB link for a public source', async () => {
    const h = text(await hover(at(MEMO_AT[2], 'SRC=', 6)));
    assert.match(h, /SRC=89\.248\.166\.153/);
    assert.match(h, /https:\/\/www\.abuseipdb\.com\/check\/89\.248\.166\.153/);
  });

  it('hovers a public source with its country (DB-IP Lite, credited) once the database has loaded', async () => {
    // the 8 MB database loads in the background after start-up; hovers leave the country out until then
    const deadline = Date.now() + 10_000;
    let h = '';
    while (Date.now() < deadline && !/Country:/.test(h)) {
      h = text(await hover(at(MEMO_AT[2], 'SRC=', 6)));
      if (!/Country:/.test(h)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(h, /Country: Netherlands \(NL\)/);
    assert.match(h, /IP geolocation by DB-IP/);
    // an unspecified (special-purpose) source has no country to show
    assert.doesNotMatch(text(await hover(at(MEMO_AT[1], 'SRC=0.0.0.0', 5))), /Country:/);
  });

  it('hovers a private source without a reputation link', async () => {
    const h = text(await hover(at(MEMO_AT[0], 'SRC=', 2)));
    assert.match(h, /153\.121\.33\.75/);
    const h2 = text(await hover(at(MEMO_AT[1], 'SRC=0.0.0.0', 5)));
    assert.match(h2, /0\.0\.0\.0/);
    assert.doesNotMatch(h2, /abuseipdb/);
  });

  it('hovers TTL with the likely initial TTL', async () => {
    const h = text(await hover(at(MEMO_AT[3], 'TTL=50', 4)));
    assert.match(h, /TTL=50/);
    assert.match(h, /64/, 'TTL 50 most likely started at 64');
  });

  it('hovers a TCP flag with the meaning of the whole set', async () => {
    const syn = text(await hover(at(MEMO_AT[2], ' SYN ', 2)));
    assert.match(syn, /Connection attempt \(SYN\)/);
    const rst = text(await hover(at(MEMO_AT[3], ' RST ', 2)));
    assert.match(rst, /`ACK RST`/);
  });

  it('hovers the prefix with its firewall and action', async () => {
    const memo = text(await hover(at(MEMO_AT[0], '[IPTABLES REJECT]', 3)));
    assert.match(memo, /log prefix — iptables: rejected/);
    assert.match(memo, /rejected/);
    const fw = text(await hover(at(MEMO_AT[3], 'FINAL_REJECT', 3)));
    assert.match(fw, /FINAL_REJECT/);
    assert.match(fw, /rejected/);
  });

  it('hovers nothing on a line that is not a firewall line', async () => {
    const cron = LOG.findIndex((l) => l.includes('CROND'));
    assert.equal(await hover({ line: cron, character: 40 }), null);
  });

  it('publishes the scanners and spoofed sources as warnings on their lines', async () => {
    // a pass can finish before the pulled settings (wan: eth0) arrive; private sources are spoofed only with them
    const ds = await client.waitForDiagnostics(LOG_URI, (d) => d.some((x) => x.code === 'port-scan') && sources(d, 'spoofed-source').includes('10.23.4.17'));
    const scanners = sources(ds, 'port-scan');
    const spoofed = sources(ds, 'spoofed-source');
    for (const s of SAMPLE_SCANNERS) assert.ok(scanners.includes(s), `scanner ${s} in ${scanners.join(' ')}`);
    for (const s of SAMPLE_SPOOFED) assert.ok(spoofed.includes(s), `spoofed ${s} in ${spoofed.join(' ')}`);
    const scan = ds.find((d) => d.code === 'port-scan' && (d.data as { source: string }).source === '185.242.226.17')!;
    assert.equal(scan.severity, 2);
    assert.match(scan.message, /16 ports, 1 hosts, 16 lines/);
    assert.match(scan.message, /2\d{3}-04-15 11:21:10Z → 2\d{3}-04-15 11:21:40Z/);
    // the squiggle sits on the address of a line of that source
    assert.equal(LOG[scan.range.start.line].slice(scan.range.start.character, scan.range.end.character), '185.242.226.17');
    assert.equal(ds.filter((d) => d.code === 'port-scan' && (d.data as { source: string }).source === '185.242.226.17').length, 16);
    const spoof = ds.find((d) => d.code === 'spoofed-source' && (d.data as { source: string }).source === '10.23.4.17')!;
    assert.match(spoof.message, /eth0/);
    assert.ok(ds.some((d) => d.code === 'noise-igmp' && d.severity === 4), 'IGMP noise as a hint');
  });

  it('finds exactly the sample scan report in samples/sample.log', async () => {
    await client.open(SAMPLE_URI, 'log', SAMPLE);
    // the first publication may come before the pulled settings (wan: eth0) arrive; the one after them counts
    const ds = await client.waitForDiagnostics(SAMPLE_URI, (d) => sources(d, 'spoofed-source').length > 1);
    assert.deepEqual(sources(ds, 'port-scan').sort(), [...SAMPLE_SCANNERS].sort());
    assert.deepEqual(sources(ds, 'spoofed-source').sort(), [...SAMPLE_SPOOFED].sort());
  });

  it('answers portcullis/report with what `portcullis scan --json` reports, plus countries', async () => {
    // the sample is open from the previous test; the report is counted in the server's worker thread
    const r = await client.connection.sendRequest<LogReport>(REPORT_REQUEST, { uri: SAMPLE_URI, top: 10 });
    const cli = JSON.parse(execFileSync(process.execPath, [resolve(ROOT, 'packages/agent/bin/portcullis.js'), 'scan', '--json', '--wan', 'eth0', resolve(ROOT, 'samples/sample.log')], { encoding: 'utf8' })) as {
      lines: number;
      firewall_lines: number;
      scanners: { ip: string; ports: number; country?: string }[];
      spoofed: { ip: string }[];
      top_sources: { ip: string; lines: number; country?: string }[];
      countries: { country: string; lines: number }[];
    };
    assert.equal(r.lines, cli.lines);
    assert.equal(r.firewall, cli.firewall_lines);
    assert.deepEqual(r.scans.map((f) => [f.address, f.ports, f.country]), cli.scanners.map((f) => [f.ip, f.ports, f.country]));
    assert.deepEqual(r.spoofed.map((f) => f.address).sort(), cli.spoofed.map((f) => f.ip).sort());
    assert.deepEqual(r.sources.map((s) => [s.address, s.lines, s.country]), cli.top_sources.map((s) => [s.ip, s.lines, s.country]));
    assert.deepEqual(r.countries.slice(0, 5).map((c) => [c.key, c.lines]), cli.countries.slice(0, 5).map((c) => [c.country, c.lines]));
    assert.ok(r.scans.every((f) => f.countryName && f.kinds.length > 0 && f.why.length > 0), 'scanners carry country names, scan types and the reason');
    assert.equal(r.timeline.length, 48);
    assert.equal(r.timeline.reduce((a, b) => a + b, 0), r.firewall, 'every dated line is in the timeline');
    assert.match(r.attribution ?? '', /DB-IP/);
  });

  it('refuses a report for a document that is not an open firewall log', async () => {
    await assert.rejects(client.connection.sendRequest(REPORT_REQUEST, { uri: 'file:///not/open.log' }), /not an open firewall log/);
  });

  it('returns well-formed semantic tokens', async () => {
    const legend = client.initializeResult!.capabilities.semanticTokensProvider!.legend;
    const full = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: LOG_URI } });
    const data = full!.data;
    assert.ok(data.length > 0);
    assert.equal(data.length % 5, 0);
    let line = 0;
    let col = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [dl, dc, len, type] = data.slice(i, i + 5);
      assert.ok(dl >= 0 && len > 0 && type < legend.tokenTypes.length);
      line += dl;
      col = dl === 0 ? col + dc : dc;
      assert.ok(col + len <= LOG[line].length, `token within line ${line}`);
    }
    // the first token of the memo's first line is its prefix
    assert.equal(legend.tokenTypes[data[3]], 'macro');
    assert.equal(LOG[data[0]].slice(data[1], data[1] + data[2]), '[IPTABLES REJECT]:');
    const range = await client.connection.sendRequest(SemanticTokensRangeRequest.type, {
      textDocument: { uri: LOG_URI },
      range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } },
    });
    assert.ok(range!.data.length > 0 && range!.data[0] === 2);
  });

  it('lists sources with their line counts as document symbols', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: LOG_URI } })) as DocumentSymbol[];
    const top = symbols[0];
    assert.equal(top.name, '89.248.165.52');
    assert.match(top.detail!, /^21 lines/);
  });

  it('offers the ban command and AbuseIPDB for a public source', async () => {
    const line = LOG.findIndex((l) => l.includes('SRC=185.242.226.17'));
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: LOG_URI },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [] },
    });
    const titles = (actions ?? []).map((a) => a.title);
    assert.ok(titles.includes('Copy `portcullis bans add 185.242.226.17`'), titles.join(' | '));
    assert.ok(titles.includes('Open 185.242.226.17 on AbuseIPDB'));
  });

  it('re-diagnoses after an incremental edit', async () => {
    // cut the source address of every line of one scanner: the finding must go away
    const lines = LOG.map((l, i) => [l, i] as const).filter(([l]) => l.includes('SRC=185.242.226.17'));
    client.forget(LOG_URI);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: LOG_URI, version: 2 },
      contentChanges: lines.map(([l, i]) => {
        const c = l.indexOf('185.242.226.17');
        return { range: { start: { line: i, character: c }, end: { line: i, character: c + 3 } }, text: '203' };
      }),
    });
    const ds = await client.waitForDiagnostics(LOG_URI);
    assert.equal(client.diagnostics.get(LOG_URI)?.version, 2);
    assert.ok(!sources(ds, 'port-scan').includes('185.242.226.17'));
    assert.ok(sources(ds, 'port-scan').includes('203.242.226.17'));
    // hover reads the edited line
    const h = text(await hover({ line: lines[0][1], character: lines[0][0].indexOf('SRC=') + 6 }));
    assert.match(h, /203\.242\.226\.17/);
  });
});

describe('lsp over stdio: Japanese', function () {
  this.timeout(30_000);
  it('answers in Japanese for a ja locale', async () => {
    const client = new TestClient({ locale: 'ja-JP', initializationOptions: { portcullis: { wan: ['eth0'] } } });
    try {
      await client.initialize();
      await client.open(LOG_URI, 'netfilter-log', LOG.join('\n'));
      const h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: LOG_URI }, position: at(MEMO_AT[0], '[IPTABLES REJECT]', 3) }));
      assert.match(h, /拒否/);
      const ds = await client.waitForDiagnostics(LOG_URI, (d) => d.some((x) => x.code === 'port-scan'));
      assert.match(ds.find((d) => d.code === 'port-scan')!.message, /ポートスキャン/);
    } finally {
      await client.stop();
    }
  });

  it('names a broken geo.database in the log and hovers on without a country', async () => {
    const client = new TestClient({ locale: 'en', settings: { geo: { database: '/nonexistent/country.mmdb' } } });
    try {
      await client.initialize();
      await client.open(LOG_URI, 'netfilter-log', LOG.join('\n'));
      await client.waitForDiagnostics(LOG_URI);
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && !client.logs.some((l) => l.includes('/nonexistent/country.mmdb'))) await new Promise((r) => setTimeout(r, 50));
      assert.ok(client.logs.some((l) => /geo database \/nonexistent\/country\.mmdb: cannot be read/.test(l)), client.logs.join('\n'));
      const h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: LOG_URI }, position: at(MEMO_AT[2], 'SRC=', 6) }));
      assert.match(h, /abuseipdb/);
      assert.doesNotMatch(h, /Country:/);
    } finally {
      await client.stop();
    }
  });

  it('names the country in Japanese', async () => {
    const client = new TestClient({ locale: 'ja' });
    try {
      await client.initialize();
      await client.open(LOG_URI, 'netfilter-log', LOG.join('\n'));
      const deadline = Date.now() + 10_000;
      let h = '';
      while (Date.now() < deadline && !/国:/.test(h)) {
        h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: LOG_URI }, position: at(MEMO_AT[2], 'SRC=', 6) }));
        if (!/国:/.test(h)) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(h, /国: オランダ \(NL\)/);
    } finally {
      await client.stop();
    }
  });

  it('follows the portcullis.language setting over the locale', async () => {
    const client = new TestClient({ locale: 'en', settings: { language: 'ja' } });
    try {
      await client.initialize();
      await client.open(LOG_URI, 'netfilter-log', LOG.join('\n'));
      await client.waitForDiagnostics(LOG_URI); // settings were pulled before the first publication
      const h = text(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: LOG_URI }, position: at(MEMO_AT[2], 'SRC=', 6) }));
      assert.match(h, /AbuseIPDB で評判を確認/);
    } finally {
      await client.stop();
    }
  });
});

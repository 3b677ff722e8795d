// The portcullis CLI as users run it: the built bin, real processes, real files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { MEMO } from '../fixtures/memo.js';

const BIN = fileURLToPath(new URL('../../packages/agent/bin/portcullis.js', import.meta.url));

function run(args: string[], input?: string) {
  return execa('node', [BIN, ...args], { input, reject: false, env: { LANG: 'C' } });
}

describe('portcullis CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the commands and the exit codes', async () => {
    const r = await run(['--help']);
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /portcullis decode/);
    assert.match(r.stdout, /portcullis scan/);
    assert.match(r.stdout, /Exit codes:/);
  });

  it('--help lists the agent commands and their exit codes', async () => {
    const r = await run(['--help']);
    for (const c of ['portcullis run', 'portcullis restore', 'portcullis status', 'portcullis bans list', 'portcullis bans add', 'portcullis bans remove', '--metrics FILE', '--dry-run']) {
      assert.ok(r.stdout.includes(c), c);
    }
    for (const code of ['5  the configuration', '6  the firewall', '7  another run', '8  the state file']) assert.ok(r.stdout.includes(code), code);
  });

  it('agent commands: usage mistakes are exit 2, a broken config exit 5, each one line naming the place', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['run', 'kern.log'], 2, /run reads the sources of its config, not 'kern\.log'/],
      [['bans'], 2, /bans: say list, add ADDR or remove ADDR/],
      [['bans', 'add'], 2, /bans add takes one address/],
      [['bans', 'list', '--for', '2h'], 2, /--for goes with bans add/],
      [['bans', 'add', '192.0.2.1', '--for', 'soon'], 2, /--for: 'soon' is not a duration/],
      [['restore', 'now'], 2, /restore takes no argument/],
      [['run', '--config', join('/nonexistent', 'config.yaml')], 5, /\/nonexistent\/config\.yaml:1:1: /],
    ];
    for (const [args, code, message] of cases) {
      const r = await run(args);
      assert.equal(r.exitCode, code, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'ban:\n  time: 2x\ndetect: {scan: {ports: 0}}\n');
    const r = await run(['run', '--config', bad]);
    assert.equal(r.exitCode, 5);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0]!, new RegExp(`^portcullis: ${bad.replace(/[.]/g, '\\.')}:2:9: ban\.time: '2x' is not a duration`));
    assert.match(lines[1]!, /:3:24: detect\.scan\.ports: 0 is too small/);
  });

  it('bans add refuses an allowed address and a non-address before touching anything (dry run)', async () => {
    const cfg = join(dir, 'allow.yaml');
    writeFileSync(cfg, `allow: [192.0.2.0/24]\nstate: ${join(dir, 'state')}\nbackend: {type: dry-run}\nwan: [eth0]\nsources: [${join(dir, 'none.log')}]\n`);
    const a = await run(['bans', 'add', '192.0.2.9', '--config', cfg]);
    assert.equal(a.exitCode, 2, a.stderr);
    assert.match(a.stderr, /^portcullis: bans add: 192\.0\.2\.9 is never blocked: 192\.0\.2\.0\/24 \(config\)$/m);
    assert.equal(a.stdout, '', 'nothing was printed to run');
    const b = await run(['bans', 'add', 'example.com', '--config', cfg]);
    assert.equal(b.exitCode, 2);
    assert.match(b.stderr, /'example\.com' is not an IPv4 or IPv6 address/);
  });

  it('rejects an unknown command and an unknown option with exit 2 and one line', async () => {
    const a = await run(['frobnicate']);
    assert.equal(a.exitCode, 2);
    assert.equal(a.stderr.trim().split('\n').length, 1);
    assert.match(a.stderr, /unknown command 'frobnicate'/);
    const b = await run(['decode', '--nope']);
    assert.equal(b.exitCode, 2);
    assert.match(b.stderr, /--nope/);
    const c = await run(['decode', '--lang', 'fr']);
    assert.equal(c.exitCode, 2);
    assert.match(c.stderr, /--lang: 'fr'/);
  });

  it('names a missing file and exits 3', async () => {
    const r = await run(['decode', join(dir, 'absent.log')]);
    assert.equal(r.exitCode, 3);
    assert.match(r.stderr, /absent\.log: cannot read: no such file/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/); // no stack trace
  });

  it('explains the memo lines field by field from standard input', async () => {
    const r = await run(['decode', '--no-geo', '--year', '2025', '-'], MEMO.join('\n') + '\nMar 21 16:04:00 refirio sshd[1]: hello\n');
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /SRC=89\.248\.166\.153 +source address: Public/);
    assert.match(r.stdout, /SYN +TCP flags: /);
    assert.match(r.stdout, /ACK RST +TCP flags: /);
    assert.match(r.stdout, /PROTO=2 +protocol: Internet Group Management/);
    assert.match(r.stderr, /4 firewall lines, 1 other lines, 0 truncated, 0 with invalid values/);
  });

  it('speaks Japanese with --lang ja', async () => {
    const r = await run(['decode', '--no-geo', '--lang', 'ja', '-'], MEMO[2]);
    assert.equal(r.exitCode, 0);
    assert.match(r.stdout, /送信元アドレス/);
    assert.match(r.stderr, /ファイアウォール行 1/);
  });

  it('prints one ECS event per line with --json, read from a file', async () => {
    const file = join(dir, 'memo.log');
    writeFileSync(file, MEMO.join('\n') + '\n');
    const r = await run(['decode', '--json', '--no-geo', '--year', '2025', file]);
    assert.equal(r.exitCode, 0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events.length, 4);
    assert.equal(events[2]['@timestamp'], '2025-03-21T16:03:32.000Z');
    assert.equal(events[2].source.ip, '89.248.166.153');
    assert.equal(events[2].destination.port, 3389);
    assert.deepEqual(events[2].iptables.tcp.flags, ['SYN']);
    assert.equal(events[3].portcullis.prefix.source, 'firewalld');
    assert.equal(events[1].portcullis.source.class, 'unspecified');
  });

  it('adds the country of public addresses from the bundled database', async () => {
    const r = await run(['decode', '--json', '-'], MEMO[2]);
    assert.equal(r.exitCode, 0);
    const e = JSON.parse(r.stdout);
    assert.equal(e.source.geo.country_iso_code, 'NL');
    assert.equal(e.portcullis.source.country, 'NL');
    assert.equal(e.portcullis.destination.country, 'JP');
  });

  it('survives binary garbage and a megabyte line', async () => {
    const junk = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 131) % 256)).toString('latin1');
    const r = await run(['decode', '-'], junk + '\n' + 'IN=eth0 OUT= ' + 'A'.repeat(1_500_000) + '\n' + MEMO[0] + '\n');
    assert.equal(r.exitCode, 0);
    assert.match(r.stderr, /1 firewall lines/);
  });
});

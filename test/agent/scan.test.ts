// `portcullis scan` over the bundled sample (what `npm start` shows) and over a peer's port-scan log.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { execa } from 'execa';
import { CORPUS } from '../corpus.js';

const BIN = fileURLToPath(new URL('../../packages/agent/bin/portcullis.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../samples/sample.log', import.meta.url));

function run(args: string[]) {
  return execa('node', [BIN, ...args], { reject: false, env: { LANG: 'C' } });
}

interface Report {
  lines: number;
  firewall_lines: number;
  unparsed: number;
  truncated: number;
  noise: number;
  noise_by_reason: Record<string, number>;
  scanners: { ip: string; ports: number; hosts: number; types: string[]; lines: number; first: string; country?: string }[];
  spoofed: { ip: string; class: string; interface: string; lines: number }[];
  top_ports: { port: string; lines: number }[];
  top_sources: { ip: string; lines: number }[];
  countries: { country: string; lines: number }[];
}

describe('portcullis scan', () => {
  it('reports the sample: three scanners, six spoofed sources on eth0, noise counted', async () => {
    const r = await run(['scan', '--json', '--wan', 'eth0', '--year', '2026', SAMPLE]);
    assert.equal(r.exitCode, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as Report;
    assert.deepEqual([rep.lines, rep.firewall_lines, rep.unparsed, rep.truncated], [91, 79, 12, 0]);
    const scans = rep.scanners;
    assert.deepEqual(scans.map((f) => f.ip).sort(), ['185.242.226.17', '193.163.125.80', '89.248.165.52']);
    const big = scans.find((f) => f.ip === '89.248.165.52')!;
    assert.deepEqual([big.ports, big.hosts, big.country, big.first], [20, 1, 'NL', '2026-03-28T03:14:07.000Z']);
    assert.deepEqual(big.types, ['syn']);
    assert.deepEqual(scans.find((f) => f.ip === '193.163.125.80')!.types, ['null', 'xmas']);
    const spoofed = rep.spoofed.map((f) => f.ip).sort();
    assert.deepEqual(spoofed, ['10.23.4.17', '10.255.1.3', '127.0.0.1', '169.254.169.254', '192.168.0.1', '192.168.1.100']);
    assert.deepEqual(rep.spoofed.find((f) => f.ip === '169.254.169.254'), { ...rep.spoofed.find((f) => f.ip === '169.254.169.254'), class: 'link-local', interface: 'eth0', lines: 1 });
    // the memo's IGMP query and NetBIOS broadcast are noise, never findings
    assert.ok(rep.noise_by_reason.igmp >= 1 && rep.noise_by_reason.netbios >= 1 && rep.noise === 10);
    assert.ok(![...rep.scanners, ...rep.spoofed].some((f) => f.ip === '0.0.0.0' || f.ip === '153.121.33.75'));
    assert.equal(rep.top_sources[0].ip, '89.248.165.52');
    assert.ok(rep.top_ports.length > 0 && /^\d+\/(tcp|udp)$/.test(rep.top_ports[0].port));
    assert.ok(rep.countries.some((c) => c.country === 'NL'));
  });

  it('prints a readable report (what npm start shows), in English and Japanese', async () => {
    const en = await run(['scan', '--wan', 'eth0', SAMPLE]);
    assert.equal(en.exitCode, 0);
    assert.match(en.stdout, /Port scanners \(3\)/);
    assert.match(en.stdout, /89\.248\.165\.52 +\(NL\) +https:\/\/www\.abuseipdb\.com\/check\/89\.248\.165\.52/);
    assert.match(en.stdout, /20 ports on 1 host/);
    assert.match(en.stdout, /Spoofed sources .*\(6\)/);
    assert.match(en.stdout, /DB-IP/);
    const ja = await run(['scan', '--lang', 'ja', '--wan', 'eth0', SAMPLE]);
    assert.match(ja.stdout, /ポートスキャン \(3\)/);
  });

  it('without --wan flags only sources that are a lie on any link', async () => {
    const r = await run(['scan', '--json', '--no-geo', SAMPLE]);
    const rep = JSON.parse(r.stdout) as Report;
    assert.deepEqual(rep.spoofed.map((f) => f.ip), ['127.0.0.1']);
  });

  it("finds the scanner in CrowdSec's multi-port scan log", async () => {
    const log = join(CORPUS, 'crowdsec-hub/iptables-scan-multi-port/iptables-scan-multi-port.log');
    const r = await run(['scan', '--json', '--no-geo', log]);
    assert.equal(r.exitCode, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as Report;
    assert.equal(rep.firewall_lines, 49);
    const scans = rep.scanners;
    // CrowdSec alerts on 62.34.17.168 only: its whitelist stage drops the loopback 127.0.0.2 that also sweeps 16
    // ports on lo. We report that one too (a local process scanning is worth knowing); blocking is the policy's call.
    // The `[UFW AUDIT]` lines from 127.0.0.1 log allowed traffic and must not make a scanner.
    assert.deepEqual(scans.map((f) => f.ip).sort(), ['127.0.0.2', '62.34.17.168']);
    assert.ok(scans.find((f) => f.ip === '62.34.17.168')!.ports >= 15);
  });

  it('refuses bad option values with exit 2', async () => {
    for (const args of [['--ports', '0'], ['--window', 'x'], ['--wan', 'eth0;rm']]) {
      const r = await run(['scan', ...args, SAMPLE]);
      assert.equal(r.exitCode, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});

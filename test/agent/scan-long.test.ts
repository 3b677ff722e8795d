// `portcullis scan` on a patient scan and on an IPv6 scanner moving through its /64: found, and said why.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const BIN = fileURLToPath(new URL('../../packages/agent/bin/portcullis.js', import.meta.url));

function stamp(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `Mar 21 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:07`;
}

function v4(minutes: number, dpt: number): string {
  return `${stamp(minutes)} gw kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:00:24:38:2d:06:00:08:00 SRC=89.248.165.77 DST=153.121.33.84 LEN=40 TOS=0x00 PREC=0x00 TTL=240 ID=1 PROTO=TCP SPT=40000 DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0 `;
}

function v6(minutes: number, iid: number, dpt: number): string {
  return `${stamp(minutes)} gw kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:00:24:38:2d:06:00:86:dd SRC=2a01:04f8:0c17:0b8f:0000:0000:0000:${iid.toString(16).padStart(4, '0')} DST=2a01:04f8:0001:0002:0000:0000:0000:0010 LEN=60 TC=0 HOPLIMIT=50 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0 `;
}

interface Report {
  scanners: { ip: string; network?: string; addresses?: number; ports: number; shapes: string[]; first: string; last: string; why: { en: string } }[];
}

describe('portcullis scan: patient and IPv6 scanners', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-scan-long-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds 16 ports over 5 hours and one /64 walking through 14 addresses; says which rule', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 16; i++) lines.push(v4(60 + i * 19, 1000 + i * 3));
    for (let i = 0; i < 14; i++) lines.push(v6(70 + i * 15, i + 1, 2000 + i));
    lines.sort((a, b) => a.slice(0, 15).localeCompare(b.slice(0, 15)));
    const log = join(dir, 'patient.log');
    writeFileSync(log, lines.join('\n') + '\n');
    const r = await execa('node', [BIN, 'scan', '--json', '--no-geo', '--year', '2026', log], { reject: false, env: { LANG: 'C' } });
    assert.equal(r.exitCode, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as Report;
    assert.equal(rep.scanners.length, 2);
    const a = rep.scanners.find((s) => s.ip === '89.248.165.77');
    assert.ok(a);
    assert.deepEqual(a.shapes, ['long']);
    assert.equal(a.ports, 16);
    assert.equal(a.network, undefined);
    assert.match(a.why.en, /16 distinct ports on 1 host over 5 h .*12 or more ports or 32 or more hosts within 24 h/);
    const b = rep.scanners.find((s) => s.network === '2a01:4f8:c17:b8f::/64');
    assert.ok(b);
    assert.equal(b.ip, '2a01:4f8:c17:b8f::1');
    assert.equal(b.addresses, 14);
    assert.equal(b.ports, 14);
    const text = await execa('node', [BIN, 'scan', '--no-geo', '--year', '2026', log], { reject: false, env: { LANG: 'C' } });
    assert.equal(text.exitCode, 0, text.stderr);
    assert.match(text.stdout, /2a01:4f8:c17:b8f::1 .*\[2a01:4f8:c17:b8f::\/64: 14 addresses, one scanner\]/);
    assert.match(text.stdout, /2a01:4f8:c17:b8f::\/64 \(14 addresses, first 2a01:4f8:c17:b8f::1\) probed 14 distinct ports/);
  });
});

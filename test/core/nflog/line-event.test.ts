import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeLine, lineEventOf, readLineEvent, readPlainLineEvent } from '../../../packages/core/src/index.js';
import { generate } from '../../../bench/generate.js';
import { CORPUS, logsUnder } from '../../corpus.js';
import { MEMO } from '../../fixtures/memo.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const NOW = Date.UTC(2026, 5, 1);

/** The plain-line walk must give exactly what the full decode gives, wherever it answers. */
function compare(lines: readonly string[], where: string): { plain: number; firewall: number } {
  let plain = 0;
  let firewall = 0;
  lines.forEach((line, i) => {
    const d = decodeLine(line, { now: NOW });
    const slow = d ? lineEventOf(d, line.length) : undefined;
    const fast = readPlainLineEvent(line, { now: NOW });
    if (d) firewall++;
    if (fast) {
      plain++;
      assert.deepEqual(fast, slow, `${where}:${i + 1}: ${line}`);
    }
    assert.deepEqual(readLineEvent(line, { now: NOW }), slow, `${where}:${i + 1}: ${line}`);
  });
  return { plain, firewall };
}

describe('core nflog: readLineEvent (the plain-line walk) agrees with decodeLine', function () {
  this.timeout(60_000);

  it('on every line of the generated mixed log (20k lines), and reads nearly all of them itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcl-line-event-'));
    try {
      const out = join(dir, 'mixed.log');
      await generate({ lines: 20_000, seed: 7, out });
      const lines = readFileSync(out, 'latin1').split('\n').filter(Boolean);
      const { plain, firewall } = compare(lines, 'generated');
      assert.ok(firewall > 18_000, `firewall lines: ${firewall}`);
      // ICMP errors quoting a packet, options, fragments and cut lines go the long way; they are a few percent
      assert.ok(plain / firewall > 0.85, `plain share ${plain}/${firewall}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on every log line of the peer corpus', () => {
    let files = 0;
    let total = { plain: 0, firewall: 0 };
    for (const file of logsUnder(CORPUS)) {
      const r = compare(readFileSync(file, 'utf8').split('\n'), file);
      total = { plain: total.plain + r.plain, firewall: total.firewall + r.firewall };
      files++;
    }
    assert.ok(files >= 10, `corpus logs: ${files}`);
    assert.ok(total.plain > 50, `plain lines in the corpus: ${total.plain} of ${total.firewall}`);
  });

  it('on the memo, the sample and real kernel lines', () => {
    compare(MEMO, 'memo');
    compare(readFileSync(join(ROOT, 'samples', 'sample.log'), 'utf8').split('\n'), 'samples/sample.log');
    compare(readFileSync(join(ROOT, 'test', 'fixtures', 'kernel-lines', 'dmesg.log'), 'utf8').split('\n'), 'dmesg.log');
  });

  it('reads IPv4 and TCP options in hex itself, as the full decode does', () => {
    const base = 'Mar 21 16:03:32 refirio kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:0d:00:23:10:00:24:38:2d:06:00:08:00 SRC=89.248.166.153 DST=153.121.33.84 LEN=40 TOS=0x00 PREC=0x00 TTL=19 ID=26437 PROTO=TCP SPT=3389 DPT=3389 WINDOW=50723 RES=0x00 SYN URGP=50723';
    for (const line of [
      base + ' OPT (020405B40402080A)',
      base + ' OPT (020405B4) ',
      base.replace('ID=26437 ', 'ID=26437 OPT (94040000) '),
      'Mar 21 16:03:32 gw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=01:00:5e:00:00:01:00:11:22:33:44:55:08:00 SRC=192.0.2.1 DST=224.0.0.1 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF OPT (94040000) PROTO=2',
    ]) {
      const plain = readPlainLineEvent(line);
      assert.ok(plain, line);
      assert.deepEqual(plain, lineEventOf(decodeLine(line)!, line.length), line);
    }
  });

  it('leaves odd shapes to the full decode', () => {
    const base = 'Mar 21 16:03:32 refirio kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:0d:00:23:10:00:24:38:2d:06:00:08:00 SRC=89.248.166.153 DST=153.121.33.84 LEN=40 TOS=0x00 PREC=0x00 TTL=19 ID=26437 PROTO=TCP SPT=3389 DPT=3389 WINDOW=50723 RES=0x00 SYN URGP=50723';
    assert.ok(readPlainLineEvent(base), 'the memo line is plain');
    for (const odd of [
      base.replace('TTL=19', 'TTL=19 DF FRAG:185'),
      base + ' OPT (020405B4',
      base.replace('PROTO=TCP', 'OPT ( IPV6-HOP ) PROTO=TCP'),
      base.replace('PROTO=TCP SPT=3389 DPT=3389 WINDOW=50723 RES=0x00 SYN URGP=50723', 'PROTO=ICMP TYPE=3 CODE=3 [SRC=153.121.33.84 DST=89.248.166.153 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=3389 LEN=20 ]'),
      base.replace('DPT=3389 WINDOW=50723 RES=0x00 SYN URGP=50723', 'DPT=3389 INCOMPLETE [8 bytes]'),
      base + ' DESCR="a rule"',
      'Mar 21 16:03:32 refirio kernel: [X] IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1',
    ]) {
      assert.equal(readPlainLineEvent(odd), undefined, odd);
      const d = decodeLine(odd);
      assert.deepEqual(readLineEvent(odd), d ? lineEventOf(d, odd.length) : undefined, odd);
    }
  });
});

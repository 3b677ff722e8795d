// `portcullis scan --threads N`: the input split by source across worker threads gives the report of one thread.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import fc from 'fast-check';
import { generate, GENERATED_UTC_OFFSET, GENERATED_YEAR } from '../../bench/generate.js';
import { splitLines } from '../../packages/agent/src/cli/input.js';
import { countInThreads } from '../../packages/agent/src/cli/scan-count.js';
import { lineBuckets, SOURCE_BUCKETS } from '../../packages/agent/src/cli/scan-partition.js';
import { sourcePart as partOf } from '../../packages/core/src/index.js';
import { CORPUS, logsUnder } from '../corpus.js';

const BIN = fileURLToPath(new URL('../../packages/agent/bin/portcullis.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The bucket lineBuckets gives each line of `bytes` against sourcePart of the same line as the agent's reader makes
 * it (-1 for a line without SRC=); returns how many lines had a SRC.
 */
async function bytesAgreeWithText(bytes: Buffer, where: string): Promise<number> {
  const lines: string[] = [];
  for await (const l of splitLines(Readable.from([bytes]))) lines.push(l);
  const buckets: number[] = [];
  lineBuckets(bytes, (_start, _end, bucket) => buckets.push(bucket));
  // the reader makes no line of what follows a last '\n' (nor of nothing at all)
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) assert.equal(buckets.pop(), -1, `${where}: nothing after the last line`);
  assert.equal(buckets.length, lines.length, `${where}: a bucket for every line`);
  let sources = 0;
  lines.forEach((line, i) => {
    const has = line.includes('SRC=');
    if (has) sources++;
    assert.equal(buckets[i], has ? partOf(line, SOURCE_BUCKETS) : -1, `${where}:${i + 1}: ${JSON.stringify(line)}`);
  });
  return sources;
}

describe('portcullis scan: worker threads', function () {
  this.timeout(120_000);
  let dir: string;
  let log: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-scan-threads-'));
    log = join(dir, 'mixed.log');
    // the benchmark's generator: four hosts, IPv4 and IPv6 (full-length, as the kernel prints), bursts and slow
    // scanners, spoofed sources, other syslog lines
    // bench/out/mixed-100k.log's seed and size: where 2 threads once printed a long-horizon count one higher than 1
    await generate({ lines: 100_000, seed: 42, out: log });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  // in the generator's zone, so the four hosts' lines are in time order, as a log is (see scan-count.ts for what a
  // file whose hosts disagree by hours does to episode boundaries)
  async function scan(threads: string): Promise<Record<string, unknown>> {
    const r = await execa('node', [BIN, 'scan', '--json', '--year', String(GENERATED_YEAR), '--utc-offset', GENERATED_UTC_OFFSET, '--wan', 'eth0,ens3', '--threads', threads, log], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  it('2 and 3 threads give the same report as 1, finding for finding', async () => {
    const one = await scan('1');
    assert.ok((one.scanners as unknown[]).length >= 3, 'the log holds scanners');
    assert.ok((one.spoofed as unknown[]).length >= 1, 'and spoofed sources');
    assert.deepEqual(await scan('2'), one);
    assert.deepEqual(await scan('3'), one);
  });

  it('a /64 walked by one IPv6 scanner lands on one thread; lines without a source on the first', () => {
    const a = 'kernel: IN=eth0 OUT= SRC=2001:0db8:0001:0002:0000:0000:0000:0001 DST=2001:0db8::1 LEN=60 PROTO=TCP SPT=1 DPT=22';
    for (let i = 2; i < 40; i++) {
      const b = a.replace('0000:0001 DST', `0000:${i.toString(16).padStart(4, '0')} DST`);
      for (const parts of [2, 3, 4]) assert.equal(partOf(b, parts), partOf(a, parts));
    }
    assert.equal(partOf('Mar  1 00:00:04 web01 dhclient[60612]: DHCPREQUEST on ens3', 4), 0);
    const spread = new Set<number>();
    for (let i = 1; i < 50; i++) spread.add(partOf(`kernel: IN=eth0 SRC=192.0.2.${i} DST=198.51.100.1`, 4));
    assert.equal(spread.size, 4, 'IPv4 sources spread over the parts');
  });

  it('lineBuckets gives sourcePart on every line of the generated log', async () => {
    assert.ok((await bytesAgreeWithText(readFileSync(log), 'generated')) > 50_000);
  });

  it('a thread whose heap runs out is named, with the cap and what to run instead', async () => {
    // 1 MB cannot hold a thread's modules, let alone its sources: the cap, not the log, is what is tested here
    await assert.rejects(countInThreads([log], 2, {}, {}, 1), (err: Error) => {
      assert.match(err.message, /^scan thread [12] of 2 ran out of memory: its heap is capped at 1 MB, .* --threads 1 /);
      return true;
    });
  });

  it('--threads refuses what is not a count, and more than 16', async () => {
    for (const bad of ['0', 'two', '17']) {
      const r = await execa('node', [BIN, 'scan', '--threads', bad, log], { reject: false });
      assert.equal(r.exitCode, 2, bad);
      assert.match(r.stderr, /--threads/);
    }
  });
});

describe('lineBuckets: a line\'s source bucket from its bytes, as sourcePart gives it from its text', () => {
  it('on every line of the peer corpus, the sample and real kernel lines', async () => {
    const files = [...logsUnder(CORPUS), join(ROOT, 'samples', 'sample.log'), join(ROOT, 'test', 'fixtures', 'kernel-lines', 'dmesg.log')];
    assert.ok(files.length >= 12, `logs: ${files.length}`);
    let sources = 0;
    for (const file of files) sources += await bytesAgreeWithText(readFileSync(file), file);
    assert.ok(sources > 200, `lines with a SRC: ${sources}`);
  });

  it('on crafted lines: IPv6, addresses not in canonical form, SRC= in the header, none, non-ASCII, CR', async () => {
    const tail = ' DST=198.51.100.1 LEN=60 PROTO=TCP SPT=1 DPT=22';
    const values = [
      '203.0.113.7',
      '0.0.0.0',
      '255.255.255.255',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:db8:1:2::1',
      'fe80::1',
      '::ffff:192.0.2.1',
      '010.0.0.1',
      '10.00.0.1',
      '256.1.1.1',
      '1.2.3.4.5',
      '1.2.3',
      '1..2.3',
      '1.2.3.',
      '1234.1.1.1',
      '',
      'x',
      '１.２.３.４',
      '192.0.2.1é',
      '\ufeff192.0.2.1',
      '192.0.2.1\r',
    ];
    const lines: string[] = [];
    for (const v of values) {
      lines.push(`Mar  1 00:00:01 fw kernel: IN=eth0 OUT= SRC=${v}${tail}`, `kernel: SRC=${v}`, `kernel: SRC=${v}\r`, `SRC=${v} IN=eth0`);
    }
    lines.push(
      'Mar  1 00:00:02 SRC=198.51.100.9 kernel: IN=eth0 SRC=203.0.113.7' + tail,
      'Mar  1 00:00:03 fw kernel: IN=eth0 OUT= DST=198.51.100.1',
      'Mar  1 00:00:04 web01 dhclient[60612]: DHCPREQUEST on ens3',
      '',
      '\r',
      'SRC=',
      'SRC=\r',
      'SRC',
      'SRC= SRC=203.0.113.7',
      'Mar  1 00:00:05 送信元 kernel: IN=eth0 SRC=203.0.113.7' + tail,
      'Mar  1 00:00:06 fw kernel: IN=eth0 SRC=203.0.113.7 DST=198.51.100.1\r\r',
    );
    for (const line of lines) await bytesAgreeWithText(Buffer.from(line), JSON.stringify(line));
    // bytes that are not UTF-8 in the value: decoded as the reader decodes them (one U+FFFD per broken sequence)
    const broken = Buffer.concat([Buffer.from('kernel: SRC=192.0.2.'), Buffer.from([0xc3, 0xe2, 0x82, 0xff, 0xf0, 0x9f]), Buffer.from(' DST=1.1.1.1')]);
    await bytesAgreeWithText(broken, 'broken UTF-8');
  });

  it('on arbitrary bytes around and in the value', async () => {
    const piece = fc.oneof(
      fc.constantFrom('SRC=', ' ', '\r', '\n', '.', ':', '0', '1', '25', '255', '256', 'é', '送', '\ufeff', '2001:db8::1', '192.0.2.1'),
      fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    const bytes = fc.array(fc.oneof(piece.map((p) => Buffer.from(p)), fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b))), { maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(bytes, async (pieces) => {
        await bytesAgreeWithText(Buffer.concat(pieces), 'arbitrary');
      }),
      { numRuns: 2000 },
    );
  });

  it('gives each line its own range, the last one running to the end', () => {
    const bytes = Buffer.from('SRC=203.0.113.7 x\n\nkernel: SRC=198.51.100.9 y\r\nSRC=');
    const seen: [string, number][] = [];
    lineBuckets(bytes, (start, end, bucket) => seen.push([bytes.toString('latin1', start, end), bucket]));
    assert.deepEqual(seen, [
      ['SRC=203.0.113.7 x', partOf('SRC=203.0.113.7 x', SOURCE_BUCKETS)],
      ['', -1],
      ['kernel: SRC=198.51.100.9 y\r', partOf('kernel: SRC=198.51.100.9 y', SOURCE_BUCKETS)],
      ['SRC=', partOf('SRC=', SOURCE_BUCKETS)],
    ]);
  });
});

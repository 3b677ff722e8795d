import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readOwnLineBatches, splitLineBatches, splitLines, splitOwnLineBatches } from '../../packages/agent/src/cli/input.js';
import { balance, evenPartition, SOURCE_BUCKETS, type Partition } from '../../packages/agent/src/cli/scan-partition.js';
import { sourcePart } from '../../packages/core/src/index.js';

async function collect(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const l of splitLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))))) out.push(l);
  return out;
}

describe('agent input: line splitting', () => {
  it('splits across chunk boundaries and drops CR before LF', async () => {
    assert.deepEqual(await collect(['a\nb', 'c\r\nd', '\n', 'e']), ['a', 'bc', 'd', 'e']);
  });

  it('keeps empty lines and does not invent one after a final newline', async () => {
    assert.deepEqual(await collect(['x\n\ny\n']), ['x', '', 'y']);
  });

  it('never cuts a multi-byte character split between chunks', async () => {
    const text = Buffer.from('送信元\nIN=eth0 é\n');
    const parts = [text.subarray(0, 4), text.subarray(4, 13), text.subarray(13)];
    assert.deepEqual(await collect(parts), ['送信元', 'IN=eth0 é']);
  });

  it('keeps a line longer than any chunk whole', async () => {
    const long = 'A'.repeat(3_000_000);
    assert.deepEqual((await collect([long.slice(0, 1_000_000), long.slice(1_000_000), '\nB'])).map((l) => l.length), [3_000_000, 1]);
  });
});

/** The lines `splitOwnLineBatches` gives for `part`, all batches joined. */
async function own(stream: NodeJS.ReadableStream, part: number, partition: Partition): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of splitOwnLineBatches(stream, part, partition)) out.push(...batch.lines);
  return out;
}

async function all(stream: NodeJS.ReadableStream): Promise<string[]> {
  const out: string[] = [];
  for await (const lines of splitLineBatches(stream)) out.push(...lines);
  return out;
}

/** The part a line's text belongs to: its source's bucket in the table, or the no-source part. */
function partOf(line: string, p: Partition): number {
  return line.includes('SRC=') ? p.table[sourcePart(line, SOURCE_BUCKETS)]! : p.noSource;
}

/** Buckets dealt out, and a lopsided balance (a heavy bucket alone, the no-source lines elsewhere than part 0). */
const PARTITIONS: readonly Partition[] = [
  evenPartition(2),
  evenPartition(3),
  balance(Array.from({ length: SOURCE_BUCKETS }, (_, b) => (b === 7 ? 5000 : b % 5)), 300, 3),
];

/** Each part's lines are exactly the lines splitLineBatches gives that are that part's, in order. */
async function assertPartsSplit(open: () => NodeJS.ReadableStream, where: string): Promise<void> {
  const lines = await all(open());
  for (const p of PARTITIONS) {
    let total = 0;
    for (let part = 0; part < p.parts; part++) {
      const mine = await own(open(), part, p);
      assert.deepEqual(mine, lines.filter((l) => partOf(l, p) === part), `${where}: part ${part} of ${p.parts}`);
      total += mine.length;
    }
    assert.equal(total, lines.length, `${where}: every line in one part of ${p.parts}`);
  }
}

describe('agent input: one part of the lines, by source (a scan thread\'s reader)', () => {
  const sample = readFileSync(fileURLToPath(new URL('../../samples/sample.log', import.meta.url)), 'latin1').split('\n').filter(Boolean);
  const crafted = [
    'Mar  1 00:00:01 fw kernel: IN=eth0 OUT= SRC=203.0.113.7 DST=198.51.100.1 LEN=60 PROTO=TCP SPT=1 DPT=22\r',
    'Mar  1 00:00:02 fw kernel: IN=eth0 OUT= SRC=2001:0db8:0001:0002:0000:0000:0000:0001 DST=2001:db8::1 LEN=60\r',
    '',
    'Mar  1 00:00:03 web01 dhclient[60612]: DHCPREQUEST on ens3',
    'Mar  1 00:00:04 SRC=198.51.100.9 kernel: IN=eth0 SRC=203.0.113.8 DST=198.51.100.1',
    'Mar  1 00:00:05 送信元 kernel: IN=eth0 SRC=203.0.113.9 DST=198.51.100.1 é',
    'Mar  1 00:00:06 fw kernel: IN=eth0 SRC=192.0.2.1é DST=198.51.100.1',
    'Mar  1 00:00:07 fw kernel: IN=eth0 SRC=010.0.0.1 DST=198.51.100.1\r',
    '\r',
    'SRC=',
    'Mar  1 00:00:08 fw kernel: IN=eth0 SRC=203.0.113.10',
  ];
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'pcl-own-lines-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('gives each part its own lines, as splitLineBatches gives them, whatever the chunk size', async () => {
    const lines = [...crafted, ...sample, ...crafted, ...sample.map((l) => `${l}\r`)];
    for (const ending of ['\n', '']) {
      const path = file('mixed.log', lines.join('\n') + ending);
      for (const highWaterMark of [16, 250, 1 << 20]) await assertPartsSplit(() => createReadStream(path, { highWaterMark }), `${highWaterMark} bytes a chunk, ending ${JSON.stringify(ending)}`);
    }
  });

  it('an ASCII-only file, and lines cut at every byte', async () => {
    await assertPartsSplit(() => createReadStream(file('ascii.log', sample.join('\n')), { highWaterMark: 13 }), 'ascii');
    const text = Buffer.from(crafted.slice(4, 7).join('\n') + '\nSRC=192.0.2.3\r\n');
    for (let a = 0; a <= text.length; a++) {
      await assertPartsSplit(() => Readable.from([text.subarray(0, a), text.subarray(a)]), `cut at ${a}`);
    }
  });

  it('empty input, a lone newline, and a last line without one', async () => {
    for (const text of ['', '\n', '\n\n', '\r\n', 'SRC=203.0.113.7', 'x\nSRC=203.0.113.7\r']) {
      await assertPartsSplit(() => Readable.from([Buffer.from(text)]), JSON.stringify(text));
    }
  });

  it('reads the named files one after the other, and names one that cannot be read', async () => {
    const a = file('a.log', crafted.join('\n'));
    const b = file('b.log', sample.join('\n') + '\n');
    const p = evenPartition(2);
    const expected = [...crafted, ...sample].map((l) => l.replace(/\r$/, '')).filter((l) => partOf(l, p) === 1);
    const got: string[] = [];
    for await (const batch of readOwnLineBatches([a, b], 1, p)) got.push(...batch.lines);
    assert.deepEqual(got, expected);
    await assert.rejects(async () => {
      for await (const _ of readOwnLineBatches([join(dir, 'missing.log')], 0, evenPartition(2))) void _;
    }, /missing\.log: cannot read: no such file/);
  });
});

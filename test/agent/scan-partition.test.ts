import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balance, evenPartition, sampledPartition, SOURCE_BUCKETS, type Partition } from '../../packages/agent/src/cli/scan-partition.js';
import { sourcePart } from '../../packages/core/src/index.js';

function partOf(line: string, p: Partition): number {
  return line.includes('SRC=') ? p.table[sourcePart(line, SOURCE_BUCKETS)]! : p.noSource;
}

/** Lines per part when `lines` are split by `p`. */
function loads(lines: readonly string[], p: Partition): number[] {
  const out = new Array<number>(p.parts).fill(0);
  for (const l of lines) out[partOf(l, p)]!++;
  return out;
}

function line(i: number, src: string): string {
  return `Mar  1 00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=${src} DST=198.51.100.1 LEN=60 PROTO=TCP SPT=40000 DPT=${i % 1000} SYN URGP=0`;
}

describe('scan partition: which thread counts which lines', () => {
  it('deals the buckets out in turn without a sample', () => {
    const p = evenPartition(3);
    assert.equal(p.table.length, SOURCE_BUCKETS);
    assert.deepEqual(p.table.slice(0, 5), [0, 1, 2, 0, 1]);
    assert.equal(p.noSource, 0);
  });

  it('balances sampled weights: every bucket placed, no part heavier than another by more than the largest bucket', () => {
    const weights = Array.from({ length: SOURCE_BUCKETS }, (_, b) => ((b * 7919) % 97) * (b % 11 === 0 ? 40 : 1));
    for (const parts of [2, 3, 4]) {
      const p = balance(weights, 500, parts);
      assert.equal(p.table.length, SOURCE_BUCKETS);
      assert.ok(p.table.every((x) => Number.isInteger(x) && x >= 0 && x < parts));
      const load = new Array<number>(parts).fill(0);
      p.table.forEach((part, b) => (load[part]! += weights[b]! + 1));
      load[p.noSource]! += 501;
      const largest = Math.max(...weights) + 1;
      assert.ok(Math.max(...load) - Math.min(...load) <= largest, `${parts} parts: ${load.join(' ')}`);
      assert.deepEqual(balance(weights, 500, parts), p, 'the same weights give the same table');
    }
  });

  it('puts a bucket heavier than all the rest together on a part of its own', () => {
    const weights = new Array<number>(SOURCE_BUCKETS).fill(3);
    weights[42] = 10_000;
    const p = balance(weights, 10, 2);
    assert.equal(p.table.filter((x) => x === p.table[42]).length, 1);
  });

  describe('on a sample of the files', () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'portcullis-partition-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('gives each of 2 threads about half the lines of a log where two scanners send 70% of them', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 40_000; i++) {
        const r = i % 20;
        if (r < 8) lines.push(line(i, '203.0.113.66'));
        else if (r < 14) lines.push(line(i, '192.0.2.77'));
        else if (r === 19) lines.push(`Mar  1 00:00:00 web01 sshd[${i}]: Connection closed by authenticating user root`);
        else lines.push(line(i, `198.51.${(i >> 8) & 255}.${i & 255}`));
      }
      const file = join(dir, 'skewed.log');
      writeFileSync(file, lines.join('\n') + '\n');
      const p = await sampledPartition([file], 2);
      const [a, b] = loads(lines, p);
      const share = Math.max(a!, b!) / lines.length;
      assert.ok(share <= 0.55, `the heavier thread gets ${(share * 100).toFixed(1)}% of the lines`);
    });

    it('weighs several files by size, and a file it cannot read as nothing', async () => {
      const small = join(dir, 'small.log');
      const big = join(dir, 'big.log');
      writeFileSync(small, line(0, '203.0.113.1') + '\n');
      writeFileSync(big, Array.from({ length: 5000 }, (_, i) => line(i, i % 2 ? '203.0.113.9' : `192.0.2.${i % 200}`)).join('\n'));
      const p = await sampledPartition([small, join(dir, 'missing.log'), big], 3);
      assert.equal(p.parts, 3);
      assert.equal(p.table.length, SOURCE_BUCKETS);
      assert.ok(p.table.every((x) => x >= 0 && x < 3));
      const empty = join(dir, 'empty.log');
      writeFileSync(empty, '');
      assert.equal((await sampledPartition([empty], 2)).table.length, SOURCE_BUCKETS);
    });
  });
});

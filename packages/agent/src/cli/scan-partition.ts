/**
 * Which thread of a parallel `scan` counts which lines. A line goes by its source (core's `sourcePart` into
 * SOURCE_BUCKETS buckets, so a source, or an IPv6 /64, always lands on one thread), and a table says which thread
 * holds each bucket. Lines without a source are one more item.
 *
 * The table is balanced on a sample of the files, not dealt out evenly: in a real log a few hundred scanners send
 * half of the lines, and with the buckets dealt out as `bucket % threads` one of two threads got 59% of the 1M-line
 * log and the other waited for it. Longest first onto the lightest thread (LPT) over the sampled line counts.
 */
import { open } from 'node:fs/promises';
import { sourcePartAfterSrc } from '@portcullis/core';

export const SOURCE_BUCKETS = 256;

/** Plain data, so it crosses to a worker thread as it is. */
export interface Partition {
  readonly parts: number;
  /** Bucket -> part, SOURCE_BUCKETS long. */
  readonly table: readonly number[];
  /** The part that counts the lines without a `SRC=`. */
  readonly noSource: number;
}

/** The part that counts a line of `bucket` (see `lineBuckets`; -1: no source). */
export function partOfBucket(partition: Partition, bucket: number): number {
  return bucket < 0 ? partition.noSource : partition.table[bucket]!;
}

const SRC = Buffer.from('SRC=', 'latin1');

/**
 * Each line of `run` (lines joined by '\n', the last one running to its end) with its source bucket, or -1 when it
 * has no `SRC=`: `each(start, end, bucket)`, `end` before the '\n'. Line ends and `SRC=` are found by the buffer's
 * native search, and a `SRC=` found past the line it was looked for from is kept for the line it is in, so the run
 * is searched once, front to back, whatever its lines hold. No string is made for a line whose source is a dotted
 * quad (core `sourcePartAfterSrc`).
 */
export function lineBuckets(run: Buffer, each: (start: number, end: number, bucket: number) => void): void {
  let src = run.indexOf(SRC);
  let start = 0;
  for (;;) {
    const newline = run.indexOf(0x0a, start);
    const end = newline < 0 ? run.length : newline;
    let bucket = -1;
    if (src >= 0 && src < end) {
      bucket = sourcePartAfterSrc(run, src + 4, end, SOURCE_BUCKETS);
      src = run.indexOf(SRC, end);
    }
    each(start, end, bucket);
    if (newline < 0) return;
    start = newline + 1;
  }
}

/** Buckets dealt out in turn: what a partition is without a sample. */
export function evenPartition(parts: number): Partition {
  return { parts, table: Array.from({ length: SOURCE_BUCKETS }, (_, b) => b % parts), noSource: 0 };
}

/**
 * Assigns each bucket (and the lines without a source) to a part, the heaviest first onto the part with the least
 * so far. Every bucket counts one line more than sampled: a bucket the sample missed still holds some sources, and
 * without it all such buckets would go to the same part.
 */
export function balance(bucketLines: readonly number[], noSourceLines: number, parts: number): Partition {
  const items = bucketLines.map((lines, bucket) => ({ bucket, weight: lines + 1 }));
  items.push({ bucket: -1, weight: noSourceLines + 1 });
  items.sort((a, b) => b.weight - a.weight || a.bucket - b.bucket);
  const load = new Array<number>(parts).fill(0);
  const table = new Array<number>(SOURCE_BUCKETS).fill(0);
  let noSource = 0;
  for (const { bucket, weight } of items) {
    let lightest = 0;
    for (let p = 1; p < parts; p++) if (load[p]! < load[lightest]!) lightest = p;
    load[lightest]! += weight;
    if (bucket < 0) noSource = lightest;
    else table[bucket] = lightest;
  }
  return { parts, table, noSource };
}

/** How many slices of the input are read to weigh the buckets, and how long each is: 8 MiB in all. */
const SAMPLE_SLICES = 64;
const SLICE_BYTES = 128 * 1024;

/**
 * A partition balanced on slices spread evenly through `files` (by size). Whole lines only: a slice's first line
 * is skipped unless it starts the file, and its last unless a '\n' ends it. A file that cannot be read weighs
 * nothing here; the reader names it.
 */
export async function sampledPartition(files: readonly string[], parts: number): Promise<Partition> {
  const bucketLines = new Array<number>(SOURCE_BUCKETS).fill(0);
  let noSource = 0;
  const buf = Buffer.allocUnsafe(SLICE_BYTES);
  const handles = await Promise.all(files.map((f) => open(f).catch(() => undefined)));
  try {
    const sizes = await Promise.all(handles.map(async (h) => (h ? (await h.stat()).size : 0)));
    const total = sizes.reduce((a, b) => a + b, 0);
    for (let k = 0; k < handles.length; k++) {
      const h = handles[k];
      const size = sizes[k]!;
      if (!h || size === 0) continue;
      const slices = Math.max(1, Math.round((SAMPLE_SLICES * size) / total));
      for (let s = 0; s < slices; s++) {
        const at = Math.floor((s * size) / slices);
        const { bytesRead } = await h.read(buf, 0, SLICE_BYTES, at);
        const slice = buf.subarray(0, bytesRead);
        const first = at === 0 ? 0 : slice.indexOf(0x0a) + 1;
        const last = slice.lastIndexOf(0x0a);
        if ((first === 0 && at !== 0) || last < first) continue;
        lineBuckets(slice.subarray(first, last), (_start, _end, bucket) => {
          if (bucket < 0) noSource++;
          else bucketLines[bucket]!++;
        });
      }
    }
  } finally {
    await Promise.all(handles.map((h) => h?.close()));
  }
  return balance(bucketLines, noSource, parts);
}

/**
 * The counting behind `scan`: every line through the decoder, the detectors and the summary. On one thread, or,
 * for large files, split across worker threads by source: each thread reads every line but decodes and counts only
 * those of its own sources (a source, or an IPv6 /64, always lands on the same thread; which thread is decided on
 * a sample, so that each gets about as many lines: scan-partition.ts), so each source's episodes are cut where one
 * pass cuts them and the parts add up to the same report. Limits, all far from ordinary logs:
 * each part tracks up to `max_sources` at once and tallies up to 100,000 sources of its own (more in all than one
 * pass keeps: on 10M generated lines with 238,000 sources the per-country totals came out larger, everything else
 * the same), and a log whose timestamps run
 * backwards by more than a source's idle time (hosts with disagreeing clocks or zones in one file) can end a quiet
 * source's episode at another line, since the detectors close quiet sources in the order they were last heard.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import {
  Detector,
  FindingMerger,
  LogSummary,
  readLineEvent,
  type DecodeOptions,
  type DetectConfig,
  type DetectStats,
  type Finding,
  type LogSummaryState,
} from '@portcullis/core';
import { readLineBatches, readOwnLineBatches } from './input.js';
import { sampledPartition, type Partition } from './scan-partition.js';

export interface ScanCounts {
  readonly summary: LogSummary;
  /** Merged as they come: one per rule and source (mergeFindings), so a long log holds no finding per episode. */
  readonly findings: Finding[];
  readonly stats: DetectStats;
}

/** What a thread is told: which files, which part of the sources is its own, and the detection settings. */
export interface ScanPart {
  readonly files: readonly string[];
  readonly part: number;
  readonly partition: Partition;
  readonly detect: DetectConfig;
  readonly time: DecodeOptions;
}

/** What a thread sends back. */
export interface ScanPartResult {
  readonly summary: LogSummaryState;
  readonly findings: Finding[];
  readonly stats: DetectStats;
}

/** Counts the lines of `names` (or standard input) on this thread; with `part`, only the lines of that part of `names`. */
export async function countLines(
  names: readonly string[],
  stdin: NodeJS.ReadableStream,
  detect: DetectConfig,
  time: DecodeOptions,
  part?: { readonly part: number; readonly partition: Partition },
): Promise<ScanCounts> {
  const summary = new LogSummary();
  const detector = new Detector(detect);
  const findings = new FindingMerger();
  // a thread's reader passes over the other parts' lines as bytes (see readOwnLineBatches)
  const batches = part ? readOwnLineBatches(names, part.part, part.partition) : readLineBatches(names, stdin);
  for await (const batch of batches) {
    for (const text of batch.lines) {
      const line = readLineEvent(text, time);
      if (!line) {
        summary.other();
        continue;
      }
      summary.add(line.event, line.truncated);
      for (const f of detector.push(line.event)) findings.add(f);
    }
  }
  for (const f of detector.flush()) findings.add(f);
  return { summary, findings: findings.result(), stats: detector.stats };
}

/**
 * The old generation a thread may grow to, in MB (or the process's own limit, where that is lower). Node sizes V8's
 * heap from the machine's memory (4 GB on 24 GB), and from a 2 GB limit up V8 lets a heap grow to about 4x its live
 * size between full collections; below it, to 2x at most. A thread's live state is 30-70 MB (bounded by the
 * detectors' caps, not by the file), so on two threads the 1M-line log peaked at 326-333 MB uncapped and at 242-246
 * MB capped, for 8-12% more time in the more frequent full collections (3 alternated rounds).
 */
export const THREAD_HEAP_MB = 1024;

/** The same counts as `countLines` over `files`, made by `threads` worker threads, one part of the sources each. */
export async function countInThreads(
  files: readonly string[],
  threads: number,
  detect: DetectConfig,
  time: DecodeOptions,
  heapMb = Math.min(THREAD_HEAP_MB, Math.floor(getHeapStatistics().heap_size_limit / 1024 / 1024)),
): Promise<ScanCounts> {
  const partition = await sampledPartition(files, threads);
  const results = await Promise.all(
    Array.from({ length: threads }, (_, part) => runPart({ files, part, partition, detect, time }, heapMb)),
  );
  const summary = new LogSummary();
  const findings = new FindingMerger();
  for (const r of results) {
    summary.absorb(r.summary);
    for (const f of r.findings) findings.add(f);
  }
  return { summary, findings: findings.result(), stats: results.map((r) => r.stats).reduce(addStats) };
}

function runPart(part: ScanPart, heapMb: number): Promise<ScanPartResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), { workerData: part, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    const name = `scan thread ${part.part + 1} of ${part.partition.parts}`;
    let result: ScanPartResult | undefined;
    worker.once('message', (m: ScanPartResult) => (result = m));
    worker.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(`${name} ran out of memory: its heap is capped at ${heapMb} MB, and its part of the log's sources needed more; --threads 1 reads the log within the process's own heap limit`)
          : err,
      ),
    );
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`${name} stopped (exit ${code}) without its counts`))));
  });
}

/** Beside this module: the bundle's scan-worker.js, tsc's dist/cli/scan-worker.js, or the source under tsx. */
function workerUrl(): URL {
  const js = new URL('./scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./scan-worker.ts', import.meta.url);
}

/** Detector statistics of the parts, added up field by field. */
function addStats<T>(a: T, b: T): T {
  if (typeof a === 'number' && typeof b === 'number') return (a + b) as T;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(a)) out[k] = addStats((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    return out as T;
  }
  return a;
}

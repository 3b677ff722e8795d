/** One thread of a parallel `scan` (see scan-count.ts): counts its part of the sources and sends the counts back. */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { countLines, type ScanPart, type ScanPartResult } from './scan-count.js';

const part = workerData as ScanPart;
const counts = await countLines(part.files, Readable.from([]), part.detect, part.time, part);
const result: ScanPartResult = { summary: counts.summary.state(), findings: counts.findings, stats: counts.stats };
parentPort!.postMessage(result);

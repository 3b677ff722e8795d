import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { UsageError } from './errors.js';
import { lineBuckets, partOfBucket, type Partition } from './scan-partition.js';

export interface InputLine {
  /** The file name as given, or `-` for standard input. */
  source: string;
  /** 1-based line number within the source. */
  number: number;
  text: string;
}

/**
 * Yields the lines of each named file (or standard input for `-` or no name), one at a time, so memory stays flat
 * whatever the file size. A file that cannot be opened is a clear error naming it, raised before any of its lines.
 */
export async function* readLines(names: readonly string[], stdin: NodeJS.ReadableStream): AsyncGenerator<InputLine> {
  for await (const batch of readLineBatches(names, stdin)) {
    for (let k = 0; k < batch.lines.length; k++) yield { source: batch.source, number: batch.first + k, text: batch.lines[k]! };
  }
}

/** The lines of one read chunk of a source: `first` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  readonly source: string;
  readonly first: number;
  readonly lines: readonly string[];
}

/**
 * As `readLines`, a chunk's worth of lines at a time (a megabyte of a file): a caller that loops over them itself
 * pays no promise per line, which was most of the cost of reading a large log line by line.
 */
export async function* readLineBatches(names: readonly string[], stdin: NodeJS.ReadableStream): AsyncGenerator<LineBatch> {
  const list = names.length ? names : ['-'];
  for (const source of list) {
    const stream = source === '-' ? stdin : await openFile(source);
    let first = 1;
    for await (const lines of splitLineBatches(stream)) {
      yield { source, first, lines };
      first += lines.length;
    }
  }
}

/** `splitLineBatches`, one line at a time. */
export async function* splitLines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  for await (const lines of splitLineBatches(stream)) yield* lines;
}

/**
 * Splits a byte stream at '\n' (dropping a '\r' before it), a chunk's lines at a time. Whole runs of lines are
 * decoded at once, and a run that is pure ASCII (nearly every firewall log) is decoded as latin1, which gives the
 * same string several times faster than UTF-8 decoding.
 */
export async function* splitLineBatches(stream: NodeJS.ReadableStream): AsyncGenerator<string[]> {
  for await (const run of lineRuns(stream)) {
    const lines = decode(run).split('\n');
    for (let k = 0; k < lines.length; k++) lines[k] = stripCr(lines[k]!);
    yield lines;
  }
}

/** Lines of one part of the sources; no line numbers, as the threads of a scan need none. */
export interface OwnLineBatch {
  readonly lines: readonly string[];
}

/**
 * As `readLineBatches`, but only the lines of `part` in `partition` (by source, see scan-partition.ts), for one
 * thread of a parallel scan. The others are passed over as bytes: a thread keeps a fraction of the lines, and making
 * a string of every line and asking its part was most of a thread's time. Named files only: standard input is never
 * split across threads.
 */
export async function* readOwnLineBatches(names: readonly string[], part: number, partition: Partition): AsyncGenerator<OwnLineBatch> {
  for (const source of names) yield* splitOwnLineBatches(await openFile(source), part, partition);
}

/** `splitLineBatches` keeping only the lines of `part`: the same strings, in the same order. */
export async function* splitOwnLineBatches(stream: NodeJS.ReadableStream, part: number, partition: Partition): AsyncGenerator<OwnLineBatch> {
  for await (const run of lineRuns(stream)) yield { lines: ownLines(run, part, partition) };
}

/**
 * The lines of a run that are `part`'s, each decoded as `splitLineBatches` decodes it (a line alone decodes to
 * what the whole run's string holds there: '\n' ends any UTF-8 sequence).
 */
function ownLines(run: Buffer, part: number, partition: Partition): string[] {
  const encoding = isAscii(run) ? 'latin1' : 'utf8';
  const lines: string[] = [];
  lineBuckets(run, (start, end, bucket) => {
    if (partOfBucket(partition, bucket) === part) lines.push(run.toString(encoding, start, end > start && run[end - 1] === 0x0d ? end - 1 : end));
  });
  return lines;
}

/**
 * The stream's bytes in runs of whole lines, a chunk at a time: each run is one or more lines joined by '\n', with
 * the line ends after them left off (a chunk ending in '\n' gives a run whose last line is the one before it). A
 * line split across chunks is carried over as bytes, so a multi-byte character on a chunk boundary is never cut.
 * A last line without '\n' is a run of its own, unless it is empty.
 */
async function* lineRuns(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  // pieces of a line still open at a chunk's end; joined once, so a huge line without '\n' stays linear
  let carry: Buffer[] = [];
  for await (const chunk of stream) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    const last = buf.lastIndexOf(0x0a);
    if (last < 0) {
      carry.push(buf);
      continue;
    }
    const head = carry.length ? Buffer.concat([...carry, buf.subarray(0, last)]) : buf.subarray(0, last);
    carry = last + 1 < buf.length ? [Buffer.from(buf.subarray(last + 1))] : [];
    yield head;
  }
  if (carry.length) {
    const rest = Buffer.concat(carry);
    if (rest.length) yield rest;
  }
}

function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function stripCr(line: string): string {
  return line.length && line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

async function openFile(path: string): Promise<NodeJS.ReadableStream> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
      reject(new UsageError(`${path}: cannot read: ${why}`, 3));
    });
  });
  return stream;
}

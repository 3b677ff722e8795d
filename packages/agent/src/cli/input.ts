import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { UsageError } from './errors.js';

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
  const list = names.length ? names : ['-'];
  for (const source of list) {
    const stream = source === '-' ? stdin : await openFile(source);
    let number = 0;
    for await (const text of splitLines(stream)) {
      number++;
      yield { source, number, text };
    }
  }
}

/**
 * Splits a byte stream at '\n' (dropping a '\r' before it). Whole runs of lines are decoded at once, and a run
 * that is pure ASCII (nearly every firewall log) is decoded as latin1, which gives the same string several times
 * faster than UTF-8 decoding. A line split across chunks is carried over as bytes, so a multi-byte character on a
 * chunk boundary is never cut.
 */
export async function* splitLines(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
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
    for (const line of decode(head).split('\n')) yield stripCr(line);
  }
  if (carry.length) {
    const rest = Buffer.concat(carry);
    if (rest.length) yield stripCr(decode(rest));
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

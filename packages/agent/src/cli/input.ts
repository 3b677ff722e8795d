import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    let number = 0;
    for await (const text of rl) {
      number++;
      yield { source, number, text };
    }
  }
}

async function openFile(path: string): Promise<NodeJS.ReadableStream> {
  const stream = createReadStream(path);
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

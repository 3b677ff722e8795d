import { isAscii } from 'node:buffer';

/** One line with the byte range it came from, so a cursor can stop exactly after it. */
export interface PlacedLine {
  readonly text: string;
  /** Byte offset of the line's first byte. */
  readonly start: number;
  /** Byte offset just past its '\n' (or past its last byte for a final line without one). */
  readonly end: number;
}

/**
 * Splits chunks at '\n' and reports byte offsets, counting from `base`. The CLI's `splitLines` cannot be used
 * here: it hands out the unterminated tail as a line and strips '\r', so a cursor could not know where a line
 * ended in bytes. The speed idea is the same: a run of whole lines that is pure ASCII (nearly every firewall log)
 * is decoded once as latin1 and split as a string, and then characters are bytes, so offsets come from lengths.
 *
 * The unterminated tail is held back: with `complete` false (a file still being written) it is not yielded, so
 * the cursor stays before it and the next run reads it whole; with `complete` true (a rotated file no writer
 * will finish) it is yielded as the last line.
 */
export async function* placedLines(chunks: AsyncIterable<Buffer>, base: number, complete: boolean): AsyncGenerator<PlacedLine> {
  let pos = base;
  let carry: Buffer[] = [];
  for await (const chunk of chunks) {
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      carry.push(chunk);
      continue;
    }
    const run = carry.length ? Buffer.concat([...carry, chunk.subarray(0, last + 1)]) : chunk.subarray(0, last + 1);
    carry = last + 1 < chunk.length ? [Buffer.from(chunk.subarray(last + 1))] : [];
    if (isAscii(run)) {
      const parts = run.toString('latin1').split('\n');
      // the run ends with '\n', so the final element is the empty string after it
      for (let i = 0; i < parts.length - 1; i++) {
        const line = parts[i];
        const start = pos;
        pos += line.length + 1;
        yield { text: stripCr(line), start, end: pos };
      }
    } else {
      let from = 0;
      while (from < run.length) {
        const nl = run.indexOf(0x0a, from);
        const bytes = run.subarray(from, nl);
        const start = pos;
        pos += nl + 1 - from;
        from = nl + 1;
        yield { text: stripCr(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')), start, end: pos };
      }
    }
  }
  if (complete && carry.length) {
    const rest = Buffer.concat(carry);
    if (rest.length) yield { text: stripCr(isAscii(rest) ? rest.toString('latin1') : rest.toString('utf8')), start: pos, end: pos + rest.length };
  }
}

function stripCr(line: string): string {
  return line.length && line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

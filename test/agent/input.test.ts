import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { splitLines } from '../../packages/agent/src/cli/input.js';

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

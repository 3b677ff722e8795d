import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readNew } from '../../../packages/agent/src/sources/file-cursor.js';
import { countingFileSystem } from '../../../packages/agent/src/sources/fs.js';
import { cursorProblem } from '../../../packages/agent/src/sources/cursor.js';
import { runOnce, tempDir } from './helpers.js';

describe('agent sources: file cursor', () => {
  let dir: string;
  let cleanup: () => void;
  let log: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('pcl-cursor-'));
    log = join(dir, 'messages');
  });
  afterEach(() => cleanup());

  it('a first run starts at the end by default (after the last whole line), or at the beginning when asked', async () => {
    writeFileSync(log, 'old 1\nold 2\npart');
    const first = await runOnce(undefined, log);
    assert.deepEqual(first.lines, []);
    assert.equal(first.cursor?.offset, 12);
    appendFileSync(log, 'ial\nnew\n');
    assert.deepEqual((await runOnce(first.cursor, log)).lines, ['partial', 'new']);
    assert.deepEqual((await runOnce(undefined, log, { startAt: 'beginning' })).lines, ['old 1', 'old 2', 'partial', 'new']);
  });

  it('reads appended lines only, and never consumes a partial last line', async () => {
    writeFileSync(log, 'a\nb\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    assert.deepEqual(r.lines, ['a', 'b']);
    appendFileSync(log, 'c\nhalf of d');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['c']);
    assert.equal(r.cursor?.offset, 6, 'cursor stays before the partial line');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, []);
    appendFileSync(log, ' and the rest\r\ne\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['half of d and the rest', 'e']);
    assert.equal(cursorProblem(r.cursor), undefined);
  });

  it('a missing file yields nothing, and when it appears all of it is new', async () => {
    let r = await runOnce(undefined, log);
    assert.deepEqual(r.lines, []);
    writeFileSync(log, 'x\ny\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['x', 'y']);
  });

  it('an unchanged file costs a stat and no read', async () => {
    writeFileSync(log, 'a\nb\n'.repeat(1000));
    const first = await runOnce(undefined, log, { startAt: 'beginning' });
    assert.equal(first.lines.length, 2000);
    const fs = countingFileSystem();
    const again = await runOnce(first.cursor, log, { fs });
    assert.deepEqual(again.lines, []);
    assert.deepEqual(fs.counts, { bytesRead: 0, reads: 0, opens: 0, stats: 1, readdirs: 0 });
    assert.deepEqual(again.cursor, first.cursor);
  });

  it('an append reads only the new bytes (plus the fingerprint head)', async () => {
    writeFileSync(log, 'x'.repeat(100_000) + '\n');
    const first = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, 'new line\n');
    const fs = countingFileSystem();
    const r = await runOnce(first.cursor, log, { fs });
    assert.deepEqual(r.lines, ['new line']);
    assert.ok(fs.counts.bytesRead <= 1024 + 9, `read ${fs.counts.bytesRead} bytes`);
  });

  it('rotation by rename (messages -> messages.1): the rest of the old file, then the new one from 0', async () => {
    writeFileSync(log, '1\n2\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, '3\n4');
    renameSync(log, `${log}.1`);
    writeFileSync(log, '5\n');
    r = await runOnce(r.cursor, log);
    // the rotated file will not be written again: its unterminated last line is a line
    assert.deepEqual(r.lines, ['3', '4', '5']);
    assert.deepEqual(r.sources, [`${log}.1`, `${log}.1`, log]);
    appendFileSync(log, '6\n');
    assert.deepEqual((await runOnce(r.cursor, log)).lines, ['6']);
  });

  it('dateext rotation, and two rotations between runs read in order', async () => {
    writeFileSync(log, 'a\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, 'b\n');
    renameSync(log, `${log}-20240320`);
    writeFileSync(log, 'c\n');
    renameSync(log, `${log}-20240321`);
    writeFileSync(log, 'd\n');
    writeFileSync(`${log}-20240101`, 'ancient\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['b', 'c', 'd']);
  });

  it('a rotated file compressed before the next run (messages.1.gz) is read once, from the offset', async () => {
    writeFileSync(log, 'first line\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, 'second\nthird\n');
    writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(log)));
    unlinkSync(log);
    writeFileSync(log, 'fourth\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['second', 'third', 'fourth']);
    assert.equal(r.sources[0], `${log}.1.gz`);
    appendFileSync(log, 'fifth\n');
    renameSync(`${log}.1.gz`, `${log}.2.gz`);
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['fifth'], 'the .gz is not read again');
  });

  it('a run that stops inside a rotated .gz resumes there', async () => {
    writeFileSync(log, 'l0\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, 'l1\nl2\nl3\n');
    writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(log)));
    writeFileSync(log, 'l4\n');
    const reader = readNew(r.cursor, log);
    const got: string[] = [];
    for await (const l of reader) {
      got.push(l.text);
      if (got.length === 2) break;
    }
    assert.deepEqual(got, ['l1', 'l2']);
    const mid = reader.position();
    assert.equal(mid?.compressed, true);
    r = await runOnce(mid, log);
    assert.deepEqual(r.lines, ['l3', 'l4']);
  });

  it('copytruncate: the copy has the unread rest, the truncated file is read from 0', async () => {
    writeFileSync(log, 'alpha\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    appendFileSync(log, 'beta\n');
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, 'gamma\ndelta is longer than all of them\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['beta', 'gamma', 'delta is longer than all of them']);
  });

  it('truncation without a copy: read again from 0, with a note', async () => {
    writeFileSync(log, 'one\ntwo\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    truncateSync(log, 0);
    appendFileSync(log, 'three\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['three']);
    assert.match(r.notes.join('\n'), /truncated or replaced/);
  });

  it('another file on the same inode number (different first bytes) is read from 0', async () => {
    writeFileSync(log, 'old content line\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    // rewrite in place keeps the inode; same size, other bytes: only the fingerprint can tell
    writeFileSync(log, 'new content line\nmore\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['new content line', 'more']);
  });

  it('a file replaced by a copy of itself (new inode, same start) continues at the offset', async () => {
    writeFileSync(log, 'a\nb\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    writeFileSync(`${log}.tmp`, 'a\nb\nc\n');
    renameSync(`${log}.tmp`, log);
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['c']);
  });

  it('the old file gone without trace: the new one from 0 and a note about possible loss', async () => {
    writeFileSync(log, 'a\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    unlinkSync(log);
    writeFileSync(log, 'b\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['b']);
    // tmpfs and ext4 may hand the freed inode number to the new file: then it reads as replaced in place
    assert.match(r.notes.join("\n"), /is gone|truncated or replaced/);
  });

  it('a file truncated, written and then renamed is read from its start', async () => {
    writeFileSync(log, 'first\n');
    let r = await runOnce(undefined, log, { startAt: 'beginning' });
    truncateSync(log, 0);
    appendFileSync(log, 'second\n');
    renameSync(log, `${log}.1`);
    writeFileSync(log, 'third\n');
    r = await runOnce(r.cursor, log);
    assert.deepEqual(r.lines, ['second', 'third']);
  });

  it('known limit: a file empty at the last run has no fingerprint, so its compressed rotation cannot be found', async () => {
    writeFileSync(log, '');
    let r = await runOnce(undefined, log);
    appendFileSync(log, 'written and rotated between two runs\n');
    writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(log)));
    unlinkSync(log);
    writeFileSync(log, 'next\n');
    r = await runOnce(r.cursor, log);
    // nothing is read twice, the live file is read whole; the compressed file's line is the documented loss
    assert.deepEqual(r.lines, ['next']);
  });

  it('position() moves only over lines handed out', async () => {
    writeFileSync(log, 'a\nb\nc\n');
    const reader = readNew(undefined, log, { startAt: 'beginning' });
    for await (const l of reader) if (l.text === 'b') break;
    assert.equal(reader.position()?.offset, 4);
    assert.deepEqual((await runOnce(reader.position(), log)).lines, ['c']);
  });

  it('UTF-8 and invalid bytes keep exact byte offsets', async () => {
    writeFileSync(log, Buffer.concat([Buffer.from('é1\n'), Buffer.from([0xff, 0x41, 0x0a]), Buffer.from('z\n')]));
    const reader = readNew(undefined, log, { startAt: 'beginning', chunkBytes: 3 });
    const seen: [string, number][] = [];
    for await (const l of reader) seen.push([l.text, l.offset]);
    assert.deepEqual(seen, [['é1', 0], ['\ufffdA', 4], ['z', 7]]);
    assert.equal(reader.position()?.offset, 9);
  });
});

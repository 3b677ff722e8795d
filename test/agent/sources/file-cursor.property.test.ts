import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, readFileSync, renameSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FileCursor } from '../../../packages/agent/src/sources/file-cursor.js';
import { runOnce, tempDir } from './helpers.js';

type Op =
  | { op: 'append'; count: number }
  | { op: 'partial' }
  | { op: 'read' }
  | { op: 'rotate' }
  | { op: 'copytruncate' }
  | { op: 'truncate' };

type Compress = 'none' | 'immediate' | 'delay';

interface MFile {
  path: string;
  lines: string[];
  gz: boolean;
  /** numeric scheme: N of `.N` */
  index?: number;
}

/**
 * A log file and its rotations, mirrored by a model that knows which lines were written, which a plain
 * truncation destroyed before any run could read them, and therefore exactly what the reader must deliver.
 */
class World {
  readonly live: { file: MFile };
  readonly rotated: MFile[] = [];
  readonly written: string[] = [];
  readonly destroyed = new Set<string>();
  readonly unread = new Set<string>();
  readonly out: string[] = [];
  cursor: FileCursor | undefined;
  cursorFile: MFile | undefined;
  cursorEmpty = false;
  /** The cursor's file was truncated since the last run: its fingerprint describes content that is gone. */
  cursorStale = false;
  pending: { line: string; rest: string } | undefined;
  n = 0;
  day = 0;
  clock = 1_700_000_000;

  constructor(
    readonly path: string,
    readonly scheme: 'numeric' | 'date',
    readonly compress: Compress,
    readonly fingerprintBytes: number,
    readonly chunkBytes: number,
  ) {
    writeFileSync(path, '');
    this.live = { file: { path, lines: [], gz: false } };
    this.touch(path);
  }

  /** Time passes between events, as it does on a real machine; mtimes are what the cheap unchanged check compares. */
  touch(p: string): void {
    this.clock += 1;
    utimesSync(p, this.clock, this.clock);
  }

  nextLine(): string {
    this.n++;
    return `L${this.n} ${'x'.repeat(this.n % 7)}`;
  }

  addLine(line: string): void {
    this.live.file.lines.push(line);
    this.written.push(line);
    this.unread.add(line);
  }

  finishPending(): void {
    if (!this.pending) return;
    appendFileSync(this.path, this.pending.rest);
    this.addLine(this.pending.line);
    this.pending = undefined;
    this.touch(this.path);
  }

  append(count: number): void {
    this.finishPending();
    for (let i = 0; i < count; i++) {
      const line = this.nextLine();
      appendFileSync(this.path, `${line}\n`);
      this.addLine(line);
    }
    this.touch(this.path);
  }

  partial(): void {
    this.finishPending();
    const line = this.nextLine();
    const cut = Math.ceil(line.length / 2);
    appendFileSync(this.path, line.slice(0, cut));
    this.pending = { line, rest: `${line.slice(cut)}\n` };
    this.touch(this.path);
  }

  async read(): Promise<void> {
    const r = await runOnce(this.cursor, this.path, { startAt: 'beginning', fingerprintBytes: this.fingerprintBytes, chunkBytes: this.chunkBytes });
    this.out.push(...r.lines);
    this.cursor = r.cursor;
    this.unread.clear();
    this.cursorFile = this.live.file;
    this.cursorEmpty = this.live.file.lines.length === 0;
    this.cursorStale = false;
  }

  /**
   * The documented limit: a file that had no whole line at the last run carries no fingerprint, and one truncated
   * since then carries a fingerprint of content that is gone; once such a file is copied-and-truncated or
   * compressed (a new inode) nothing can say which file it was. The model keeps these double events out by running
   * the reader first, as any run between the two events would have.
   */
  async beforeReidentifying(f: MFile): Promise<void> {
    if (f === this.cursorFile && (this.cursorEmpty || this.cursorStale)) await this.read();
  }

  async gzip(f: MFile): Promise<void> {
    if (f.gz) return;
    await this.beforeReidentifying(f);
    writeFileSync(`${f.path}.gz`, gzipSync(readFileSync(f.path)));
    unlinkSync(f.path);
    f.path = `${f.path}.gz`;
    f.gz = true;
    this.touch(f.path);
  }

  rotatedName(): { path: string; index?: number } {
    if (this.scheme === 'date') {
      this.day++;
      return { path: `${this.path}-${20240000 + this.day}` };
    }
    // logrotate's numeric scheme: every .N becomes .N+1, oldest first so nothing is overwritten
    for (const f of [...this.rotated].sort((a, b) => (b.index ?? 0) - (a.index ?? 0))) {
      const to = `${this.path}.${(f.index ?? 0) + 1}${f.gz ? '.gz' : ''}`;
      renameSync(f.path, to);
      f.path = to;
      f.index = (f.index ?? 0) + 1;
    }
    return { path: `${this.path}.1`, index: 1 };
  }

  async afterRotation(fresh: MFile): Promise<void> {
    if (this.compress === 'immediate') await this.gzip(fresh);
    if (this.compress === 'delay') {
      const previous = this.scheme === 'numeric' ? this.rotated.find((f) => f.index === 2) : this.rotated[this.rotated.length - 2];
      if (previous) await this.gzip(previous);
    }
  }

  async rotate(): Promise<void> {
    this.finishPending();
    const name = this.rotatedName();
    const old = this.live.file;
    renameSync(this.path, name.path);
    old.path = name.path;
    old.index = name.index;
    this.rotated.push(old);
    writeFileSync(this.path, '');
    this.live.file = { path: this.path, lines: [], gz: false };
    this.touch(this.path);
    await this.afterRotation(old);
  }

  async copytruncate(): Promise<void> {
    this.finishPending();
    await this.beforeReidentifying(this.live.file);
    const name = this.rotatedName();
    copyFileSync(this.path, name.path);
    const copy: MFile = { path: name.path, lines: this.live.file.lines, gz: false, index: name.index };
    this.touch(name.path);
    this.rotated.push(copy);
    truncateSync(this.path, 0);
    this.live.file.lines = [];
    this.touch(this.path);
    await this.afterRotation(copy);
  }

  truncate(): void {
    this.finishPending();
    for (const l of this.live.file.lines) if (this.unread.delete(l)) this.destroyed.add(l);
    if (this.live.file === this.cursorFile) this.cursorStale = true;
    truncateSync(this.path, 0);
    this.live.file.lines = [];
    this.touch(this.path);
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }).map((count) => ({ op: 'append' as const, count })) },
  { weight: 1, arbitrary: fc.constant({ op: 'partial' as const }) },
  { weight: 3, arbitrary: fc.constant({ op: 'read' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'rotate' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'copytruncate' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'truncate' as const }) },
);

describe('agent sources: file cursor, property', () => {
  it('no line lost or read twice across 1000 random interleavings of append, rotate, truncate and read', async function () {
    this.timeout(300_000);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 30 }),
        fc.constantFrom('numeric' as const, 'date' as const),
        fc.constantFrom<Compress>('none', 'immediate', 'delay'),
        fc.constantFrom(8, 1024),
        fc.constantFrom(5, 64, 1 << 16),
        async (ops, scheme, compress, fingerprintBytes, chunkBytes) => {
          runs++;
          const { dir, cleanup } = tempDir('pcl-prop-');
          try {
            const w = new World(join(dir, 'messages'), scheme, compress, fingerprintBytes, chunkBytes);
            // the agent's first run: from then on there is a cursor (a first run never looks at rotated files)
            await w.read();
            for (const o of ops) {
              if (o.op === 'append') w.append(o.count);
              else if (o.op === 'partial') w.partial();
              else if (o.op === 'read') await w.read();
              else if (o.op === 'rotate') await w.rotate();
              else if (o.op === 'copytruncate') await w.copytruncate();
              else w.truncate();
            }
            w.finishPending();
            await w.read();
            assert.deepEqual(w.out, w.written.filter((l) => !w.destroyed.has(l)));
          } finally {
            cleanup();
          }
        },
      ),
      { numRuns: 1000 },
    );
    assert.equal(runs >= 1000, true);
  });
});

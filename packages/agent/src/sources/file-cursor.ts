import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { FileCursor } from './cursor.js';
import { nodeFileSystem, type FileInfo, type FileSystem, type ReadHandle } from './fs.js';
import { placedLines } from './lines.js';
import { rotatedSiblings, type RotatedFile } from './rotation.js';

export type { FileCursor } from './cursor.js';

/** One new line of a log file. */
export interface SourceLine {
  readonly text: string;
  /** The file it was read from: the configured path or a rotated sibling (`messages.1`, `messages-20240321.gz`). */
  readonly source: string;
  /** Byte offset of the line in that file (in decompressed bytes for a `.gz`). */
  readonly offset: number;
  /**
   * 1-based number among the lines this run read from `source`. Not the line number in the file: a run that
   * starts at a cursor does not count the lines before it (that would mean reading them).
   */
  readonly line: number;
}

export interface ReadNewOptions {
  /**
   * Where a first run (no cursor) starts: `end` (the default, right for cron: what is already in the file is
   * history, only what comes from now on is read) or `beginning`.
   */
  readonly startAt?: 'end' | 'beginning';
  /** Bytes of the file's start hashed into the fingerprint (default 1024: the first line of any syslog file). */
  readonly fingerprintBytes?: number;
  /** Read size (default 1 MiB). */
  readonly chunkBytes?: number;
  readonly fs?: FileSystem;
}

/**
 * The new lines of one file. Iterate it once; then `position()` is the cursor just after the last line handed
 * out. The reader never saves anything: the caller stores `position()` only after the backend confirmed the bans
 * those lines caused, so a run that dies earlier reads the same lines again instead of losing them.
 */
export interface NewLines extends AsyncIterable<SourceLine> {
  /** The cursor after the lines consumed so far; undefined only when there was no cursor and no file. */
  position(): FileCursor | undefined;
  /** Things worth a warning: a previous file that could not be found (its unread tail may be lost), a bad `.gz`. */
  readonly notes: readonly string[];
}

// node:zlib loads only for a compressed rotated file (gzHead, gunzipLines); node:crypto is not put off the same way,
// since the state's lock and the nftables backend load it at a run's start anyway

/** A part of a file to read in this run, in order. */
interface Piece {
  readonly path: string;
  readonly compressed: boolean;
  /** Rotated files are finished: their unterminated last line is a line. The live file's is not (yet). */
  readonly complete: boolean;
  readonly handle: ReadHandle;
  info: FileInfo;
  /** The first bytes of the (decompressed) content, for the fingerprint. */
  head: Buffer;
  start: number;
}

/**
 * Reads the lines of `path` written since `cursor`, following rotation:
 *
 * - same inode, same first bytes, not shorter: the appended part, from the cursor's offset;
 * - the inode moved to a rotated sibling (`messages.1`, `messages-20240321`, found by device + inode and checked by
 *   fingerprint), or compressed (`messages.1.gz`, found by fingerprint of its decompressed start): the rest of
 *   that file, then every sibling rotated after it, then the live file from 0;
 * - same inode but shorter or other first bytes (copytruncate, truncation, a new file that got the old inode
 *   number): the copy's rest if a sibling starts with the same bytes, then the live file from 0.
 *
 * An unchanged file (same inode, size equal to the offset, same mtime) costs one stat and no read.
 */
export function readNew(cursor: FileCursor | undefined, path: string, options: ReadNewOptions = {}): NewLines {
  const fs = options.fs ?? nodeFileSystem;
  const headBytes = Math.max(options.fingerprintBytes ?? 1024, cursor?.fingerprintLength ?? 0);
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const notes: string[] = [];
  const opened: ReadHandle[] = [];
  // where we are: either the cursor given (nothing consumed yet) or a piece and an offset in it
  let at: { piece: Piece; offset: number } | undefined;
  let absent = false;
  let iterated = false;

  async function openPiece(file: string, compressed: boolean, complete: boolean, known?: FileInfo): Promise<Piece | undefined> {
    let handle: ReadHandle;
    try {
      handle = await fs.open(file);
    } catch (err) {
      // rotated away between listing and opening
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    opened.push(handle);
    const info = await handle.info();
    // a name reused between readdir and open: not the file we picked
    if (known && (known.dev !== info.dev || known.ino !== info.ino)) return undefined;
    const head = compressed ? await gzHead(handle, headBytes) : await plainHead(handle, Math.min(headBytes, info.size));
    return { path: file, compressed, complete, handle, info, head, start: 0 };
  }

  function matches(piece: Piece, c: FileCursor): boolean {
    if (piece.head.length < c.fingerprintLength) return false;
    return sha256(piece.head.subarray(0, c.fingerprintLength)) === c.fingerprint;
  }

  async function openRotated(r: RotatedFile): Promise<Piece | undefined> {
    return openPiece(r.path, r.compressed, true, r.info);
  }

  /** The rest of `from`, then what was rotated after it, then the live file. */
  function chain(from: Piece, offset: number, sibs: RotatedFile[], index: number, live: Piece | undefined): (Piece | RotatedFile)[] {
    from.start = offset;
    return [from, ...sibs.slice(index + 1), ...(live ? [live] : [])];
  }

  async function plan(c: FileCursor | undefined): Promise<(Piece | RotatedFile)[]> {
    if (!c) {
      const live = await openPiece(path, false, false);
      if (!live) {
        absent = true;
        return [];
      }
      if ((options.startAt ?? 'end') === 'end') {
        at = { piece: live, offset: await lastLineEnd(live.handle, live.info.size) };
        return [];
      }
      return [live];
    }
    const live = await openPiece(path, false, false);
    const sameAsLive = (i: FileInfo): boolean => live !== undefined && i.dev === live.info.dev && i.ino === live.info.ino;
    const sibs = (await rotatedSiblings(fs, path)).filter((s) => !sameAsLive(s.info));
    if (live && !c.compressed && sameAsLive(c)) {
      if (live.info.size >= c.offset && matches(live, c)) {
        live.start = c.offset;
        return [live];
      }
      // copytruncate (the copy starts with the bytes we fingerprinted), truncation, or a new file on the old inode
      const copy = await byFingerprint(c, sibs);
      if (copy) return chain(copy.piece, c.offset, sibs, copy.index, live);
      if (c.offset > 0) notes.push(`${path}: truncated or replaced since the last run; read again from its start`);
      return [live];
    }
    const index = sibs.findIndex((s) => s.info.dev === c.dev && s.info.ino === c.ino && s.compressed === c.compressed);
    if (index >= 0) {
      const old = await openRotated(sibs[index]);
      if (old && old.info.size >= c.offset && matches(old, c)) return chain(old, c.offset, sibs, index, live);
      // Same inode, other content: copied-and-truncated (the copy, rotated before it, has our rest) or truncated,
      // and written again, before it was rotated. What it holds now is all new.
      if (old && !c.compressed) {
        const copy = await byFingerprint(c, sibs.slice(0, index));
        if (copy) return chain(copy.piece, c.offset, sibs, copy.index, live);
        if (c.offset > 0) notes.push(`${path}: ${old.path} was truncated before it was rotated; read from its start`);
        return chain(old, 0, sibs, index, live);
      }
    }
    // replaced by a copy of itself (an editor, `sed -i`, a restore): same content, new inode
    if (live && live.info.size >= c.offset && matches(live, c)) {
      live.start = c.offset;
      return [live];
    }
    const moved = await byFingerprint(c, sibs);
    if (moved) return chain(moved.piece, c.offset, sibs, moved.index, live);
    if (!live) return []; // rotated and not recreated yet, and the old file is gone: keep the cursor
    if (c.offset > 0) notes.push(`${path}: the file read last (${c.file}) is gone; ${path} read from its start, lines written to the old file after the last run may be lost`);
    return [live];
  }

  /** The newest rotated sibling whose first bytes are the fingerprinted ones (a copy, or a compressed rotation). */
  async function byFingerprint(c: FileCursor, sibs: RotatedFile[]): Promise<{ piece: Piece; index: number } | undefined> {
    // zero bytes fingerprinted would match any file: then only the inode can say which file it was
    if (c.fingerprintLength === 0) return undefined;
    for (let i = sibs.length - 1; i >= 0; i--) {
      const s = sibs[i];
      if (!s.compressed && s.info.size < c.offset) continue;
      const piece = await openRotated(s);
      if (piece && matches(piece, c)) return { piece, index: i };
    }
    return undefined;
  }

  async function* readPiece(piece: Piece): AsyncGenerator<SourceLine> {
    // Everything before this piece has been handed out and the caller asked for more: the position may move here.
    at = { piece, offset: piece.start };
    const source = piece.compressed ? gzChunks(piece, chunkBytes, notes) : plainChunks(piece.handle, piece.start, chunkBytes);
    let line = 0;
    for await (const l of placedLines(source, piece.start, piece.complete)) {
      at = { piece, offset: l.end };
      yield { text: l.text, source: piece.path, offset: l.start, line: ++line };
    }
    // At the end of the live file: its size and mtime now make the next run's "unchanged" check succeed.
    if (!piece.complete) piece.info = await piece.handle.info();
  }

  async function* generate(): AsyncGenerator<SourceLine> {
    if (iterated) throw new Error(`${path}: new lines can be read only once per readNew()`);
    iterated = true;
    try {
      if (cursor && !cursor.compressed && cursor.file === path) {
        const st = await fs.stat(path);
        if (st && st.dev === cursor.dev && st.ino === cursor.ino && st.size === cursor.offset && st.mtimeNs === cursor.mtimeNs) return;
      }
      for (const step of await plan(cursor)) {
        const piece = 'handle' in step ? step : await openRotated(step);
        if (piece) yield* readPiece(piece);
      }
    } finally {
      await Promise.all(opened.map((h) => h.close().catch(() => undefined)));
    }
  }

  return {
    [Symbol.asyncIterator]: () => generate(),
    notes,
    position(): FileCursor | undefined {
      if (at) {
        const { piece, offset } = at;
        const n = Math.min(piece.head.length, offset);
        return {
          kind: 'file',
          path,
          file: piece.path,
          dev: piece.info.dev,
          ino: piece.info.ino,
          offset,
          fingerprint: sha256(piece.head.subarray(0, n)),
          fingerprintLength: n,
          size: piece.info.size,
          mtimeNs: piece.info.mtimeNs,
          compressed: piece.compressed,
        };
      }
      if (cursor) return cursor;
      // No file yet: when it appears, all of it is new. Inode 0 names no file, so the next run reads it from 0.
      if (absent) {
        return { kind: 'file', path, file: path, dev: '0', ino: '0', offset: 0, fingerprint: sha256(Buffer.alloc(0)), fingerprintLength: 0, size: 0, mtimeNs: '0', compressed: false };
      }
      return undefined;
    },
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function plainHead(handle: ReadHandle, n: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const k = await handle.read(buf.subarray(got), got);
    if (k === 0) break;
    got += k;
  }
  return buf.subarray(0, got);
}

async function* plainChunks(handle: ReadHandle, start: number, size: number): AsyncGenerator<Buffer> {
  let pos = start;
  for (;;) {
    // a fresh buffer per chunk: the line splitter may still hold the previous one
    const buf = Buffer.allocUnsafe(size);
    const n = await handle.read(buf, pos);
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
  }
}

/** The offset just past the last '\n', found by reading backwards from the end (a first run that starts at the end). */
async function lastLineEnd(handle: ReadHandle, size: number): Promise<number> {
  const block = 64 * 1024;
  let end = size;
  while (end > 0) {
    const from = Math.max(0, end - block);
    const buf = Buffer.alloc(end - from);
    const n = await handle.read(buf, from);
    const nl = buf.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) return from + nl + 1;
    end = from;
  }
  return 0;
}

async function gunzipped(handle: ReadHandle, chunkBytes: number): Promise<Readable> {
  const { createGunzip } = await import('node:zlib');
  return Readable.from(plainChunks(handle, 0, chunkBytes)).pipe(createGunzip());
}

/** The first `n` decompressed bytes (fewer if the content is shorter or the file is not valid gzip). */
async function gzHead(handle: ReadHandle, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  const stream = await gunzipped(handle, 64 * 1024);
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= n) break;
    }
  } catch {
    // a damaged or half-written .gz: it simply matches no fingerprint; reading it later says so
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

/** The decompressed content from `piece.start` on (compressed data cannot seek: the bytes before are skipped). */
async function* gzChunks(piece: Piece, chunkBytes: number, notes: string[]): AsyncGenerator<Buffer> {
  let pos = 0;
  const stream = await gunzipped(piece.handle, chunkBytes);
  try {
    for await (const c of stream) {
      const chunk = c as Buffer;
      const from = pos;
      pos += chunk.length;
      if (pos <= piece.start) continue;
      yield from >= piece.start ? chunk : chunk.subarray(piece.start - from);
    }
  } catch (err) {
    // Stopping the run here would leave the cursor stuck before this file forever; say what was skipped instead.
    notes.push(`${piece.path}: cannot decompress after byte ${pos} (${(err as Error).message}); the rest of it is skipped`);
  } finally {
    stream.destroy();
  }
}

import { open, readdir, stat } from 'node:fs/promises';

/** What a reader needs to know about a file: identity (device + inode), size and change time. */
export interface FileInfo {
  /** Decimal strings: inode numbers and nanosecond times exceed 2^53. */
  readonly dev: string;
  readonly ino: string;
  readonly size: number;
  readonly mtimeNs: string;
}

export interface ReadHandle {
  /** Reads into `buffer` from byte `position` of the file; returns the number of bytes read (0 at the end). */
  read(buffer: Buffer, position: number): Promise<number>;
  /** The identity of the open file, which a rename cannot change under us (unlike a second stat by name). */
  info(): Promise<FileInfo>;
  close(): Promise<void>;
}

/**
 * The file access of the readers, injectable so a test can count the bytes a run reads (an unchanged file must
 * cost a stat and no read) or fail an operation on purpose.
 */
export interface FileSystem {
  /** undefined when the path does not exist. */
  stat(path: string): Promise<FileInfo | undefined>;
  readdir(dir: string): Promise<string[]>;
  open(path: string): Promise<ReadHandle>;
}

function toInfo(s: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint }): FileInfo {
  return { dev: s.dev.toString(), ino: s.ino.toString(), size: Number(s.size), mtimeNs: s.mtimeNs.toString() };
}

export const nodeFileSystem: FileSystem = {
  async stat(path) {
    try {
      return toInfo(await stat(path, { bigint: true }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  readdir: (dir) => readdir(dir),
  async open(path) {
    const fh = await open(path, 'r');
    return {
      read: async (buffer, position) => (await fh.read(buffer, 0, buffer.length, position)).bytesRead,
      info: async () => toInfo(await fh.stat({ bigint: true })),
      close: () => fh.close(),
    };
  },
};

/** Wraps a file system and counts what goes through it; tests use it to prove that a quiet run reads nothing. */
export interface CountingFileSystem extends FileSystem {
  readonly counts: { bytesRead: number; reads: number; opens: number; stats: number; readdirs: number };
}

export function countingFileSystem(inner: FileSystem = nodeFileSystem): CountingFileSystem {
  const counts = { bytesRead: 0, reads: 0, opens: 0, stats: 0, readdirs: 0 };
  return {
    counts,
    stat: (path) => {
      counts.stats++;
      return inner.stat(path);
    },
    readdir: (dir) => {
      counts.readdirs++;
      return inner.readdir(dir);
    },
    async open(path) {
      counts.opens++;
      const h = await inner.open(path);
      return {
        read: async (buffer, position) => {
          const n = await h.read(buffer, position);
          counts.reads++;
          counts.bytesRead += n;
          return n;
        },
        info: () => h.info(),
        close: () => h.close(),
      };
    },
  };
}

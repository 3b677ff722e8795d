import { basename, dirname, join } from 'node:path';
import type { FileInfo, FileSystem } from './fs.js';

/** A file logrotate (or syslog's own rotation) made from a log: `messages.1`, `messages-20240321`, `messages.2.gz`. */
export interface RotatedFile {
  readonly path: string;
  readonly compressed: boolean;
  readonly info: FileInfo;
  /** How the name orders it: `numeric` (`.N`, a higher N is older) or `date` (a later date is newer). */
  readonly scheme: 'numeric' | 'date';
  readonly key: number | string;
}

/**
 * The suffixes logrotate writes: `.N` (default), `-YYYYMMDD` and `-YYYYMMDDHH` (dateext, dateformat with %H),
 * `-YYYY-MM-DD`, each optionally `.gz`. Anything else beside the log (`messages.bak`, `messages.old`) is not ours
 * to guess about.
 */
const SUFFIX = /^(?:\.(\d{1,6})|-(\d{8}(?:\d{2})?|\d{4}-\d{2}-\d{2}))(\.gz)?$/;

/**
 * The rotated siblings of `path`, oldest first. When both `X` and `X.gz` exist (compression in progress), the
 * uncompressed one is kept, so no content is listed twice.
 */
export async function rotatedSiblings(fs: FileSystem, path: string): Promise<RotatedFile[]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const plain = new Set<string>();
  const found: { name: string; m: RegExpExecArray }[] = [];
  for (const name of names) {
    if (!name.startsWith(base) || name.length === base.length) continue;
    const m = SUFFIX.exec(name.slice(base.length));
    if (!m) continue;
    found.push({ name, m });
    if (!m[3]) plain.add(name);
  }
  const out: RotatedFile[] = [];
  for (const { name, m } of found) {
    const compressed = m[3] !== undefined;
    if (compressed && plain.has(name.slice(0, -3))) continue;
    const full = join(dir, name);
    const info = await fs.stat(full);
    if (!info) continue; // rotated away between readdir and stat
    const scheme = m[1] !== undefined ? 'numeric' : 'date';
    out.push({ path: full, compressed, info, scheme, key: scheme === 'numeric' ? Number(m[1]) : m[2].replace(/-/g, '') });
  }
  return out.sort(olderFirst);
}

function olderFirst(a: RotatedFile, b: RotatedFile): number {
  if (a.scheme === b.scheme) {
    if (a.scheme === 'numeric') return (b.key as number) - (a.key as number);
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  }
  // Two schemes side by side (a config change): only the modification times can order them.
  return BigInt(a.info.mtimeNs) < BigInt(b.info.mtimeNs) ? -1 : BigInt(a.info.mtimeNs) > BigInt(b.info.mtimeNs) ? 1 : 0;
}

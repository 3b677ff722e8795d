import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNew, type FileCursor, type ReadNewOptions } from '../../../packages/agent/src/sources/file-cursor.js';

export interface Run {
  lines: string[];
  sources: string[];
  cursor: FileCursor | undefined;
  notes: readonly string[];
}

/** One run of the reader, as the agent does it: read everything new, then take the position to commit. */
export async function runOnce(cursor: FileCursor | undefined, path: string, options: ReadNewOptions = {}): Promise<Run> {
  const reader = readNew(cursor, path, options);
  const lines: string[] = [];
  const sources: string[] = [];
  for await (const l of reader) {
    lines.push(l.text);
    sources.push(l.source);
  }
  return { lines, sources, cursor: reader.position(), notes: reader.notes };
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

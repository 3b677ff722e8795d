import { open } from 'node:fs/promises';

/**
 * Writes a whole new file and fsyncs it before returning, so its bytes are on disk before any rename points a
 * name at it. The state store and the metrics file both replace files this way (temp file, then rename).
 */
export async function writeSynced(path: string, text: string, mode: number): Promise<void> {
  const fh = await open(path, 'w', mode);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

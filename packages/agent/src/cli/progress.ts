import { statSync } from 'node:fs';

/** Files smaller than this are read too fast for a bar to mean anything. */
export const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

/**
 * A one-line progress bar on stderr, for a person at a terminal reading a big log: redrawn at most five times a
 * second, erased at the end. Never under cron (no terminal), never for small files.
 */
export class ProgressBar {
  private readonly sizes = new Map<string, number>();
  private last = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WritableStream) {}

  update(source: string, file: string, offset: number): void {
    let size = this.sizes.get(file);
    if (size === undefined) {
      try {
        size = statSync(file).size;
      } catch {
        size = 0;
      }
      this.sizes.set(file, size);
    }
    const now = Date.now();
    if (size < PROGRESS_MIN_BYTES || now - this.last < 200) return;
    this.last = now;
    const share = Math.min(1, offset / size);
    const width = 30;
    const done = Math.round(share * width);
    const mb = (b: number): string => (b / 1048576).toFixed(0);
    const name = file === source ? source : `${source} (${file})`;
    this.out.write(`\r\x1b[K[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${Math.floor(share * 100)}% ${mb(offset)}/${mb(size)} MB ${name}`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

import type { Io } from './main.js';
import { UsageError } from './errors.js';

export async function scanCommand(_argv: string[], _io: Io): Promise<number> {
  throw new UsageError('scan: not built yet', 2);
}

/**
 * Errors a user can act on, each as its line(s) and documented exit code. Loaded only when a command fails, so a
 * successful command never pays for the modules these classes live in (the config's YAML and schema, the state).
 */
import { BackendError } from '../backends/backend.js';
import { ConfigError, formatIssue } from '../config/issues.js';
import { JournalError } from '../sources/journald.js';
import { LockBusyError } from '../state/lock.js';
import { StateError } from '../state/store.js';

/** Failures the user can act on: one line (or one per config problem), and the documented exit code. */
export function knownFailure(err: unknown): { text: string; code: number } | undefined {
  if (err instanceof ConfigError) return { text: err.issues.map((i) => `portcullis: ${formatIssue(i)}`).join('\n'), code: 5 };
  if (err instanceof BackendError) return { text: `portcullis: firewall: ${err.message}${err.stderr && !err.message.includes(err.stderr.trim()) ? ` (${err.command})` : ''}`, code: 6 };
  if (err instanceof LockBusyError) return { text: `portcullis: ${err.message}`, code: 7 };
  if (err instanceof StateError) return { text: `portcullis: state: ${err.message}`, code: 8 };
  if (err instanceof JournalError) return { text: `portcullis: journal: ${err.message}`, code: 3 };
  const e = err as NodeJS.ErrnoException;
  if (e instanceof Error && typeof e.path === 'string' && typeof e.code === 'string' && /^(ENOENT|EACCES|EISDIR|EPERM|EIO)$/.test(e.code)) {
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : 'input/output error';
    return { text: `portcullis: ${e.path}: cannot ${e.syscall === 'open' || e.syscall === 'read' ? 'read' : e.syscall ?? 'use'}: ${why}`, code: 3 };
  }
  return undefined;
}

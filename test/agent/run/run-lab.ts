/**
 * What the `portcullis run` suites share: real kernel lines written the way rsyslog writes them, the built CLI run
 * inside the victim namespace, and a look at the state it left.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { KernelLog, type KernelLogMark } from '../../e2e/lab.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(root, 'packages', 'agent', 'bin', 'portcullis.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI in a namespace, as root's cron would start it (no terminal). */
export async function cliIn(ns: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], { reject: false, timeout: 120_000, env, stdin: 'ignore' });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The CLI, started and left running (for kill -9). */
export function cliProcess(ns: string, args: readonly string[]): ReturnType<typeof execa> {
  return execa('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args], { reject: false, stdin: 'ignore' });
}

/**
 * The kernel's lines after `mark` that carry `tag` (the run's own LOG prefix), as rsyslog's file format writes
 * them: an RFC 3339 stamp, the host name, `kernel:` and the message (the dmesg stamp dropped).
 */
export async function syslogLines(mark: KernelLogMark, tag: string, ready: (lines: string[]) => boolean): Promise<string[]> {
  const raw = await KernelLog.waitFor(mark, (ls) => ready(ls.filter((l) => l.includes(tag))), { timeoutMs: 10_000 });
  const stamp = new Date().toISOString();
  return raw.filter((l) => l.includes(tag)).map((l) => `${stamp} victim kernel: ${l.replace(/^\[\s*\d+\.\d+\] /, '')}`);
}

export async function appendLines(file: string, lines: readonly string[]): Promise<void> {
  await appendFile(file, lines.map((l) => `${l}\n`).join(''));
}

export interface SavedState {
  bans: Array<{ address: string; kind: string; until: number }>;
  cursors: Record<string, { offset: number; file: string }>;
  offences: Record<string, { count: number }>;
  carry: string[];
}

export async function readState(dir: string): Promise<SavedState> {
  const text = await readFile(join(dir, 'state.json'), 'utf8');
  const s = JSON.parse(text) as SavedState;
  assert.ok(Array.isArray(s.bans) && typeof s.cursors === 'object', `state.json has bans and cursors: ${text.slice(0, 200)}`);
  return s;
}

export function banKeys(s: SavedState): string[] {
  return s.bans.map((b) => `${b.kind} ${b.address}`).sort();
}

export interface RunWorkspace {
  dir: string;
  /** The log file the config reads (empty at first). */
  log: string;
  stateDir: string;
  config: string;
}

/** A temp directory with an empty log and a config for `portcullis run` on it: WAN eth0, short bans. */
export async function runWorkspace(backend: string, banSeconds: number): Promise<RunWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), `pcl-run-${backend}-`));
  const ws = { dir, log: join(dir, 'kern.log'), stateDir: join(dir, 'state'), config: join(dir, 'config.yaml') };
  await writeFile(ws.log, '');
  await writeFile(
    ws.config,
    [
      `sources: [${ws.log}]`,
      'wan: [eth0]',
      `state: ${ws.stateDir}`,
      'start: beginning',
      `ban: {time: ${banSeconds}s, increment: 2, max: 1h}`,
      `backend: {type: ${backend}}`,
      '',
    ].join('\n'),
  );
  return ws;
}

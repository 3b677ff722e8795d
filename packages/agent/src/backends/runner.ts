import { spawn } from 'node:child_process';
import { BackendError } from './backend.js';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * How a backend runs a command: an argument array, never a shell string; `input` goes to stdin (`ipset restore`,
 * `nft -f -`). Tests pass a runner that prefixes `ip netns exec NAME`, so backends never touch the host's firewall.
 */
export type Runner = (command: string, args: readonly string[], input?: string) => Promise<RunResult>;

export interface RunnerOptions {
  /** Run every command inside this network namespace (`ip netns exec NAME ...`). */
  netns?: string;
  /** Extra environment (firewall-cmd's DBUS_SYSTEM_BUS_ADDRESS on a private bus). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * At most this many commands at once (default 4): backends ask side by side (ipset per set, firewalld per zone),
   * and an unbounded fan-out of firewall-cmd (a Python start each) would swamp a small server.
   */
  concurrency?: number;
}

/** After the timeout's SIGTERM, a command that still runs gets SIGKILL this much later. */
const KILL_AFTER_MS = 2000;

/**
 * Node's own spawn, not execa: an idle `portcullis run` starts a handful of `nft`/`ipset` processes and little
 * else, and execa (with its dependencies, a quarter of the run's code to compile) cost more than the processes.
 */
export function spawnRunner(options: RunnerOptions = {}): Runner {
  const one = runOne(options);
  const limit = options.concurrency ?? 4;
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (command, args, input) => {
    if (running >= limit) await new Promise<void>((go) => waiting.push(go));
    running++;
    try {
      return await one(command, args, input);
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** spawn's own failure (ENOENT when the program is missing). */
  readonly error?: NodeJS.ErrnoException;
}

function runOne(options: RunnerOptions): Runner {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  return async (command, args, input) => {
    const [file, argv] = options.netns ? ['ip', ['netns', 'exec', options.netns, command, ...args]] : [command, [...args]];
    const shown = [command, ...args].join(' ');
    const r = await started(file, argv, env, timeoutMs, input);
    if (r.error) {
      if (r.error.code === 'ENOENT') throw new BackendError(`${command}: not installed (install the package that provides it)`, shown);
      throw new BackendError(`${command}: ${r.error.message}`, shown);
    }
    if (r.code === 0 && !r.timedOut) return { stdout: r.stdout, stderr: r.stderr };
    // inside a namespace, `ip netns exec` reports the missing program itself (exit 255)
    const missing =
      (/No such file or directory|not found/.test(r.stderr) && r.code === 127) || /exec of "[^"]+" failed: No such file or directory/.test(r.stderr);
    if (missing) throw new BackendError(`${command}: not installed (install the package that provides it)`, shown, r.stderr);
    if (r.timedOut) throw new BackendError(`${command}: no answer within ${Math.round(timeoutMs / 1000)} s`, shown, r.stderr);
    const why = (r.stderr || r.stdout || (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`)).trim().split('\n')[0];
    throw new BackendError(`${command} refused: ${why}`, shown, r.stderr);
  };
}

/** One process to its end: output as text without its final newline (as the tools' callers expect). */
function started(file: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(file, argv, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    }, timeoutMs);
    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    let failed: NodeJS.ErrnoException | undefined;
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      resolve({ code, signal, stdout: text(out), stderr: text(err), timedOut, ...(failed && { error: failed }) });
    });
    if (child.stdin) {
      // a tool that exits before reading all of its input (it refused line 1) closes the pipe: its exit code says why
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}

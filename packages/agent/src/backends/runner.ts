import { execa } from 'execa';
import PQueue from 'p-queue';
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

export function execaRunner(options: RunnerOptions = {}): Runner {
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const one = runOne(options);
  return (command, args, input) => queue.add(() => one(command, args, input));
}

function runOne(options: RunnerOptions): Runner {
  return async (command, args, input) => {
    const [file, argv] = options.netns ? ['ip', ['netns', 'exec', options.netns, command, ...args]] : [command, [...args]];
    const shown = [command, ...args].join(' ');
    try {
      const r = await execa(file, argv, {
        input,
        env: options.env,
        timeout: options.timeoutMs ?? 30_000,
        reject: false,
        stripFinalNewline: true,
      });
      if (r.failed) {
        // ENOENT without a namespace; inside one, `ip netns exec` reports the missing program itself (exit 255)
        const missing =
          (r as { code?: string }).code === 'ENOENT' ||
          (/No such file or directory|not found/.test(String(r.stderr)) && r.exitCode === 127) ||
          /exec of "[^"]+" failed: No such file or directory/.test(String(r.stderr));
        if (missing) throw new BackendError(`${command}: not installed (install the package that provides it)`, shown, String(r.stderr ?? ''));
        if (r.timedOut) throw new BackendError(`${command}: no answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`, shown, String(r.stderr ?? ''));
        const why = String(r.stderr || r.stdout || `exit code ${r.exitCode}`).trim().split('\n')[0];
        throw new BackendError(`${command} refused: ${why}`, shown, String(r.stderr ?? ''));
      }
      return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    } catch (err) {
      if (err instanceof BackendError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new BackendError(`${command}: not installed (install the package that provides it)`, shown);
      throw new BackendError(`${command}: ${e.message}`, shown);
    }
  };
}

import { spawn } from 'node:child_process';

export interface TimedRun {
  /** Wall seconds as /usr/bin/time measured them. */
  readonly seconds: number;
  /** Peak resident set, kB (`%M`). */
  readonly rssKb: number;
  readonly stdout: string;
  /** The command's own standard error, without time's line. */
  readonly stderr: string;
}

/**
 * Runs a command under GNU time, for wall time and peak RSS the same way for every tool a bench compares. Fails
 * with the command and the tail of its standard error on a non-zero exit, except the codes `okCodes` allows
 * (`grep -c` exits 1 when nothing matched).
 */
export function timed(argv: readonly string[], options: { cwd?: string; okCodes?: readonly number[] } = {}): Promise<TimedRun> {
  return new Promise((ok, fail) => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_TIME %e %M', ...argv], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code) => {
      const all = Buffer.concat(err).toString('utf8');
      const m = /BENCH_TIME (\d+(?:\.\d+)?) (\d+)\s*$/.exec(all);
      const stderr = m ? all.slice(0, m.index) : all;
      if (!m || (code !== 0 && !(options.okCodes ?? []).includes(code ?? -1))) {
        return fail(new Error(`${argv.join(' ')}: exit ${code}\n${stderr.slice(-2000)}`));
      }
      ok({ seconds: Number(m[1]), rssKb: Number(m[2]), stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

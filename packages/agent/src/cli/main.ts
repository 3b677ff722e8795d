import { BackendError } from '../backends/backend.js';
import { ConfigError } from '../config/load.js';
import { JournalError } from '../sources/journald.js';
import { LockBusyError } from '../state/lock.js';
import { StateError } from '../state/store.js';
import { bansCommand } from './bans.js';
import { checkCommand } from './check.js';
import { listsCommand } from './lists.js';
import { UsageError } from './errors.js';
import { decodeCommand } from './decode.js';
import { followCommand } from './follow.js';
import { restoreCommand } from './restore.js';
import { runCommand } from './run.js';
import { scanCommand } from './scan.js';
import { statusCommand } from './status.js';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Epoch ms; tests pin it so year-less timestamps decode the same on every day. */
  now?: number;
}

export const VERSION = '0.1.0';

export const HELP = `portcullis ${VERSION} — makes the Linux firewall log useful

Usage:
  portcullis decode [options] [FILE|-]...   explain each firewall log line, field by field
  portcullis scan [options] [FILE|-]...     report scanners, spoofed sources and noise in a log
  portcullis run [options]                  the agent (cron, systemd timer): read new lines, detect, block
  portcullis restore [options]              after a reboot or firewall reload: sets, hooks and active bans again
  portcullis status [--json]                configuration, read positions, last run, bans, kernel agreement
  portcullis bans list [--json]             active bans (and whether the kernel holds them)
  portcullis bans add ADDR [--for 2h] [--reason TEXT]   block an address by hand (the allow list still wins)
  portcullis bans remove ADDR               lift every ban of an address and forget its offences
  portcullis follow [--config FILE]         a service: apply the fleet's bans (config share) within a second
  portcullis check ADDR... [--json] [--fresh]   AbuseIPDB: score, country, usage, ISP, domain, reports (cached)
  portcullis lists [--json]                 blocklists: entries, last and next refresh, expiry, errors
  portcullis help | --help                  this text
  portcullis --version

Input: kernel LOG lines (iptables/nftables/firewalld/ufw/...) inside BSD syslog (with or without <PRI>),
RFC 3339 / RFC 5424, dmesg, journalctl -o short|short-iso|short-precise, or journalctl -o json.
With no FILE, or with -, reads standard input.

decode options:
  --json              one event per line in Elastic Common Schema names (plus a "portcullis" object)
  --lang en|ja        language of the explanation (default: en, or ja when LANG starts with ja)
  --all               also print lines that are not firewall lines (marked as such)

scan options:
  --json              the report as one JSON document
  --lang en|ja        language of the report
  --wan IFACE[,IFACE] interfaces facing the Internet (default: every interface but lo)
  --ports N           distinct ports within the window that make a vertical scan (default 10)
  --hosts N           distinct hosts on one port within the window that make a horizontal scan (default 10)
  --window SECONDS    the sliding window (default 60)

run, restore, status, bans options:
  --config FILE       the configuration (default /etc/portcullis/config.yaml; absent: every default)
  --dry-run           print the firewall commands instead of running them; save no state (not status)
  --metrics FILE      run: write Prometheus textfile-collector metrics to FILE (also after a failed run)
  --verbose           say what was done and why; without it, run is silent on success unless on a terminal

common options:
  --year YYYY         year of year-less syslog timestamps (default: the latest year not in the future)
  --utc-offset ±HH:MM zone of timestamps that carry none (default: this machine's zone)

Exit codes:
  0  done (lines that are not firewall lines are counted, not errors)
  2  bad usage (unknown command or option, bad option value)
  3  an input file cannot be read
  4  internal error (a bug: please report it with --verbose output)
  5  the configuration is invalid (each problem named with file:line:column)
  6  the firewall refused, is missing or not running (nothing recorded: the next run retries the same lines)
  7  another run holds the state lock and did not finish in time
  8  the state file is unusable and has no good backup (repair it or move it aside)
  9  the fleet's Redis (config share) was down, slow or refused the credentials: local work was done and saved,
     bans not sent wait in the outbox for the next run that reaches it
  10 check: AbuseIPDB could not answer for an address (refused, rate limited, unreachable)
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = rest.includes('--verbose');
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return 0;
      case '--version':
      case '-V':
        io.stdout.write(`portcullis ${VERSION}\n`);
        return 0;
      case 'decode':
        return await decodeCommand(rest, io);
      case 'scan':
        return await scanCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'restore':
        return await restoreCommand(rest, io);
      case 'status':
        return await statusCommand(rest, io);
      case 'bans':
        return await bansCommand(rest, io);
      case 'check':
        return await checkCommand(rest, io);
      case 'lists':
        return await listsCommand(rest, io);
      case 'follow':
        return await followCommand(rest, io);
      default:
        throw new UsageError(`unknown command '${command}'; see 'portcullis --help'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`portcullis: ${err.message}\n`);
      return err.exitCode;
    }
    if (isBrokenPipe(err)) return 0;
    const known = knownFailure(err);
    if (known) {
      io.stderr.write(`${known.text}\n`);
      return known.code;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr.write(`portcullis: internal error: ${e.message}\n`);
    if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
    return 4;
  }
}

function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}

/** Failures the user can act on: one line (or one per config problem), and the documented exit code. */
function knownFailure(err: unknown): { text: string; code: number } | undefined {
  if (err instanceof ConfigError) return { text: err.issues.map((i) => `portcullis: ${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'), code: 5 };
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

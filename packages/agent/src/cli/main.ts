import { UsageError } from './errors.js';
import { decodeCommand } from './decode.js';
import { scanCommand } from './scan.js';

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

common options:
  --year YYYY         year of year-less syslog timestamps (default: the latest year not in the future)
  --utc-offset ±HH:MM zone of timestamps that carry none (default: this machine's zone)

Exit codes:
  0  done (lines that are not firewall lines are counted, not errors)
  2  bad usage (unknown command or option, bad option value)
  3  an input file cannot be read
  4  internal error (a bug: please report it with --verbose output)
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
      default:
        throw new UsageError(`unknown command '${command}'; see 'portcullis --help'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`portcullis: ${err.message}\n`);
      return err.exitCode;
    }
    if (isBrokenPipe(err)) return 0;
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr.write(`portcullis: internal error: ${e.message}\n`);
    if (verbose && e.stack) io.stderr.write(`${e.stack}\n`);
    return 4;
  }
}

function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}

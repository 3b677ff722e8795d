import { UsageError } from './errors.js';


export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Epoch ms; tests pin it so year-less timestamps decode the same on every day. */
  now?: number;
}

type Command = (argv: string[], io: Io) => Promise<number>;

/**
 * Each command's module is imported when it runs: a cron `run` that finds nothing new must not pay for Redis,
 * AbuseIPDB or the decoder's explanations, and `--version` for nothing at all.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  decode: async () => (await import('./decode.js')).decodeCommand,
  scan: async () => (await import('./scan.js')).scanCommand,
  run: async () => (await import('./run.js')).runCommand,
  restore: async () => (await import('./restore.js')).restoreCommand,
  status: async () => (await import('./status.js')).statusCommand,
  bans: async () => (await import('./bans.js')).bansCommand,
  check: async () => (await import('./check.js')).checkCommand,
  lists: async () => (await import('./lists.js')).listsCommand,
  follow: async () => (await import('./follow.js')).followCommand,
};

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
  --threads N|auto    threads that count the input, split by source (default auto: one per core, at most 4, for
                      files of 64 MiB or more; standard input is read on one thread)
  --no-geo            leave out countries (the bundled DB-IP database)

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
      default: {
        const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
        if (!load) throw new UsageError(`unknown command '${command}'; see 'portcullis --help'`);
        return await (await load())(rest, io);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`portcullis: ${err.message}\n`);
      return err.exitCode;
    }
    if (isBrokenPipe(err)) return 0;
    const known = (await import('./failures.js')).knownFailure(err);
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


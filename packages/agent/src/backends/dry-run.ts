/**
 * The dry-run backend: the real ipset, nftables or firewalld backend, given a Runner that prints instead of executing.
 * What it prints is exactly what that backend would run (the same code builds it), as shell text one can paste:
 * each command on a line, its stdin as a quoted here-document.
 *
 * Read-only questions (`ipset list`, `iptables -S`, `nft list`, `firewall-cmd --get-…/--list-…/--query-…`) change nothing, so when an `inspect` Runner is given
 * they really run: the printed commands are then those this machine needs (a second ensure prints nothing for
 * ipset or nftables, whose sets and hooks are already there). Without it the kernel is taken as empty, and the output is what a fresh
 * machine would get (firewalld needs `inspect`: without a running firewalld to ask, it has nothing to plan from).
 * Reads are not printed.
 *
 * list() answers from what this process "applied" (with the time left by the clock), laid over the kernel's own
 * entries when `inspect` is given, so the agent's reconcile step previews truthfully too.
 */
import { BackendError, type Backend, type Ban, type BanKey, type Capabilities, type EnsureOptions, type KernelEntry } from './backend.js';
import { FirewalldBackend, type FirewalldOptions } from './firewalld.js';
import { IpsetBackend, type IpsetOptions } from './ipset.js';
import { NftablesBackend, type NftablesOptions } from './nftables.js';
import type { Runner } from './runner.js';
import { checkBan, checkKey, keyString } from './validate.js';

/** Where the commands go (process.stdout, a file stream, a test's buffer). */
export interface TextSink {
  write(text: string): unknown;
}

export type DryRunTarget =
  | { readonly type: 'ipset'; readonly options?: Omit<IpsetOptions, 'runner'> }
  | { readonly type: 'nftables'; readonly options?: Omit<NftablesOptions, 'runner'> }
  | { readonly type: 'firewalld'; readonly options?: Omit<FirewalldOptions, 'runner'> };

export interface DryRunOptions {
  readonly target: DryRunTarget;
  readonly out: TextSink;
  /** A real Runner for read-only questions only; never given a command that writes. */
  readonly inspect?: Runner;
  /** Milliseconds since the epoch (tests pass a fake clock). */
  readonly now?: () => number;
}

/** The here-document delimiter: our stdin payloads are built from validated addresses and names, never this word. */
const EOF = 'PORTCULLIS_EOF';

/** firewall-cmd words that only ask: a call made of these alone changes nothing. */
const FIREWALLD_READS = /^(--state|--version|--permanent|--zone=[^=]*|--ipset=[^=]*|--(get|list|query|info)-[a-z-]+(=.*)?)$/;

/** True for the commands our backends use only to look (see ipset.ts and nftables.ts). */
export function isReadOnly(command: string, args: readonly string[]): boolean {
  const tool = command.split('/').pop() ?? command;
  if (tool === 'ipset') return args[0] === 'list' || args[0] === 'save';
  if (tool === 'nft') return args.includes('list') && !args.includes('-f');
  if (tool === 'iptables' || tool === 'ip6tables') return args.includes('-S') && !args.some((a) => /^-[AIDRFNXPZ]$/.test(a));
  if (tool === 'firewall-cmd') return args.length > 0 && args.every((a) => FIREWALLD_READS.test(a));
  if (tool === 'ip') return args.includes('show') && !args.some((a) => /^(add|del|delete|set|change|replace|flush)$/.test(a));
  return false;
}

/** Shell words: plain ones as they are, anything else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One command as shell text: the command line, then its stdin as a quoted here-document. */
export function formatCommand(command: string, args: readonly string[], input?: string): string {
  const line = [command, ...args].map(shellQuote).join(' ');
  if (input === undefined) return `${line}\n`;
  if (input.split('\n').includes(EOF)) throw new Error(`dry-run: stdin of ${command} contains the delimiter ${EOF}`);
  return `${line} <<'${EOF}'\n${input.endsWith('\n') ? input : `${input}\n`}${EOF}\n`;
}

export class DryRunBackend implements Backend {
  readonly name = 'dry-run';
  readonly inner: Backend;
  private readonly out: TextSink;
  private readonly inspect?: Runner;
  private readonly now: () => number;
  /** What this process applied (until, in ms) or removed (null), by kind and address. */
  private readonly overlay = new Map<string, { key: BanKey; until: number } | null>();

  constructor(options: DryRunOptions) {
    this.out = options.out;
    this.inspect = options.inspect;
    this.now = options.now ?? Date.now;
    const runner: Runner = async (command, args, input) => {
      if (isReadOnly(command, args)) {
        // Never a write through `inspect`: isReadOnly is the only gate, and it knows only our reads.
        return this.inspect ? this.inspect(command, args, input) : { stdout: '', stderr: '' };
      }
      this.out.write(formatCommand(command, args, input));
      return { stdout: '', stderr: '' };
    };
    const t = options.target;
    this.inner =
      t.type === 'ipset'
        ? new IpsetBackend({ ...t.options, runner })
        : t.type === 'nftables'
          ? new NftablesBackend({ ...t.options, runner })
          : new FirewalldBackend({ ...t.options, runner });
  }

  /** The inner backend's lists, through the printing runner: their writes are printed like every other. */
  get blocklists(): Backend['blocklists'] {
    return this.inner.blocklists;
  }

  async ensure(options: EnsureOptions): Promise<Capabilities> {
    this.out.write(`# dry-run (${this.inner.name}): ensure sets and hooks, WAN ${options.wan.length ? options.wan.join(', ') : '(none)'}\n`);
    const caps = await this.inner.ensure(options);
    const note = `dry run: the ${this.inner.name} commands were printed, nothing was changed`;
    return { expires: caps.expires, note: caps.note ? `${note}; ${caps.note}` : note };
  }

  async apply(bans: readonly Ban[]): Promise<void> {
    if (bans.length) this.out.write(`# dry-run (${this.inner.name}): apply ${bans.length} ban(s)\n`);
    await this.inner.apply(bans);
    const now = this.now();
    for (const b of bans.map((x) => checkBan(this.name, x))) this.overlay.set(keyString(b), { key: { address: b.address, family: b.family, kind: b.kind }, until: now + b.seconds * 1000 });
  }

  async remove(keys: readonly BanKey[]): Promise<void> {
    if (keys.length) this.out.write(`# dry-run (${this.inner.name}): remove ${keys.length} ban(s)\n`);
    await this.inner.remove(keys);
    for (const k of keys.map((x) => checkKey(this.name, x))) this.overlay.set(keyString(k), null);
  }

  async list(): Promise<KernelEntry[]> {
    const now = this.now();
    const entries = new Map<string, KernelEntry>();
    if (this.inspect) for (const e of await this.kernelList()) entries.set(keyString(e), e);
    for (const [k, v] of this.overlay) {
      if (v === null || v.until <= now) entries.delete(k);
      else entries.set(k, { ...v.key, secondsLeft: Math.ceil((v.until - now) / 1000) });
    }
    return [...entries.values()];
  }

  /**
   * The kernel's entries; none when our sets or table are not there yet (a dry run never created them: the real
   * backend's list() would only run after its ensure() had). Any other failure is still an error.
   */
  private async kernelList(): Promise<KernelEntry[]> {
    try {
      return await this.inner.list();
    } catch (err) {
      if (err instanceof BackendError && !/ is not installed /.test(err.message) && /does not exist|No such file or directory/.test(err.stderr)) return [];
      throw err;
    }
  }
}

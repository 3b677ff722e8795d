/**
 * The ipset backend: four `hash:ip` sets created with `timeout 0` (no default: every entry carries its own timeout,
 * and the kernel removes it when that runs out), hooked into the filter table with iptables/ip6tables.
 *
 * - Sets: block and spoof, one per family (`family inet` / `family inet6`; a hash:ip set holds one family only).
 *   They are created with `maxelem` well above the default 65536, because a wave of scanners must not hit
 *   "set is full" in the middle of a batch.
 * - Hooks: `-m set --match-set BLOCK src -j DROP` at the top of INPUT and FORWARD, and the same for the spoof sets
 *   with `-i WAN`, once per WAN interface. FORWARD too, because on a router a scanner probes the hosts behind it as
 *   much as the router, and a forged source arriving on the WAN is as forged on its way to the LAN; `chains` can
 *   narrow it to INPUT. Rules are inserted at the top once and then left where they are: re-inserting every run
 *   would churn the ruleset, and rules an administrator puts above ours are theirs to put.
 * - Every change is one process: `ipset restore -exist` for the sets and the entries (re-adding with `-exist` resets
 *   the timeout, so apply twice extends a ban), `iptables-restore --noflush` for the hooks (deletes of stale hooks
 *   and inserts of missing ones in one go). Sets are created before any rule refers to them.
 * - ensure() compares our hooks (rules matching one of our sets) with the wanted ones from `iptables -S`, so a second
 *   ensure changes nothing, a changed WAN list replaces the old spoof hooks, and duplicates are removed.
 * - ensure()'s `ipset list -t` (every set's header, with its number of entries) also answers the run's next
 *   questions once (see ensure-reading.ts): list() skips the sets it showed empty, and the blocklists take their headers
 *   from it, instead of up to five more processes on a run with nothing new.
 */
import { parseAddress } from '@portcullis/core';
import {
  BackendError,
  type AddressFamily,
  type Backend,
  type Ban,
  type BanKey,
  type BanKind,
  type Capabilities,
  type EnsureOptions,
  type KernelEntry,
} from './backend.js';
import { IpsetBlocklists } from './blocklist-ipset.js';
import { EnsureReading } from './ensure-reading.js';
import { parseSetHeaders, type SetHeader } from './ipset-headers.js';
import type { Runner } from './runner.js';
import { runTool, type ToolCall } from './tool.js';
import { checkBan, checkCidr, checkInterface, checkKey, checkName } from './validate.js';

export interface SetNames {
  readonly block4: string;
  readonly block6: string;
  readonly spoof4: string;
  readonly spoof6: string;
}

/** The config's defaults (packages/agent/src/config/schema.ts), so a bare `new IpsetBackend` matches a bare config. */
export const DEFAULT_IPSET_NAMES: SetNames = {
  block4: 'portcullis_block4',
  block6: 'portcullis_block6',
  spoof4: 'portcullis_spoof4',
  spoof6: 'portcullis_spoof6',
};

export type HookChain = 'INPUT' | 'FORWARD';

export interface IpsetOptions {
  readonly runner: Runner;
  readonly sets?: Partial<SetNames>;
  /** Filter-table chains that get the hooks (default INPUT and FORWARD). */
  readonly chains?: readonly HookChain[];
  /** The anti-spoofing guard's hash:net sets (default portcullis_guard4/6); exemptions are `<name>_exempt`. */
  readonly guardSets?: { readonly guard4?: string; readonly guard6?: string };
  /** Largest number of entries per set (default 1,048,576; ipset's own default is 65536). */
  readonly maxelem?: number;
  /** Executables (tests point one at a missing name). */
  readonly ipsetCmd?: string;
  readonly iptablesCmd?: string;
  readonly ip6tablesCmd?: string;
  readonly iptablesRestoreCmd?: string;
  readonly ip6tablesRestoreCmd?: string;
}

const NAME = 'ipset';
/** ipset's IPSET_MAXNAMELEN is 32 including the terminating NUL. */
const MAX_SET_NAME = 31;

interface SetInfo {
  readonly name: string;
  readonly kind: BanKind;
  readonly family: AddressFamily;
}

export class IpsetBackend implements Backend {
  readonly name = NAME;
  readonly sets: SetNames;
  readonly chains: readonly HookChain[];
  readonly guardSets: Readonly<Record<AddressFamily, string>>;
  private readonly run: Runner;
  private readonly maxelem: number;
  private readonly cmd: { ipset: string; rules: Record<AddressFamily, string>; restore: Record<AddressFamily, string> };
  private readonly byName: Map<string, SetInfo>;
  readonly blocklists: IpsetBlocklists;
  /** ensure()'s `ipset list -t`, for list() (which sets hold entries) and the blocklists (their sets' headers). */
  private readonly reading = new EnsureReading<{ readonly text: string; readonly headers: ReadonlyMap<string, SetHeader> }>();

  constructor(options: IpsetOptions) {
    this.run = options.runner;
    const sets = { ...DEFAULT_IPSET_NAMES, ...options.sets };
    for (const [what, name] of Object.entries(sets)) checkName(NAME, `set (${what})`, name, MAX_SET_NAME);
    if (new Set(Object.values(sets)).size !== 4) throw new Error(`${NAME}: the four set names must differ: ${Object.values(sets).join(', ')}`);
    this.sets = sets;
    // room for the `_exempt` and `_new` suffixes within ipset's 31 characters
    this.guardSets = {
      4: checkName(NAME, 'set (guard4)', options.guardSets?.guard4 ?? 'portcullis_guard4', MAX_SET_NAME - 7),
      6: checkName(NAME, 'set (guard6)', options.guardSets?.guard6 ?? 'portcullis_guard6', MAX_SET_NAME - 7),
    };
    const all = [...Object.values(sets), this.guardSets[4], this.guardSets[6]];
    if (new Set(all).size !== 6) throw new Error(`${NAME}: the set names must differ: ${all.join(', ')}`);
    this.chains = options.chains ?? ['INPUT', 'FORWARD'];
    for (const c of this.chains) if (c !== 'INPUT' && c !== 'FORWARD') throw new Error(`${NAME}: hook chain must be INPUT or FORWARD: ${String(c)}`);
    this.maxelem = options.maxelem ?? 1_048_576;
    if (!Number.isInteger(this.maxelem) || this.maxelem < 1 || this.maxelem > 2 ** 31) throw new Error(`${NAME}: maxelem out of range: ${this.maxelem}`);
    this.cmd = {
      ipset: options.ipsetCmd ?? 'ipset',
      rules: { 4: options.iptablesCmd ?? 'iptables', 6: options.ip6tablesCmd ?? 'ip6tables' },
      restore: { 4: options.iptablesRestoreCmd ?? 'iptables-restore', 6: options.ip6tablesRestoreCmd ?? 'ip6tables-restore' },
    };
    this.byName = new Map(
      (['block', 'spoof'] as const).flatMap((kind) => ([4, 6] as const).map((family): [string, SetInfo] => {
        const name = this.setName(kind, family);
        return [name, { name, kind, family }];
      })),
    );
    this.blocklists = new IpsetBlocklists({
      runner: this.run,
      chains: this.chains,
      ipsetCmd: this.cmd.ipset,
      iptablesCmd: this.cmd.rules,
      restoreCmd: this.cmd.restore,
      known: () => this.reading.take('sets')?.text,
      changed: () => {
        this.reading.drop();
      },
    });
  }

  setName(kind: BanKind, family: AddressFamily): string {
    return this.sets[`${kind}${family}`];
  }

  async ensure(options: EnsureOptions): Promise<Capabilities> {
    const wan = options.wan.map((w) => checkInterface(NAME, w));
    const guard = options.guard && wan.length ? { drop: options.guard.drop.map(checkCidr), exempt: options.guard.exempt.map(checkCidr) } : undefined;
    // Nothing ensure does before the hooks (sets made, the guard's refilled) changes a ruleset: both families' rules
    // are asked for now, beside the sets' headers, instead of one process after the other.
    const listings = { 4: this.rulesOf(4), 6: this.rulesOf(6) };
    // a failure is reported where the listing is used; until then it must not count as unhandled
    for (const l of Object.values(listings)) l.catch(() => undefined);
    const headers = await this.ensureSets();
    if (guard) await this.fillGuardSets(guard);
    // The two families' rulesets are independent: side by side.
    await Promise.all(([4, 6] as const).map((family) => this.ensureHooks(family, wan, guard !== undefined, listings[family])));
    if (!guard) await this.dropGuardSets(headers);
    const notes: string[] = [];
    if (!wan.length) notes.push('no WAN interface configured: spoof bans are kept in their sets but drop nothing');
    if (options.guard && !wan.length) notes.push('the anti-spoofing guard needs a WAN interface: not installed');
    return { expires: true, ...(notes.length ? { note: notes.join('; ') } : {}) };
  }

  private guardNames(family: AddressFamily): { drop: string; exempt: string } {
    return { drop: this.guardSets[family], exempt: `${this.guardSets[family]}_exempt` };
  }

  /**
   * The guard's sets, refilled whole in one `ipset restore`: each is built under a temporary name and swapped in,
   * so the hooked set is never empty or half-filled, even for a moment.
   */
  private async fillGuardSets(guard: NonNullable<EnsureOptions['guard']>): Promise<void> {
    const lines: string[] = [];
    for (const family of [4, 6] as const) {
      const names = this.guardNames(family);
      const fam = family === 4 ? 'inet' : 'inet6';
      for (const [name, cidrs] of [[names.drop, guard.drop], [names.exempt, guard.exempt]] as const) {
        const tmp = `${name}_new`;
        lines.push(`create ${name} hash:net family ${fam}`, `create ${tmp} hash:net family ${fam}`, `flush ${tmp}`);
        for (const c of cidrs) if (c.includes(':') === (family === 6)) lines.push(`add ${tmp} ${c}`);
        lines.push(`swap ${tmp} ${name}`, `destroy ${tmp}`);
      }
    }
    await this.tool({ command: this.cmd.ipset, args: ['restore', '-exist'], input: `${lines.join('\n')}\n` });
  }

  /** A guard switched off: its sets go, once no hook refers to them. `headers`: the sets as ensure found them. */
  private async dropGuardSets(headers: ReadonlyMap<string, unknown>): Promise<void> {
    const names = ([4, 6] as const).flatMap((f) => Object.values(this.guardNames(f))).filter((n) => headers.has(n));
    if (names.length) await this.tool({ command: this.cmd.ipset, args: ['restore'], input: `${names.map((n) => `destroy ${n}`).join('\n')}\n` });
  }

  async apply(bans: readonly Ban[]): Promise<void> {
    // Validate the whole batch before building any text: one bad entry refuses all of it.
    const checked = bans.map((b) => checkBan(NAME, b));
    if (!checked.length) return;
    this.reading.drop();
    const lines = checked.map((b) => `add ${this.setName(b.kind, b.family)} ${b.address} timeout ${b.seconds}`);
    await this.tool({ command: this.cmd.ipset, args: ['restore', '-exist'], input: `${lines.join('\n')}\n` });
  }

  async remove(keys: readonly BanKey[]): Promise<void> {
    const checked = keys.map((k) => checkKey(NAME, k));
    if (!checked.length) return;
    this.reading.drop();
    const lines = checked.map((k) => `del ${this.setName(k.kind, k.family)} ${k.address}`);
    // -exist: deleting an entry that is not there (expired meanwhile) is no error.
    await this.tool({ command: this.cmd.ipset, args: ['restore', '-exist'], input: `${lines.join('\n')}\n` });
  }

  /**
   * `ipset list -o save SET` per set (small calls side by side, rather than saving every set of the host); right
   * after ensure(), only for the sets whose header showed entries.
   */
  async list(): Promise<KernelEntry[]> {
    const known = this.reading.take('entries')?.headers;
    const sets = [...this.byName.values()].filter((set) => known?.get(set.name)?.entries !== 0);
    const outputs = await Promise.all(
      sets.map(async (set) => ({ set, out: await this.tool({ command: this.cmd.ipset, args: ['list', '-o', 'save', set.name] }) })),
    );
    const entries: KernelEntry[] = [];
    for (const { set, out } of outputs) entries.push(...parseSave(set, out, `${this.cmd.ipset} list -o save ${set.name}`));
    return entries;
  }

  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Missing sets are created; present ones must be what we would have made (hash:ip, the family, a timeout),
   * otherwise our timed entries could not go in and we say so rather than destroy somebody's set.
   */
  private async ensureSets(): Promise<Map<string, SetHeader>> {
    const text = await this.tool({ command: this.cmd.ipset, args: ['list', '-t'] });
    const headers = parseSetHeaders(text);
    // what ensure writes next (sets created, guard sets refilled, hooks) changes no count of a ban or list set
    this.reading.keep({ text, headers });
    const create: string[] = [];
    for (const set of this.byName.values()) {
      const have = headers.get(set.name);
      if (!have) {
        create.push(`create ${set.name} hash:ip family ${set.family === 4 ? 'inet' : 'inet6'} timeout 0 maxelem ${this.maxelem}`);
        continue;
      }
      const family = /\bfamily (inet6?)\b/.exec(have.header)?.[1];
      const fits = have.type === 'hash:ip' && family === (set.family === 4 ? 'inet' : 'inet6') && /\btimeout \d+/.test(have.header);
      if (!fits) {
        throw new BackendError(
          `ipset: set ${set.name} exists as "${have.type} ${have.header}", not hash:ip family ${set.family === 4 ? 'inet' : 'inet6'} with timeout; ` +
            'rename ours in the config or remove that set (unhook it, then ipset destroy)',
          `${this.cmd.ipset} list -t`,
        );
      }
    }
    // -exist: a set created meanwhile by a concurrent run with the same definition is no error.
    if (create.length) await this.tool({ command: this.cmd.ipset, args: ['restore', '-exist'], input: `${create.join('\n')}\n` });
    return headers;
  }

  private rulesOf(family: AddressFamily): Promise<string> {
    return this.tool({ command: this.cmd.rules[family], args: ['-w', '-S'] });
  }

  /** From one `iptables -S` (`rules`), and (only when something differs) one `iptables-restore --noflush`. */
  private async ensureHooks(family: AddressFamily, wan: readonly string[], guarded: boolean, rules: Promise<string>): Promise<void> {
    const block = this.setName('block', family);
    const spoof = this.setName('spoof', family);
    const guard = this.guardNames(family);
    const guardMatch = `-m set --match-set ${guard.drop} src -m set ! --match-set ${guard.exempt} src`;
    const wanted: string[] = [];
    for (const chain of this.chains) {
      wanted.push(`${chain} -m set --match-set ${block} src -j DROP`);
      for (const w of wan) wanted.push(`${chain} -i ${w} -m set --match-set ${spoof} src -j DROP`);
      if (guarded) for (const w of wan) wanted.push(`${chain} -i ${w} ${guardMatch} -j DROP`);
    }
    const listing = await rules;
    // Ours are exactly the shapes we write (a chain, maybe -i, our set, DROP); an administrator's own rule that
    // mentions our set (a LOG, a counter) is not ours and stays.
    const shape = new RegExp(
      `^-A (INPUT|FORWARD) (-i \\S+ )?(-m set --match-set (${escape(block)}|${escape(spoof)}) src|${escape(guardMatch)}) -j DROP$`,
    );
    const ours = listing
      .split('\n')
      .filter((l) => shape.test(l))
      .map((l) => l.slice(3));
    const count = new Map<string, number>();
    for (const rule of ours) count.set(rule, (count.get(rule) ?? 0) + 1);
    const deletes: string[] = [];
    const inserts: string[] = [];
    for (const [rule, n] of count) {
      // Not wanted any more (an old WAN interface, a chain left out): every copy goes.
      if (!wanted.includes(rule)) deletes.push(...Array<string>(n).fill(rule));
      // A duplicate: `-D` by rule text removes the first copy, which could leave ours below an administrator's
      // rule; so every copy goes and one comes back at the top (by text, not by number: a concurrent change to
      // the chain cannot make us delete somebody else's rule).
      else if (n > 1) {
        deletes.push(...Array<string>(n).fill(rule));
        inserts.push(rule);
      }
    }
    for (const rule of wanted) if (!count.has(rule)) inserts.push(rule);
    if (!deletes.length && !inserts.length) return;
    // -I puts each at the top, so the last inserted ends first: reverse keeps the wanted order.
    const lines = ['*filter', ...deletes.map((r) => `-D ${r}`), ...inserts.reverse().map((r) => `-I ${r}`), 'COMMIT', ''];
    await this.tool({ command: this.cmd.restore[family], args: ['-w', '--noflush'], input: lines.join('\n') });
  }

  private tool(call: ToolCall): Promise<string> {
    return runTool(this.run, call);
  }

}

function escape(name: string): string {
  return name.replace(/[.\\^$*+?()[\]{}|-]/g, '\\$&');
}

/**
 * `ipset list -o save SET`: a `create` line, then `add SET ADDR timeout N` per entry (N is the time left, in whole
 * seconds, rounded down). Anything else is a malformed answer: better one clear error than a silently short list.
 */
function parseSave(set: SetInfo, text: string, command: string): KernelEntry[] {
  const out: KernelEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(`create ${set.name} `)) continue;
    const m = /^add (\S+) (\S+)(?: timeout (\d+))?$/.exec(line);
    const parsed = m && m[1] === set.name ? parseAddress(m[2]) : undefined;
    if (!m || !parsed || parsed.family !== set.family) {
      throw new BackendError(`${command}: unexpected line in the answer: ${line.slice(0, 120)}`, command, text.slice(0, 2000));
    }
    out.push({ address: parsed.address, family: parsed.family, kind: set.kind, ...(m[3] !== undefined ? { secondsLeft: Number(m[3]) } : {}) });
  }
  return out;
}

/**
 * The nftables backend: a table `inet <table>` of our own with four sets (`type ipv4_addr`/`ipv6_addr; flags
 * timeout;`, no default timeout: each element carries its ban's) and base chains that drop their members.
 *
 * - Hooks: base chains `input` and `forward` (FORWARD for the same reason as the ipset backend: on a router the
 *   hosts behind it are probed too, and a forged WAN source is as forged on its way to the LAN), at priority
 *   `filter - 10`, so our drops come before iptables-nft's filter table (priority 0) and firewalld's chains
 *   (filter + 10): a banned scanner stops filling the administrator's LOG rule. Any base chain can drop a packet
 *   whatever another accepted, so the priority is about order and logging, never about who wins.
 *   Block sets: `ip saddr @block4 drop`; spoof sets: `iifname { "wan0", ... } ip saddr @spoof4 drop` (iifname, not
 *   iif, so a rule may name a ppp or VPN interface that comes up later).
 * - ensure() first reads the table (`nft -j list table`, which the run needs anyway to reconcile: list() and the
 *   blocklists' look-up take that answer instead of asking again). When our sets and chains are there as wanted, it
 *   writes nothing: each rule of ours carries a comment with a hash of everything the transaction below is made
 *   from (names, hooks, WAN, guard ranges), and the chains must hold exactly those rules. Otherwise (no table: a
 *   reboot or a firewall reload; a changed config; a rule taken away or added by hand) it is one `nft -f -`
 *   transaction: `add table`/`add set` (no-ops when present), and each chain replaced whole (`add chain; flush
 *   chain; delete chain; add chain {hook}; add rule...`), so a changed WAN list, a changed chain list or an old
 *   definition with another priority (which `add chain` alone refuses: "Operation not supported") all converge, and
 *   the rules are never duplicated. The transaction is atomic: no packet sees an empty chain. A set of the same name
 *   but another type is refused by the kernel ("File exists") and reported. Replacing base chains costs the kernel
 *   a hook unregistration each (most of a 15-20 ms `nft -f`), which is why an unchanged table is left alone.
 * - apply() is one transaction: per set, `add element {…}`, `delete element {…}`, `add element {… timeout Ns}`.
 *   Before Linux 6.12 re-adding an element does not refresh its expiry, so a ban extended by a plain add would
 *   expire on the old time; deleting and adding in the same transaction does refresh it, and the first add makes the
 *   delete safe for absent elements (nft 1.0.6 has no `destroy`). remove() is the add + delete half.
 * - list() is one `nft -j list table`, reading each element's `expires` (whole seconds left), or the answer ensure()
 *   just read when nothing was written since (see ensure-reading.ts).
 */
import { createHash } from 'node:crypto';
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
import { NftBlocklists } from './blocklist-nft.js';
import type { Runner } from './runner.js';
import { EnsureReading } from './ensure-reading.js';
import { nftJsonItems, runTool, shown, unexpectedAnswer, type ToolCall } from './tool.js';
import { checkBan, checkCidr, checkInterface, checkKey, checkName, keyString } from './validate.js';
import type { SetNames } from './ipset.js';

export const DEFAULT_NFT_NAMES: SetNames = { block4: 'block4', block6: 'block6', spoof4: 'spoof4', spoof6: 'spoof6' };

export type NftHook = 'input' | 'forward';

export interface NftablesOptions {
  readonly runner: Runner;
  /** The inet table of our own (default `portcullis`). */
  readonly table?: string;
  readonly sets?: Partial<SetNames>;
  /** Hooks that get a base chain (default input and forward); a hook left out has its chain of ours removed. */
  readonly hooks?: readonly NftHook[];
  /** The anti-spoofing guard's sets (default guard4, guard6); their exemptions are `<name>_exempt`. */
  readonly guardSets?: { readonly guard4?: string; readonly guard6?: string };
  /** The nft executable (tests point it at a missing name). */
  readonly nftCmd?: string;
}

const NAME = 'nftables';
/** nft identifiers: a letter, then letters, digits and `_` (a `-` would need quoting in the ruleset). */
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const ALL_HOOKS: readonly NftHook[] = ['input', 'forward'];
/** `filter - 10`: see the module comment. */
const PRIORITY = 'filter - 10';

interface SetInfo {
  readonly name: string;
  readonly kind: BanKind;
  readonly family: AddressFamily;
}

/** The parts of `nft -j list table` we read. */
interface NftJsonSet {
  name?: unknown;
  table?: unknown;
  family?: unknown;
  type?: unknown;
  flags?: unknown;
  elem?: unknown;
}

interface NftJsonChain {
  name?: unknown;
  table?: unknown;
  family?: unknown;
  type?: unknown;
  hook?: unknown;
  prio?: unknown;
  policy?: unknown;
}

interface NftJsonRule {
  chain?: unknown;
  table?: unknown;
  family?: unknown;
  comment?: unknown;
}

/** `filter - 10` as nft -j prints a base chain's priority. */
const PRIORITY_NUMBER = -10;
export class NftablesBackend implements Backend {
  readonly name = NAME;
  readonly table: string;
  readonly sets: SetNames;
  readonly hooks: readonly NftHook[];
  readonly guardSets: Readonly<Record<AddressFamily, string>>;
  private readonly run: Runner;
  private readonly nft: string;
  private readonly byName: Map<string, SetInfo>;
  readonly blocklists: NftBlocklists;
  /** ensure()'s `nft -j list table`, for list() (reconcile) and the blocklists' set names. */
  private readonly reading = new EnsureReading<readonly unknown[]>();

  constructor(options: NftablesOptions) {
    this.run = options.runner;
    this.nft = options.nftCmd ?? 'nft';
    this.table = checkName(NAME, 'table', options.table ?? 'portcullis', 64, IDENT);
    const sets = { ...DEFAULT_NFT_NAMES, ...options.sets };
    for (const [what, name] of Object.entries(sets)) checkName(NAME, `set (${what})`, name, 64, IDENT);
    if (new Set(Object.values(sets)).size !== 4) throw new Error(`${NAME}: the four set names must differ: ${Object.values(sets).join(', ')}`);
    this.sets = sets;
    this.guardSets = {
      4: checkName(NAME, 'set (guard4)', options.guardSets?.guard4 ?? 'guard4', 56, IDENT),
      6: checkName(NAME, 'set (guard6)', options.guardSets?.guard6 ?? 'guard6', 56, IDENT),
    };
    const all = [...Object.values(sets), this.guardSets[4], this.guardSets[6]];
    if (new Set(all).size !== 6) throw new Error(`${NAME}: the set names must differ: ${all.join(', ')}`);
    this.hooks = options.hooks ?? ALL_HOOKS;
    for (const h of this.hooks) if (!ALL_HOOKS.includes(h)) throw new Error(`${NAME}: hook must be input or forward: ${String(h)}`);
    this.byName = new Map(
      (['block', 'spoof'] as const).flatMap((kind) => ([4, 6] as const).map((family): [string, SetInfo] => {
        const name = this.setName(kind, family);
        return [name, { name, kind, family }];
      })),
    );
    this.blocklists = new NftBlocklists({
      runner: this.run,
      table: this.table,
      hooks: this.hooks,
      nftCmd: this.nft,
      known: () => this.reading.take('sets'),
      changed: () => {
        this.reading.drop();
      },
    });
  }

  setName(kind: BanKind, family: AddressFamily): string {
    return this.sets[`${kind}${family}`];
  }

  /**
   * The comment every rule of ours carries: a hash of everything ensureScript() is made from, so a table whose rules
   * all carry it (and no others) is the one the script would build.
   */
  private ensureTag(wan: readonly string[], guard?: EnsureOptions['guard']): string {
    const made = JSON.stringify([ENSURE_VERSION, this.table, this.sets, this.guardSets, this.hooks, wan, guard ?? null]);
    return `portcullis ${createHash('sha256').update(made).digest('hex').slice(0, 16)}`;
  }

  /** The ruleset text ensure() sends (also what dry-run prints). */
  ensureScript(wan: readonly string[], guard?: EnsureOptions['guard'], ruleTag = this.ensureTag(wan, guard)): string {
    const t = `inet ${this.table}`;
    const tag = ` comment "${ruleTag}"`;
    const lines = [`add table ${t}`];
    for (const set of this.byName.values()) lines.push(`add set ${t} ${set.name} { type ${set.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags timeout; }`);
    const guarded = guard !== undefined && wan.length > 0;
    const guardSets = ([4, 6] as const).flatMap((family) => [
      { family, name: this.guardSets[family], cidrs: guard?.drop ?? [] },
      { family, name: `${this.guardSets[family]}_exempt`, cidrs: guard?.exempt ?? [] },
    ]);
    const guardSetLine = (g: (typeof guardSets)[number]): string =>
      `add set ${t} ${g.name} { type ${g.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval; auto-merge; }`;
    if (guarded) {
      for (const g of guardSets) {
        // refilled whole each time: the registries or the WAN's networks may have changed
        lines.push(guardSetLine(g), `flush set ${t} ${g.name}`);
        const elements = g.cidrs.filter((c) => c.includes(':') === (g.family === 6));
        if (elements.length) lines.push(`add element ${t} ${g.name} { ${elements.join(', ')} }`);
      }
    }
    for (const hook of ALL_HOOKS) {
      // Replace the chain whole: converges from any earlier definition (see the module comment).
      lines.push(`add chain ${t} ${hook}`, `flush chain ${t} ${hook}`, `delete chain ${t} ${hook}`);
      if (!this.hooks.includes(hook)) continue;
      lines.push(`add chain ${t} ${hook} { type filter hook ${hook} priority ${PRIORITY}; policy accept; }`);
      lines.push(`add rule ${t} ${hook} ip saddr @${this.setName('block', 4)} drop${tag}`);
      lines.push(`add rule ${t} ${hook} ip6 saddr @${this.setName('block', 6)} drop${tag}`);
      if (wan.length) {
        const ifs = `iifname { ${wan.map((w) => `"${w}"`).join(', ')} }`;
        lines.push(`add rule ${t} ${hook} ${ifs} ip saddr @${this.setName('spoof', 4)} drop${tag}`);
        lines.push(`add rule ${t} ${hook} ${ifs} ip6 saddr @${this.setName('spoof', 6)} drop${tag}`);
        if (guarded) {
          // counted: `nft list chain` then shows what the guard dropped
          lines.push(`add rule ${t} ${hook} ${ifs} ip saddr @${this.guardSets[4]} ip saddr != @${this.guardSets[4]}_exempt counter drop${tag}`);
          lines.push(`add rule ${t} ${hook} ${ifs} ip6 saddr @${this.guardSets[6]} ip6 saddr != @${this.guardSets[6]}_exempt counter drop${tag}`);
        }
      }
    }
    // a guard switched off: its sets go too (no rule refers to them any more, the chains were just rebuilt)
    if (!guarded) for (const g of guardSets) lines.push(guardSetLine(g), `delete set ${t} ${g.name}`);
    return `${lines.join('\n')}\n`;
  }

  async ensure(options: EnsureOptions): Promise<Capabilities> {
    const wan = options.wan.map((w) => checkInterface(NAME, w));
    const guard = options.guard && { drop: options.guard.drop.map(checkCidr), exempt: options.guard.exempt.map(checkCidr) };
    const tag = this.ensureTag(wan, guard);
    const script = this.ensureScript(wan, guard, tag);
    const items = await this.readTable();
    if (items && this.inShape(items, script, tag, guard !== undefined && wan.length > 0)) {
      this.reading.keep(items);
    } else {
      await this.transaction(script);
    }
    const notes: string[] = [];
    if (!wan.length) notes.push('no WAN interface configured: spoof bans are kept in their sets but drop nothing');
    if (guard && !wan.length) notes.push('the anti-spoofing guard needs a WAN interface: not installed');
    return { expires: true, ...(notes.length ? { note: notes.join('; ') } : {}) };
  }

  async apply(bans: readonly Ban[]): Promise<void> {
    // Validate the whole batch before building any text: one bad entry refuses all of it.
    const checked = bans.map((b) => checkBan(NAME, b));
    // The newest ban of an address wins; a key twice in one element list would make the transaction fail.
    const unique = [...new Map(checked.map((b) => [keyString(b), b])).values()];
    if (!unique.length) return;
    const lines: string[] = [];
    for (const [set, group] of this.bySet(unique)) {
      const timed = group.map((b) => `${b.address} timeout ${b.seconds}s`).join(', ');
      lines.push(`add element inet ${this.table} ${set} { ${timed} }`);
      lines.push(`delete element inet ${this.table} ${set} { ${group.map((b) => b.address).join(', ')} }`);
      lines.push(`add element inet ${this.table} ${set} { ${timed} }`);
    }
    await this.transaction(`${lines.join('\n')}\n`);
  }

  async remove(keys: readonly BanKey[]): Promise<void> {
    const checked = keys.map((k) => checkKey(NAME, k));
    const unique = [...new Map(checked.map((k) => [keyString(k), k])).values()];
    if (!unique.length) return;
    const lines: string[] = [];
    for (const [set, group] of this.bySet(unique)) {
      const list = group.map((k) => k.address).join(', ');
      // add first: deleting an absent element (expired meanwhile) would fail the whole transaction.
      lines.push(`add element inet ${this.table} ${set} { ${list} }`, `delete element inet ${this.table} ${set} { ${list} }`);
    }
    await this.transaction(`${lines.join('\n')}\n`);
  }

  async list(): Promise<KernelEntry[]> {
    const items = this.reading.take('entries') ?? parseTable(this.listCall, await runTool(this.run, this.listCall));
    const bad = (why: string): BackendError => new BackendError(`${shown(this.listCall)}: unexpected answer: ${why}`, shown(this.listCall));
    const out: KernelEntry[] = [];
    for (const item of items as unknown[]) {
      const set = (item as { set?: NftJsonSet } | null)?.set;
      if (!set || set.table !== this.table || set.family !== 'inet' || typeof set.name !== 'string') continue;
      const info = this.byName.get(set.name);
      if (!info || set.elem === undefined) continue;
      if (!Array.isArray(set.elem)) throw bad(`set ${set.name}: "elem" is not an array`);
      for (const e of set.elem as unknown[]) out.push(parseElement(info, e, bad));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private bySet<T extends BanKey>(items: readonly T[]): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const it of items) {
      const set = this.setName(it.kind, it.family);
      const group = groups.get(set);
      if (group) group.push(it);
      else groups.set(set, [it]);
    }
    return groups;
  }

  private get listCall(): ToolCall {
    return { command: this.nft, args: ['-j', 'list', 'table', 'inet', this.table] };
  }

  /**
   * The table as nft -j lists it; undefined when it cannot be read (no table yet, no nft, a dry run without a
   * kernel to ask): ensure() then sends its transaction, which creates what is missing or reports the problem.
   */
  private async readTable(): Promise<unknown[] | undefined> {
    try {
      const text = await runTool(this.run, this.listCall);
      return text.trim() ? parseTable(this.listCall, text) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * True when the table holds what `script` would make: our four sets with their type and timeouts, the guard's sets
   * exactly when guarded, a base chain at our priority for each hook of ours and none for the others, and in each
   * chain exactly the script's rules, every one with `tag` (whose hash covers the WAN names and the guard's ranges).
   */
  private inShape(items: readonly unknown[], script: string, tag: string, guarded: boolean): boolean {
    const ours = (o: { table?: unknown; family?: unknown } | undefined): boolean => o?.table === this.table && o.family === 'inet';
    const sets = new Map<string, NftJsonSet>();
    const chains = new Map<string, NftJsonChain>();
    const rules = new Map<string, NftJsonRule[]>();
    for (const item of items) {
      const i = item as { set?: NftJsonSet; chain?: NftJsonChain; rule?: NftJsonRule } | null;
      if (ours(i?.set) && typeof i!.set!.name === 'string') sets.set(i!.set!.name, i!.set!);
      else if (ours(i?.chain) && typeof i!.chain!.name === 'string') chains.set(i!.chain!.name, i!.chain!);
      else if (ours(i?.rule) && typeof i!.rule!.chain === 'string') rules.set(i!.rule!.chain, [...(rules.get(i!.rule!.chain) ?? []), i!.rule!]);
    }
    for (const set of this.byName.values()) {
      const s = sets.get(set.name);
      const flags = Array.isArray(s?.flags) ? s.flags : [];
      if (s?.type !== (set.family === 4 ? 'ipv4_addr' : 'ipv6_addr') || flags.length !== 1 || flags[0] !== 'timeout') return false;
    }
    const guardNames = ([4, 6] as const).flatMap((f) => [this.guardSets[f], `${this.guardSets[f]}_exempt`]);
    if (!guardNames.every((n) => sets.has(n) === guarded)) return false;
    // without a chain, no rule carries the tag that vouches for the guard's ranges
    if (guarded && !this.hooks.length) return false;
    const t = `inet ${this.table}`;
    for (const hook of ALL_HOOKS) {
      const chain = chains.get(hook);
      if (!this.hooks.includes(hook)) {
        if (chain || rules.has(hook)) return false;
        continue;
      }
      if (chain?.type !== 'filter' || chain.hook !== hook || chain.prio !== PRIORITY_NUMBER || chain.policy !== 'accept') return false;
      const want = script.split('\n').filter((l) => l.startsWith(`add rule ${t} ${hook} `)).length;
      const have = rules.get(hook) ?? [];
      if (have.length !== want || !have.every((r) => r.comment === tag)) return false;
    }
    return true;
  }

  private async transaction(script: string): Promise<void> {
    this.reading.drop();
    await runTool(this.run, { command: this.nft, args: ['-f', '-'], input: script });
  }
}

/** Bumped when ensureScript() changes what it builds for the same inputs, so tables made by older code are rebuilt. */
const ENSURE_VERSION = 1;

/** The items of `nft -j list ...`; a BackendError naming the command when the answer is not what nft prints. */
function parseTable(call: ToolCall, text: string): unknown[] {
  const items = nftJsonItems(call, text);
  if (!items) throw unexpectedAnswer(call, text, 'no "nftables" array');
  return items;
}

/** One element of `nft -j`: a bare address (no timeout) or `{elem: {val, timeout, expires}}`. */
function parseElement(set: SetInfo, e: unknown, bad: (why: string) => BackendError): KernelEntry {
  const inner = typeof e === 'object' && e !== null && 'elem' in e ? (e as { elem: unknown }).elem : e;
  const val = typeof inner === 'string' ? inner : (inner as { val?: unknown } | null)?.val;
  const expires = typeof inner === 'object' && inner !== null ? (inner as { expires?: unknown }).expires : undefined;
  const parsed = typeof val === 'string' ? parseAddress(val) : undefined;
  if (!parsed || parsed.family !== set.family) throw bad(`set ${set.name}: element ${JSON.stringify(e).slice(0, 120)}`);
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isFinite(expires) || expires < 0)) {
    throw bad(`set ${set.name}: expires ${JSON.stringify(expires)}`);
  }
  return { address: parsed.address, family: parsed.family, kind: set.kind, ...(typeof expires === 'number' ? { secondsLeft: expires } : {}) };
}

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
 * - ensure() is one `nft -f -` transaction: `add table`/`add set` (no-ops when present), and each chain replaced
 *   whole (`add chain; flush chain; delete chain; add chain {hook}; add rule...`), so a changed WAN list, a changed
 *   chain list or an old definition with another priority (which `add chain` alone refuses: "Operation not
 *   supported") all converge, and the rules are never duplicated. The transaction is atomic: no packet sees an
 *   empty chain. A set of the same name but another type is refused by the kernel ("File exists") and reported.
 * - apply() is one transaction: per set, `add element {…}`, `delete element {…}`, `add element {… timeout Ns}`.
 *   Before Linux 6.12 re-adding an element does not refresh its expiry, so a ban extended by a plain add would
 *   expire on the old time; deleting and adding in the same transaction does refresh it, and the first add makes the
 *   delete safe for absent elements (nft 1.0.6 has no `destroy`). remove() is the add + delete half.
 * - list() is one `nft -j list table`, reading each element's `expires` (whole seconds left).
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
import { NftBlocklists } from './blocklist-nft.js';
import type { Runner } from './runner.js';
import { runTool, shown, type ToolCall } from './tool.js';
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
  elem?: unknown;
}

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
    this.blocklists = new NftBlocklists({ runner: this.run, table: this.table, hooks: this.hooks, nftCmd: this.nft });
  }

  setName(kind: BanKind, family: AddressFamily): string {
    return this.sets[`${kind}${family}`];
  }

  /** The ruleset text ensure() sends (also what dry-run prints). */
  ensureScript(wan: readonly string[], guard?: EnsureOptions['guard']): string {
    const t = `inet ${this.table}`;
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
      lines.push(`add rule ${t} ${hook} ip saddr @${this.setName('block', 4)} drop`);
      lines.push(`add rule ${t} ${hook} ip6 saddr @${this.setName('block', 6)} drop`);
      if (wan.length) {
        const ifs = `iifname { ${wan.map((w) => `"${w}"`).join(', ')} }`;
        lines.push(`add rule ${t} ${hook} ${ifs} ip saddr @${this.setName('spoof', 4)} drop`);
        lines.push(`add rule ${t} ${hook} ${ifs} ip6 saddr @${this.setName('spoof', 6)} drop`);
        if (guarded) {
          // counted: `nft list chain` then shows what the guard dropped
          lines.push(`add rule ${t} ${hook} ${ifs} ip saddr @${this.guardSets[4]} ip saddr != @${this.guardSets[4]}_exempt counter drop`);
          lines.push(`add rule ${t} ${hook} ${ifs} ip6 saddr @${this.guardSets[6]} ip6 saddr != @${this.guardSets[6]}_exempt counter drop`);
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
    await this.transaction(this.ensureScript(wan, guard));
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
    const call: ToolCall = { command: this.nft, args: ['-j', 'list', 'table', 'inet', this.table] };
    const text = await runTool(this.run, call);
    const bad = (why: string): BackendError => new BackendError(`${shown(call)}: unexpected answer: ${why}`, shown(call), text.slice(0, 2000));
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw bad('not JSON');
    }
    const items = (doc as { nftables?: unknown }).nftables;
    if (!Array.isArray(items)) throw bad('no "nftables" array');
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

  private async transaction(script: string): Promise<void> {
    await runTool(this.run, { command: this.nft, args: ['-f', '-'], input: script });
  }
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

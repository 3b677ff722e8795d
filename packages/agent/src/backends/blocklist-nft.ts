/**
 * Blocklists for the nftables backend, in the backend's own `inet` table: per list and family an interval set
 * `list_<name>4` / `list_<name>6` (`flags interval, timeout`), dropped by base chains of their own,
 * `lists_input` and `lists_forward` (priority filter - 11). Own chains, because the ban backend's ensure()
 * rebuilds its `input`/`forward` chains whole every run and would take list rules with it.
 *
 * replace() loads the content in one `nft -f` transaction: `flush set` and the new elements together, so the kernel
 * switches from the old content to the new in one commit (a packet never meets an empty set). The sets are made
 * beforehand by a small transaction of their own (`add table`, `add set`: no-ops when present, and an empty new set
 * blocks nothing yet): 100,000 elements into a set created in the same transaction cost the kernel twice the time
 * (1.0 s against 0.45 s of system time, kernel 6.18, nft 1.0.6; bench/README.md). Each element carries its own
 * `timeout` rather than the set a default one: a set's definition cannot change while a rule refers to it, and a
 * per-element timeout lets the refresh interval change freely (a set-wide timeout saved only 0.07 s of nft's parse).
 */
import { BackendError } from './backend.js';
import { checkListEntries, checkListName, type BlocklistInfo, type BlocklistLoad, type BlocklistOps } from './blocklist.js';
import type { Runner } from './runner.js';
import { nftJsonItems, runTool, type ToolCall } from './tool.js';
import { checkSeconds } from './validate.js';

export interface NftListOptions {
  readonly runner: Runner;
  readonly table: string;
  readonly hooks: readonly ('input' | 'forward')[];
  readonly nftCmd?: string;
  /** The table as the backend's ensure() just listed it (nft -j items), when still good for one look (nftables.ts). */
  readonly known?: () => readonly unknown[] | undefined;
  /** Called before each write to the table, so the backend drops a listing that no longer holds. */
  readonly changed?: () => void;
}

const NAME = 'nftables';
const OURS = /^list_([a-z][a-z0-9_]{0,19})([46])$/;
/** Before the ban chains (filter - 10): order only matters for which counter sees a packet first. */
const PRIORITY = 'filter - 11';

export class NftBlocklists implements BlocklistOps {
  private readonly nft: string;

  constructor(private readonly options: NftListOptions) {
    this.nft = options.nftCmd ?? 'nft';
  }

  static setName(name: string, family: 4 | 6): string {
    return `list_${name}${family}`;
  }

  private setLine(set: string, family: 4 | 6): string {
    return `add set inet ${this.options.table} ${set} { type ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval, timeout; }`;
  }

  /** The list's two sets, made if missing (the first of replace()'s two transactions; changes no content). */
  setsScript(name: string): string {
    const n = checkListName(NAME, name);
    const t = `inet ${this.options.table}`;
    return `${[`add table ${t}`, ...([4, 6] as const).map((f) => this.setLine(NftBlocklists.setName(n, f), f))].join('\n')}\n`;
  }

  /** The atomic transaction replace() sends after setsScript() (also what a dry run prints). */
  replaceScript(list: BlocklistLoad): string {
    const name = checkListName(NAME, list.name);
    const seconds = checkSeconds(NAME, `list ${name}`, list.seconds);
    const entries = checkListEntries(NAME, list);
    const t = `inet ${this.options.table}`;
    const lines: string[] = [];
    for (const family of [4, 6] as const) {
      const set = NftBlocklists.setName(name, family);
      lines.push(`flush set ${t} ${set}`);
      const cidrs = entries[`v${family}`];
      // in slices of 2,000 (all still one transaction): 500 to 100,000 per line measured the same in nft 1.0.6
      for (let i = 0; i < cidrs.length; i += 2000) {
        lines.push(`add element ${t} ${set} { ${cidrs.slice(i, i + 2000).map((c) => `${c} timeout ${seconds}s`).join(', ')} }`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  async replace(list: BlocklistLoad): Promise<void> {
    const script = this.replaceScript(list);
    this.options.changed?.();
    await runTool(this.options.runner, { command: this.nft, args: ['-f', '-'], input: this.setsScript(list.name) });
    await runTool(this.options.runner, { command: this.nft, args: ['-f', '-'], input: script });
  }

  async hook(names: readonly string[]): Promise<void> {
    const wanted = names.map((n) => checkListName(NAME, n));
    const t = `inet ${this.options.table}`;
    const present = await this.sets(false);
    const lines = [`add table ${t}`];
    for (const n of wanted) for (const f of [4, 6] as const) lines.push(this.setLine(NftBlocklists.setName(n, f), f));
    for (const hook of ['input', 'forward'] as const) {
      const chain = `lists_${hook}`;
      // replaced whole, like the ban chains: converges from any earlier list of lists
      lines.push(`add chain ${t} ${chain}`, `flush chain ${t} ${chain}`, `delete chain ${t} ${chain}`);
      if (!this.options.hooks.includes(hook) || !wanted.length) continue;
      lines.push(`add chain ${t} ${chain} { type filter hook ${hook} priority ${PRIORITY}; policy accept; }`);
      for (const n of wanted) {
        lines.push(`add rule ${t} ${chain} ip saddr @${NftBlocklists.setName(n, 4)} counter drop`);
        lines.push(`add rule ${t} ${chain} ip6 saddr @${NftBlocklists.setName(n, 6)} counter drop`);
      }
    }
    for (const s of present) {
      const m = OURS.exec(s);
      if (m && !wanted.includes(m[1]!)) lines.push(`delete set ${t} ${s}`);
    }
    this.options.changed?.();
    await runTool(this.options.runner, { command: this.nft, args: ['-f', '-'], input: `${lines.join('\n')}\n` });
  }

  async list(): Promise<BlocklistInfo[]> {
    const out: BlocklistInfo[] = [];
    for (const s of await this.sets(true)) {
      const m = OURS.exec(s);
      if (m) out.push({ name: m[1]!, family: Number(m[2]) as 4 | 6 });
    }
    return out;
  }

  /**
   * Our table's set names: `list sets table` with `-t` (no elements). Listing the table instead makes nft 1.0.6
   * fetch every element even with -t: 1.8 s for a 100,000-entry set against 45 ms. When the backend's ensure() has
   * just listed the table (it does each run), a look (`mayReuse`) takes its answer instead of a second `nft`; what
   * decides a write reads afresh.
   */
  private async sets(mayReuse: boolean): Promise<string[]> {
    const known = mayReuse ? this.options.known?.() : undefined;
    if (known) return this.ourSetNames(known);
    const call: ToolCall = { command: this.nft, args: ['-t', '-j', 'list', 'sets', 'table', 'inet', this.options.table] };
    let text: string;
    try {
      text = await runTool(this.options.runner, call);
    } catch (err) {
      // no table yet: no lists
      if (err instanceof BackendError && /No such file or directory/.test(err.stderr + err.message)) return [];
      throw err;
    }
    // a dry run without a kernel to ask answers reads with nothing: no sets yet
    if (!text.trim()) return [];
    return this.ourSetNames(nftJsonItems(call, text) ?? []);
  }

  private ourSetNames(items: readonly unknown[]): string[] {
    return items
      .map((i: unknown) => (i as { set?: { name?: unknown; table?: unknown } } | null)?.set)
      .filter((s): s is { name: string; table: unknown } => typeof s?.name === 'string' && s.table === this.options.table)
      .map((s) => s.name);
  }
}

/**
 * Blocklists for the ipset backend: per list and family a `hash:net` set `pcl_<name>4` / `pcl_<name>6` with a
 * default timeout (every entry added inherits it, so entries of a list that stops being refreshed expire),
 * hooked with `-m set --match-set SET src -j DROP` at the top of INPUT and FORWARD, like the ban sets.
 *
 * replace() is one `ipset restore`: the new content goes into `<set>_new`, then `swap` exchanges the two sets in
 * the kernel in one step (the hook refers to the name, and the name now has the new content), then the old content
 * is destroyed. A packet sees the old list or the new one, never an empty or half-filled set. The live set is
 * created only when missing, since `create` of an existing set with other parameters fails even with -exist;
 * swap only needs the same type and family, so a changed timeout or size takes effect through the new set.
 */
import { BackendError } from './backend.js';
import { checkListEntries, checkListName, type BlocklistInfo, type BlocklistLoad, type BlocklistOps } from './blocklist.js';
import type { Runner } from './runner.js';
import { parseSetHeaders } from './ipset-headers.js';
import { runTool } from './tool.js';
import { checkSeconds } from './validate.js';

export interface IpsetListOptions {
  readonly runner: Runner;
  readonly chains: readonly ('INPUT' | 'FORWARD')[];
  readonly ipsetCmd?: string;
  readonly iptablesCmd?: Record<4 | 6, string>;
  readonly restoreCmd?: Record<4 | 6, string>;
  /** `ipset list -t` as the backend's ensure() just read it, when still good for one look (ipset.ts). */
  readonly known?: () => string | undefined;
  /** Called before each write of ours, so the backend drops a reading that no longer holds. */
  readonly changed?: () => void;
}

const NAME = 'ipset';
const PREFIX = 'pcl_';
const OURS = /^pcl_([a-z][a-z0-9_]{0,19})([46])$/;

export class IpsetBlocklists implements BlocklistOps {
  private readonly ipset: string;
  private readonly rules: Record<4 | 6, string>;
  private readonly restore: Record<4 | 6, string>;

  constructor(private readonly options: IpsetListOptions) {
    this.ipset = options.ipsetCmd ?? 'ipset';
    this.rules = options.iptablesCmd ?? { 4: 'iptables', 6: 'ip6tables' };
    this.restore = options.restoreCmd ?? { 4: 'iptables-restore', 6: 'ip6tables-restore' };
  }

  static setName(name: string, family: 4 | 6): string {
    return `${PREFIX}${name}${family}`;
  }

  async replace(list: BlocklistLoad): Promise<void> {
    const name = checkListName(NAME, list.name);
    const seconds = checkSeconds(NAME, `list ${name}`, list.seconds);
    const entries = checkListEntries(NAME, list);
    const present = await this.headers(false);
    const lines: string[] = [];
    for (const family of [4, 6] as const) {
      const set = IpsetBlocklists.setName(name, family);
      const tmp = `${set}_new`;
      const cidrs = entries[`v${family}`];
      // room to grow between refreshes; ipset's default of 65536 would refuse a large list half-way
      const spec = `hash:net family ${family === 4 ? 'inet' : 'inet6'} timeout ${seconds} maxelem ${Math.max(65_536, 2 ** Math.ceil(Math.log2(cidrs.length + 1)))}`;
      const have = present.get(set);
      if (have && have.type !== 'hash:net') {
        throw new BackendError(`ipset: set ${set} exists as ${have.type}, not hash:net; remove it (unhook it, then ipset destroy)`, `${this.ipset} list -t`);
      }
      if (present.has(tmp)) lines.push(`destroy ${tmp}`);
      if (!have) lines.push(`create ${set} ${spec}`);
      lines.push(`create ${tmp} ${spec}`);
      for (const c of cidrs) lines.push(`add ${tmp} ${c}`);
      lines.push(`swap ${tmp} ${set}`, `destroy ${tmp}`);
    }
    this.options.changed?.();
    await runTool(this.options.runner, { command: this.ipset, args: ['restore', '-exist'], input: `${lines.join('\n')}\n` });
  }

  async hook(names: readonly string[]): Promise<void> {
    const wanted = new Set(names.map((n) => checkListName(NAME, n)));
    const present = await this.headers(false);
    for (const family of [4, 6] as const) {
      const listing = await runTool(this.options.runner, { command: this.rules[family], args: ['-w', '-S'] });
      const ours = listing
        .split('\n')
        .map((l) => /^-A (INPUT|FORWARD) -m set --match-set (pcl_[a-z0-9_]+) src -j DROP$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && OURS.test(m[2]!));
      const want = [...wanted].filter((n) => present.has(IpsetBlocklists.setName(n, family)));
      const deletes = ours.filter((m) => !want.some((n) => IpsetBlocklists.setName(n, family) === m[2])).map((m) => `-D ${m[0].slice(3)}`);
      const inserts: string[] = [];
      for (const n of want) {
        for (const chain of this.options.chains) {
          const rule = `${chain} -m set --match-set ${IpsetBlocklists.setName(n, family)} src -j DROP`;
          if (!ours.some((m) => m[0] === `-A ${rule}`)) inserts.push(`-I ${rule}`);
        }
      }
      if (deletes.length || inserts.length) {
        this.options.changed?.();
        await runTool(this.options.runner, {
          command: this.restore[family],
          args: ['-w', '--noflush'],
          input: ['*filter', ...deletes, ...inserts, 'COMMIT', ''].join('\n'),
        });
      }
    }
    // sets of lists no longer configured: unhooked above, now gone
    const stale = [...present.keys()].filter((s) => {
      const m = OURS.exec(s.replace(/_new$/, ''));
      return m !== null && (!wanted.has(m[1]!) || s.endsWith('_new'));
    });
    if (stale.length) {
      this.options.changed?.();
      await runTool(this.options.runner, { command: this.ipset, args: ['restore'], input: `${stale.map((s) => `destroy ${s}`).join('\n')}\n` });
    }
  }

  async list(): Promise<BlocklistInfo[]> {
    const out: BlocklistInfo[] = [];
    for (const [set, h] of await this.headers(true)) {
      const m = OURS.exec(set);
      if (m) out.push({ name: m[1]!, family: Number(m[2]) as 4 | 6, entries: h.entries });
    }
    return out;
  }

  /**
   * `ipset list -t`: our sets by name, with type and entry count. A look (`mayReuse`) may take the backend's ensure()
   * reading of it; what decides a write reads afresh.
   */
  private async headers(mayReuse: boolean): Promise<Map<string, { type: string; entries: number }>> {
    const text = (mayReuse ? this.options.known?.() : undefined) ?? (await runTool(this.options.runner, { command: this.ipset, args: ['list', '-t'] }));
    const sets = new Map<string, { type: string; entries: number }>();
    for (const [name, h] of parseSetHeaders(text)) if (name.startsWith(PREFIX)) sets.set(name, { type: h.type, entries: h.entries ?? 0 });
    return sets;
  }
}

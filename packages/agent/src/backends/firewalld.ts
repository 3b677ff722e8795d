/**
 * The firewalld backend: every change goes through `firewall-cmd` (argument arrays, via the Runner), so firewalld
 * stays the owner of the ruleset and a `firewall-cmd --reload` never fights with rules it does not know.
 *
 * Two strategies, chosen in ensure() from what the kernel really does (never from what the config claims):
 *
 * - `ipset` (firewalld on its iptables backend): firewalld defines hash:ip sets with `timeout` (permanent
 *   definitions, `--option=timeout=0`) and hooks them: the block sets are the sources of a zone of our own with
 *   target DROP (a source-bound zone wins over interface zones, so the block applies on every interface); the
 *   spoof sets sit in a rich rule of the WAN interfaces' zone only. firewall-cmd cannot give an entry a timeout of
 *   its own (`--add-entry='IP timeout 5'` is INVALID_ENTRY in 1.3.3), and firewalld does not track the entries of
 *   timeout sets anyway (`--get-entries` lists none), so entries go straight into the kernel set firewalld created,
 *   all of a batch in one `ipset restore`, each with its ban's timeout. Chosen only when `ipset list -t` shows the
 *   kernel set with a `timeout` in its header: then the kernel expires the entries.
 * - `rich-rules` (everything else, in particular the nftables backend, the default of 1.3.x, which creates its
 *   sets without the timeout flag: firewalld #699/#908, fixed in 2.1.0): runtime zone rich rules
 *   `rule priority="…" family=… source address=… drop` added with `--timeout=N`; firewalld's own timer removes
 *   them. Only zones: a policy's rich rule accepts `--timeout` and silently keeps the rule forever (seen in 1.3.3).
 *   A packet is handled by exactly one zone, so a block ban goes into every zone that can receive traffic (the
 *   active zones and the default zone); a spoof ban only into the zones of the WAN interfaces.
 *
 * Spoof bans: firewalld cannot match an interface in a rich rule, so "WAN only" means "in the zone the WAN
 * interface is bound to", which is only right when that zone holds nothing but WAN interfaces (no other
 * interface, no source, and not the default zone while some other interface is unbound). ensure() checks that;
 * otherwise spoof bans are refused with a sentence naming the fix, rather than cutting off a LAN.
 *
 * Runtime state: `--reload` or a restart of firewalld drops every runtime change (our rich rules, and the entries
 * of the kernel sets, which firewalld recreates empty). ensure() notices it through a marker entry in a set of our
 * own (runtime-only, so it vanishes with the rest) and says so; list() then returns nothing and the agent's
 * reconcile applies the active bans again with their remaining time.
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
import type { Runner } from './runner.js';
import { checkBan, checkKey } from './validate.js';

export type FirewalldStrategy = 'ipset' | 'rich-rules';

export interface FirewalldOptions {
  runner: Runner;
  /** Name stem of the sets and the zone we create ([a-z0-9], short: zone names become nftables chain names). */
  prefix?: string;
  /** The firewall-cmd executable (tests point it at a missing path). */
  firewallCmd?: string;
  /** The ipset executable, used only by the `ipset` strategy. */
  ipsetCmd?: string;
}

/** What ensure() found, for the agent's verbose output and for tests. */
export interface FirewalldReport {
  strategy: FirewalldStrategy;
  version: string;
  /** Which firewalld backend the kernel shows ('unknown' when neither an ipset nor an nft set was found). */
  backend: 'iptables' | 'nftables' | 'unknown';
  /** True when firewalld's runtime state was empty of ours: first run, or a reload/restart since the last run. */
  runtimeReset: boolean;
  /** Zones that receive block bans (rich-rules strategy); the ipset strategy uses its own zone. */
  blockZones: string[];
  /** Zones that receive spoof bans; empty when the WAN interfaces have no zone of their own. */
  spoofZones: string[];
  /** Why spoof bans are refused, when they are. */
  spoofProblem?: string;
}

/**
 * Rich-rule priorities that mark a rule as ours (and say which kind): list() and remove() touch only rules with
 * these, so a hand-written `source address=… drop` of the administrator is never listed nor removed. Negative
 * priorities also put the drop before the zone's services.
 */
const PRIORITY: Record<BanKind, number> = { block: -32001, spoof: -32002 };
/** The marker entry: a documentation address in an unhooked set, so it filters nothing. */
const MARKER = '192.0.2.0';

interface ZoneInfo {
  name: string;
  isDefault: boolean;
  active: boolean;
  interfaces: string[];
  sources: string[];
  richRules: string[];
}

interface Plan {
  report: FirewalldReport;
}

export class FirewalldBackend implements Backend {
  readonly name = 'firewalld';
  private readonly run: Runner;
  private readonly cmd: string;
  private readonly ipsetCmd: string;
  private readonly prefix: string;
  private plan?: Plan;

  constructor(options: FirewalldOptions) {
    this.run = options.runner;
    this.cmd = options.firewallCmd ?? 'firewall-cmd';
    this.ipsetCmd = options.ipsetCmd ?? 'ipset';
    this.prefix = options.prefix ?? 'portcullis';
    if (!/^[a-z0-9]{1,10}$/.test(this.prefix)) throw new Error(`firewalld: prefix must match [a-z0-9]{1,10}: ${this.prefix}`);
  }

  /** The last ensure()'s findings (undefined before the first). */
  get report(): FirewalldReport | undefined {
    return this.plan?.report;
  }

  setName(kind: BanKind, family: AddressFamily): string {
    return `${this.prefix}-${kind}${family}`;
  }

  private get zoneName(): string {
    return `${this.prefix}-block`;
  }

  private get markerSet(): string {
    return `${this.prefix}-mark`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  async ensure(options: EnsureOptions): Promise<Capabilities> {
    const state = await this.fw(['--state']).catch((e: unknown) => {
      // Any failure of --state (exit 252 "not running", no D-Bus) is the one sentence; a missing binary stays itself.
      throw e instanceof BackendError && / not installed /.test(e.message) ? e : this.notRunning(e);
    });
    if (state.trim() !== 'running') throw new BackendError(`firewalld is not running (state: ${state.trim()})`, 'firewall-cmd --state');
    // Read-only questions in parallel: each firewall-cmd is a Python start of about 0.3 s.
    const [versionOut, setsOut, zonesOut, nftTables] = await Promise.all([
      this.fw(['--version']),
      this.fw(['--permanent', '--get-ipsets']),
      this.fw(['--permanent', '--get-zones']),
      this.run('nft', ['list', 'tables']).then((r) => r.stdout, () => ''),
    ]);
    const version = versionOut.trim();
    const nftablesBackend = /^table inet firewalld$/m.test(nftTables);

    // Permanent definitions (firewalld refuses timeout sets at runtime), all before one reload that makes them live.
    // The timeout sets are created on every backend: on nftables their kernel form is the evidence (no timeout flag).
    const permanentSets = new Set(words(setsOut));
    const wanted: Array<[string, string[]]> = [];
    for (const kind of ['block', 'spoof'] as const) {
      for (const family of [4, 6] as const) {
        wanted.push([this.setName(kind, family), [`--option=family=${family === 4 ? 'inet' : 'inet6'}`, '--option=timeout=0']]);
      }
    }
    // The marker set has no timeout: firewalld then tracks its runtime entries (`--get-entries` works).
    wanted.push([this.markerSet, ['--option=family=inet']]);
    // One definition per call (firewall-cmd takes one --new-ipset), the calls side by side (first run only).
    const missingSets = wanted.filter(([name]) => !permanentSets.has(name));
    await Promise.all(missingSets.map(([name, opts]) => this.fw(['--permanent', `--new-ipset=${name}`, '--type=hash:ip', ...opts])));
    let reload = missingSets.length > 0;
    // Our drop zone, bound by the block sets as sources (a source zone wins over interface zones, so the drop holds
    // on every interface). Not on the nftables backend, whose sets would never expire; the ipset check below still
    // decides whether the zone's sets are used at all.
    let haveZone = words(zonesOut).includes(this.zoneName);
    if (!nftablesBackend && !haveZone) {
      await this.fw(['--permanent', `--new-zone=${this.zoneName}`]);
      await this.fw(['--permanent', `--zone=${this.zoneName}`, '--set-target=DROP']);
      await this.fw(['--permanent', `--zone=${this.zoneName}`, ...([4, 6] as const).map((f) => `--add-source=ipset:${this.setName('block', f)}`)]);
      haveZone = true;
      reload = true;
    }
    if (reload) await this.fw(['--reload']);

    const [detected, marks, defaultZone, allZones] = await Promise.all([
      this.detect(),
      this.fw([`--ipset=${this.markerSet}`, '--get-entries']),
      this.fw(['--get-default-zone']),
      this.zones(),
    ]);

    // Kernel sets with timeouts but no drop zone of ours (the backend was switched from nftables since the zone
    // would have been made): without the hook the sets would filter nothing, so rich rules it is.
    const { strategy, backend } = detected.strategy === 'ipset' && !haveZone ? { ...detected, strategy: 'rich-rules' as const } : detected;

    // Runtime marker: absent means firewalld's runtime was rebuilt since we last looked (or this is the first run).
    const runtimeReset = !words(marks).includes(MARKER);
    if (runtimeReset) await this.fw([`--ipset=${this.markerSet}`, `--add-entry=${MARKER}`]);

    // `--list-all-zones` marks active zones but not the default one (1.3.3 passes no default to its printer).
    const zones = allZones.map((z) => ({ ...z, isDefault: z.name === defaultZone.trim() }));
    const { spoofZones, spoofProblem } = await this.spoofZones(zones, options.wan);
    const blockZones = zones.filter((z) => (z.active || z.isDefault) && z.name !== this.zoneName).map((z) => z.name);

    if (strategy === 'ipset') {
      // The spoof sets are hooked by a rich rule in each WAN-only zone, runtime and permanent (survives reloads).
      for (const zone of spoofZones) {
        const have = zones.find((z) => z.name === zone)?.richRules ?? [];
        const missing = ([4, 6] as const).map((f) => this.ipsetRule(f)).filter((r) => !have.includes(r));
        if (!missing.length) continue;
        const adds = missing.map((r) => `--add-rich-rule=${r}`);
        await Promise.all([this.fw([`--zone=${zone}`, ...adds]), this.fw(['--permanent', `--zone=${zone}`, ...adds])]);
      }
    }

    const report: FirewalldReport = { strategy, version, backend, runtimeReset, blockZones, spoofZones, spoofProblem };
    this.plan = { report };
    return { expires: true, note: this.note(report) };
  }

  async apply(bans: readonly Ban[]): Promise<void> {
    const plan = this.requirePlan();
    // Every address is re-validated before any command is built; one bad entry refuses the whole batch.
    const checked = bans.map((b) => checkBan('firewalld', b));
    const blocks = checked.filter((b) => b.kind === 'block');
    const spoofs = plan.report.spoofProblem ? [] : checked.filter((b) => b.kind === 'spoof');

    if (plan.report.strategy === 'ipset') {
      // `-exist` makes a re-add refresh the timeout: apply twice is harmless and extends the ban.
      const lines = [...blocks, ...spoofs].map((b) => `add ${this.setName(b.kind, b.family)} ${b.address} timeout ${b.seconds} -exist`);
      if (lines.length) await this.ipset(['restore'], `${lines.join('\n')}\n`);
    } else {
      const zones = await this.zones();
      await this.applyRich(zones, plan.report.blockZones, blocks);
      await this.applyRich(zones, plan.report.spoofZones, spoofs);
    }

    if (plan.report.spoofProblem && checked.some((b) => b.kind === 'spoof')) {
      // After the block bans went in: a misconfigured WAN zone must not hold back the other bans.
      throw new BackendError(`firewalld: spoof bans refused: ${plan.report.spoofProblem}`, `${this.cmd} --get-zone-of-interface`);
    }
  }

  async remove(keys: readonly BanKey[]): Promise<void> {
    const plan = this.requirePlan();
    const checked = keys.map((k) => checkKey('firewalld', k));
    if (!checked.length) return;
    if (plan.report.strategy === 'ipset') {
      const lines = checked.map((k) => `del ${this.setName(k.kind, k.family)} ${k.address} -exist`);
      await this.ipset(['restore'], `${lines.join('\n')}\n`);
      return;
    }
    const zones = await this.zones();
    await Promise.all(
      zones.map(async (zone) => {
        const present = new Set(zone.richRules);
        const rules = checked.map((k) => this.banRule(k)).filter((r) => present.has(r));
        if (rules.length) await this.fw([`--zone=${zone.name}`, ...rules.map((r) => `--remove-rich-rule=${r}`)]);
      }),
    );
  }

  /**
   * ipset strategy: the kernel sets (`ipset save`; `firewall-cmd --get-entries` shows nothing for timeout sets),
   * with the seconds left. rich-rules strategy: our rules in the runtime zones (firewalld does not tell a rule's
   * remaining time, so secondsLeft is undefined). Right after a reload both are empty.
   */
  async list(): Promise<KernelEntry[]> {
    const plan = this.requirePlan();
    const out = new Map<string, KernelEntry>();
    if (plan.report.strategy === 'ipset') {
      const names = new Map<string, { kind: BanKind; family: AddressFamily }>();
      for (const kind of ['block', 'spoof'] as const) for (const family of [4, 6] as const) names.set(this.setName(kind, family), { kind, family });
      const saved = await this.ipset(['save']);
      for (const line of saved.split('\n')) {
        const m = /^add (\S+) (\S+)(?: timeout (\d+))?/.exec(line.trim());
        const set = m && names.get(m[1]);
        const parsed = m && parseAddress(m[2]);
        if (!m || !set || !parsed || parsed.family !== set.family) continue;
        const entry: KernelEntry = { address: parsed.address, family: parsed.family, kind: set.kind, ...(m[3] ? { secondsLeft: Number(m[3]) } : {}) };
        out.set(`${set.kind} ${parsed.address}`, entry);
      }
    } else {
      for (const zone of await this.zones()) {
        for (const rule of zone.richRules) {
          const key = this.parseBanRule(rule);
          if (key) out.set(`${key.kind} ${key.address}`, key);
        }
      }
    }
    return [...out.values()];
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The rule text exactly as firewalld prints it, so list() output compares equal and timers are keyed alike. */
  banRule(key: BanKey): string {
    return `rule priority="${PRIORITY[key.kind]}" family="${key.family === 4 ? 'ipv4' : 'ipv6'}" source address="${key.address}" drop`;
  }

  private ipsetRule(family: AddressFamily): string {
    return `rule family="${family === 4 ? 'ipv4' : 'ipv6'}" source ipset="${this.setName('spoof', family)}" drop`;
  }

  private parseBanRule(rule: string): KernelEntry | undefined {
    const m = /^rule priority="(-?\d+)" family="(ipv4|ipv6)" source address="([^"]+)" drop$/.exec(rule);
    if (!m) return undefined;
    const kind = (Object.keys(PRIORITY) as BanKind[]).find((k) => PRIORITY[k] === Number(m[1]));
    const parsed = parseAddress(m[3]);
    if (!kind || !parsed || parsed.family !== (m[2] === 'ipv4' ? 4 : 6)) return undefined;
    return { address: parsed.address, family: parsed.family, kind };
  }

  /**
   * Per zone: rules already there are removed first (re-adding is ALREADY_ENABLED and would keep the old timer),
   * then the batch goes in, one call per distinct ban time (`--timeout` applies to the whole call).
   */
  private async applyRich(zones: ZoneInfo[], targets: readonly string[], bans: ReadonlyArray<BanKey & { seconds: number }>): Promise<void> {
    if (!bans.length) return;
    const bySeconds = new Map<number, string[]>();
    for (const b of bans) {
      const rules = bySeconds.get(b.seconds);
      if (rules) rules.push(this.banRule(b));
      else bySeconds.set(b.seconds, [this.banRule(b)]);
    }
    // Zones are independent, so they go in parallel (a handful at most); within a zone, remove before add.
    await Promise.all(
      targets.map(async (name) => {
        const present = new Set(zones.find((z) => z.name === name)?.richRules ?? []);
        const stale = bans.map((b) => this.banRule(b)).filter((r) => present.has(r));
        if (stale.length) await this.fw([`--zone=${name}`, ...stale.map((r) => `--remove-rich-rule=${r}`)]);
        for (const [seconds, rules] of bySeconds) {
          await this.fw([`--zone=${name}`, ...rules.map((r) => `--add-rich-rule=${r}`), `--timeout=${seconds}`]);
        }
      }),
    );
  }

  /** Which firewalld backend is live, read from the kernel: a real ipset with a timeout header, or an nft set. */
  private async detect(): Promise<{ strategy: FirewalldStrategy; backend: FirewalldReport['backend'] }> {
    const probe = this.setName('block', 4);
    const header = await this.ipset(['list', '-t', probe]).catch(() => undefined);
    if (header !== undefined && /^Header:.*\btimeout \d+/m.test(header)) return { strategy: 'ipset', backend: 'iptables' };
    if (header !== undefined) return { strategy: 'rich-rules', backend: 'iptables' };
    const nft = await this.run('nft', ['list', 'set', 'inet', 'firewalld', probe]).catch(() => undefined);
    return { strategy: 'rich-rules', backend: nft ? 'nftables' : 'unknown' };
  }

  private async spoofZones(zones: ZoneInfo[], wan: readonly string[]): Promise<{ spoofZones: string[]; spoofProblem?: string }> {
    if (!wan.length) return { spoofZones: [], spoofProblem: 'no WAN interface is configured' };
    const byInterface = new Map<string, ZoneInfo>();
    for (const z of zones) for (const i of z.interfaces) byInterface.set(i, z);
    const result = new Set<string>();
    for (const ifname of wan) {
      const zone = byInterface.get(ifname);
      if (!zone) {
        return { spoofZones: [], spoofProblem: `WAN interface ${ifname} is bound to no zone (it falls into the default zone with every other unbound interface); bind it, e.g. firewall-cmd --permanent --zone=external --add-interface=${ifname} and the same without --permanent` };
      }
      const others = zone.interfaces.filter((i) => !wan.includes(i));
      if (others.length) return { spoofZones: [], spoofProblem: `WAN interface ${ifname} shares zone ${zone.name} with ${others.join(', ')}; give the WAN interfaces a zone of their own` };
      if (zone.sources.length) return { spoofZones: [], spoofProblem: `zone ${zone.name} of WAN interface ${ifname} also binds sources (${zone.sources.join(', ')})` };
      if (zone.isDefault) {
        const unbound = (await this.links()).filter((l) => l !== 'lo' && !byInterface.has(l));
        if (unbound.length) return { spoofZones: [], spoofProblem: `WAN interface ${ifname} is in the default zone ${zone.name}, which also takes the unbound interfaces ${unbound.join(', ')}` };
      }
      result.add(zone.name);
    }
    return { spoofZones: [...result] };
  }

  private async links(): Promise<string[]> {
    const out = await this.run('ip', ['-o', 'link', 'show']);
    return out.stdout
      .split('\n')
      .map((l) => /^\d+: ([^:@\s]+)/.exec(l)?.[1])
      .filter((x): x is string => Boolean(x));
  }

  /** The runtime zones in one call (`--list-all-zones`): active flag, interfaces, sources, rich rules. */
  private async zones(): Promise<ZoneInfo[]> {
    const out = await this.fw(['--list-all-zones']);
    const zones: ZoneInfo[] = [];
    let zone: ZoneInfo | undefined;
    let inRich = false;
    for (const line of out.split('\n')) {
      const head = /^(\S+)(?: \(([^)]*)\))?\s*$/.exec(line);
      if (head) {
        const flags = (head[2] ?? '').split(',').map((f) => f.trim());
        zone = { name: head[1], isDefault: flags.includes('default'), active: flags.includes('active'), interfaces: [], sources: [], richRules: [] };
        zones.push(zone);
        inRich = false;
        continue;
      }
      if (!zone) continue;
      const prop = /^ {2}([a-z -]+):\s?(.*)$/.exec(line);
      if (prop) {
        inRich = prop[1] === 'rich rules';
        if (prop[1] === 'interfaces') zone.interfaces = words(prop[2]);
        if (prop[1] === 'sources') zone.sources = words(prop[2]);
        continue;
      }
      if (inRich && /^\s+rule /.test(line)) zone.richRules.push(line.trim());
    }
    return zones;
  }

  private note(r: FirewalldReport): string {
    const parts: string[] = [];
    if (r.strategy === 'ipset') {
      parts.push(
        `firewalld ${r.version} (iptables backend): kernel ipsets with timeouts (verified in the set header); ` +
          'entries go in with ipset restore, each with its own timeout, because firewall-cmd cannot time an entry',
      );
    } else if (r.backend === 'nftables') {
      parts.push(
        `firewalld ${r.version} with the nftables backend ignores ipset timeouts (firewalld #699/#908, fixed in 2.1.0); ` +
          'using zone rich rules with --timeout instead, removed by firewalld itself',
      );
    } else {
      parts.push(`firewalld ${r.version}: no kernel set with timeouts found (${r.backend} backend); using zone rich rules with --timeout, removed by firewalld itself`);
    }
    if (r.spoofProblem) parts.push(`spoof bans refused: ${r.spoofProblem}`);
    if (r.runtimeReset) parts.push('firewalld runtime state was empty of our bans (first run, reload or restart): they are applied again');
    return `${parts.join('; ')}.`;
  }

  private requirePlan(): Plan {
    if (!this.plan) throw new BackendError('firewalld: ensure() must run before apply/remove/list', this.cmd);
    return this.plan;
  }

  /** One firewall-cmd call; warnings other than "already there"/"not there" are failures (it exits 0 on them). */
  private async fw(args: readonly string[]): Promise<string> {
    let r;
    try {
      r = await this.run(this.cmd, args);
    } catch (e) {
      throw this.translate(e);
    }
    const bad = r.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^Warning: (ALREADY_ENABLED|NOT_ENABLED)\b/.test(l));
    if (bad.length) throw new BackendError(`firewall-cmd: ${bad[0]}`, [this.cmd, ...args].join(' '), r.stderr);
    return r.stdout;
  }

  private async ipset(args: readonly string[], input?: string): Promise<string> {
    try {
      return (await this.run(this.ipsetCmd, args, input)).stdout;
    } catch (e) {
      throw this.translate(e);
    }
  }

  private translate(e: unknown): BackendError {
    if (!(e instanceof BackendError)) return new BackendError(`firewalld: ${String(e)}`, this.cmd);
    const text = `${e.message}\n${e.stderr}`;
    if (/: not installed \(/.test(e.message)) return e;
    if (/not running|DBUS_ERROR|org\.freedesktop\.DBus\.Error/i.test(text)) return this.notRunning(e);
    return e;
  }

  private notRunning(e: unknown): BackendError {
    const t = e instanceof BackendError ? e : undefined;
    const why = (t ? t.stderr || t.message : String(e)).replace(/^firewall-cmd refused: /, '').replace(/\s+/g, ' ').trim();
    return new BackendError(`firewalld is not running (${why})`, t?.command ?? `${this.cmd} --state`, t?.stderr ?? '');
  }
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}


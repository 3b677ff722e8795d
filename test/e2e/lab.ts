/**
 * A small network lab for end-to-end tests against the real kernel: network namespaces joined by a bridge,
 * and a reader for the kernel log.
 *
 * Everything lives in namespaces this helper creates and deletes: the bridge and the host-side ends of the
 * veths sit in a "switch" namespace of their own, so nothing at all is added to the initial namespace and the
 * host's firewall never sees the lab's packets. The only host setting touched is
 * `net.netfilter.nf_log_all_netns` (LOG in a non-initial namespace prints only when it is 1); its old value is
 * remembered (also in a state file, so a crashed run's value can be restored) and put back by `destroy()`.
 *
 * Every command goes through execa with an argument array; no shell, no string interpolation.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type Options, type Result } from 'execa';

/** Every namespace this helper makes is named `pcl-<tag>-<host>`. */
export const NAME_PREFIX = 'pcl-';
const STATE_DIR = '/run/portcullis-e2e';
const NF_LOG_ALL_NETNS = 'net.netfilter.nf_log_all_netns';

export interface HostSpec {
  /** Short name, [a-z0-9]{1,10}: used in the namespace name and as the switch-side port name. */
  name: string;
  /** An address from 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (one /24 shared by all hosts). */
  ipv4: string;
  /** An address from 2001:db8::/32 (one /64 shared by all hosts). */
  ipv6: string;
}

export interface LabSpec {
  /** Unique to the suite: namespaces are `pcl-<tag>-<host>`; leftovers with these names are removed first. */
  tag: string;
  hosts: HostSpec[];
}

export interface LabHost extends HostSpec {
  /** The namespace name. */
  ns: string;
  /** The IPv6 address as the kernel's LOG prints it (fully expanded, lower case). */
  ipv6Expanded: string;
}

/** The default three hosts (the brief's victim, scanner and spoofer). */
export const DEFAULT_HOSTS: HostSpec[] = [
  { name: 'victim', ipv4: '198.51.100.10', ipv6: '2001:db8::10' },
  { name: 'scanner', ipv4: '198.51.100.66', ipv6: '2001:db8::66' },
  { name: 'spoofer', ipv4: '198.51.100.77', ipv6: '2001:db8::77' },
];

const DOC_V4 = [/^192\.0\.2\.\d+$/, /^198\.51\.100\.\d+$/, /^203\.0\.113\.\d+$/];

/** `2001:db8::66` → `2001:0db8:0000:0000:0000:0000:0000:0066`, the way nf_log prints (`%pI6`). */
export function expandIPv6(address: string): string {
  const [head, tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) {
    throw new Error(`not a plain IPv6 address: ${address}`);
  }
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

function checkSpec(spec: LabSpec): void {
  // One optional hyphen lets a family of suites share a prefix (the backend suites are pcl-bk-ip-*, pcl-bk-nft-*).
  if (!/^[a-z0-9]{1,8}(-[a-z0-9]{1,8})?$/.test(spec.tag)) throw new Error(`lab tag must match [a-z0-9]{1,8}, optionally -[a-z0-9]{1,8}: ${spec.tag}`);
  for (const h of spec.hosts) {
    if (!/^[a-z0-9]{1,10}$/.test(h.name)) throw new Error(`lab host name must match [a-z0-9]{1,10}: ${h.name}`);
    if (h.name === 'sw') throw new Error('lab host name "sw" is reserved for the switch namespace');
    if (!DOC_V4.some((re) => re.test(h.ipv4))) throw new Error(`${h.name}: ${h.ipv4} is not a documentation address`);
    if (!expandIPv6(h.ipv6).startsWith('2001:0db8:')) throw new Error(`${h.name}: ${h.ipv6} is not in 2001:db8::/32`);
  }
}

/** Run a command; on failure the error names the command and its stderr. */
export async function run(file: string, args: readonly string[], options: Options = {}): Promise<Result> {
  try {
    return await execa(file, args, { timeout: 30_000, ...options });
  } catch (err) {
    const e = err as { stderr?: unknown; shortMessage?: string; message: string };
    const stderr = typeof e.stderr === 'string' && e.stderr ? `: ${e.stderr.trim()}` : '';
    throw new Error(`${[file, ...args].join(' ')} failed (${e.shortMessage ?? e.message})${stderr}`);
  }
}

async function listNamespaces(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return String(r.stdout)
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

async function readSysctl(key: string): Promise<string> {
  return String((await run('sysctl', ['-n', key])).stdout).trim();
}

/** Throws a plain sentence when not root or when a tool is missing (so a suite fails, never silently passes). */
export async function requireRootAndTools(tools: readonly string[]): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(
      'This end-to-end suite needs root (it creates network namespaces and reads the kernel log). ' +
        'Run it as root, e.g. `sudo npx mocha test/e2e/kernel-lines.test.ts`, or in CI via .ci/run.',
    );
  }
  const missing: string[] = [];
  for (const tool of tools) {
    const r = await execa('which', [tool], { reject: false });
    if (r.exitCode !== 0) missing.push(tool);
  }
  if (missing.length) {
    throw new Error(`Missing tools for the e2e suite: ${missing.join(', ')}. Install them (see .ci/run).`);
  }
}

export class Lab {
  private destroyed = false;

  private constructor(
    readonly tag: string,
    readonly hosts: Record<string, LabHost>,
    private readonly nfLogAllNetnsBefore: string,
  ) {}

  /** The switch namespace holding the bridge `br0` and one port `v-<host>` per host. */
  get switchNs(): string {
    return `${NAME_PREFIX}${this.tag}-sw`;
  }

  static namespaces(spec: LabSpec): string[] {
    return [`${NAME_PREFIX}${spec.tag}-sw`, ...spec.hosts.map((h) => `${NAME_PREFIX}${spec.tag}-${h.name}`)];
  }

  private static stateFile(tag: string): string {
    return `${STATE_DIR}/${tag}.nf_log_all_netns`;
  }

  /**
   * Remove what a previous (crashed) run with this tag left behind: its namespaces (which takes their links
   * with them) and, if its state file survives, the nf_log_all_netns value it found.
   */
  static async cleanup(spec: LabSpec): Promise<void> {
    const existing = new Set(await listNamespaces());
    for (const ns of Lab.namespaces(spec)) {
      if (existing.has(ns)) await run('ip', ['netns', 'del', ns]);
    }
    const before = await readFile(Lab.stateFile(spec.tag), 'utf8').catch(() => undefined);
    if (before !== undefined) {
      if (/^\d+$/.test(before.trim())) await run('sysctl', ['-qw', `${NF_LOG_ALL_NETNS}=${before.trim()}`]);
      await rm(Lab.stateFile(spec.tag), { force: true });
    }
  }

  /** Build the lab. On any failure everything made so far is removed again before the error is thrown. */
  static async create(spec: LabSpec = { tag: 'lab', hosts: DEFAULT_HOSTS }): Promise<Lab> {
    checkSpec(spec);
    await Lab.cleanup(spec);

    const before = await readSysctl(NF_LOG_ALL_NETNS);
    await mkdir(STATE_DIR, { recursive: true });
    await writeFile(Lab.stateFile(spec.tag), `${before}\n`);

    const hosts: Record<string, LabHost> = {};
    for (const h of spec.hosts) {
      hosts[h.name] = { ...h, ns: `${NAME_PREFIX}${spec.tag}-${h.name}`, ipv6Expanded: expandIPv6(h.ipv6) };
    }
    const lab = new Lab(spec.tag, hosts, before);
    try {
      await run('sysctl', ['-qw', `${NF_LOG_ALL_NETNS}=1`]);
      const sw = lab.switchNs;
      await run('ip', ['netns', 'add', sw]);
      // No IPv6 on the bridge or its ports: they would send router solicitations and MLD reports into the lab.
      await lab.execIn(sw, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      await run('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
      await run('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
      for (const h of Object.values(hosts)) {
        await run('ip', ['netns', 'add', h.ns]);
        // Link-local addresses usable at once (no DAD), so nothing is ever sent from `::`.
        await lab.execIn(h.ns, 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
        await run('ip', ['-n', sw, 'link', 'add', `v-${h.name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
        await run('ip', ['-n', sw, 'link', 'set', `v-${h.name}`, 'master', 'br0', 'up']);
        await run('ip', ['-n', h.ns, 'addr', 'add', `${h.ipv4}/24`, 'dev', 'eth0']);
        await run('ip', ['-n', h.ns, 'addr', 'add', `${h.ipv6}/64`, 'dev', 'eth0', 'nodad']);
        await run('ip', ['-n', h.ns, 'link', 'set', 'lo', 'up']);
        await run('ip', ['-n', h.ns, 'link', 'set', 'eth0', 'up']);
      }
      await lab.waitUntilConnected();
      return lab;
    } catch (err) {
      await lab.destroy().catch(() => undefined);
      throw err;
    }
  }

  host(name: string): LabHost {
    const h = this.hosts[name];
    if (!h) throw new Error(`no host ${name} in lab ${this.tag}`);
    return h;
  }

  private execIn(ns: string, file: string, args: readonly string[], options: Options = {}): Promise<Result> {
    return run('ip', ['netns', 'exec', ns, file, ...args], options);
  }

  /** Run a command inside a host's namespace (`ip netns exec`). Rejects on a non-zero exit unless `reject: false`. */
  exec(host: string, file: string, args: readonly string[], options: Options = {}): Promise<Result> {
    const ns = this.host(host).ns;
    if (options.reject === false) return execa('ip', ['netns', 'exec', ns, file, ...args], { timeout: 30_000, ...options });
    return this.execIn(ns, file, args, options);
  }

  /** Every host reaches every other over IPv4 and IPv6 (before any firewall rule is added). */
  private async waitUntilConnected(): Promise<void> {
    const [first, ...rest] = Object.values(this.hosts);
    if (!first) return;
    for (const other of rest) {
      for (const [flag, addr] of [['-4', other.ipv4], ['-6', other.ipv6]] as const) {
        let ok = false;
        for (let i = 0; i < 20 && !ok; i++) {
          const r = await this.exec(first.name, 'ping', [flag, '-c', '1', '-W', '1', addr], { reject: false });
          ok = r.exitCode === 0;
          if (!ok) await sleep(100);
        }
        if (!ok) throw new Error(`lab ${this.tag}: ${first.name} cannot reach ${other.name} at ${addr}`);
      }
    }
  }

  /** Delete every namespace (and with them every link and process-free ruleset) and restore nf_log_all_netns. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const errors: string[] = [];
    const existing = new Set(await listNamespaces());
    for (const ns of [...Object.values(this.hosts).map((h) => h.ns), this.switchNs]) {
      if (!existing.has(ns)) continue;
      // Anything still running inside (a probe that outlived its test) is killed first, by pid.
      const pids = await execa('ip', ['netns', 'pids', ns], { reject: false });
      for (const pid of String(pids.stdout).split('\n').filter((p) => /^\d+$/.test(p))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await run('ip', ['netns', 'del', ns]).catch((e: Error) => errors.push(e.message));
    }
    await run('sysctl', ['-qw', `${NF_LOG_ALL_NETNS}=${this.nfLogAllNetnsBefore}`]).catch((e: Error) =>
      errors.push(e.message),
    );
    await rm(Lab.stateFile(this.tag), { force: true });
    if (errors.length) throw new Error(`lab ${this.tag} teardown: ${errors.join('; ')}`);
  }
}

/** A point in the kernel log: a unique line written to /dev/kmsg. */
export interface KernelLogMark {
  id: string;
  text: string;
}

/**
 * The kernel log as `dmesg` prints it (`[  297.790888] message`). The log is shared by every namespace and by
 * the host, so a reader first writes a unique marker line to /dev/kmsg and later takes only the lines after it,
 * then filters them (by a prefix or by addresses unique to the run).
 */
export const KernelLog = {
  async mark(label = 'mark'): Promise<KernelLogMark> {
    const id = randomBytes(6).toString('hex');
    const text = `portcullis-e2e ${label} ${id}`;
    await appendFile('/dev/kmsg', `${text}\n`);
    return { id, text };
  },

  /** Lines `dmesg` prints after the marker (the marker line excluded), exactly as printed. */
  async linesSince(mark: KernelLogMark): Promise<string[]> {
    const r = await run('dmesg', [], { maxBuffer: 256 * 1024 * 1024 });
    const lines = String(r.stdout).split('\n');
    const at = lines.findIndex((l) => l.endsWith(`] ${mark.text}`) || l === mark.text);
    if (at < 0) {
      throw new Error(
        `kernel log marker "${mark.text}" not found in dmesg: the ring buffer wrapped, or writes to /dev/kmsg ` +
          'are off or rate limited (sysctl kernel.printk_devkmsg)',
      );
    }
    return lines.slice(at + 1).filter((l) => l.length > 0);
  },

  /** Poll until `done(lines)` holds for the lines after the marker; returns those lines. */
  async waitFor(
    mark: KernelLogMark,
    done: (lines: string[]) => boolean,
    { timeoutMs = 5000, intervalMs = 50 } = {},
  ): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = await KernelLog.linesSince(mark);
      if (done(lines)) return lines;
      if (Date.now() > deadline) {
        throw new Error(`kernel log: condition not met ${timeoutMs} ms after marker ${mark.id} (${lines.length} lines)`);
      }
      await sleep(intervalMs);
    }
  },
};

async function alive(pid: number): Promise<boolean> {
  return Number.isInteger(pid) && pid > 1 && (await access(`/proc/${pid}`).then(() => true, () => false));
}

/**
 * One run of a suite at a time on the machine (others run `npm test` in the same checkout, and two runs would share,
 * and clean away, the same namespaces): a file holding the owner's pid, waited for while its holder lives, taken
 * over when the holder is gone.
 */
export async function acquireSuiteLock(path: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (holder === process.pid) return;
    if (!(await alive(holder))) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another run of this suite (pid ${holder}) holds ${path}`);
    await sleep(500);
  }
}

export async function releaseSuiteLock(path: string): Promise<void> {
  const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  if (holder === process.pid) await rm(path, { force: true });
}

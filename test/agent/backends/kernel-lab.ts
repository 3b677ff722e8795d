/**
 * The lab of the kernel backend suites (ipset, nftables, dry-run): test/e2e/lab.ts's bridge with a victim, a
 * client and a second client on the victim's WAN side (`eth0`), plus a LAN host behind a second victim interface
 * (`lan0`, a direct veth). Namespaces are `pcl-bk-<suite>-*`, created and deleted here; leftovers of a crashed run
 * with the same names are removed first. Nothing touches the initial namespace's firewall.
 *
 * One run per suite at a time on the machine (a pid lock in /run): others run `npm test` in the same checkout,
 * and two runs of one suite would share, and clean away, the same namespaces.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { spawnRunner, type Runner } from '../../../packages/agent/src/backends/runner.js';
import { acquireSuiteLock, Lab, releaseSuiteLock, run, type HostSpec } from '../../e2e/lab.js';

export const HOSTS: HostSpec[] = [
  { name: 'victim', ipv4: '198.51.100.10', ipv6: '2001:db8::10' },
  { name: 'client', ipv4: '198.51.100.66', ipv6: '2001:db8::66' },
  { name: 'client2', ipv4: '198.51.100.67', ipv6: '2001:db8::67' },
];
/** The LAN: victim's lan0 and the host behind it. */
export const LAN = { victim4: '203.0.113.1', host4: '203.0.113.20', victim6: '2001:db8:1::1', host6: '2001:db8:1::20' };

async function namespaces(): Promise<Set<string>> {
  const r = await run('ip', ['netns', 'list']);
  return new Set(String(r.stdout).split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean));
}

export class KernelLab {
  private constructor(
    readonly lab: Lab,
    readonly lanNs: string,
    private readonly lock: string,
  ) {}

  /** `suite`: [a-z0-9]{1,8}; namespaces become pcl-bk-<suite>-victim, ...-client, ...-client2, ...-lan, ...-sw. */
  static async create(suite: string): Promise<KernelLab> {
    const tag = `bk-${suite}`;
    const lanNs = `pcl-${tag}-lan`;
    const lock = `/run/pcl-${tag}.lock`;
    await acquireSuiteLock(lock);
    let lab: Lab | undefined;
    try {
      if ((await namespaces()).has(lanNs)) await run('ip', ['netns', 'del', lanNs]);
      lab = await Lab.create({ tag, hosts: HOSTS });
      const victim = lab.host('victim').ns;
      await run('ip', ['netns', 'add', lanNs]);
      await run('ip', ['-n', victim, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', lanNs]);
      await run('ip', ['-n', victim, 'addr', 'add', `${LAN.victim4}/24`, 'dev', 'lan0']);
      await run('ip', ['-n', victim, 'addr', 'add', `${LAN.victim6}/64`, 'dev', 'lan0', 'nodad']);
      await run('ip', ['-n', lanNs, 'addr', 'add', `${LAN.host4}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', lanNs, 'addr', 'add', `${LAN.host6}/64`, 'dev', 'eth0', 'nodad']);
      await run('ip', ['netns', 'exec', lanNs, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0']);
      await run('ip', ['-n', victim, 'link', 'set', 'lan0', 'up']);
      await run('ip', ['-n', lanNs, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', lanNs, 'link', 'set', 'eth0', 'up']);
      const kl = new KernelLab(lab, lanNs, lock);
      for (const to of [LAN.victim4, LAN.victim6]) {
        const deadline = Date.now() + 5_000;
        while (!(await kl.answered(lanNs, to))) {
          if (Date.now() > deadline) throw new Error(`lab ${tag}: the LAN host cannot reach the victim at ${to}`);
          await sleep(100);
        }
      }
      return kl;
    } catch (err) {
      await run('ip', ['netns', 'del', lanNs]).catch(() => undefined);
      await lab?.destroy().catch(() => undefined);
      await releaseSuiteLock(lock);
      throw err;
    }
  }

  get victimNs(): string {
    return this.lab.host('victim').ns;
  }

  ns(host: 'victim' | 'client' | 'client2' | 'lan'): string {
    return host === 'lan' ? this.lanNs : this.lab.host(host).ns;
  }

  /** What a backend gets: every command inside the victim namespace. */
  runner(): Runner {
    return spawnRunner({ netns: this.victimNs });
  }

  /** A command in the victim namespace, for the test's own look at the kernel. */
  async inVictim(file: string, args: readonly string[]): Promise<string> {
    return String((await run('ip', ['netns', 'exec', this.victimNs, file, ...args])).stdout);
  }

  /** One ping: true when answered within a second. */
  async answered(fromNs: string, to: string): Promise<boolean> {
    const flag = to.includes(':') ? '-6' : '-4';
    const r = await execa('ip', ['netns', 'exec', fromNs, 'ping', flag, '-n', '-c', '1', '-W', '1', to], { reject: false, timeout: 10_000 });
    return r.exitCode === 0;
  }

  /**
   * A TCP SYN to a closed port of `to`: an answer (the victim's RST, "Connection refused") means the packet got
   * through; silence for a second means it was dropped. No server is needed on the victim.
   */
  async tcpAnswered(fromNs: string, to: string, port = 4444): Promise<boolean> {
    const r = await execa('ip', ['netns', 'exec', fromNs, 'timeout', '1', 'bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', to, String(port)], {
      reject: false,
      timeout: 10_000,
    });
    if (/Connection refused/.test(String(r.stderr))) return true;
    if (r.exitCode === 124) return false;
    throw new Error(`tcp probe ${to}:${port} from ${fromNs}: unexpected exit ${r.exitCode}: ${String(r.stderr)}`);
  }

  async destroy(): Promise<void> {
    const errors: string[] = [];
    if ((await namespaces()).has(this.lanNs)) await run('ip', ['netns', 'del', this.lanNs]).catch((e: Error) => errors.push(e.message));
    await this.lab.destroy().catch((e: Error) => errors.push(e.message));
    await releaseSuiteLock(this.lock);
    if (errors.length) throw new Error(`kernel lab teardown: ${errors.join('; ')}`);
  }
}

/** The host's own ruleset and sets, to show a suite left them as they were. */
export async function hostFirewall(): Promise<string> {
  const parts = await Promise.all([
    execa('nft', ['list', 'ruleset'], { reject: false }),
    execa('ipset', ['list', '-n'], { reject: false }),
    execa('iptables', ['-w', '-S'], { reject: false }),
    execa('ip6tables', ['-w', '-S'], { reject: false }),
  ]);
  return parts.map((p) => String(p.stdout)).join('\n--\n');
}

/** Records every command a backend runs (and its stdin), passing it on to `inner`. */
export function recording(inner: Runner): { runner: Runner; calls: Array<{ command: string; args: string[]; input?: string }> } {
  const calls: Array<{ command: string; args: string[]; input?: string }> = [];
  return {
    calls,
    runner: (command, args, input) => {
      calls.push({ command, args: [...args], ...(input !== undefined ? { input } : {}) });
      return inner(command, args, input);
    },
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(message);
    await sleep(intervalMs);
  }
}

/**
 * `n` distinct documentation addresses for a large batch, none of them a lab host: the three IPv4 /24s (minus
 * .0-.99, where the lab lives) and the rest from 2001:db8:ffff::/48.
 */
export function manyAddresses(n: number): Array<{ address: string; family: 4 | 6 }> {
  const out: Array<{ address: string; family: 4 | 6 }> = [];
  for (const net of ['192.0.2', '198.51.100', '203.0.113']) {
    for (let i = 100; i < 255 && out.length < n; i++) out.push({ address: `${net}.${i}`, family: 4 });
  }
  for (let i = 1; out.length < n; i++) out.push({ address: `2001:db8:ffff::${i.toString(16)}`, family: 6 });
  return out;
}

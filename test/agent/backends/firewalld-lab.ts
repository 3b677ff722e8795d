/**
 * A lab for the firewalld backend: test/e2e/lab.ts's namespaces (victim, client, client2 on a bridge in a switch
 * namespace) plus a LAN host on a second victim interface (`lan0`), a private D-Bus system bus and firewalld
 * running inside the victim namespace with a copied config dir. Nothing in /etc, on the host's D-Bus or in the
 * host's ruleset is touched: firewalld finds its bus through DBUS_SYSTEM_BUS_ADDRESS and writes only under
 * --system-config; its netfilter changes live in the victim namespace.
 *
 * Everything this lab starts is recorded (pid files in its temp dir `/tmp/pcl-fw-*`) so that a crashed run's
 * leftovers are found and stopped by pid at the next start, never by name.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile, access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { spawnRunner, type Runner } from '../../../packages/agent/src/backends/runner.js';
import { acquireSuiteLock, Lab, releaseSuiteLock, run, type HostSpec } from '../../e2e/lab.js';

export const TMP_PREFIX = '/tmp/pcl-fw-';
const LAN_NS = 'pcl-fw-lan';
/**
 * One run of this suite at a time on the machine: `npm test` elsewhere in the checkout picks this file up too, and
 * two runs would share (and clean away) the same namespaces. The lock holds the pid of the owning process.
 */
const LOCK = '/run/pcl-fw.lock';

/** Take the suite lock, waiting for a live holder; a dead holder's lock is taken over. */
export const acquireLock = (timeoutMs?: number): Promise<void> => acquireSuiteLock(LOCK, timeoutMs);
export const releaseLock = (): Promise<void> => releaseSuiteLock(LOCK);

export const HOSTS: HostSpec[] = [
  { name: 'victim', ipv4: '198.51.100.10', ipv6: '2001:db8::10' },
  { name: 'client', ipv4: '198.51.100.21', ipv6: '2001:db8::21' },
  { name: 'client2', ipv4: '198.51.100.22', ipv6: '2001:db8::22' },
];
/** The LAN side: victim's lan0 and a host behind it. */
export const LAN = { victim: '203.0.113.1', host: '203.0.113.20' };

export type FirewallBackendName = 'nftables' | 'iptables';

/** The Debian system bus config, made private: our socket, no user switch, no fork, no pid file, no activation. */
function privateBusConfig(systemConf: string, socket: string): string {
  let s = systemConf;
  for (const re of [/\s*<user>[^<]*<\/user>/, /\s*<fork\/>/, /\s*<pidfile>[^<]*<\/pidfile>/, /\s*<syslog\/>/, /\s*<standard_system_servicedirs\/>/]) {
    s = s.replace(re, '');
  }
  s = s.replace(/<listen>[^<]*<\/listen>/, `<listen>unix:path=${socket}</listen>`);
  // firewalld's bus policy (org.fedoraproject.FirewallD1) lives there; the relative path would resolve elsewhere.
  s = s.replace('<includedir>system.d</includedir>', '<includedir>/usr/share/dbus-1/system.d</includedir>');
  if (!s.includes(`unix:path=${socket}`) || /<fork\/>|<user>/.test(s)) throw new Error('could not rewrite /usr/share/dbus-1/system.conf');
  return s;
}

async function killRecorded(dir: string): Promise<void> {
  for (const file of ['firewalld.pid', 'dbus.pid']) {
    const pid = Number((await readFile(`${dir}/${file}`, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 1) continue;
    // Only if that pid is still our process: its command line names this lab's dir.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(dir)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
}

/** Stop what a crashed run left (recorded pids), remove its temp dirs and namespaces. */
export async function cleanLeftovers(): Promise<void> {
  for (const name of await readdir('/tmp')) {
    const dir = `/tmp/${name}`;
    if (!dir.startsWith(TMP_PREFIX)) continue;
    await killRecorded(dir);
    await rm(dir, { recursive: true, force: true });
  }
  await Lab.cleanup({ tag: 'fw', hosts: HOSTS });
  const r = await run('ip', ['netns', 'list']);
  if (String(r.stdout).split('\n').some((l) => l.split(/\s+/)[0] === LAN_NS)) await run('ip', ['netns', 'del', LAN_NS]);
}

export class FirewalldLab {
  private firewalld?: ResultPromise;
  private constructor(
    readonly lab: Lab,
    readonly dir: string,
    private readonly dbus: ResultPromise,
  ) {}

  get busAddress(): string {
    return `unix:path=${this.dir}/dbus.sock`;
  }

  get victimNs(): string {
    return this.lab.host('victim').ns;
  }

  /** A runner for the victim namespace on the private bus (what the backend gets). */
  runner(): Runner {
    return spawnRunner({ netns: this.victimNs, env: { DBUS_SYSTEM_BUS_ADDRESS: this.busAddress } });
  }

  static async create(): Promise<FirewalldLab> {
    await acquireLock();
    let lab: Lab;
    try {
      await cleanLeftovers();
      lab = await Lab.create({ tag: 'fw', hosts: HOSTS });
    } catch (err) {
      await releaseLock();
      throw err;
    }
    let dir: string | undefined;
    let dbus: ResultPromise | undefined;
    try {
      // LAN: a direct veth from the victim (lan0) to a host namespace of its own.
      await run('ip', ['netns', 'add', LAN_NS]);
      const victim = lab.host('victim').ns;
      await run('ip', ['-n', victim, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', LAN_NS]);
      await run('ip', ['-n', victim, 'addr', 'add', `${LAN.victim}/24`, 'dev', 'lan0']);
      await run('ip', ['-n', LAN_NS, 'addr', 'add', `${LAN.host}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', victim, 'link', 'set', 'lan0', 'up']);
      await run('ip', ['-n', LAN_NS, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', LAN_NS, 'link', 'set', 'lo', 'up']);

      dir = await mkdtemp(TMP_PREFIX);
      const socket = `${dir}/dbus.sock`;
      await writeFile(`${dir}/dbus.conf`, privateBusConfig(await readFile('/usr/share/dbus-1/system.conf', 'utf8'), socket));
      dbus = execa('dbus-daemon', [`--config-file=${dir}/dbus.conf`, '--nofork', '--print-address'], { reject: false });
      await writeFile(`${dir}/dbus.pid`, `${dbus.pid}\n`);
      await waitFor(async () => access(socket).then(() => true, () => false), 10_000, `private dbus-daemon did not create ${socket}`);
      return new FirewalldLab(lab, dir, dbus);
    } catch (err) {
      if (dbus?.pid) dbus.kill('SIGKILL');
      await run('ip', ['netns', 'del', LAN_NS]).catch(() => undefined);
      await lab.destroy().catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
      await releaseLock();
      throw err;
    }
  }

  /** Start firewalld in the victim namespace with a fresh copy of /etc/firewalld and the given backend. */
  async startFirewalld(backend: FirewallBackendName, timeoutMs = 30_000): Promise<void> {
    if (this.firewalld) throw new Error('firewalld already running in the lab');
    const etc = `${this.dir}/fw-etc-${backend}`;
    await rm(etc, { recursive: true, force: true });
    await cp('/etc/firewalld', etc, { recursive: true });
    const conf = await readFile(`${etc}/firewalld.conf`, 'utf8');
    await writeFile(`${etc}/firewalld.conf`, `${conf.replace(/^FirewallBackend=.*$/m, '')}\nFirewallBackend=${backend}\n`);
    const log = `${this.dir}/firewalld-${backend}.log`;
    // `ip netns exec` execs firewalld in place, so this pid is firewalld's own.
    this.firewalld = execa(
      'ip',
      ['netns', 'exec', this.victimNs, 'firewalld', '--nofork', '--nopid', '--system-config', etc, '--log-target', 'file', '--log-file', log],
      { env: { DBUS_SYSTEM_BUS_ADDRESS: this.busAddress }, reject: false },
    );
    await writeFile(`${this.dir}/firewalld.pid`, `${this.firewalld.pid}\n`);
    const fw = this.firewalld;
    let exited = false;
    void fw.then(() => {
      exited = true;
    });
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`firewalld exited during start: ${(await fw).stderr}`);
          return (await this.firewallCmd(['--state'], false)).trim() === 'running';
        },
        timeoutMs,
        `firewalld (${backend}) not running after ${timeoutMs / 1000} s; log: ${log}`,
      );
    } catch (err) {
      await this.stopFirewalld();
      throw err;
    }
  }

  async stopFirewalld(): Promise<void> {
    const fw = this.firewalld;
    if (!fw) return;
    this.firewalld = undefined;
    fw.kill('SIGTERM');
    const done = await Promise.race([fw.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      fw.kill('SIGKILL');
      await fw;
    }
    await rm(`${this.dir}/firewalld.pid`, { force: true });
  }

  /** firewall-cmd in the victim namespace on the private bus (the test's own admin actions). */
  async firewallCmd(args: readonly string[], reject = true): Promise<string> {
    const r = await execa('ip', ['netns', 'exec', this.victimNs, 'firewall-cmd', ...args], {
      env: { DBUS_SYSTEM_BUS_ADDRESS: this.busAddress },
      reject: false,
      timeout: 30_000,
    });
    if (reject && r.exitCode !== 0) throw new Error(`firewall-cmd ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return String(r.stdout);
  }

  /** One ping from a namespace: true when answered within a second. */
  async answered(fromNs: string, to: string): Promise<boolean> {
    const flag = to.includes(':') ? '-6' : '-4';
    const r = await execa('ip', ['netns', 'exec', fromNs, 'ping', flag, '-n', '-c', '1', '-W', '1', to], { reject: false, timeout: 10_000 });
    return r.exitCode === 0;
  }

  get lanNs(): string {
    return LAN_NS;
  }

  async destroy(): Promise<void> {
    const errors: string[] = [];
    await this.stopFirewalld().catch((e: Error) => errors.push(e.message));
    this.dbus.kill('SIGTERM');
    await Promise.race([this.dbus, sleep(5_000)]);
    if (this.dbus.exitCode === null) this.dbus.kill('SIGKILL');
    await run('ip', ['netns', 'del', LAN_NS]).catch((e: Error) => errors.push(e.message));
    await this.lab.destroy().catch((e: Error) => errors.push(e.message));
    await rm(this.dir, { recursive: true, force: true });
    await releaseLock();
    if (errors.length) throw new Error(`firewalld lab teardown: ${errors.join('; ')}`);
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch((e: unknown) => {
      if (e instanceof Error && /exited during start/.test(e.message)) throw e;
      return false;
    })) return;
    if (Date.now() > deadline) throw new Error(message);
    await sleep(intervalMs);
  }
}

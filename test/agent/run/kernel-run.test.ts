/**
 * `portcullis run` end to end, once per kernel backend (ipset, nftables): the victim namespace has the memo's rules
 * (a rate-limited LOG just before the final REJECT); a scanner runs nmap (SYN over IPv4, Xmas over IPv6), a spoofer
 * forges the LAN host's address on the WAN with hping3; the kernel's own lines go to a log file as rsyslog writes
 * them, and the built CLI runs inside the victim namespace. Afterwards the scanner is dropped, the benign client is
 * answered, the forged address is dropped on the WAN only (the real LAN host still gets through), bans come back
 * after a lost kernel set with `restore`, and expire by themselves. Also: a missing firewall binary (exit 6, cursor
 * unmoved), rotation (no line lost or read twice), kill -9 in the middle of a run (valid state, the next run
 * finishes the job).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KernelLog, requireRootAndTools, run } from '../../e2e/lab.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';
import { HOSTS, KernelLab, LAN, waitFor } from '../backends/kernel-lab.js';
import { appendLines, runWorkspace, banKeys, cliIn, cliProcess, readState, syslogLines } from './run-lab.js';

const VICTIM = HOSTS[0]!;
const SCANNER = HOSTS[1]!;
const BENIGN = HOSTS[2]!;
const BAN_SECONDS = 40;

interface Spec {
  suite: string;
  backend: 'ipset' | 'nftables';
  tools: string[];
  /** Empties our block sets in the victim namespace (what a reboot or a firewall reload does). */
  flush(lab: KernelLab): Promise<void>;
  /** The binary whose absence must fail a run cleanly. */
  binary: string;
}

function memoRules(tag: string, six: boolean): string {
  const icmp = six ? '-p ipv6-icmp' : '-p icmp';
  return [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    `-A INPUT ${icmp} -j ACCEPT`,
    // the memo's LOG just before the final REJECT, rate-limited (generously: nmap's burst must be logged whole)
    `-A INPUT -m limit --limit 500/second --limit-burst 1000 -j LOG --log-prefix "${tag}"`,
    '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
    '-A INPUT -j REJECT',
    'COMMIT',
    '',
  ].join('\n');
}

function describeRun(spec: Spec): void {
  describe(`portcullis run on real kernel lines (${spec.backend})`, function () {
    this.timeout(120_000);
    let lab: KernelLab | undefined;
    let dir = '';
    let log = '';
    let stateDir = '';
    let config = '';
    const tag = `[PCL RUN ${randomBytes(3).toString('hex')}]: `;
    const L = (): KernelLab => {
      if (!lab) throw new Error('lab not created');
      return lab;
    };
    const cli = (...args: string[]) => cliIn(L().victimNs, args);
    /** One line as the victim's LOG rule writes it, for the benign client knocking on `port`. */
    const benignLine = (port: number): string =>
      `${new Date().toISOString()} victim kernel: ${tag}IN=eth0 OUT= MAC=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:08:00 SRC=${BENIGN.ipv4} DST=${VICTIM.ipv4} LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=${port} WINDOW=64240 RES=0x00 SYN URGP=0 `;
    const scannerDropped = async (): Promise<boolean> => !(await L().tcpAnswered(L().ns('client'), VICTIM.ipv4));

    before(async function () {
      this.timeout(240_000);
      await requireRootAndTools(['ip', 'iptables-restore', 'ip6tables-restore', 'nmap', 'hping3', 'ping', 'dmesg', ...spec.tools]);
      lab = await KernelLab.create(spec.suite);
      ({ dir, log, stateDir, config } = await runWorkspace(spec.backend, BAN_SECONDS));
      await run('ip', ['netns', 'exec', L().victimNs, 'iptables-restore'], { input: memoRules(tag, false) });
      await run('ip', ['netns', 'exec', L().victimNs, 'ip6tables-restore'], { input: memoRules(tag, true) });
    });

    after(async function () {
      this.timeout(60_000);
      await lab?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('blocks the scanner (IPv4 and IPv6), answers the benign client, drops the forged LAN address on the WAN only', async () => {
      assert.equal(await scannerDropped(), false, 'before the run the scanner is answered');
      const mark = await KernelLog.mark(`run-${spec.backend}`);
      const nmap = ['--max-retries', '0', '-n', '-Pn'];
      // one scanner, every kind of probe the issue names: SYN, FIN, NULL, UDP over IPv4, Xmas over IPv6
      await Promise.all([
        run('ip', ['netns', 'exec', L().ns('client'), 'nmap', '-sS', '-p', '1-30', ...nmap, VICTIM.ipv4]),
        run('ip', ['netns', 'exec', L().ns('client'), 'nmap', '-sF', '-p', '101-112', ...nmap, VICTIM.ipv4]),
        run('ip', ['netns', 'exec', L().ns('client'), 'nmap', '-sN', '-p', '201-212', ...nmap, VICTIM.ipv4]),
        run('ip', ['netns', 'exec', L().ns('client'), 'nmap', '-sU', '-p', '301-312', ...nmap, VICTIM.ipv4]),
        run('ip', ['netns', 'exec', L().ns('client'), 'nmap', '-6', '-sX', '-p', '1-30', ...nmap, VICTIM.ipv6]),
        run('ip', ['netns', 'exec', L().ns('client2'), 'hping3', '-c', '3', '-i', 'u20000', '-S', '-p', '22', '-a', LAN.host4, VICTIM.ipv4], { reject: false }),
      ]);
      const lines = await syslogLines(mark, tag, (ls) => {
        const from = (src: string) => ls.filter((l) => l.includes(`SRC=${src} `)).length;
        return from(SCANNER.ipv4) >= 66 && ls.filter((l) => / SRC=2001:0db8:0000:0000:0000:0000:0000:0066 /.test(l)).length >= 30 && from(LAN.host4) >= 3;
      });
      await appendLines(log, lines);

      const scan = await cliIn(L().victimNs, ['scan', '--json', '--wan', 'eth0', log]);
      const report = JSON.parse(scan.stdout) as { scanners: Array<{ ip: string; types: string[] }> };
      const types = (ip: string) => [...(report.scanners.find((x) => x.ip === ip)?.types ?? [])].sort();
      assert.deepEqual(types(SCANNER.ipv4), ['fin', 'null', 'syn', 'udp'], scan.stdout);
      assert.deepEqual(types('2001:db8::66'), ['xmas'], scan.stdout);

      const r = await cli('run', '--config', config, '--verbose');
      assert.equal(r.code, 0, `run failed: ${r.stderr}`);
      // the ban runs from the last line logged, so a second or two of it are already over
      assert.match(r.stdout, new RegExp(`blocked ${SCANNER.ipv4.replace(/\./g, '\\.')} for (${BAN_SECONDS - 5}|${BAN_SECONDS - 4}|${BAN_SECONDS - 3}|${BAN_SECONDS - 2}|${BAN_SECONDS - 1}|${BAN_SECONDS})s \\(offence 1\\): .*\\(FIN scan, NULL scan, SYN scan, UDP scan\\)`));
      assert.match(r.stdout, /blocked 2001:db8::66 for \d+s/);
      assert.match(r.stdout, new RegExp(`dropped on WAN ${LAN.host4.replace(/\./g, '\\.')}`));
      assert.match(r.stdout, new RegExp(`${lines.length} new line\\(s\\), ${lines.length} from the firewall`));

      const state = await readState(stateDir);
      assert.deepEqual(banKeys(state), [`block ${SCANNER.ipv4}`, 'block 2001:db8::66', `spoof ${LAN.host4}`].sort());
      assert.equal(state.cursors[log]?.offset, (await stat(log)).size, 'the cursor is at the end of what was read');

      assert.equal(await scannerDropped(), true, 'the scanner is dropped');
      assert.equal(await L().answered(L().ns('client'), VICTIM.ipv6), false, 'the scanner is dropped over IPv6 too');
      assert.equal(await L().answered(L().ns('client2'), VICTIM.ipv4), true, 'the benign client is answered');
      assert.equal(await L().answered(L().ns('lan'), LAN.victim4), true, 'the real LAN host (whose address was forged) is answered on the LAN');
    });

    it('a run over an unchanged log reads nothing, changes nothing and is silent (cron)', async () => {
      const before = await readState(stateDir);
      const r = await cli('run', '--config', config);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      const after = await readState(stateDir);
      assert.deepEqual(banKeys(after), banKeys(before));
      assert.deepEqual(after.cursors, before.cursors);
    });

    it('bans list and status agree with the kernel; restore puts back what the kernel lost', async () => {
      const listed = await cli('bans', 'list', '--config', config, '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const doc = JSON.parse(listed.stdout) as { bans: Array<{ address: string; in_kernel: boolean }>; kernel_only: unknown[] };
      assert.deepEqual(doc.bans.map((b) => [b.address, b.in_kernel]).sort(), [[LAN.host4, true], [SCANNER.ipv4, true], ['2001:db8::66', true]].sort());
      assert.deepEqual(doc.kernel_only, []);

      await spec.flush(L());
      assert.equal(await scannerDropped(), false, 'with the set emptied the scanner gets through');
      const status = await cli('status', '--config', config, '--json');
      assert.equal(status.code, 0, status.stderr);
      const st = JSON.parse(status.stdout) as { bans: { block: number; spoof: number }; kernel_entries: number };
      assert.deepEqual(st.bans, { block: 2, spoof: 1 });
      assert.equal(st.kernel_entries, 1, 'only the spoof entry is left in the kernel');

      const r = await cli('restore', '--config', config);
      assert.deepEqual([r.code, r.stderr], [0, '']);
      assert.equal(await scannerDropped(), true, 'restore blocks the scanner again');
    });

    it(`a missing ${spec.binary} fails the run with exit 6 and one line, and the cursor does not move`, async () => {
      const before = await readState(stateDir);
      await appendLines(log, [benignLine(23)]);
      // a PATH with every tool of /usr/sbin and /usr/bin but the backend's own
      const bin = join(dir, 'bin');
      await mkdir(bin, { recursive: true });
      for (const tool of ['ip', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore', 'nft', 'ipset', 'journalctl']) {
        if (tool === spec.binary) continue;
        for (const d of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
          if (await stat(join(d, tool)).then(() => true, () => false)) {
            await symlink(join(d, tool), join(bin, tool)).catch(() => undefined);
            break;
          }
        }
      }
      const r = await cliIn(L().victimNs, ['run', '--config', config], { PATH: bin });
      assert.equal(r.code, 6, `exit 6 expected: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^portcullis: firewall: .*\\b${spec.binary} is not installed \\(install the package that provides it\\)$`, 'm'));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      const after = await readState(stateDir);
      assert.deepEqual(after.cursors, before.cursors, 'the cursor did not move');

      const again = await cli('run', '--config', config, '--verbose');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /1 new line\(s\), 1 from the firewall/);
      assert.equal((await readState(stateDir)).cursors[log]?.offset, (await stat(log)).size);
    });

    it('rotation: the rest of the rotated file, then the new one, no line lost or read twice', async () => {
      await appendLines(log, [benignLine(24), benignLine(25)]);
      await rename(log, `${log}.1`);
      await writeFile(log, '');
      await appendLines(log, [benignLine(26), benignLine(27), benignLine(28)]);
      const r = await cli('run', '--config', config, '--verbose');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /5 new line\(s\), 5 from the firewall/);
      assert.equal((await readState(stateDir)).cursors[log]?.offset, (await stat(log)).size);
    });

    it('kill -9 in the middle of a run leaves a valid state, and the next run finishes the job', async () => {
      // a big log: 300,000 lines from 300,000 neighbours on the WAN's /64, one port each (no scan, no spoof), so
      // the run is busy reading when it is killed
      const chunk: string[] = [];
      const total = 300_000;
      const stamp = new Date().toISOString();
      const hex = (n: number) => n.toString(16).padStart(4, '0');
      for (let i = 0; i < total; i++) {
        chunk.push(
          `${stamp} victim kernel: ${tag}IN=eth0 OUT= MAC=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:86:dd SRC=2001:0db8:0000:0000:0000:0000:${hex(1 + (i >> 16))}:${hex(i & 0xffff)} DST=2001:0db8:0000:0000:0000:0000:0000:0010 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=40000 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 `,
        );
      }
      await appendLines(log, chunk);
      const before = await readState(stateDir);
      const p = cliProcess(L().victimNs, ['run', '--config', config]);
      await sleep(700);
      p.kill('SIGKILL');
      assert.equal((await p).signal, 'SIGKILL', 'the run was killed while still working');
      // whatever moment it died at, state.json is whole: the old content or the new
      const loaded = await new StateStore(stateDir, { warn: (m) => assert.fail(`no recovery expected: ${m}`) }).load();
      const offset = loaded.cursors.get(log);
      assert.ok(offset?.kind === 'file' && (offset.offset === before.cursors[log]?.offset || offset.offset === (await stat(log)).size), 'old or new cursor');

      const r = await cli('run', '--config', config, '--verbose');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, / 0 ban\(s\) applied/, 'ordinary neighbours are not banned');
      const after = await readState(stateDir);
      assert.equal(after.cursors[log]?.offset, (await stat(log)).size, 'the next run took over the stale lock and read to the end');
      assert.ok(after.carry.length <= 10_000, 'the carried tail is bounded');
    });

    it('bans expire by themselves in the kernel', async function () {
      this.timeout((BAN_SECONDS + 60) * 1000);
      await waitFor(async () => !(await scannerDropped()), (BAN_SECONDS + 30) * 1000, 'the scanner is answered again once its ban is over', 1000);
      const r = await cli('run', '--config', config);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(banKeys(await readState(stateDir)), [], 'the state forgets bans whose time is over');
    });
  });
}

describeRun({
  suite: 'runips',
  backend: 'ipset',
  tools: ['ipset', 'iptables', 'ip6tables'],
  binary: 'ipset',
  async flush(lab) {
    await lab.inVictim('ipset', ['flush', 'portcullis_block4']);
    await lab.inVictim('ipset', ['flush', 'portcullis_block6']);
  },
});

describeRun({
  suite: 'runnft',
  backend: 'nftables',
  tools: ['nft', 'iptables', 'ip6tables'],
  binary: 'nft',
  async flush(lab) {
    await lab.inVictim('nft', ['flush', 'set', 'inet', 'portcullis', 'portcullis_block4']);
    await lab.inVictim('nft', ['flush', 'set', 'inet', 'portcullis', 'portcullis_block6']);
  },
});

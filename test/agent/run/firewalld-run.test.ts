/**
 * `portcullis run` end to end with `backend: {type: firewalld}`: a real firewalld 1.3 (nftables backend) runs in the
 * victim namespace on a private D-Bus (firewalld-lab.ts), with eth0 (WAN) in zone dmz and lan0 in zone internal, and
 * logs what it rejects (`--set-log-denied=all`: `filter_IN_dmz_REJECT: ` lines). The client scans with nmap, client2
 * forges the LAN host's address on the WAN with hping3; the kernel's own lines go to a log file as rsyslog writes
 * them, and the built CLI runs inside the victim namespace on the private bus. Afterwards the scanner is dropped,
 * client2 is answered, the forged address is dropped on the WAN only; a second run is silent; with firewalld
 * stopped the run fails with exit 6 and leaves its cursor; the bans expire by themselves (rich rules with --timeout).
 *
 * Needs root, iproute2, ping, dmesg, nmap, hping3, dbus-daemon, firewalld, firewall-cmd, nft. About 75 s.
 */
import assert from 'node:assert/strict';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KernelLog, requireRootAndTools, run } from '../../e2e/lab.js';
import { FirewalldLab, HOSTS, LAN, waitFor } from '../backends/firewalld-lab.js';
import { appendLines, runWorkspace, banKeys, cliIn, readState, syslogLines } from './run-lab.js';

const [VICTIM, CLIENT, CLIENT2] = HOSTS as [(typeof HOSTS)[0], (typeof HOSTS)[0], (typeof HOSTS)[0]];
/** Long enough that the bans are still running after a firewalld restart (about 15 s of firewall-cmd calls). */
const BAN_SECONDS = 60;
const re = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('portcullis run on real kernel lines (firewalld, nftables backend; root)', function () {
  this.timeout(120_000);
  let lab: FirewalldLab | undefined;
  let dir = '';
  let log = '';
  let stateDir = '';
  let config = '';
  /** The victim's eth0 MAC as nf_log prints it first in MAC=: only this lab's packets to the victim carry it. */
  let victimMac = '';
  /** When the first run finished, and the scanner's ban time it printed. */
  let bannedAt = 0;
  let bannedFor = 0;

  const L = (): FirewalldLab => {
    if (!lab) throw new Error('lab not created');
    return lab;
  };
  const ns = (host: string): string => L().lab.host(host).ns;
  const cli = (...args: string[]) => cliIn(L().victimNs, args, { DBUS_SYSTEM_BUS_ADDRESS: L().busAddress });
  const clientAnswered = (): Promise<boolean> => L().answered(ns('client'), VICTIM.ipv4);
  const lanAnswered = (): Promise<boolean> => L().answered(L().lanNs, LAN.victim);

  /** firewalld as an administrator would set it up: WAN and LAN in zones of their own, denied packets logged. */
  async function startConfiguredFirewalld(): Promise<void> {
    await L().startFirewalld('nftables');
    await L().firewallCmd(['--permanent', '--zone=dmz', '--add-interface=eth0']);
    await L().firewallCmd(['--permanent', '--zone=internal', '--add-interface=lan0']);
    await L().firewallCmd(['--reload']);
    await L().firewallCmd(['--set-log-denied=all']);
    assert.equal((await L().firewallCmd(['--get-log-denied'])).trim(), 'all');
    assert.equal((await L().firewallCmd(['--get-zone-of-interface=eth0'])).trim(), 'dmz');
    assert.equal((await L().firewallCmd(['--get-zone-of-interface=lan0'])).trim(), 'internal');
  }

  /** Our rich rules per zone (the backend's priorities -32001 block, -32002 spoof). */
  async function ourRules(zone: string): Promise<string[]> {
    const out = await L().firewallCmd([`--zone=${zone}`, '--list-rich-rules']);
    return out.split('\n').map((l) => l.trim()).filter((l) => /priority="-3200[12]"/.test(l)).sort();
  }

  /** The kernel's lines after `mark` that reached the victim's eth0, in rsyslog's file format. */
  function labLines(mark: Parameters<typeof syslogLines>[0], ready: (lines: string[]) => boolean): Promise<string[]> {
    return syslogLines(mark, `MAC=${victimMac}:`, ready);
  }
  const from = (lines: string[], src: string): string[] => lines.filter((l) => l.includes(` SRC=${src} `));

  before(async function () {
    // Up to 3 min waiting for another firewalld suite (the lock in firewalld-lab.ts), then about 10 s.
    this.timeout(240_000);
    await requireRootAndTools(['ip', 'ping', 'dmesg', 'nmap', 'hping3', 'dbus-daemon', 'firewalld', 'firewall-cmd', 'nft']);
    lab = await FirewalldLab.create();
    ({ dir, log, stateDir, config } = await runWorkspace('firewalld', BAN_SECONDS));
    const link = JSON.parse(String((await run('ip', ['-n', L().victimNs, '-j', 'link', 'show', 'eth0'])).stdout)) as Array<{ address?: string }>;
    victimMac = link[0]?.address ?? '';
    assert.match(victimMac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'the victim eth0 has a MAC address');
    await startConfiguredFirewalld();
  });

  after(async function () {
    this.timeout(60_000);
    await lab?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('blocks the scanner, answers client2, drops the forged LAN address on the WAN only', async function () {
    this.timeout(90_000);
    assert.deepEqual(await Promise.all([clientAnswered(), lanAnswered()]), [true, true], 'before the run the client and the LAN host are answered');
    const mark = await KernelLog.mark('run-firewalld');
    const nmap = ['--max-retries', '0', '-n', '-Pn'];
    await Promise.all([
      run('ip', ['netns', 'exec', ns('client'), 'nmap', '-sS', '-p', '1-30', ...nmap, VICTIM.ipv4]),
      // port 23: dmz lets ssh (22) in, and an accepted packet is not logged
      run('ip', ['netns', 'exec', ns('client2'), 'hping3', '-c', '3', '-i', 'u20000', '-S', '-p', '23', '-a', LAN.host, VICTIM.ipv4], { reject: false }),
    ]);
    // 29 rejected ports (22 is the dmz's ssh service) and the 3 forged SYNs; the lines are stamped when they are in
    const stampedAfter = Date.now();
    const lines = await labLines(mark, (ls) => from(ls, CLIENT.ipv4).length >= 29 && from(ls, LAN.host).length >= 3);
    assert.ok(lines.every((l) => / kernel: filter_IN_dmz_REJECT: IN=eth0 OUT= MAC=/.test(l) && l.includes(` DST=${VICTIM.ipv4} `)), `firewalld's own lines to the victim:\n${lines.slice(0, 3).join('\n')}`);
    assert.equal(lines.length, from(lines, CLIENT.ipv4).length + from(lines, LAN.host).length, `only the scan and the forged SYNs:\n${lines.join('\n')}`);
    await appendLines(log, lines);

    const t0 = Date.now();
    const r = await cli('run', '--config', config, '--verbose');
    assert.equal(r.code, 0, `run failed: ${r.stderr}`);
    assert.equal(r.stderr, '');
    bannedAt = t0;
    assert.match(r.stdout, /firewalld 1\.3\.\d+ with the nftables backend ignores ipset timeouts .*using zone rich rules with --timeout/, 'the capability note');
    const m = new RegExp(`^blocked ${re(CLIENT.ipv4)} for (\\d+)s \\(offence 1\\): .*SYN scan`, 'm').exec(r.stdout);
    assert.ok(m, r.stdout);
    bannedFor = Number(m[1]);
    // the ban runs from the last line logged, so what went by since its stamp is already over (on a first run that
    // includes firewalld's reload for our ipset definitions: several seconds)
    const gone = Math.ceil((Date.now() - stampedAfter) / 1000);
    assert.ok(bannedFor <= BAN_SECONDS && bannedFor >= BAN_SECONDS - gone - 1, `ban time ${bannedFor}s of ${BAN_SECONDS}s, ${gone}s after the lines were stamped`);
    assert.match(r.stdout, new RegExp(`^dropped on WAN ${re(LAN.host)} for \\d+s`, 'm'));
    assert.match(r.stdout, new RegExp(`${lines.length} new line\\(s\\), ${lines.length} from the firewall`));
    assert.match(r.stdout, /; 2 ban\(s\) applied; 2 active$/m);

    const state = await readState(stateDir);
    assert.deepEqual(banKeys(state), [`block ${CLIENT.ipv4}`, `spoof ${LAN.host}`].sort());
    assert.equal(state.cursors[log]?.offset, (await stat(log)).size, 'the cursor is at the end of what was read');

    // firewalld's runtime: the block in every zone that takes traffic, the spoof ban in the WAN's zone only
    const block = `rule priority="-32001" family="ipv4" source address="${CLIENT.ipv4}" drop`;
    const spoof = `rule priority="-32002" family="ipv4" source address="${LAN.host}" drop`;
    assert.deepEqual(await ourRules('dmz'), [block, spoof].sort());
    assert.deepEqual(await ourRules('internal'), [block]);

    assert.deepEqual(
      await Promise.all([clientAnswered(), L().answered(ns('client2'), VICTIM.ipv4), lanAnswered()]),
      [false, true, true],
      'scanner dropped; client2 answered; the real LAN host (whose address was forged) answered over lan0',
    );

    // On the WAN the forged address is now dropped before firewalld's REJECT logs it: forged SYNs, then a real SYN
    // from client2 as a witness (same link, same order): once the witness is logged, the forged ones were seen.
    const mark2 = await KernelLog.mark('run-firewalld-spoof');
    await run('ip', ['netns', 'exec', ns('client2'), 'hping3', '-c', '3', '-i', 'u20000', '-S', '-p', '23', '-a', LAN.host, VICTIM.ipv4], { reject: false });
    await run('ip', ['netns', 'exec', ns('client2'), 'hping3', '-c', '1', '-S', '-p', '24', VICTIM.ipv4], { reject: false });
    const after = await labLines(mark2, (ls) => from(ls, CLIENT2.ipv4).some((l) => / DPT=24 /.test(l)));
    assert.deepEqual(from(after, LAN.host), [], 'no forged SYN reached the REJECT on the WAN');
  });

  it('a run over an unchanged log reads nothing, changes nothing and is silent (cron)', async () => {
    const before = await readState(stateDir);
    const r = await cli('run', '--config', config);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    const after = await readState(stateDir);
    assert.deepEqual(banKeys(after), banKeys(before));
    assert.deepEqual(after.cursors, before.cursors);
    assert.equal(await clientAnswered(), false, 'the scanner is still dropped');
  });

  it('with firewalld stopped the run fails with exit 6 and one line, the cursor does not move; after a restart the next run restores the bans', async function () {
    this.timeout(90_000);
    // one more real line: a single SYN of client2 (no scan), logged by firewalld
    const mark = await KernelLog.mark('run-firewalld-one');
    await run('ip', ['netns', 'exec', ns('client2'), 'hping3', '-c', '1', '-S', '-p', '25', VICTIM.ipv4], { reject: false });
    const one = await labLines(mark, (ls) => from(ls, CLIENT2.ipv4).length >= 1);
    assert.equal(one.length, 1, one.join('\n'));
    assert.match(one[0]!, / filter_IN_dmz_REJECT: .* DPT=25 /);

    const before = await readState(stateDir);
    await L().stopFirewalld();
    await appendLines(log, one);
    const r = await cli('run', '--config', config);
    assert.equal(r.code, 6, `exit 6 expected: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^portcullis: firewall: firewalld is not running\b/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
    const after = await readState(stateDir);
    assert.deepEqual(after.cursors, before.cursors, 'the cursor did not move');
    assert.deepEqual(after.bans, before.bans, 'the bans on record are unchanged');

    // A restart empties firewalld's runtime (our rich rules with it); the next run notices, reads the line and
    // puts the bans back with the time they have left.
    await startConfiguredFirewalld();
    assert.deepEqual(await ourRules('dmz'), [], 'the restart dropped our rules');
    assert.equal(await clientAnswered(), true, 'without its rule the scanner gets through');
    const left = Math.min(...before.bans.map((b) => b.until)) - Date.now();
    assert.ok(left > 15_000, `the bans must have time left for a restore to show (${(left / 1000).toFixed(1)}s left): raise BAN_SECONDS`);
    const again = await cli('run', '--config', config, '--verbose');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /runtime state was empty of our bans/);
    assert.match(again.stdout, /1 new line\(s\), 1 from the firewall;.* 0 ban\(s\) applied; 2 restored into the kernel; 2 active$/m);
    assert.equal((await readState(stateDir)).cursors[log]?.offset, (await stat(log)).size, 'the cursor is at the end');
    assert.deepEqual(
      await Promise.all([clientAnswered(), L().answered(ns('client2'), VICTIM.ipv4), lanAnswered()]),
      [false, true, true],
      'scanner dropped again; client2 and the LAN host answered',
    );
  });

  it('bans expire by themselves (firewalld removes its timed rich rules)', async function () {
    this.timeout((BAN_SECONDS + 60) * 1000);
    assert.equal(await clientAnswered(), false, 'the scanner is still dropped');
    await waitFor(clientAnswered, (BAN_SECONDS + 20) * 1000, `the scanner is not answered again ${BAN_SECONDS + 20}s after its ${bannedFor}s ban`, 1000);
    const held = (Date.now() - bannedAt) / 1000;
    // dropped for about its time: from before the first run to its end, less the probe's second and a margin
    assert.ok(held >= bannedFor - 3, `the ban held ${held.toFixed(1)}s of its ${bannedFor}s`);
    // the spoof rule went in a call after the block rule (and --timeout is whole seconds): a few seconds of slack
    await waitFor(async () => (await ourRules('dmz')).length + (await ourRules('internal')).length === 0, 5_000, 'firewalld did not remove its timed rules', 500);
    assert.deepEqual([await ourRules('dmz'), await ourRules('internal'), await ourRules('public')], [[], [], []], 'firewalld removed the rules itself');
    const r = await cli('run', '--config', config);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(banKeys(await readState(stateDir)), [], 'the state forgets bans whose time is over');
  });
});

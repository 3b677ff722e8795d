/**
 * `portcullis run` with a blocklist, end to end: the built CLI inside the victim namespace of the kernel lab
 * (root), backend ipset, a list file. What only the whole command shows: the config's allow list and the LAN's
 * networks (those of the non-WAN interfaces, found with `ip`) are cut out of the list, the sets are loaded and
 * hooked, `portcullis lists` reports them, and a list taken out of the config leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireRootAndTools } from '../../e2e/lab.js';
import { HOSTS, KernelLab, LAN, hostFirewall } from '../backends/kernel-lab.js';
import { cliIn } from '../run/run-lab.js';

const VICTIM = HOSTS[0]!;
const CLIENT2 = HOSTS[2]!;

describe('portcullis run with a blocklist (built CLI in a namespace, ipset; root)', function () {
  this.timeout(120_000);
  let lab: KernelLab | undefined;
  let dir = '';
  let hostBefore = '';
  const L = (): KernelLab => lab!;
  const config = (lists: string): string => {
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      [`state: ${join(dir, 'state')}`, `sources: [${join(dir, 'kern.log')}]`, 'wan: [eth0]', `allow: [${CLIENT2.ipv4}]`, 'backend: {type: ipset}', lists].join('\n') + '\n',
    );
    return file;
  };

  before(async function () {
    this.timeout(240_000);
    await requireRootAndTools(['ip', 'ping', 'ipset', 'iptables', 'ip6tables']);
    hostBefore = await hostFirewall();
    lab = await KernelLab.create('lsrun');
    dir = mkdtempSync(join(tmpdir(), 'pcl-run-lists-'));
    writeFileSync(join(dir, 'kern.log'), '');
    // the clients' /26, the whole LAN /24 behind lan0, and an IPv6 block holding the clients
    writeFileSync(join(dir, 'bl.txt'), `# lab list\n198.51.100.64/26\n${LAN.host4.replace(/\.\d+$/, '.0')}/24 ; the LAN\n2001:db8::40/122\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
    assert.equal(await hostFirewall(), hostBefore, "the host's own ruleset and sets are unchanged");
  });

  it('loads the list minus the allow list and the LAN, drops the listed client, and lists shows it', async () => {
    const cfg = config(`lists:\n  - {name: lab, file: ${join(dir, 'bl.txt')}, refresh: 1h}`);
    const r = await cliIn(L().victimNs, ['run', '--config', cfg, '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^list lab: fetched, 3 entries$/m);
    const [client4, client6, allowed, lan] = await Promise.all([
      L().answered(L().ns('client'), VICTIM.ipv4),
      L().answered(L().ns('client'), VICTIM.ipv6),
      L().answered(L().ns('client2'), VICTIM.ipv4),
      L().answered(L().ns('lan'), LAN.victim4),
    ]);
    assert.deepEqual({ client4, client6, allowed, lan }, { client4: false, client6: false, allowed: true, lan: true });
    const sets = await L().inVictim('ipset', ['list', 'pcl_lab4']);
    assert.ok(!/203\.0\.113\./.test(sets), `the LAN network is cut out: ${sets}`);
    assert.match(await L().inVictim('iptables', ['-w', '-S', 'INPUT']), /-A INPUT -m set --match-set pcl_lab4 src -j DROP/);

    const listed = await cliIn(L().victimNs, ['lists', '--config', cfg, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const doc = JSON.parse(listed.stdout) as { lists: Array<{ name: string; entries: number; in_kernel: boolean; error: string | null }> };
    assert.deepEqual(doc.lists.map((l) => [l.name, l.entries, l.in_kernel, l.error]), [['lab', 3, true, null]]);
  });

  it('a list taken out of the config leaves no set and no hook', async () => {
    const r = await cliIn(L().victimNs, ['run', '--config', config('lists: []')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(await L().inVictim('ipset', ['list', '-n']), /pcl_/);
    assert.doesNotMatch(await L().inVictim('iptables', ['-w', '-S']), /pcl_/);
    assert.equal(await L().answered(L().ns('client'), VICTIM.ipv4), true);
  });
});

/**
 * Blocklists in the real kernel (root; the lab of test/agent/backends/kernel-lab.ts in namespaces of its own),
 * once with the ipset backend and once with nftables, through the run's own step (refreshLists) and a list served
 * over HTTP from 127.0.0.1:
 * - a listed address is dropped; an allowlisted address inside the listed CIDR is not; the LAN is untouched;
 * - a refresh replaces the set with no moment where nothing is blocked (a ping train during repeated refreshes
 *   of a large list gets no answer at all);
 * - a 304 keeps the list (If-None-Match sent); a failing server keeps the old list and says so;
 * - entries expire in the kernel when no refresh renews them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { Backend } from '../../../packages/agent/src/backends/backend.js';
import { IpsetBackend } from '../../../packages/agent/src/backends/ipset.js';
import { NftablesBackend } from '../../../packages/agent/src/backends/nftables.js';
import type { Runner } from '../../../packages/agent/src/backends/runner.js';
import { refreshLists } from '../../../packages/agent/src/lists/refresh.js';
import type { ListSettings } from '../../../packages/agent/src/lists/settings.js';
import { requireRootAndTools } from '../../e2e/lab.js';
import { HOSTS, KernelLab, LAN, hostFirewall, waitFor } from '../backends/kernel-lab.js';
import { ListServer } from './list-server.js';

const VICTIM = HOSTS[0]!;
const CLIENT = HOSTS[1]!;
const CLIENT2 = HOSTS[2]!;

/** The clients' /26 and /122 listed; client2 allowlisted inside them; many other networks to make the set big. */
function listText(extra: number): string {
  const lines = ['# test list (FireHOL style)', '; and a Spamhaus-style comment', '198.51.100.64/26 ; SBL-TEST', '2001:db8::40/122'];
  for (let i = 0; i < extra; i++) lines.push(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`);
  return `${lines.join('\n')}\n`;
}

const EXEMPT = [CLIENT2.ipv4, CLIENT2.ipv6];

function describeLists(suite: string, tools: string[], make: (runner: Runner) => Backend): void {
  describe(`lists in the kernel: ${suite}`, function () {
    this.timeout(60_000);
    let lab: KernelLab | undefined;
    let server: ListServer;
    let backend: Backend;
    let dir = '';
    let hostBefore = '';
    let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
    const L = (): KernelLab => lab!;
    const list = (over: Partial<ListSettings> = {}): ListSettings => ({ name: 'testlist', source: { type: 'url', url: server.url() }, refreshMs: 3_600_000, expireMs: 5_400_000, ...over });
    const refresh = (over: Partial<ListSettings> = {}) => refreshLists({ lists: [list(over)], exempt: EXEMPT }, { stateDir: dir, backend, now: clock });
    const reach = (from: 'client' | 'client2' | 'lan', to: string) => L().answered(L().ns(from), to);

    before(async function () {
      this.timeout(240_000);
      await requireRootAndTools(['ip', 'ping', ...tools]);
      hostBefore = await hostFirewall();
      lab = await KernelLab.create(suite);
      server = await ListServer.start();
      dir = mkdtempSync(join(tmpdir(), 'pcl-lists-'));
      backend = make(L().runner());
      await backend.ensure({ wan: ['eth0'] });
    });

    after(async function () {
      this.timeout(60_000);
      await server?.stop();
      await lab?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
      assert.equal(await hostFirewall(), hostBefore, "the host's own ruleset and sets are unchanged");
    });

    it('a listed address is dropped, an allowlisted one inside the listed CIDR is not, the LAN is untouched', async () => {
      server.set(listText(2000));
      const r = await refresh();
      assert.deepEqual(r.outcomes.map((o) => [o.action, o.entries]), [['fetched', 2002]]);
      assert.deepEqual(r.notes, []);
      const [c4, c6, a4, a6, lan] = await Promise.all([
        reach('client', VICTIM.ipv4),
        reach('client', VICTIM.ipv6),
        reach('client2', VICTIM.ipv4),
        reach('client2', VICTIM.ipv6),
        reach('lan', LAN.victim4),
      ]);
      assert.deepEqual({ c4, c6, a4, a6, lan }, { c4: false, c6: false, a4: true, a6: true, lan: true });
      const lists = await backend.blocklists!.list();
      assert.deepEqual(lists.map((l) => `${l.name}${l.family}`).sort(), ['testlist4', 'testlist6']);
    });

    it('a refresh swaps the whole set atomically: a ping train during five reloads of a large list gets no answer', async () => {
      server.set(listText(30_000));
      const train = execa('ip', ['netns', 'exec', L().ns('client'), 'ping', '-4', '-n', '-i', '0.005', '-w', '6', VICTIM.ipv4], { reject: false });
      await sleep(300);
      for (let i = 0; i < 5; i++) {
        clock += 3_600_000;
        server.set(listText(30_000 + i));
        const r = await refresh();
        assert.equal(r.outcomes[0]!.action, 'fetched');
      }
      const out = String((await train).stdout);
      const m = /(\d+) packets transmitted, (\d+) received/.exec(out);
      assert.ok(m, out);
      assert.ok(Number(m[1]) > 200, `the train was long enough to cover the reloads: ${m[1]} sent`);
      assert.equal(Number(m[2]), 0, `no packet got through during the swaps: ${out.split('\n').slice(-3).join(' ')}`);
    });

    it('an unchanged list is asked with If-None-Match and kept on 304; a failing server keeps the old list and says so', async () => {
      clock += 3_600_000;
      const before = server.requests.length;
      const r = await refresh();
      assert.equal(r.outcomes[0]!.action, 'unchanged');
      const req = server.requests[before]!;
      assert.match(String(req.headers['if-none-match']), /^"[0-9a-f]{16}"$/);
      assert.ok(req.headers['if-modified-since'], 'If-Modified-Since sent too');

      clock += 3_600_000;
      server.failWith = 503;
      const failed = await refresh();
      server.failWith = undefined;
      assert.equal(failed.outcomes[0]!.action, 'failed');
      assert.match(failed.notes.join('\n'), /list testlist: .*HTTP 503; the old list stays until /);
      assert.equal(await reach('client', VICTIM.ipv4), false, 'still blocked by the old list');
      assert.equal(await reach('client2', VICTIM.ipv4), true);
    });

    it('entries expire in the kernel when nothing renews them', async () => {
      clock += 3_600_000;
      server.set(listText(10));
      const r = await refresh({ expireMs: 3000, refreshMs: 2000 });
      assert.equal(r.outcomes[0]!.action, 'fetched');
      assert.equal(await reach('client', VICTIM.ipv4), false);
      await waitFor(() => reach('client', VICTIM.ipv4), 10_000, 'the listed address is reachable again once its entries expired');
    });

    it('a list removed from the config loses its sets and hooks', async () => {
      clock += 3_600_000;
      const r = await refreshLists({ lists: [], exempt: EXEMPT }, { stateDir: dir, backend, now: clock });
      assert.deepEqual(r.outcomes, []);
      assert.deepEqual(await backend.blocklists!.list(), []);
    });
  });
}

describeLists('lsip', ['ipset', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore'], (runner) => new IpsetBackend({ runner }));
describeLists('lsnft', ['nft'], (runner) => new NftablesBackend({ runner }));

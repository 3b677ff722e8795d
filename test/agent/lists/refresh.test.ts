/**
 * The blocklists' run step (refreshLists) without a kernel: the dry-run backend prints the `ipset restore` it would
 * feed, so what would be loaded is read from that text. What must hold:
 * - ranges whose blocking cuts the host off from itself (loopback, link-local, multicast, "this network") are never
 *   loaded, whatever the list says (FireHOL's level-1 netset lists them all).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { refreshLists } from '../../../packages/agent/src/lists/refresh.js';
import type { ListSettings } from '../../../packages/agent/src/lists/settings.js';

describe('lists: the run step (dry-run ipset backend)', () => {
  let dir = '';
  let printed = '';
  let backend: DryRunBackend;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-lists-refresh-'));
    printed = '';
    backend = new DryRunBackend({ target: { type: 'ipset' }, out: { write: (t: string) => (printed += t) } });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The CIDRs the printed `ipset restore` adds to the list's new sets. */
  const loaded = (name: string): string[] =>
    printed
      .split('\n')
      .map((l) => new RegExp(`^add pcl_${name}[46]_new (\\S+)$`).exec(l)?.[1])
      .filter((c): c is string => c !== undefined);

  it('never loads loopback, link-local, multicast or "this network", whatever the list says', async () => {
    const file = join(dir, 'level1.netset');
    writeFileSync(
      file,
      ['# bogons, as FireHOL level 1 lists them', '0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/8', '255.255.255.255', '198.51.100.0/24', '::1', 'fe80::/64', 'ff02::/16', '2001:db8:66::/48', ''].join('\n'),
    );
    const list: ListSettings = { name: 'level1', source: { type: 'file', path: file }, refreshMs: 3_600_000, expireMs: 5_400_000 };
    const r = await refreshLists({ lists: [list], exempt: [] }, { stateDir: join(dir, 'state'), backend, now: Date.UTC(2026, 10, 25, 12) });
    assert.deepEqual(r.outcomes.map((o) => [o.action, o.entries]), [['fetched', 10]]);
    assert.deepEqual(loaded('level1'), ['198.51.100.0/24', '2001:db8:66::/48']);
  });
});

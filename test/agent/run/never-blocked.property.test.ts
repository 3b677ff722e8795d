/**
 * The promise "never blocked, whatever the logs say", shown over the whole agent path: the config's allow list,
 * the host's own addresses, its default gateways and the SSH client of a hand-started run go through resolveConfig
 * into runOnce, which reads a real log file in which every one of them scans (and spoofs) as loudly as the public
 * scanners beside them. The backend is the real dry-run backend (nftables target): its list() reports exactly what
 * this process applied. Public scanners must be blocked (so the property is not vacuous); protected ones never.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Allowlist, classifyAddress } from '../../../packages/core/src/index.js';
import { DryRunBackend } from '../../../packages/agent/src/backends/dry-run.js';
import { checkConfigText, resolveConfig, toDetectConfig } from '../../../packages/agent/src/config/load.js';
import type { SystemFacts } from '../../../packages/agent/src/config/system.js';
import { runOnce } from '../../../packages/agent/src/run/run-once.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

const octet = fc.integer({ min: 0, max: 255 });
const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), octet, octet, octet).map((p) => p.join('.'));
const v6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
const publicV4 = v4.filter((a) => classifyAddress(a)?.bogon === false);
const publicV6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 })
  .map((g) => ['2a01', ...g.map((x) => x.toString(16))].join(':'));

function scanLines(src: string, dst: string, t: number): string[] {
  const six = src.includes(':');
  const lines: string[] = [];
  for (let port = 1; port <= 12; port++) {
    const stamp = new Date(t + port * 100).toISOString();
    lines.push(
      six
        ? `${stamp} host kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:86:dd SRC=${src} DST=${dst} LEN=80 TC=0 HOPLIMIT=50 FLOWLBL=0 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0 `
        : `${stamp} host kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0 `,
    );
  }
  return lines;
}

describe('agent: never blocked, whatever the logs say (property)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-never-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('allow CIDRs, own addresses, default gateways and the SSH client are never banned; public scanners are', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          allow: fc.array(fc.oneof(fc.tuple(v4, fc.integer({ min: 8, max: 32 })).map(([a, b]) => `${a}/${b}`), v4, v6), { maxLength: 4 }),
          // the scan's destination: not a .255, which the noise rule rightly takes for a subnet broadcast
          own4: publicV4.filter((a) => !a.endsWith('.255')),
          own6: publicV6,
          gateway: publicV4,
          ssh: fc.oneof(publicV4, publicV6),
          scanners: fc.array(fc.oneof(publicV4, publicV6), { minLength: 1, maxLength: 6 }),
          inAllow: fc.array(fc.nat(), { maxLength: 3 }),
        }),
        async (c) => {
          run++;
          const yaml = [`allow: [${c.allow.map((a) => `"${a}"`).join(', ')}]`, 'wan: [eth0]', `state: ${dir}/s${run}`, 'start: beginning', ''].join('\n');
          const facts: SystemFacts = {
            routes: [{ family: 4, dev: 'eth0', gateway: c.gateway }],
            addresses: [
              { ifname: 'eth0', family: 4, address: c.own4, prefixlen: 32, network: `${c.own4}/32`, scope: 'global' },
              { ifname: 'eth0', family: 6, address: c.own6, prefixlen: 128, network: `${c.own6}/128`, scope: 'global' },
            ],
            interfaces: ['lo', 'eth0'],
            problems: [],
          };
          const cfg = await resolveConfig(checkConfigText(yaml, 'config.yaml'), {
            system: async () => facts,
            env: { SSH_CONNECTION: `${c.ssh} 50022 ${c.own4} 22` },
            exists: () => false,
          });
          const protectedList = new Allowlist(cfg.neverBlock);
          // sources inside the allow list's own ranges, beside the named protected addresses
          const allowHosts = c.inAllow.flatMap((n) => {
            const cidr = c.allow[n % Math.max(1, c.allow.length)];
            return cidr === undefined ? [] : [cidr.split('/')[0]!];
          });
          const sources = [...new Set([c.own4, c.own6, c.gateway, c.ssh, ...allowHosts, ...c.scanners])];
          const lines = sources.flatMap((s, i) => scanLines(s, s.includes(':') ? c.own6 : c.own4, NOW - 30_000 + i * 2000));
          const log = join(dir, `kern${run}.log`);
          writeFileSync(log, `${lines.join('\n')}\n`);
          const backend = new DryRunBackend({ target: { type: 'nftables' }, out: { write: () => true }, now: () => NOW });
          const summary = await runOnce({
            sources: [log],
            stateDir: join(dir, `s${run}`),
            backend,
            wan: cfg.wan,
            allow: cfg.neverBlock,
            neighbours: cfg.neighbours,
            detect: toDetectConfig(cfg),
            ban: cfg.ban,
            startAt: 'beginning',
            now: () => NOW,
            readOnly: true,
          });
          const inKernel = (await backend.list()).map((e) => e.address);
          for (const a of inKernel) assert.equal(protectedList.covering(a), undefined, `${a} was banned although never-blocked`);
          for (const a of [c.own4, c.own6, c.gateway, c.ssh, ...allowHosts]) {
            const canonical = classifyAddress(a)!.address;
            assert.ok(!inKernel.includes(canonical), `${canonical} (protected) was banned`);
          }
          for (const s of c.scanners) {
            const canonical = classifyAddress(s)!.address;
            if (protectedList.allows(canonical)) continue;
            assert.ok(inKernel.includes(canonical), `public scanner ${canonical} was not banned: ${JSON.stringify(summary.skipped.map((k) => k.why.en))}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

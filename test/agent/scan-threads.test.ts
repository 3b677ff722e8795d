// `portcullis scan --threads N`: the input split by source across worker threads gives the report of one thread.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { generate, GENERATED_UTC_OFFSET, GENERATED_YEAR } from '../../bench/generate.js';
import { sourcePart as partOf } from '../../packages/core/src/index.js';

const BIN = fileURLToPath(new URL('../../packages/agent/bin/portcullis.js', import.meta.url));

describe('portcullis scan: worker threads', function () {
  this.timeout(120_000);
  let dir: string;
  let log: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-scan-threads-'));
    log = join(dir, 'mixed.log');
    // the benchmark's generator: four hosts, IPv4 and IPv6 (full-length, as the kernel prints), bursts and slow
    // scanners, spoofed sources, other syslog lines
    await generate({ lines: 60_000, seed: 7, out: log });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  // in the generator's zone, so the four hosts' lines are in time order, as a log is (see scan-count.ts for what a
  // file whose hosts disagree by hours does to episode boundaries)
  async function scan(threads: string): Promise<Record<string, unknown>> {
    const r = await execa('node', [BIN, 'scan', '--json', '--year', String(GENERATED_YEAR), '--utc-offset', GENERATED_UTC_OFFSET, '--wan', 'eth0,ens3', '--threads', threads, log], { reject: false });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stderr, '');
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  it('2 and 3 threads give the same report as 1, finding for finding', async () => {
    const one = await scan('1');
    assert.ok((one.scanners as unknown[]).length >= 3, 'the log holds scanners');
    assert.ok((one.spoofed as unknown[]).length >= 1, 'and spoofed sources');
    assert.deepEqual(await scan('2'), one);
    assert.deepEqual(await scan('3'), one);
  });

  it('a /64 walked by one IPv6 scanner lands on one thread; lines without a source on the first', () => {
    const a = 'kernel: IN=eth0 OUT= SRC=2001:0db8:0001:0002:0000:0000:0000:0001 DST=2001:0db8::1 LEN=60 PROTO=TCP SPT=1 DPT=22';
    for (let i = 2; i < 40; i++) {
      const b = a.replace('0000:0001 DST', `0000:${i.toString(16).padStart(4, '0')} DST`);
      for (const parts of [2, 3, 4]) assert.equal(partOf(b, parts), partOf(a, parts));
    }
    assert.equal(partOf('Mar  1 00:00:04 web01 dhclient[60612]: DHCPREQUEST on ens3', 4), 0);
    const spread = new Set<number>();
    for (let i = 1; i < 50; i++) spread.add(partOf(`kernel: IN=eth0 SRC=192.0.2.${i} DST=198.51.100.1`, 4));
    assert.equal(spread.size, 4, 'IPv4 sources spread over the parts');
  });

  it('--threads refuses what is not a count, and more than 16', async () => {
    for (const bad of ['0', 'two', '17']) {
      const r = await execa('node', [BIN, 'scan', '--threads', bad, log], { reject: false });
      assert.equal(r.exitCode, 2, bad);
      assert.match(r.stderr, /--threads/);
    }
  });
});

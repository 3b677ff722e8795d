/**
 * `portcullis run` on a terminal draws a progress bar for a big log; under cron (no terminal) it prints nothing at
 * all. The terminal is a real pseudo-terminal from script(1); the backend is the dry-run one, so no root is needed.
 */
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { execa } from 'execa';
import { BIN } from './run-lab.js';

describe('portcullis run: progress on a terminal only', function () {
  this.timeout(60_000);
  let dir = '';
  let config = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-progress-'));
    const log = join(dir, 'kern.log');
    config = join(dir, 'config.yaml');
    writeFileSync(config, `sources: [${log}]\nwan: [eth0]\nstate: ${join(dir, 'state')}\nstart: beginning\nbackend: {type: dry-run}\n`);
    // 40 MB: one benign client knocking on one port, so nothing is banned and the output is only the bar and summary
    const out = createWriteStream(log);
    const line = 'Nov 25 10:00:00 host kernel: [IPTABLES REJECT]: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=89.248.165.52 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=51000 DPT=443 WINDOW=1024 RES=0x00 SYN URGP=0\n';
    const block = line.repeat(1000);
    for (let written = 0; written < 40 * 1024 * 1024; written += block.length) if (!out.write(block)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws a bar on a terminal, then the summary', async () => {
    const r = await execa('script', ['-qfec', `${process.execPath} ${BIN} run --config ${config}`, '/dev/null'], { reject: false, env: { TERM: 'xterm' } });
    assert.equal(r.exitCode, 0, r.stdout);
    assert.match(r.stdout, /\[#*\.*\] \d+% \d+\/40 MB .*kern\.log/);
    assert.match(r.stdout, /new line\(s\), \d+ from the firewall; 0 noise; 0 finding\(s\); 0 ban\(s\) applied/);
  });

  it('without a terminal (cron): no bar, no summary; only what a dry run exists to print', async () => {
    const r = await execa(process.execPath, [BIN, 'run', '--config', config], { reject: false, stdin: 'ignore' });
    assert.deepEqual([r.exitCode, r.stderr], [0, '']);
    assert.match(r.stdout, /^# dry-run \(nftables\): ensure sets and hooks/);
    assert.doesNotMatch(r.stdout, /new line\(s\)|MB|%/);
  });
});

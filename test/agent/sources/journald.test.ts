import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameJournalJson } from '../../../packages/core/src/framing/journald.js';
import { journalArgs, JournalError, readJournal, recordCursor, type JournalLine, type JournalOptions, type JournalSpawner } from '../../../packages/agent/src/sources/journald.js';
import type { JournalCursor } from '../../../packages/agent/src/sources/cursor.js';
import { tempDir } from './helpers.js';

const BOOT = '5e6c0a3f2b8d4c1e9f7a6b5c4d3e2f10';
function record(i: number, message: unknown): string {
  // journalctl -o json: one object per line; every value a string (numbers too), __CURSOR first
  return JSON.stringify({
    __CURSOR: `s=0b9c2e7d4f1a4c8e8a3d5b6c7e8f9a0b;i=${(0x1000 + i).toString(16)};b=${BOOT};m=${(5_000_000 + i).toString(16)};t=${(1_711_000_000_000_000 + i).toString(16)};x=${(0xabc0 + i).toString(16)}`,
    __REALTIME_TIMESTAMP: String(1_711_000_000_000_000 + i * 1_000_000),
    __MONOTONIC_TIMESTAMP: String(5_000_000 + i),
    _BOOT_ID: BOOT,
    PRIORITY: '4',
    SYSLOG_FACILITY: '0',
    SYSLOG_IDENTIFIER: 'kernel',
    _TRANSPORT: 'kernel',
    _HOSTNAME: 'gw',
    _SOURCE_MONOTONIC_TIMESTAMP: String(4_999_000 + i),
    MESSAGE: message,
  });
}
const LINES = [
  record(1, '[UFW BLOCK] IN=eth0 OUT= MAC= SRC=203.0.113.7 DST=192.0.2.1 LEN=44 TTL=52 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 '),
  record(2, [...Buffer.from('IN=eth0 SRC=203.0.113.7 \xff')]),
  record(3, null),
];

/** A stand-in for journalctl that prints the given records and notes its arguments. */
function fake(lines: string[], exitCode = 0, stderr = ''): { spawn: JournalSpawner; calls: string[][] } {
  const calls: string[][] = [];
  const spawn: JournalSpawner = (command, args) => {
    calls.push([command, ...args]);
    return {
      stdout: (async function* () {
        // split mid-record, as a pipe may deliver it
        const all = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        for (let i = 0; i < all.length; i += 97) yield all.subarray(i, i + 97);
      })(),
      done: Promise.resolve({ exitCode, stderr }),
    };
  };
  return { spawn, calls };
}

async function drain(cursor: JournalCursor | undefined, options: JournalOptions): Promise<{ lines: JournalLine[]; position: JournalCursor | undefined }> {
  const r = readJournal(cursor, options);
  const lines: JournalLine[] = [];
  for await (const l of r) lines.push(l);
  return { lines, position: r.position() };
}

describe('agent sources: journald', () => {
  it('builds argument arrays: after a cursor, a first run from the end (-n 1), from the beginning', () => {
    const fields = '--output-fields=MESSAGE,PRIORITY,SYSLOG_FACILITY,SYSLOG_IDENTIFIER,_COMM,_TRANSPORT,_HOSTNAME,_SOURCE_REALTIME_TIMESTAMP,_SOURCE_MONOTONIC_TIMESTAMP';
    const base = ['--no-pager', '--quiet', '--output=json', fields];
    assert.deepEqual(journalArgs({ kind: 'journald', cursor: 's=1;i=2' }), [...base, '--after-cursor=s=1;i=2', '_TRANSPORT=kernel']);
    assert.deepEqual(journalArgs(undefined), [...base, '--lines=1', '_TRANSPORT=kernel']);
    assert.deepEqual(journalArgs(undefined, { startAt: 'beginning' }), [...base, '_TRANSPORT=kernel']);
    assert.deepEqual(journalArgs({ kind: 'journald', cursor: '' }), [...base, '_TRANSPORT=kernel'], 'an empty journal last time: all is new');
    assert.deepEqual(journalArgs(undefined, { extraArgs: ['--directory=/x'] })[0], '--directory=/x');
  });

  it('yields the raw JSON records, which core frames, and the last __CURSOR as the position', async () => {
    const { spawn, calls } = fake(LINES);
    const cursor: JournalCursor = { kind: 'journald', cursor: 's=0;i=1' };
    const { lines, position } = await drain(cursor, { spawn });
    assert.equal(calls[0][0], 'journalctl');
    assert.ok(calls[0].includes('--after-cursor=s=0;i=1'));
    assert.deepEqual(lines.map((l) => l.text), LINES);
    assert.deepEqual(position, { kind: 'journald', cursor: JSON.parse(LINES[2]).__CURSOR });
    const f = frameJournalJson(lines[0].text)!;
    assert.match(f.message, /^\[UFW BLOCK\] IN=eth0/);
    assert.equal(f.host, 'gw');
    assert.equal(f.priority, 4);
    assert.equal(f.time, 1_711_000_001_000);
    assert.match(frameJournalJson(lines[1].text)!.message, /^IN=eth0 SRC=203\.0\.113\.7/);
  });

  it('position moves only over records handed out', async () => {
    const r = readJournal({ kind: 'journald', cursor: 's=0' }, { spawn: fake(LINES).spawn });
    for await (const l of r) if (l.line === 2) break;
    assert.equal(r.position()?.cursor, JSON.parse(LINES[1]).__CURSOR);
  });

  it('a first run starts after the newest record and hands out nothing; on an empty journal everything later is new', async () => {
    const first = await drain(undefined, { spawn: fake(LINES).spawn });
    assert.deepEqual(first.lines, []);
    assert.equal(first.position?.cursor, JSON.parse(LINES[2]).__CURSOR);
    const empty = await drain(undefined, { spawn: fake([]).spawn });
    assert.deepEqual(empty.position, { kind: 'journald', cursor: '' });
  });

  it('a journalctl failure is a clear error and the cursor does not move', async () => {
    const cursor: JournalCursor = { kind: 'journald', cursor: 'bad' };
    const r = readJournal(cursor, { spawn: fake([], 1, 'Failed to seek to cursor: Invalid argument\n').spawn });
    await assert.rejects(async () => {
      for await (const _ of r) void _;
    }, (e: unknown) => e instanceof JournalError && e.message === 'journalctl: Failed to seek to cursor: Invalid argument');
    assert.deepEqual(r.position(), cursor);
  });

  it('finds __CURSOR quickly in journalctl spacing, and by parsing otherwise', () => {
    assert.equal(recordCursor('{ "__CURSOR" : "s=ab;i=1", "MESSAGE" : "x" }'), 's=ab;i=1');
    assert.equal(recordCursor('{"MESSAGE":"\\"__CURSOR\\"","__CURSOR":"s=1"}'), 's=1');
    assert.equal(recordCursor('not json'), undefined);
  });

  describe('through execa', () => {
    let dir: string;
    let cleanup: () => void;
    beforeEach(() => ({ dir, cleanup } = tempDir('pcl-journal-')));
    afterEach(() => cleanup());

    it('runs a fake journalctl executable with the argument array and streams its records', async () => {
      const bin = join(dir, 'journalctl');
      const argsFile = join(dir, 'args.json');
      writeFileSync(
        bin,
        `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write(${JSON.stringify(LINES.join('\n') + '\n')});\n`,
      );
      chmodSync(bin, 0o755);
      const cursor: JournalCursor = { kind: 'journald', cursor: 's=x;i=1' };
      const { lines, position } = await drain(cursor, { command: bin });
      assert.equal(lines.length, 3);
      assert.equal(position?.cursor, JSON.parse(LINES[2]).__CURSOR);
      assert.deepEqual(JSON.parse(readFileSync(argsFile, 'utf8')), journalArgs(cursor));
    });

    it('a missing journalctl says so', async () => {
      await assert.rejects(drain({ kind: 'journald', cursor: 's=1' }, { command: join(dir, 'nope') }), /not installed/);
    });

    let realJournalctl = false;
    try {
      execFileSync('journalctl', ['--version'], { stdio: 'ignore' });
      realJournalctl = true;
    } catch {
      realJournalctl = false;
    }
    (realJournalctl ? it : it.skip)('the real journalctl accepts these arguments (on an empty journal directory)', async () => {
      const journal = join(dir, 'journal');
      mkdirSync(journal);
      const extraArgs = [`--directory=${journal}`];
      const first = await drain(undefined, { extraArgs });
      assert.deepEqual(first, { lines: [], position: { kind: 'journald', cursor: '' } });
      const well = 's=0b9c2e7d4f1a4c8e8a3d5b6c7e8f9a0b;i=1;b=5e6c0a3f2b8d4c1e9f7a6b5c4d3e2f10;m=1;t=1;x=1';
      assert.deepEqual((await drain({ kind: 'journald', cursor: well }, { extraArgs })).lines, []);
      await assert.rejects(drain({ kind: 'journald', cursor: 'garbage' }, { extraArgs }), /journalctl: Failed to seek to cursor/);
    });
  });
});

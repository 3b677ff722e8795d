/**
 * The fleet's pure parts: what a received stream entry must be (and what a hostile one is refused for), stream ID
 * order, the outbox's last-word-wins queue, the `fleet` field of state.json both ways, and the `share` config
 * section's messages (which must never repeat a password).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfigText, ConfigError } from '../../../packages/agent/src/config/load.js';
import { configProblems } from '../config/helpers.js';
import { encodeEntries, readEntry } from '../../../packages/agent/src/share/entry.js';
import { emptyFleetState, MAX_OUTBOX, queue } from '../../../packages/agent/src/share/fleet-state.js';
import { redactUrl } from '../../../packages/agent/src/share/settings.js';
import { compareIds, previousId } from '../../../packages/agent/src/share/stream-id.js';
import { emptyState, parseState, serializeState, StateStore } from '../../../packages/agent/src/state/store.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('fleet entries, IDs, outbox and config', () => {
  it('a batch written by encodeEntries reads back the same, a hundred lines per entry', () => {
    const entries = encodeEntries(
      [
        { op: 'ban', address: '2001:db8::7', until: NOW + 60_000, reason: 'port scan', types: ['syn', 'fin'] },
        { op: 'unban', address: '192.0.2.9' },
      ],
      'web-1',
    );
    assert.equal(entries.length, 1);
    assert.deepEqual(readEntry(entries[0], NOW), {
      ok: true,
      node: 'web-1',
      ops: [
        { op: 'ban', address: '2001:db8::7', family: 6, until: NOW + 60_000, reason: 'port scan', types: ['syn', 'fin'], node: 'web-1' },
        { op: 'unban', address: '192.0.2.9', family: 4, node: 'web-1' },
      ],
      problems: [],
    });
    const many = Array.from({ length: 2500 }, (_, i) => ({ op: 'ban' as const, address: `2001:db8::${(i + 1).toString(16)}`, until: NOW + 1000 }));
    assert.deepEqual(encodeEntries(many, 'n', 1000).map((e) => e[3]!.split('\n').length), [1000, 1000, 500]);
    assert.equal(encodeEntries(many, 'n').length, 25);
  });

  it('addresses are made canonical; hostile or broken lines are refused with a reason, the good ones stand', () => {
    const ban = (addr: string, until = String(NOW + 60_000), extra = '\t\t') => `ban\t${addr}\t${until}${extra}`;
    const lines: Array<[string, RegExp | undefined]> = [
      [ban('2001:DB8:0:0::0007'), undefined],
      [ban('0.0.0.0/0'), /'0\.0\.0\.0\/0' is not an IPv4 or IPv6 address/],
      [ban('198.51.100.0/24'), /not an IPv4 or IPv6 address/],
      [ban('127.0.0.1'), /127\.0\.0\.1 is a loopback address, never blocked from the fleet/],
      [ban('::1'), /loopback/],
      [ban('::'), /unspecified/],
      [ban('255.255.255.255'), /broadcast/],
      [ban('ff02::1'), /multicast/],
      [ban('fe80::1'), /link-local/],
      [ban('::ffff:192.0.2.1'), /ipv4-mapped/],
      [ban('192.0.2.1', String(NOW - 1)), /ended already/],
      [ban('192.0.2.1', String(NOW + 11 * 365 * 86_400_000)), /absurdly far/],
      [ban('192.0.2.1', '1e20'), /no time "until"/],
      [ban('192.0.2.1', String(NOW + 1000), '\tsyn,$(reboot)\t'), /types/],
      [ban('192.0.2.1', String(NOW + 1000), '\t\treason\textra'), /more fields than a ban has/],
      ['exec\t192.0.2.1', /op 'exec'/],
      ['unban\t192.0.2.1\t5', /more than an address/],
      ['', /op ''/],
    ];
    const r = readEntry(['node', 'n1', 'bans', lines.map(([l]) => l).join('\n')], NOW);
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.ops.map((o) => o.address), ['2001:db8::7']);
    const problems = r.ok ? r.problems : [];
    assert.equal(problems.length, lines.length - 1);
    lines.slice(1).forEach(([, why], i) => assert.match(problems[i]!, new RegExp(`^line ${i + 2}: .*${why!.source}`)));

    const whole: Array<[unknown, RegExp]> = [
      [['node', 'a b', 'bans', ban('192.0.2.1')], /no valid node name \('a b'\)/],
      [['bans', ban('192.0.2.1')], /no valid node name/],
      [['node', 'n1'], /no "bans" field/],
      [['node', 'n1', 'bans'], /not a short list/],
      ['ban 192.0.2.1', /not a short list/],
      [Array.from({ length: 40 }, () => 'x'), /not a short list/],
    ];
    for (const [fields, why] of whole) {
      const w = readEntry(fields, NOW);
      assert.equal(w.ok, false, JSON.stringify(w));
      assert.match(!w.ok ? w.problem : '', why);
    }
    const flood = readEntry(['node', 'n1', 'bans', Array.from({ length: 1005 }, () => ban('192.0.2.1')).join('\n')], NOW);
    assert.ok(flood.ok && flood.ops.length === 1000 && /5 lines past the 1000/.test(flood.problems.join()));
  });

  it('a reason cannot write to a terminal: control characters become spaces, and it is cut to 200 characters', () => {
    const r = readEntry(['node', 'n', 'bans', `ban\t192.0.2.1\t${NOW + 1000}\t\ta\u001b[2J\rb\u0085${'x'.repeat(500)}`], NOW);
    assert.ok(r.ok && r.ops[0]?.op === 'ban');
    const reason = r.ok && r.ops[0]?.op === 'ban' ? r.ops[0].reason : '';
    assert.equal(reason.length, 200);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(reason));
    // and a writer's own reason with a tab or a new line cannot break its line apart
    const e = encodeEntries([{ op: 'ban', address: '192.0.2.1', until: NOW + 1000, reason: 'a\tb\nban\t127.0.0.1' }], 'n');
    const back = readEntry(e[0], NOW);
    assert.ok(back.ok && back.ops.length === 1 && back.problems.length === 0);
  });

  it('stream IDs compare exactly, also past 2^53', () => {
    assert.ok(compareIds('1700000000000-0', '1700000000000-1') < 0);
    assert.ok(compareIds('1700000000001-0', '1700000000000-99') > 0);
    assert.equal(compareIds('9007199254740993-0', '9007199254740992-0'), 1);
    assert.equal(previousId('5-0'), '4-18446744073709551615');
    assert.equal(previousId('5-3'), '5-2');
    assert.equal(previousId('0-0'), '0-0');
  });

  it('the outbox keeps the last word per address, in order, and at most MAX_OUTBOX items', () => {
    const f = emptyFleetState();
    queue(f, [{ op: 'ban', address: '192.0.2.1', until: 1 }, { op: 'ban', address: '192.0.2.2', until: 1 }]);
    queue(f, [{ op: 'unban', address: '192.0.2.1' }]);
    assert.deepEqual(f.outbox.map((o) => `${o.op} ${o.address}`), ['ban 192.0.2.2', 'unban 192.0.2.1']);
    queue(f, Array.from({ length: MAX_OUTBOX + 10 }, (_, i) => ({ op: 'ban' as const, address: `2001:db8::${(i + 1).toString(16)}`, until: 1 })));
    assert.equal(f.outbox.length, MAX_OUTBOX);
    assert.equal(f.outbox.at(-1)?.address, `2001:db8::${(MAX_OUTBOX + 10).toString(16)}`, 'the newest are kept');
  });

  it('the fleet field travels through state.json, and a damaged one is named', async () => {
    const s = emptyState();
    s.fleet = emptyFleetState();
    s.fleet.cursor = '1700000000000-5';
    s.fleet.published = 3;
    s.fleet.nodes.set('web-2', NOW);
    queue(s.fleet, [{ op: 'ban', address: '192.0.2.1', until: NOW + 1, reason: 'r', types: ['syn'] }]);
    const back = parseState(serializeState(s, NOW), 'state.json');
    assert.deepEqual(back.fleet, s.fleet);
    const dir = mkdtempSync(join(tmpdir(), 'pcl-fleetstate-'));
    try {
      const store = new StateStore(dir, { now: () => NOW });
      await store.save(s);
      assert.deepEqual((await new StateStore(dir).load()).fleet, s.fleet);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const text = serializeState(s, NOW).replace('"1700000000000-5"', '"next"');
    assert.throws(() => parseState(text, 'state.json'), /state\.json: "fleet" has a "cursor" that is not a stream ID/);
    assert.equal(parseState(serializeState(emptyState(), NOW), 'x').fleet, undefined, 'no fleet field without the feature');
  });

  it('share is off by default and without a URL; on with one, with the defaults filled in', () => {
    assert.equal(checkConfigText('', 'c.yaml').share, undefined);
    assert.equal(checkConfigText('share: {node: web-1}', 'c.yaml').share, undefined);
    const s = checkConfigText('share: {redis: "rediss://ops:pw@redis.example.net:6380/2"}', 'c.yaml').share;
    assert.deepEqual(s, { redis: 'rediss://ops:pw@redis.example.net:6380/2', prefix: 'portcullis', publish: true, subscribe: true, trust: ['*'], timeoutMs: 2000, streamMax: 100_000 });
    assert.equal(redactUrl(s!.redis), 'rediss://ops:***@redis.example.net:6380/2');
  });

  it('share: Sentinel or Cluster instead of one URL, with the user; the label is what status prints', () => {
    const s = checkConfigText('share:\n  sentinel: {master: pclfleet, nodes: ["10.0.0.5:26379", "[2001:db8::5]:26379"]}\n  user: ops\n  password_env: PW\n', 'c.yaml').share;
    assert.deepEqual(s, {
      redis: 'sentinel pclfleet at 10.0.0.5:26379,[2001:db8::5]:26379',
      sentinel: { master: 'pclfleet', nodes: [{ host: '10.0.0.5', port: 26379 }, { host: '2001:db8::5', port: 26379 }] },
      user: 'ops',
      passwordEnv: 'PW',
      prefix: 'portcullis',
      publish: true,
      subscribe: true,
      trust: ['*'],
      timeoutMs: 2000,
      streamMax: 100_000,
    });
    assert.equal(redactUrl(s!.redis), s!.redis);
    const c = checkConfigText('share: {cluster: [redis-1.example.net:7000, "10.0.0.6:7000"], password_file: /etc/portcullis/redis.password}', 'c.yaml').share;
    assert.equal(c?.redis, 'cluster redis-1.example.net:7000,10.0.0.6:7000');
    assert.deepEqual(c?.cluster, [{ host: 'redis-1.example.net', port: 7000 }, { host: '10.0.0.6', port: 7000 }]);
    assert.equal(c?.sentinel, undefined);
    assert.equal(checkConfigText('share: {sentinel: {master: "", nodes: []}, cluster: []}', 'c.yaml').share, undefined, 'empty: off');
  });

  it('share: Sentinel and Cluster mistakes named with file:line:column', () => {
    const message = (text: string): string[] => {
      const lines = configProblems(text);
      assert.notEqual(lines.length, 0, 'no error');
      return lines;
    };
    assert.deepEqual(message('share:\n  redis: "redis://ops:hunter2@r:6379"\n  cluster: ["r:7000"]\n'), [
      'c.yaml:3:3: share.cluster: share.redis is set too: give one of redis (one server), sentinel (Redis Sentinel) or cluster (Redis Cluster)',
    ]);
    assert.deepEqual(message('share:\n  cluster: ["r:7000", "r:70000", "r", "a b:1"]\n'), [
      "c.yaml:2:34: share.cluster[2]: 'r' is not host:port (a host name or address, a colon, a port; [IPv6]:port for an IPv6 address)",
      "c.yaml:2:39: share.cluster[3]: 'a b:1' is not host:port (a host name or address, a colon, a port; [IPv6]:port for an IPv6 address)",
    ]);
    assert.deepEqual(message('share:\n  cluster: ["r:7000", "r:70000"]\n'), ["c.yaml:2:23: share.cluster[1]: 'r:70000' has no port in 1-65535 (host:port, or [IPv6]:port)"]);
    assert.deepEqual(message('share:\n  sentinel:\n    nodes: ["s:26379"]\n'), [
      'c.yaml:2:3: share.sentinel: names no master: give sentinel.master, the name the sentinels watch it under (sentinel monitor NAME ...)',
    ]);
    assert.deepEqual(message('share:\n  sentinel: {master: "my master"}\n  user: "a b"\n'), [
      "c.yaml:2:22: share.sentinel.master: 'my master' cannot be a Sentinel master name (letters, digits, . _ : or -; no spaces)",
      "c.yaml:3:9: share.user: 'a b' cannot be a Redis user name (no spaces, @, : or /)",
    ]);
    assert.deepEqual(message('share:\n  sentinel: {master: pcl}\n'), [
      'c.yaml:2:3: share.sentinel: names no sentinel: give sentinel.nodes, a list of host:port (26379 is the usual port)',
    ]);
  });

  it('share: each mistake named with file:line:column, and the URL (which may hold a password) never repeated', () => {
    const text = [
      'share:',
      '  redis: "http://ops:hunter2@redis.example.net/"',
      '  timeout: 5m',
      '  trust: [web-1, "bad name"]',
      '  prefix: "{x}"',
      '  password_env: "1BAD"',
      '',
    ].join('\n');
    let err: ConfigError | undefined;
    try {
      checkConfigText(text, 'c.yaml');
    } catch (e) {
      err = e as ConfigError;
    }
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.message.split('\n'), [
      "c.yaml:4:18: share.trust[1]: 'bad name' is neither * nor a node name (a letter or digit first, then letters, digits, . _ or -)",
      "c.yaml:5:11: share.prefix: '{x}' cannot be a key prefix (letters, digits, _ . : or -; no braces or spaces; at most 64 characters)",
      "c.yaml:6:17: share.password_env: '1BAD' is not an environment variable name (letters, digits and _, not a digit first)",
    ]);
    let second: ConfigError | undefined;
    try {
      checkConfigText('share:\n  redis: "http://ops:hunter2@redis.example.net/"\n  timeout: 5m\n', 'c.yaml');
    } catch (e) {
      second = e as ConfigError;
    }
    assert.deepEqual(second?.message.split('\n'), [
      'c.yaml:2:10: share.redis: is a http URL, not redis:// or rediss://',
      'c.yaml:3:12: share.timeout: is longer than a minute: a run would wait that long for a Redis that is down (at most 60s)',
    ]);
    assert.ok(!second?.message.includes('hunter2'));
  });
});

/**
 * Sharing bans through a real redis-server (ACL user with a password, default user off), library level: two and
 * three agents with their own state directories and the real dry-run backend (its list() answers from what the
 * process applied; its commands are captured), each `run` the real runOnce. What must hold: a ban travels with
 * about the same expiry and is never echoed; the allow list wins; a removal propagates; hostile entries are skipped;
 * a wrong or missing password, a stopped Redis and a frozen one cost one timeout, leave the cursor where it was and
 * keep the bans to send in the outbox until a later run reaches Redis.
 */
import assert from 'node:assert/strict';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeBan } from '../../../packages/agent/src/run/ops.js';
import { FleetLink } from '../../../packages/agent/src/share/fleet.js';
import { checkConfigText } from '../../../packages/agent/src/config/load.js';
import { FakeAbuseIpdb } from '../abuseipdb/fake-abuseipdb.js';
import type { ShareSettings } from '../../../packages/agent/src/share/settings.js';
import { StateStore } from '../../../packages/agent/src/state/store.js';
import { Agent, DAY, SCANNER, scanLines, testShare } from './fleet-agent.js';
import { PASSWORD, startRedis, type RedisLab } from './redis-lab.js';

describe('fleet: sharing bans through a real Redis', function () {
  this.timeout(60_000);
  let redis: RedisLab;
  let agents: Agent[] = [];
  let prefix = '';
  const share = (over: Partial<ShareSettings> = {}): ShareSettings => testShare(redis.url(), prefix, { timeoutMs: 1000, ...over });
  const agent = (node: string, over: Partial<ShareSettings> = {}, allow: string[] = []): Agent => {
    const a = new Agent(node, share(over), allow);
    agents.push(a);
    return a;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    prefix = `t${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(() => {
    for (const a of agents) a.remove();
    agents = [];
  });

  it('a scanner banned by one node is applied by the others with about the same expiry, and never echoed', async () => {
    const [a, b, c] = [agent('a'), agent('b'), agent('c')];
    await b.run(); // joins first: reads the (empty) live view and takes the stream's end as its cursor
    appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
    const ra = await a.run();
    assert.deepEqual(ra.applied.map((x) => x.address), [SCANNER]);
    assert.equal(ra.fleet?.published, 1);
    assert.equal(ra.fleet?.problem, undefined);
    const aUntil = (await a.state()).bans[0]!.until;

    const rb = await b.run();
    const rc = await c.run(); // joins late: the live view
    for (const [who, r] of [['b', rb], ['c', rc]] as const) {
      assert.equal(r.fleet?.applied, 1, `${who} applied the fleet ban`);
      assert.equal(r.fleet?.published, 0, `${who} publishes nothing: a ban received is never sent again`);
      assert.equal(r.applied.length, 0, `${who} found nothing itself`);
    }
    assert.match(b.commands, new RegExp(`add element inet portcullis block4 \\{ ${SCANNER.replace(/\./g, '\\.')} timeout \\d+s`));
    assert.match(c.commands, new RegExp(SCANNER.replace(/\./g, '\\.')));
    for (const x of [b, c]) {
      const ban = (await x.state()).bans.find((r) => r.address === SCANNER)!;
      assert.ok(Math.abs(ban.until - aUntil) < 1000, `same expiry on ${x.node}: ${ban.until} vs ${aUntil}`);
      assert.match(ban.reason, /^fleet( a)?: /);
    }
    assert.equal(await redis.cli('XLEN', `{${prefix}}:stream`), '1', 'only the first node wrote');
    assert.equal((await b.state()).fleet?.nodes.has('a'), true, 'b has heard from a');

    const again = await a.run();
    assert.equal(again.fleet?.applied, 0, 'a does not take its own ban back');
    const rb2 = await b.run();
    assert.equal(rb2.fleet?.applied, 0, 'nothing new: the cursor moved');
  });

  it('a ban that AbuseIPDB\'s score lengthened travels with its longer end', async () => {
    const KEY = 'fleet-test-abuseipdb-key-SECRET';
    const PUBLIC = '89.248.165.52';
    const fake = await FakeAbuseIpdb.start(KEY);
    try {
      fake.addresses.set(PUBLIC, { abuseConfidenceScore: 100 });
      const [a, b] = [agent('a'), agent('b')];
      a.intel = { abuseipdb: { settings: checkConfigText(`abuseipdb: {check: true, base_url: "${fake.baseUrl}", timeout: 2s}`, 'c.yaml').abuseipdb, key: KEY, ownAddresses: [], hostNames: [] } };
      await b.run();
      appendFileSync(a.log, scanLines(PUBLIC, Date.now() - 5000));
      const ra = await a.run();
      assert.equal(ra.intel?.abuseipdb?.lengthened.size, 1, 'score 100: the ban was lengthened');
      const aUntil = (await a.state()).bans.find((x) => x.address === PUBLIC)!.until;
      assert.equal(await redis.cli('ZSCORE', `{${prefix}}:live`, PUBLIC), String(aUntil), 'the live view holds the longer end');
      assert.equal((await b.run()).fleet?.applied, 1);
      const bUntil = (await b.state()).bans.find((x) => x.address === PUBLIC)!.until;
      assert.ok(Math.abs(bUntil - aUntil) < 1000, `same expiry on b: ${bUntil} vs ${aUntil}`);
    } finally {
      await fake.stop();
    }
  });

  it('the allow list wins over the fleet, and a node trusting others only ignores the rest', async () => {
    const [a, b, d] = [agent('a'), agent('b', {}, [`${SCANNER}/32`]), agent('d', { trust: ['c'] })];
    await b.run();
    await d.run();
    appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
    await a.run();
    const rb = await b.run();
    assert.equal(rb.fleet?.applied, 0);
    assert.ok(!b.commands.includes(SCANNER), 'no command names the allowed address');
    assert.ok(b.logged.some((l) => l.includes(`not blocking ${SCANNER}`) && l.includes('config')), b.logged.join('\n'));
    const rd = await d.run();
    assert.equal(rd.fleet?.applied, 0, 'd trusts c only');
    assert.equal(rd.fleet?.received, 1, 'but read the entry');
  });

  it('a removal by hand propagates to the nodes that applied the ban', async () => {
    const [a, b] = [agent('a'), agent('b')];
    await b.run();
    appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
    await a.run();
    await b.run();
    assert.equal((await b.state()).bans.length, 1);
    // what `portcullis bans remove` does on a: lift it locally, then queue and send the unban under the lock
    const deps = { stateDir: a.stateDir, backend: a.backend, wan: ['eth0'], allow: [], now: Date.now };
    assert.equal((await removeBan(deps, SCANNER)).ok, true);
    const store = new StateStore(a.stateDir);
    const st = await store.load();
    const link = new FleetLink({ ...a.share, node: 'a' }, { env: {}, maxBanMs: 7 * DAY });
    await link.publish(st, [{ op: 'unban', address: SCANNER }], Date.now());
    await link.close();
    await store.save(st);
    assert.equal(link.report.published, 1);
    assert.equal(await redis.cli('ZSCORE', `{${prefix}}:live`, SCANNER), '', 'gone from the live view');

    b.commands = '';
    const rb = await b.run();
    assert.equal(rb.fleet?.lifted, 1);
    assert.match(b.commands, new RegExp(`delete element inet portcullis block4 \\{ ${SCANNER.replace(/\./g, '\\.')} \\}`));
    assert.deepEqual((await b.state()).bans, []);
    const late = agent('late');
    assert.equal((await late.run()).fleet?.applied, 0, 'a node joining now does not get the lifted ban');
  });

  it('hostile stream entries are skipped and counted; nothing they say is run or blocks the world', async () => {
    const b = agent('b');
    await b.run();
    const k = `{${prefix}}:stream`;
    const ahead = String(Date.now() + 3_600_000);
    // one entry from 'evil' whose lines are each wrong in their own way, and entries wrong as a whole
    const badLines = [
      `ban\t0.0.0.0/0\t${ahead}\t\t`,
      `ban\t::/0\t${ahead}\t\t`,
      `ban\t127.0.0.1\t${ahead}\t\t`,
      `ban\t0.0.0.0\t${ahead}\t\t`,
      `ban\t224.0.0.1\t${ahead}\t\t`,
      `ban\t198.51.100.5; rm -rf /\t${ahead}\t\t`,
      `ban\t198.51.100.6\t${Date.now() - 60_000}\t\t`,
      `ban\t198.51.100.7\t${Date.now() + 20 * 365 * DAY}\t\t`,
      'ban\t198.51.100.8\tsoon\t\t',
      `exec\t198.51.100.9\t${ahead}`,
      `ban\t198.51.100.10\t${ahead}\tsyn,$(reboot)\t`,
    ];
    await redis.cli('XADD', k, '*', 'node', 'evil', 'bans', badLines.join('\n'));
    await redis.cli('XADD', k, '*', 'node', 'evil node; ls', 'bans', `ban\t198.51.100.11\t${ahead}\t\t`);
    await redis.cli('XADD', k, '*', 'bans', `ban\t198.51.100.13\t${ahead}\t\t`);
    // one good line, with a reason that tries to write to the terminal
    await redis.cli('XADD', k, '*', 'node', 'e', 'bans', `ban\t198.51.100.12\t${ahead}\tsyn\tscan\u001b[2J cleared`);
    const skippedCount = badLines.length + 2;
    const r = await b.run();
    assert.equal(r.fleet?.skipped, skippedCount);
    assert.equal(r.fleet?.applied, 1);
    assert.deepEqual((await b.state()).bans.map((x) => x.address), ['198.51.100.12']);
    assert.ok(!/[\u0000-\u001f]/.test((await b.state()).bans[0]!.reason), 'control characters removed from the reason');
    assert.ok(!/0\.0\.0\.0|::\/0|127\.0\.0\.1|224\.0\.0\.1|rm -rf/.test(b.commands), b.commands);
    assert.match(r.fleet?.notes.join('\n') ?? '', /skipped 13 malformed or hostile stream entries \(first: \d+-\d+ from evil: line 1: '0\.0\.0\.0\/0' is not an IPv4 or IPv6 address\)/);
    assert.equal((await b.state()).fleet?.skipped, 13);
  });

  it('a wrong password: local bans go on, the cursor stays, the ban waits in the outbox and goes out on the next good run', async () => {
    const [a, b] = [agent('a', { redis: redis.url('not-the-password') }), agent('b')];
    await b.run();
    appendFileSync(a.log, scanLines(SCANNER, Date.now() - 5000));
    const ra = await a.run();
    assert.deepEqual(ra.applied.map((x) => x.address), [SCANNER], 'the local ban happened');
    assert.match(ra.fleet?.problem ?? '', /^Redis at 127\.0\.0\.1:\d+ refused the credentials \(WRONGPASS\)/);
    assert.ok(!(ra.fleet?.problem ?? '').includes('not-the-password') && !(ra.fleet?.problem ?? '').includes(PASSWORD));
    const st = await a.state();
    assert.deepEqual(st.fleet?.outbox.map((o) => o.address), [SCANNER]);
    assert.equal(st.fleet?.cursor, undefined, 'no cursor: nothing was read');
    assert.match(st.fleet?.lastProblem?.text ?? '', /WRONGPASS/);
    assert.equal((await b.run()).fleet?.applied, 0, 'nothing reached the fleet');

    a.share = share();
    const fixed = await a.run();
    assert.equal(fixed.fleet?.problem, undefined);
    assert.equal(fixed.fleet?.published, 1, 'the outbox went out');
    assert.deepEqual((await a.state()).fleet?.outbox, []);
    assert.equal((await b.run()).fleet?.applied, 1);
  });

  it('no password at all (NOAUTH), a stopped Redis and a frozen one each cost one timeout at most, and move no cursor', async () => {
    const b = agent('b');
    await b.run();
    const cursor = (await b.state()).fleet?.cursor;
    assert.ok(cursor, 'a cursor after the first contact');

    b.share = share({ redis: `redis://127.0.0.1:${redis.port}/0` });
    let r = await b.run();
    assert.match(r.fleet?.problem ?? '', /wants a user and password \(NOAUTH\)/);
    assert.equal((await b.state()).fleet?.cursor, cursor);

    const other = await startRedis();
    const deadPort = other.port;
    await other.stop();
    b.share = share({ redis: `redis://u:p@127.0.0.1:${deadPort}/0` });
    let t = Date.now();
    r = await b.run();
    assert.match(r.fleet?.problem ?? '', /cannot reach Redis at 127\.0\.0\.1:\d+: connection refused/);
    assert.ok(Date.now() - t < 3000);

    // frozen: the socket accepts (the kernel does), nothing answers
    b.share = share();
    const pid = await redis.pid();
    process.kill(pid, 'SIGSTOP');
    try {
      t = Date.now();
      r = await b.run();
      const took = Date.now() - t;
      assert.match(r.fleet?.problem ?? '', /no answer within 1s|did not answer within 1s/);
      assert.ok(took >= 900 && took < 3500, `one timeout, not more: ${took} ms`);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.equal((await b.state()).fleet?.cursor, cursor, 'the cursor never moved');
    assert.equal((await b.run()).fleet?.problem, undefined, 'back to normal');
  });

  it('the password from an environment variable or a file wins over the URL; a missing one is named, not printed', async () => {
    const urlWithout = `redis://fleet@127.0.0.1:${redis.port}/0`;
    const tryLink = async (over: Partial<ShareSettings>, env: Record<string, string>) => {
      const link = new FleetLink({ ...share({ redis: urlWithout, ...over }), node: 'p' }, { env, maxBanMs: DAY });
      const st = await agent('p').state();
      await link.publish(st, [{ op: 'ban', address: '192.0.2.44', until: Date.now() + 60_000 }], Date.now());
      await link.close();
      return link.report;
    };
    assert.deepEqual([(await tryLink({ passwordEnv: 'FLEET_PW' }, { FLEET_PW: PASSWORD })).published], [1]);
    const missing = await tryLink({ passwordEnv: 'FLEET_PW' }, {});
    assert.equal(missing.problem, 'share.password_env: the environment variable FLEET_PW is not set');
    const file = join(agents[0]!.dir, 'pw');
    writeFileSync(file, `${PASSWORD}\n`);
    assert.equal((await tryLink({ passwordFile: file, passwordEnv: 'FLEET_PW' }, { FLEET_PW: 'wrong' })).published, 1, 'the file wins');
    const noFile = await tryLink({ passwordFile: `${file}.missing` }, {});
    assert.equal(noFile.problem, `share.password_file ${file}.missing: cannot read: no such file`);
    rmSync(file, { force: true });
  });

  it('a node whose unread entries were trimmed by the cap reads the live view instead', async () => {
    const [a, b] = [agent('a', { streamMax: 10 }), agent('b')];
    await b.run();
    // 300 bans by hand on a, two per command (one stream entry each): more entries than the cap keeps
    const until = Date.now() + 3_600_000;
    const link = new FleetLink({ ...a.share, node: 'a' }, { env: {}, maxBanMs: 7 * DAY });
    for (let i = 0; i < 300; i += 2) {
      const st = await a.state();
      const items = [i, i + 1].map((j) => ({ op: 'ban' as const, address: `2001:db8:f1::${(j + 1).toString(16)}`, until, reason: 'by hand' }));
      await link.publish(st, items, Date.now());
    }
    await link.close();
    assert.equal(link.report.published, 300);
    assert.ok(Number(await redis.cli('XLEN', `{${prefix}}:stream`)) < 150, 'the stream was trimmed');
    const rb = await b.run();
    assert.equal(rb.fleet?.applied, 300, 'every live ban arrived');
    assert.ok(rb.fleet?.notes.some((n) => /trimmed from the stream/.test(n)), rb.fleet?.notes.join('; '));
  });

  it('bans that ended are pruned from the live view by the next publish, so a node joining late never gets them', async () => {
    const a = agent('a');
    const [SHORT, LONG, LATER] = ['2001:db8:f2::1', '2001:db8:f2::2', '2001:db8:f2::3'];
    const live = `{${prefix}}:live`;
    const t0 = Date.now();
    const link = new FleetLink({ ...a.share, node: 'a' }, { env: {}, maxBanMs: 7 * DAY });
    const st = await a.state();
    await link.publish(
      st,
      [
        { op: 'ban', address: SHORT, until: t0 + 60_000, reason: 'by hand' },
        { op: 'ban', address: LONG, until: t0 + 3_600_000, reason: 'by hand' },
      ],
      t0,
    );
    assert.equal(await redis.cli('ZCARD', live), '2');
    assert.equal(await redis.cli('ZSCORE', live, SHORT), String(t0 + 60_000));
    // two minutes on (the publisher's clock): SHORT has ended; the next publish prunes it in the same round trip
    await link.publish(st, [{ op: 'ban', address: LATER, until: t0 + 3_600_000, reason: 'by hand' }], t0 + 120_000);
    await link.close();
    assert.equal(link.report.published, 3);
    assert.equal(await redis.cli('ZSCORE', live, SHORT), '', 'the ended ban left the live view');
    assert.equal(await redis.cli('ZCARD', live), '2', 'the bans still running stay');
    assert.equal(await redis.cli('ZSCORE', live, LONG), String(t0 + 3_600_000));

    // b joins late and reads the live view: by b's own clock SHORT would still run, but it is no longer there
    const b = agent('b');
    const rb = await b.run();
    assert.equal(rb.fleet?.applied, 2);
    assert.deepEqual((await b.state()).bans.map((x) => x.address).sort(), [LONG, LATER]);
    assert.ok(!b.commands.includes(SHORT), 'no command names the pruned ban');
  });
});

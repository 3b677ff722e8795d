import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawnRunner, type Runner } from '../../../packages/agent/src/backends/runner.js';
import {
  addressesFromNode,
  broadcastAddresses,
  connectedNetworks,
  defaultGateways,
  defaultSources,
  ownAddresses,
  parseAddresses,
  parseDefaultRoutes,
  parseInterfaceNames,
  readSystemFacts,
  sshClient,
  wanInterfaces,
  type SystemFacts,
} from '../../../packages/agent/src/config/system.js';
import { capturedRunner, fixture } from './helpers.js';

/** What the namespace built below (and captured in fixtures/) looks like, as the agent must read it. */
function assertLabFacts(facts: SystemFacts): void {
  assert.deepEqual(facts.problems, []);
  // multipath IPv4 default over wan0 and wan1, IPv6 default via a link-local router on wan0, an unreachable
  // IPv6 default (dev lo) that leads nowhere and must not make lo a WAN
  assert.deepEqual(wanInterfaces(facts), ['wan0', 'wan1']);
  assert.deepEqual(defaultGateways(facts), ['198.51.100.1', '192.0.2.1', 'fe80::1']);
  assert.deepEqual(facts.interfaces, ['lo', 'wan0', 'wan1', 'lan0', 'ppp9']);
  const own = ownAddresses(facts);
  for (const a of ['127.0.0.1', '::1', '198.51.100.10', '2001:db8:1::10', '192.0.2.10', '192.168.50.1', '203.0.113.1']) {
    assert.ok(own.includes(a), `${a} is an own address`);
  }
  assert.ok(own.some((a) => a.startsWith('fe80:')), 'link-local addresses are own addresses too');
  assert.deepEqual(connectedNetworks(facts, ['wan0', 'wan1']), ['198.51.100.0/24', '2001:db8:1::/64', '192.0.2.0/24']);
  // point-to-point: the network is the peer's
  assert.deepEqual(connectedNetworks(facts, ['lan0']), ['192.168.50.0/24', '203.0.113.2/32']);
  assert.deepEqual(broadcastAddresses(facts), ['198.51.100.255', '192.0.2.255', '192.168.50.255']);
}

describe('config/system: parsing iproute2 JSON', () => {
  it('reads default routes, multipath next hops and skips unreachable defaults (captured from a namespace)', () => {
    assert.deepEqual(parseDefaultRoutes(fixture('netns-route4.json'), 4), [
      { family: 4, dev: 'wan0', gateway: '198.51.100.1' },
      { family: 4, dev: 'wan1', gateway: '192.0.2.1' },
    ]);
    assert.deepEqual(parseDefaultRoutes(fixture('netns-route6.json'), 6), [{ family: 6, dev: 'wan0', gateway: 'fe80::1', metric: 1024 }]);
  });

  it('reads addresses with their networks, peers and broadcasts', () => {
    const addrs = parseAddresses(fixture('netns-addr.json'));
    const wan0 = addrs.filter((a) => a.ifname === 'wan0');
    assert.deepEqual(wan0[0], {
      ifname: 'wan0',
      family: 4,
      address: '198.51.100.10',
      prefixlen: 24,
      network: '198.51.100.0/24',
      broadcast: '198.51.100.255',
      scope: 'global',
    });
    assert.deepEqual(wan0[1], { ifname: 'wan0', family: 6, address: '2001:db8:1::10', prefixlen: 64, network: '2001:db8:1::/64', scope: 'global' });
    assert.equal(wan0[2].scope, 'link');
    const ptp = addrs.find((a) => a.address === '203.0.113.1');
    assert.equal(ptp?.network, '203.0.113.2/32');
    assert.deepEqual(parseInterfaceNames(fixture('netns-addr.json')), ['lo', 'wan0', 'wan1', 'lan0', 'ppp9']);
  });

  it('builds the facts through a runner', async () => {
    assertLabFacts(await readSystemFacts(capturedRunner()));
  });

  it('takes device routes, IPv6 next hops of IPv4 routes, empty output and odd entries in its stride', () => {
    assert.deepEqual(parseDefaultRoutes('[{"dst":"default","dev":"wg0","table":"51820","flags":[]},{"dst":"default","dev":"eth0","table":"main","flags":[]}]', 6), [{ family: 6, dev: 'eth0' }]);
    assert.deepEqual(parseDefaultRoutes('[{"dst":"default","dev":"ppp0","scope":"link","flags":[]}]', 4), [{ family: 4, dev: 'ppp0' }]);
    assert.deepEqual(parseDefaultRoutes('[{"dst":"default","via":{"family":"inet6","host":"fe80::1"},"dev":"eth0","flags":[]}]', 4), [
      { family: 4, dev: 'eth0', gateway: 'fe80::1' },
    ]);
    assert.deepEqual(parseDefaultRoutes('', 6), []);
    assert.deepEqual(parseDefaultRoutes('[null, 3, {"type":"blackhole","dst":"default","flags":[]}]', 4), []);
    assert.throws(() => parseDefaultRoutes('Error: garbage', 4), /not JSON/);
    assert.deepEqual(parseAddresses('[{"ifname":"x","addr_info":[{"family":"inet","local":"nonsense","prefixlen":24}]}]'), []);
  });

  it('turns a failing ip into problems, and falls back to Node for own addresses', async () => {
    const failing: Runner = async () => {
      throw new Error('ip: not installed (install the package that provides it)');
    };
    const facts = await readSystemFacts(failing, {
      nodeAddresses: () => [{ ifname: 'eth0', family: 4, address: '198.51.100.7', prefixlen: 24, network: '198.51.100.0/24', scope: 'global' }],
    });
    assert.deepEqual(facts.routes, []);
    assert.deepEqual(ownAddresses(facts), ['198.51.100.7']);
    assert.equal(facts.problems.length, 3);
    assert.match(facts.problems[0], /IPv4 default routes .*not installed/);
  });

  it("reads Node's interface list as a fallback", () => {
    const addrs = addressesFromNode({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: 'fe80::1%eth0', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
    });
    assert.deepEqual(addrs, [
      { ifname: 'lo', family: 4, address: '127.0.0.1', prefixlen: 8, network: '127.0.0.0/8', scope: 'host' },
      { ifname: 'eth0', family: 6, address: 'fe80::1', prefixlen: 64, network: 'fe80::/64', scope: 'link' },
    ]);
  });

  it('picks one log source by what exists', () => {
    const has = (...paths: string[]) => (p: string) => paths.includes(p);
    assert.deepEqual(defaultSources(has('/var/log/kern.log', '/var/log/messages', '/run/systemd/journal')).sources, ['/var/log/kern.log']);
    assert.deepEqual(defaultSources(has('/var/log/messages', '/run/systemd/journal')).sources, ['/var/log/messages']);
    assert.deepEqual(defaultSources(has('/run/systemd/journal')).sources, ['journald']);
    const none = defaultSources(has());
    assert.deepEqual(none.sources, ['/var/log/kern.log']);
    assert.match(none.why, /found neither/);
  });

  it('reads the SSH client', () => {
    assert.equal(sshClient({ SSH_CONNECTION: '2001:db8::77 51234 2001:db8::1 22' }), '2001:db8::77');
    assert.equal(sshClient({ SSH_CONNECTION: '203.0.113.9 51234 198.51.100.10 22' }), '203.0.113.9');
    assert.equal(sshClient({}), undefined);
    assert.equal(sshClient({ SSH_CONNECTION: 'garbage' }), undefined);
  });
});

/**
 * The real thing: two namespaces this test makes (never the host's own network), the same layout as the
 * captured fixtures, read with the real `ip` through the production runner.
 */
describe('config/system: a real network namespace', function () {
  const tag = `${process.pid % 100000}`;
  const A = `pcl-cfg-a${tag}`;
  const B = `pcl-cfg-b${tag}`;
  const ip = (...args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  };

  before(function () {
    // like test/e2e: these read a real namespace, so they need root and iproute2, and say so instead of skipping
    assert.equal(process.getuid?.(), 0, 'these tests create network namespaces: run them as root');
    assert.equal(spawnSync('ip', ['-V']).status, 0, 'iproute2 (ip) is not installed');
    ip('netns', 'add', A);
    ip('netns', 'add', B);
    for (const [mine, peer] of [['wan0', 'up0'], ['wan1', 'up1'], ['lan0', 'down0'], ['ppp9', 'ppp9p']]) {
      ip('-n', A, 'link', 'add', mine, 'type', 'veth', 'peer', 'name', peer, 'netns', B);
      if (mine !== 'ppp9') {
        ip('-n', A, 'link', 'set', mine, 'up');
        ip('-n', B, 'link', 'set', peer, 'up');
      }
    }
    ip('-n', A, 'link', 'set', 'lo', 'up');
    ip('-n', A, 'addr', 'add', '198.51.100.10/24', 'brd', '+', 'dev', 'wan0');
    ip('-n', A, 'addr', 'add', '2001:db8:1::10/64', 'dev', 'wan0', 'nodad');
    ip('-n', A, 'addr', 'add', '192.0.2.10/24', 'brd', '+', 'dev', 'wan1');
    ip('-n', A, 'addr', 'add', '192.168.50.1/24', 'brd', '+', 'dev', 'lan0');
    ip('-n', A, 'addr', 'add', '203.0.113.1', 'peer', '203.0.113.2/32', 'dev', 'lan0');
    ip('-n', A, 'route', 'add', 'default', 'nexthop', 'via', '198.51.100.1', 'dev', 'wan0', 'nexthop', 'via', '192.0.2.1', 'dev', 'wan1');
    ip('-n', A, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0');
    ip('-n', A, '-6', 'route', 'add', 'unreachable', 'default', 'metric', '4000');
    // policy routing's defaults (wg-quick's table 51820): not the main table's, so no WAN and no gateway
    ip('-n', A, 'route', 'add', 'default', 'dev', 'lan0', 'table', '51820');
    ip('-n', A, '-6', 'route', 'add', 'default', 'via', 'fe80::9', 'dev', 'lan0', 'table', '51820');
  });

  after(() => {
    for (const ns of [A, B]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('reads default routes, addresses and gateways with the real ip', async () => {
    assertLabFacts(await readSystemFacts(spawnRunner({ netns: A, timeoutMs: 5000 })));
  });

  it('asks in one ip batch, and reads the same as the three commands one by one', async () => {
    const calls: string[] = [];
    const real = spawnRunner({ netns: A });
    const counting: Runner = (command, args, input) => {
      calls.push([command, ...args].join(' '));
      return real(command, args, input);
    };
    const batch = await readSystemFacts(counting);
    assert.deepEqual(calls, ['ip -j -b -']);
    // an ip whose batch fails (or prints nothing for an empty answer) is asked command by command
    const oneByOne = await readSystemFacts((command, args, input) => (args.includes('-b') ? Promise.reject(new Error('no batch')) : real(command, args, input)));
    assert.deepEqual(batch, oneByOne);
    const short = await readSystemFacts((command, args, input) => (args.includes('-b') ? Promise.resolve({ stdout: '[]\n[]', stderr: '' }) : real(command, args, input)));
    assert.deepEqual(short, oneByOne);
  });

  it('matches the captured fixtures (but for the random MAC-derived link-local addresses)', async () => {
    const run = spawnRunner({ netns: A });
    for (const [args, name] of [
      [['-4', '-j', 'route', 'show', 'default'], 'netns-route4.json'],
      [['-6', '-j', 'route', 'show', 'default'], 'netns-route6.json'],
    ] as const) {
      assert.deepEqual(JSON.parse((await run('ip', args)).stdout), JSON.parse(fixture(name)));
    }
    const live = parseAddresses((await run('ip', ['-j', 'addr', 'show'])).stdout).filter((a) => a.scope !== 'link');
    const captured = parseAddresses(fixture('netns-addr.json')).filter((a) => a.scope !== 'link');
    assert.deepEqual(live, captured);
  });

  it('finds no WAN in a namespace without a default route', async () => {
    const facts = await readSystemFacts(spawnRunner({ netns: B }));
    assert.deepEqual(facts.problems, []);
    assert.deepEqual(wanInterfaces(facts), []);
    assert.deepEqual(defaultGateways(facts), []);
  });
});

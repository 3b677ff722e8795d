import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Allowlist, Detector, NOISE_REASONS } from '@portcullis/core';
import { checkConfigText } from '../../../packages/agent/src/config/check.js';
import {
  ConfigError,
  loadConfig,
  toDetectConfig,
  type AgentConfig,
  type LoadOptions,
} from '../../../packages/agent/src/config/load.js';
import { labFacts } from './helpers.js';

const FILE = '/etc/portcullis/config.yaml';
const noSsh: LoadOptions['env'] = {};
const options = (extra: Partial<LoadOptions> = {}): LoadOptions => ({
  system: labFacts,
  exists: (p) => p === '/var/log/kern.log',
  env: noSsh,
  ...extra,
});

/** The lines of the ConfigError the text raises. */
function errors(text: string): string[] {
  try {
    checkConfigText(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, got ${String(err)}`);
    assert.equal(err.message, err.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n'));
    return err.message.split('\n');
  }
  assert.fail('no error for:\n' + text);
}

// one scratch directory for the files of this module, removed when its last suite is done
const dir = mkdtempSync(join(tmpdir(), 'pcl-config-'));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('config/load: defaults', () => {
  it('a missing default file means every default, and says so', async () => {
    // loadConfig() reads /etc/portcullis/config.yaml; this machine has none (asserted, so the test stays honest)
    let cfg: AgentConfig;
    try {
      cfg = await loadConfig(undefined, options());
    } catch (err) {
      if (err instanceof ConfigError && /config\.yaml/.test(err.message)) return void assert.fail('a real /etc/portcullis/config.yaml exists here');
      throw err;
    }
    assert.equal(cfg.file, undefined);
    assert.match(cfg.notes[0], /\/etc\/portcullis\/config\.yaml does not exist: every setting is its default/);
    assert.deepEqual(cfg.sources, ['/var/log/kern.log']);
    assert.deepEqual(cfg.wan, ['wan0', 'wan1']);
    assert.deepEqual(cfg.defaulted, { sources: true, wan: true });
    assert.deepEqual(cfg.allow, []);
    assert.deepEqual(cfg.detect.scan, {
      ports: 10,
      hosts: 10,
      windowMs: 60_000,
      stealth: 3,
      slowPorts: 20,
      slowWindowMs: 3_600_000,
      lateReplies: true,
      maxSources: 50_000,
      longPorts: 12,
      longHosts: 32,
      longWindowMs: 86_400_000,
      maxLongSources: 200_000,
    });
    assert.deepEqual(cfg.detect.spoof, { enabled: true, guard: false, idleMs: 3_600_000 });
    assert.deepEqual(cfg.detect.noise.reasons, NOISE_REASONS);
    assert.deepEqual(cfg.detect.noise.broadcast, ['198.51.100.255', '192.0.2.255', '192.168.50.255']);
    assert.deepEqual(cfg.ban, { timeMs: 3_600_000, factor: 2, maxMs: 7 * 86_400_000 });
    assert.equal(cfg.backend.type, 'nftables');
    assert.equal(cfg.backend.table, 'portcullis');
    assert.equal(cfg.backend.sets.blockV4, 'portcullis_block4');
    assert.equal(cfg.state, '/var/lib/portcullis');
    assert.equal(cfg.start, 'end');
    assert.deepEqual(cfg.connected, ['198.51.100.0/24', '2001:db8:1::/64', '192.0.2.0/24']);
  });

  it('an explicitly given file that is missing is an error', async () => {
    await assert.rejects(loadConfig(join(dir, 'nope.yaml'), options()), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${join(dir, 'nope.yaml')}:1:1: no such file`);
      return true;
    });
  });

  it('a directory is not a config file', async () => {
    mkdirSync(join(dir, 'adir'), { recursive: true });
    await assert.rejects(loadConfig(join(dir, 'adir'), options()), /adir:1:1: is a directory/);
  });

  it('an empty file, a comment-only file and empty sections mean defaults', async () => {
    for (const text of ['', '# nothing yet\n', 'detect:\n  scan:\n  # ports: 5\nban:\nallow:\n']) {
      const cfg = await loadConfig(write('empty.yaml', text), options());
      assert.equal(cfg.detect.scan.ports, 10);
      assert.deepEqual(cfg.allow, []);
      assert.equal(cfg.ban.timeMs, 3_600_000);
    }
  });

  it('never blocks own addresses, default gateways, the SSH client and the allow list', async () => {
    const cfg = await loadConfig(write('allow.yaml', 'allow: [203.0.113.0/24]\n'), options({ env: { SSH_CONNECTION: '2001:db8:77::9 50022 2001:db8:1::10 22' } }));
    const why = new Map(cfg.neverBlock.map((e) => [e.cidr, e.why]));
    assert.equal(why.get('203.0.113.0/24'), 'config');
    assert.equal(why.get('198.51.100.10'), 'own address');
    assert.equal(why.get('2001:db8:1::10'), 'own address');
    assert.equal(why.get('198.51.100.1'), 'default gateway');
    assert.equal(why.get('fe80::1'), 'default gateway');
    assert.equal(why.get('2001:db8:77::9'), 'SSH client of this session');
    const list = new Allowlist(cfg.neverBlock);
    assert.ok(list.allows('203.0.113.200'));
    assert.ok(list.allows('192.0.2.1'));
    assert.ok(!list.allows('192.0.2.77'));
  });

  it('falls back gracefully when ip is missing, and says what it assumed', async () => {
    const cfg = await loadConfig(
      write('noip.yaml', 'state: /tmp/x\n'),
      options({ system: async () => ({ routes: [], addresses: [], interfaces: [], problems: ['could not read the IPv4 default routes'] }) }),
    );
    assert.deepEqual(cfg.wan, []);
    assert.ok(cfg.notes.some((n) => /could not read the IPv4 default routes/.test(n)));
    assert.ok(cfg.notes.some((n) => /wan: no default route found/.test(n)));
    assert.deepEqual(toDetectConfig(cfg).spoof?.wan, []);
  });
});

describe('config/load: every section', () => {
  const full = `
sources: [/var/log/messages, journald]
wan: [wan0, ppp0]
allow:
  - 203.0.113.0/24
  - 2001:DB8:0:0::/32
  - 198.51.100.7
  - 10.1.2.3/8
detect:
  scan: {ports: 25, hosts: 15, window: 2m, stealth: 0, slow_ports: 40, slow_window: 6h, late_replies: false, max_sources: 1000,
    long_ports: 30, long_hosts: 0, long_window: 2d, max_long_sources: 5000}
  spoof: {enabled: false, guard: true, idle: 30m}
  noise: {reasons: [igmp, mdns], broadcast: [192.168.1.255], guess_broadcast: false}
ban: {time: 90, increment: 1.5, max: 1w}
backend:
  type: ipset
  table: pcl
  sets: {block_v4: b4, block_v6: b6, spoof_v4: s4, spoof_v6: s6, guard_v4: g4, guard_v6: g6}
state: /srv/portcullis
start: beginning
`;
  it('reads every key', async () => {
    const cfg = await loadConfig(write('full.yaml', full), options());
    assert.deepEqual(cfg.sources, ['/var/log/messages', 'journald']);
    assert.deepEqual(cfg.wan, ['wan0', 'ppp0']);
    assert.deepEqual(cfg.defaulted, { sources: false, wan: false });
    assert.ok(cfg.notes.some((n) => n === 'wan: ppp0 does not exist on this machine now (fine for an interface that comes and goes)'));
    assert.deepEqual(cfg.allow, ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7', '10.0.0.0/8']);
    assert.ok(cfg.notes.some((n) => /allow\[3\]: 10\.1\.2\.3\/8 has bits set past its prefix; read as 10\.0\.0\.0\/8/.test(n)));
    assert.deepEqual(cfg.detect.scan, {
      ports: 25,
      hosts: 15,
      windowMs: 120_000,
      stealth: 0,
      slowPorts: 40,
      slowWindowMs: 6 * 3_600_000,
      lateReplies: false,
      maxSources: 1000,
      longPorts: 30,
      longHosts: 0,
      longWindowMs: 2 * 86_400_000,
      maxLongSources: 5000,
    });
    assert.deepEqual(cfg.detect.spoof, { enabled: false, guard: true, idleMs: 1_800_000 });
    assert.deepEqual(cfg.detect.noise.reasons, ['igmp', 'mdns']);
    assert.equal(cfg.detect.noise.guessBroadcast, false);
    assert.deepEqual(cfg.detect.noise.broadcast, ['192.168.1.255', '198.51.100.255', '192.0.2.255', '192.168.50.255']);
    assert.deepEqual(cfg.ban, { timeMs: 90_000, factor: 1.5, maxMs: 7 * 86_400_000 });
    assert.deepEqual(cfg.backend, {
      type: 'ipset',
      table: 'pcl',
      sets: { blockV4: 'b4', blockV6: 'b6', spoofV4: 's4', spoofV6: 's6', guardV4: 'g4', guardV6: 'g6' },
    });
    assert.equal(cfg.state, '/srv/portcullis');
    assert.equal(cfg.start, 'beginning');
    assert.deepEqual(cfg.connected, ['198.51.100.0/24', '2001:db8:1::/64']);
  });

  it('maps onto core: toDetectConfig builds a Detector; a disabled spoof rule has no WAN', async () => {
    const cfg = await loadConfig(write('full.yaml', full), options());
    const d = toDetectConfig(cfg);
    assert.deepEqual(d.scan, { ports: 25, hosts: 15, windowMs: 120_000, stealth: 0, slowPorts: 40, slowWindowMs: 21_600_000, lateReplies: false, maxSources: 1000, longPorts: 30, longHosts: 0, longWindowMs: 172_800_000, maxLongSources: 5000, perAddress: [...cfg.neighbours] });
    assert.ok(cfg.neighbours.length > 0, 'the test machine has networks of its own');
    assert.deepEqual(d.spoof, { wan: [], connected: ['198.51.100.0/24', '2001:db8:1::/64'], idleMs: 1_800_000 });
    assert.deepEqual(d.noise, { reasons: ['igmp', 'mdns'], broadcast: ['192.168.1.255', '198.51.100.255', '192.0.2.255', '192.168.50.255'], guessBroadcast: false });
    new Detector(d);
    const defaults = toDetectConfig(await loadConfig(write('d.yaml', ''), options()));
    assert.deepEqual(defaults.spoof?.wan, ['wan0', 'wan1']);
    new Detector(defaults);
  });

  it('reads durations in every written form', () => {
    const ms = (v: string): number => checkConfigText(`ban: {time: ${v}, max: 3650d}`, FILE).ban.timeMs;
    assert.equal(ms('90'), 90_000);
    assert.equal(ms("'90'"), 90_000);
    assert.equal(ms('90s'), 90_000);
    assert.equal(ms('15m'), 900_000);
    assert.equal(ms('2h'), 7_200_000);
    assert.equal(ms('1h30m'), 5_400_000);
    assert.equal(ms('1.5h'), 5_400_000);
    assert.equal(ms('7d'), 604_800_000);
    assert.equal(ms('2w'), 1_209_600_000);
  });

  it('notes bans longer than the kernel timeout limit instead of clamping them', () => {
    const s = checkConfigText('ban: {max: 60d}', FILE);
    assert.equal(s.ban.maxMs, 60 * 86_400_000);
    assert.ok(s.notes.some((n) => /2147483 s .*renewed by the next run/.test(n)));
    assert.deepEqual(checkConfigText('ban: {max: 24d}', FILE).notes, []);
  });

  it('notes a long window that is not longer than the others, and refuses a bad one with its place', () => {
    assert.ok(checkConfigText('detect: {scan: {long_window: 30m}}', FILE).notes.some((n) => /long_window \(30m\) is not longer than the other windows/.test(n)));
    const [line, ...rest] = errors('detect:\n  scan:\n    long_window: forever\n    long_ports: 5000\n');
    assert.match(line ?? '', /:3:\d+: detect\.scan\.long_window: /);
    assert.match(rest.join('\n'), /:4:\d+: detect\.scan\.long_ports: /);
  });

  it('notes a slow window that is not longer than the window', () => {
    assert.ok(checkConfigText('detect: {scan: {window: 2h, slow_window: 1h}}', FILE).notes.some((n) => /slow-scan rule adds nothing/.test(n)));
  });
});

describe('config/load: errors name file:line:column', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('unknown keys, with a suggestion when one is close', () => {
    assert.deepEqual(errors('detect:\n  scan:\n    prots: 5\n'), [`${FILE}:3:5: detect.scan.prots: unknown key (did you mean 'ports'?)`]);
    assert.deepEqual(errors('bann:\n  time: 1h\n'), [`${FILE}:1:1: bann: unknown key (did you mean 'ban'?)`]);
    assert.deepEqual(errors('detect:\n  scan:\n    slow-ports: 5\n'), [`${FILE}:3:5: detect.scan.slow-ports: unknown key (did you mean 'slow_ports'?)`]);
    assert.deepEqual(errors('backend:\n  sets: {blockV4: x}\n'), [`${FILE}:2:10: backend.sets.blockV4: unknown key (did you mean 'block_v4'?)`]);
    assert.deepEqual(errors('colour: blue\n'), [
      `${FILE}:1:1: colour: unknown key (known here: sources, wan, allow, detect, ban, backend, state, start, share, abuseipdb, lists)`,
    ]);
  });

  it('wrong types', () => {
    assert.deepEqual(errors('detect:\n  scan:\n    ports: ten\n'), [`${FILE}:3:12: detect.scan.ports: expected a whole number, got 'ten'`]);
    assert.deepEqual(errors('detect:\n  scan:\n    ports: 2.5\n'), [`${FILE}:3:12: detect.scan.ports: expected a whole number, got 2.5`]);
    assert.deepEqual(errors('wan: eth0\n'), [`${FILE}:1:6: wan: expected a list, got 'eth0' (a list even for one item: [eth0])`]);
    assert.deepEqual(errors('detect: {spoof: {guard: "yes"}}\n'), [
      `${FILE}:1:25: detect.spoof.guard: expected true or false, got 'yes' (write true or false, without quotes)`,
    ]);
    assert.deepEqual(errors('ban: 1h\n'), [`${FILE}:1:6: ban: expected a mapping of keys, got '1h'`]);
    assert.deepEqual(errors('- a\n- b\n'), [
      `${FILE}:1:1: the file must be a mapping of sections (sources, wan, allow, detect, ban, backend, state, start, share, abuseipdb, lists), not a list`,
    ]);
  });

  it('bad durations', () => {
    assert.deepEqual(errors('ban:\n  time: 1h\n  max: 7d\n\nban2: 1\n').length, 1);
    assert.deepEqual(errors("# comment\n\nban:\n  max: 7d\n  time: '90x'\n"), [`${FILE}:5:9: ban.time: '90x' is not a duration (use e.g. 90s, 15m, 2h, 7d)`]);
    assert.deepEqual(errors('detect: {scan: {window: true}}'), [`${FILE}:1:25: detect.scan.window: true is not a duration (use e.g. 90s, 15m, 2h, 7d)`]);
    assert.deepEqual(errors('detect: {scan: {window: 0}}'), [`${FILE}:1:25: detect.scan.window: 0 is too short (at least 1 second)`]);
    assert.deepEqual(errors('detect: {scan: {window: 0s}}'), [`${FILE}:1:25: detect.scan.window: '0s' is too short (at least 1 second)`]);
    assert.deepEqual(errors('ban: {max: 99999d}'), [`${FILE}:1:12: ban.max: '99999d' is longer than ten years; surely a typo`]);
  });

  it('ban.max shorter than ban.time', () => {
    assert.deepEqual(errors('ban:\n  time: 2h\n  max: 30m\n'), [`${FILE}:3:8: ban.max: 30m is shorter than ban.time (2h)`]);
    assert.deepEqual(errors('ban:\n  time: 30d\n'), [`${FILE}:2:9: ban.time: 30d is longer than ban.max (7d by default); raise ban.max as well`]);
  });

  it('the anti-spoofing guard with the firewalld backend (which has none)', () => {
    assert.deepEqual(errors('detect:\n  spoof:\n    guard: true\nbackend: {type: firewalld}\n'), [
      `${FILE}:3:12: detect.spoof.guard: the standing anti-spoofing guard needs backend ipset or nftables (the firewalld backend has no guard); set it to false or change backend.type`,
    ]);
  });

  it('bad CIDRs and addresses', () => {
    assert.deepEqual(errors('allow:\n  - 203.0.113.0/24\n  - 10.0.0.300/8\n  - 2001:db8::/129\n  - example.com\n'), [
      `${FILE}:3:5: allow[1]: '10.0.0.300/8' is not an address or CIDR (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)`,
      `${FILE}:4:5: allow[2]: '2001:db8::/129' is not an address or CIDR (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)`,
      `${FILE}:5:5: allow[3]: 'example.com' is not an address or CIDR (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)`,
    ]);
    assert.deepEqual(errors('detect: {noise: {broadcast: [ff02::1]}}'), [
      `${FILE}:1:30: detect.noise.broadcast[0]: 'ff02::1' is not an IPv4 address (IPv6 has no broadcast)`,
    ]);
    assert.deepEqual(errors('allow: [198.51.100.1, 198.51.100.1]'), [`${FILE}:1:23: allow[1]: '198.51.100.1' is listed twice`]);
  });

  it('implausible interface names, sources, set names and paths', () => {
    assert.deepEqual(errors('wan: [eth0, a-very-long-interface-name, "eth 1", eth0:1]'), [
      `${FILE}:1:13: wan[1]: 'a-very-long-interface-name' is not an interface name (at most 15 characters, no '/', ':' or spaces)`,
      `${FILE}:1:41: wan[2]: 'eth 1' is not an interface name (at most 15 characters, no '/', ':' or spaces)`,
      `${FILE}:1:50: wan[3]: 'eth0:1' is not an interface name (at most 15 characters, no '/', ':' or spaces)`,
    ]);
    assert.deepEqual(errors('sources: [kern.log]'), [`${FILE}:1:11: sources[0]: 'kern.log' is not a log source (an absolute path such as /var/log/kern.log, or journald)`]);
    assert.deepEqual(errors('sources: []'), [`${FILE}:1:10: sources: the list is empty (leave the key out to get the default)`]);
    assert.deepEqual(errors('state: var/lib/portcullis'), [
      `${FILE}:1:8: state: 'var/lib/portcullis' is not an absolute path (cron and systemd start in /, so a relative one would be a surprise)`,
    ]);
    assert.deepEqual(errors('backend: {sets: {block_v4: 1set}}'), [
      `${FILE}:1:28: backend.sets.block_v4: '1set' cannot be a set name (a letter or _ first, then letters, digits, _ . or -; at most 31 characters)`,
    ]);
    assert.deepEqual(errors('backend:\n  sets:\n    block_v4: same\n    spoof_v4: same\n'), [
      `${FILE}:4:15: backend.sets.spoof_v4: 'same' is already the name of backend.sets.block_v4; every set needs its own name`,
    ]);
  });

  it('enums and ranges', () => {
    assert.deepEqual(errors('backend: {type: nft}'), [`${FILE}:1:17: backend.type: 'nft' is not one of ipset, nftables, firewalld, dry-run (did you mean 'nftables'?)`]);
    assert.deepEqual(errors('backend: {type: iptables}'), [`${FILE}:1:17: backend.type: 'iptables' is not one of ipset, nftables, firewalld, dry-run (ipset is the backend for iptables: its sets are hooked into iptables)`]);
    assert.deepEqual(errors('backend: {type: firewall}'), [`${FILE}:1:17: backend.type: 'firewall' is not one of ipset, nftables, firewalld, dry-run (did you mean 'firewalld'?)`]);
    assert.deepEqual(errors('start: begin'), [`${FILE}:1:8: start: 'begin' is not one of end, beginning (did you mean 'beginning'?)`]);
    assert.deepEqual(errors('detect: {noise: {reasons: [mdns, upnp]}}'), [
      `${FILE}:1:34: detect.noise.reasons[1]: 'upnp' is not one of ${NOISE_REASONS.join(', ')}`,
    ]);
    assert.deepEqual(errors('detect: {scan: {ports: 0, hosts: 5000}}'), [
      `${FILE}:1:24: detect.scan.ports: 0 is too small (at least 1)`,
      `${FILE}:1:34: detect.scan.hosts: 5000 is too large (at most 4096)`,
    ]);
    assert.deepEqual(errors('ban: {increment: 0.5}'), [`${FILE}:1:18: ban.increment: 0.5 is too small (at least 1)`]);
  });

  it('every problem at once, in file order', () => {
    assert.deepEqual(errors('start: never\nwan: eth0\nbackend: {type: x}\n').map((l) => l.split(': ')[0]), [
      `${FILE}:1:8`,
      `${FILE}:2:6`,
      `${FILE}:3:17`,
    ]);
  });

  it('YAML syntax errors', () => {
    assert.deepEqual(errors('detect:\n  scan:\n    ports: [1, 2\nban: {}\n'), [
      `${FILE}:4:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
    assert.deepEqual(errors('ban:\n  time: 1h\nban:\n  max: 7d\n'), [`${FILE}:3:1: not valid YAML: Map keys must be unique`]);
    assert.deepEqual(errors('wan: [eth0]\n---\nwan: [eth1]\n'), [
      `${FILE}:2:1: not valid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()`,
    ]);
    const tab = errors('ban:\n\ttime: 1h\n');
    assert.equal(tab.length, 1);
    assert.match(tab[0], /^\/etc\/portcullis\/config\.yaml:2:1: not valid YAML: /);
  });

  it('loadConfig reports the real path', async () => {
    const p = write('bad.yaml', 'ban:\n  time: 90x\n');
    await assert.rejects(loadConfig(p, options()), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${p}:2:9: ban.time: '90x' is not a duration (use e.g. 90s, 15m, 2h, 7d)`);
      assert.deepEqual(err.issues[0], { file: p, line: 2, column: 9, path: 'ban.time', message: "'90x' is not a duration (use e.g. 90s, 15m, 2h, 7d)" });
      return true;
    });
  });
});

/**
 * Real kernel LOG lines: a victim namespace with the memo's rules (LOG "[IPTABLES REJECT]: " then REJECT) is
 * probed from a scanner and a spoofer namespace with nmap, ping and hping3; the lines the kernel prints are read
 * back from dmesg and checked.
 *
 * Needs root and iproute2, iptables (nf_tables), nftables, nmap, hping3, ping. Runs in about 10-15 s.
 * `PCL_E2E_WRITE_FIXTURE=1` also rewrites test/fixtures/kernel-lines/dmesg.log from this run's lines.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { decodeLine } from '../../packages/core/src/nflog/decode.js';
import type { DecodedLine } from '../../packages/core/src/nflog/types.js';
import { DEFAULT_HOSTS, KernelLog, Lab, requireRootAndTools, type LabHost } from './lab.js';

const TOOLS = ['ip', 'iptables', 'ip6tables', 'nft', 'nmap', 'hping3', 'ping', 'sysctl', 'dmesg'];

const REJECT = '[IPTABLES REJECT]: ';
const OPT = '[PCL OPT]: '; // --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid, TCP port 39
const IPOPT = '[PCL IPOPT]: '; // --log-ip-options, ICMP from the spoofer's own address
const OUT = '[PCL OUT]: '; // OUTPUT chain, --log-uid
const FRAG = '[PCL FRAG]: '; // nftables `log`, prerouting before defragmentation
const FINAL = 'FINAL_REJECT: '; // firewalld's prefix, default level (warning)
const PREFIXES = [REJECT, OPT, IPOPT, OUT, FRAG, FINAL];

const SCAN_PORTS = Array.from({ length: 40 }, (_, i) => i + 1);
const NMAP = ['--max-retries', '0', '-n', '-Pn'];

interface Captured {
  probe: string;
  line: string;
  /** The message after the dmesg stamp. */
  message: string;
  prefix: string;
}

/** Lines of one probe, by prefix. */
type Segments = Map<string, Captured[]>;

const stampRe = /^\[\s*\d+\.\d{6}\] /;

function prefixOf(message: string): string | undefined {
  return PREFIXES.find((p) => message.startsWith(`${p}IN=`));
}

/** The decoder's own view of a key: its token's value text, outside (depth 0) or inside (1) an ICMP error's `[ ]`. */
function tok(d: DecodedLine, key: string, depth: 0 | 1 = 0): string | undefined {
  const t = d.tokens.find((x) => x.key === key && x.depth === depth);
  return t === undefined ? undefined : t.valueStart < 0 ? '' : d.message.slice(t.valueStart, t.valueEnd);
}

function field(message: string, key: string): string | undefined {
  const m = new RegExp(`(?:^|[ \\[])${key}=(\\S*)`).exec(message);
  return m?.[1];
}

describe('e2e: kernel LOG lines from namespaces (root)', function () {
  this.timeout(90_000);

  const spec = { tag: 'kl', hosts: DEFAULT_HOSTS };
  let lab: Lab | undefined;
  let victim: LabHost;
  let scanner: LabHost;
  let spoofer: LabHost;
  const segments: Segments = new Map();
  const captured: Captured[] = [];

  function lines(probe: string, prefix = REJECT): Captured[] {
    return (segments.get(probe) ?? []).filter((c) => c.prefix === prefix);
  }

  before(async function () {
    await requireRootAndTools(TOOLS);
    lab = await Lab.create(spec);
    victim = lab.host('victim');
    scanner = lab.host('scanner');
    spoofer = lab.host('spoofer');
    const labAddresses = Object.values(lab.hosts).flatMap((h) => [h.ipv4, h.ipv6Expanded]);
    const fromLab = (message: string) =>
      labAddresses.some((a) => message.includes(`SRC=${a} `) || message.includes(`DST=${a} `));

    const v = (file: string, args: string[]) => lab!.exec('victim', file, args);
    await v('sysctl', [
      '-qw',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.default.rp_filter=0',
      'net.ipv4.conf.eth0.rp_filter=0',
      'net.ipv4.icmp_ratelimit=0', // every probe gets its REJECT answer at once: nmap never waits
      'net.ipv6.icmp.ratelimit=0',
    ]);
    // IPv4: the memo's two rules, with extra LOG rules in front for the optional fields and other prefixes.
    await v('iptables', ['-t', 'mangle', '-A', 'PREROUTING', '-p', 'tcp', '--dport', '37', '-j', 'MARK', '--set-mark', '0x2a']);
    await v('iptables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '39', '-j', 'LOG', '--log-level', 'info', '--log-prefix', OPT,
      '--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid']);
    await v('iptables', ['-A', 'INPUT', '-s', spoofer.ipv4, '-p', 'icmp', '-j', 'LOG', '--log-level', 'info', '--log-prefix', IPOPT,
      '--log-ip-options']);
    await v('iptables', ['-A', 'INPUT', '-p', 'udp', '--dport', '161', '-j', 'LOG', '--log-prefix', FINAL]);
    await v('iptables', ['-A', 'INPUT', '-j', 'LOG', '--log-level', 'info', '--log-prefix', REJECT]);
    await v('iptables', ['-A', 'INPUT', '-j', 'REJECT', '--reject-with', 'icmp-host-prohibited']);
    await v('iptables', ['-A', 'OUTPUT', '-p', 'udp', '--dport', '33', '-j', 'LOG', '--log-level', 'info', '--log-prefix', OUT, '--log-uid']);
    // Fragments as they arrive: nftables at prerouting priority -450, before any defragmentation.
    await v('nft', ['add table ip pcl']);
    await v('nft', ['add chain ip pcl pre { type filter hook prerouting priority -450; }']);
    await v('nft', ['add rule ip pcl pre ip frag-off & 0x3fff != 0 log prefix "[PCL FRAG]: " level info']);
    // IPv6: neighbour discovery and link-local multicast must pass, or nothing reaches the victim at all.
    await v('ip6tables', ['-A', 'INPUT', '-s', 'fe80::/10', '-j', 'ACCEPT']);
    await v('ip6tables', ['-A', 'INPUT', '-d', 'ff02::/16', '-j', 'ACCEPT']);
    for (const type of ['neighbour-solicitation', 'neighbour-advertisement']) {
      await v('ip6tables', ['-A', 'INPUT', '-p', 'ipv6-icmp', '--icmpv6-type', type, '-j', 'ACCEPT']);
    }
    await v('ip6tables', ['-A', 'INPUT', '-p', 'tcp', '--dport', '39', '-j', 'LOG', '--log-level', 'info', '--log-prefix', OPT,
      '--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid']);
    await v('ip6tables', ['-A', 'INPUT', '-j', 'LOG', '--log-level', 'info', '--log-prefix', REJECT]);
    await v('ip6tables', ['-A', 'INPUT', '-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited']);

    type Step = [host: string, file: string, args: string[]];
    const probes: Array<{ name: string; steps: Step[]; ready: (seg: Captured[]) => boolean }> = [];
    const count = (seg: Captured[], prefix: string, pred: (c: Captured) => boolean = () => true) =>
      seg.filter((c) => c.prefix === prefix && pred(c)).length;
    const dptIn = (ports: number[]) => (c: Captured) => ports.includes(Number(field(c.message, 'DPT')));
    const scan = (name: string, flag: string, target: string, six = false) =>
      probes.push({
        name,
        steps: [['scanner', 'nmap', [...(six ? ['-6'] : []), flag, '-p', '1-40', ...NMAP, target]]],
        ready: (seg) => count(seg, REJECT, dptIn(SCAN_PORTS)) >= 40,
      });
    scan('tcp-syn', '-sS', victim.ipv4);
    scan('tcp-fin', '-sF', victim.ipv4);
    scan('tcp-xmas', '-sX', victim.ipv4);
    scan('tcp-null', '-sN', victim.ipv4);
    probes.push({
      name: 'udp',
      steps: [['scanner', 'nmap', ['-sU', '-p', '53,69,161', ...NMAP, victim.ipv4]]],
      ready: (seg) => [53, 69, 161].every((p) => count(seg, REJECT, dptIn([p])) >= 1) && count(seg, FINAL) >= 1,
    });
    probes.push({
      name: 'icmp-echo',
      steps: [['scanner', 'ping', ['-c', '2', '-i', '0.2', '-W', '1', victim.ipv4]]],
      ready: (seg) => count(seg, REJECT) >= 2,
    });
    probes.push({
      name: 'ip-options',
      steps: [['spoofer', 'hping3', ['-1', '-c', '1', '--rroute', victim.ipv4]]],
      ready: (seg) => count(seg, IPOPT) >= 1,
    });
    probes.push({
      name: 'fragments',
      steps: [['scanner', 'nmap', ['-sS', '-f', '-p', '25', ...NMAP, victim.ipv4]]],
      ready: (seg) => count(seg, FRAG) >= 3 && count(seg, REJECT) >= 1,
    });
    probes.push({
      name: 'spoofed',
      steps: [
        ['spoofer', 'hping3', ['-c', '1', '-S', '-p', '22', '-a', '10.1.2.3', victim.ipv4]],
        ['spoofer', 'hping3', ['-c', '1', '-S', '-p', '23', '-a', '203.0.113.7', victim.ipv4]],
      ],
      ready: (seg) => count(seg, REJECT) >= 2,
    });
    probes.push({
      name: 'victim-out',
      steps: [
        ['victim', 'hping3', ['-2', '-c', '1', '-p', '33', scanner.ipv4]],
        ['victim', 'ping', ['-c', '1', '-W', '1', scanner.ipv4]],
      ],
      ready: (seg) => count(seg, OUT) >= 1 && count(seg, REJECT) >= 2,
    });
    scan('tcp6-syn', '-sS', victim.ipv6, true);
    scan('tcp6-xmas', '-sX', victim.ipv6, true);
    probes.push({
      name: 'udp6',
      steps: [['scanner', 'nmap', ['-6', '-sU', '-p', '53,161', ...NMAP, victim.ipv6]]],
      ready: (seg) => [53, 161].every((p) => count(seg, REJECT, dptIn([p])) >= 1),
    });
    probes.push({
      name: 'icmp6-echo',
      steps: [['scanner', 'ping', ['-6', '-c', '2', '-i', '0.2', '-W', '1', victim.ipv6]]],
      ready: (seg) => count(seg, REJECT) >= 2,
    });
    probes.push({
      name: 'frag6',
      steps: [['scanner', 'ping', ['-6', '-c', '1', '-W', '1', '-s', '3000', victim.ipv6]]],
      ready: (seg) => count(seg, REJECT) >= 3,
    });
    probes.push({
      name: 'victim-out6',
      steps: [
        ['victim', 'nmap', ['-6', '-sU', '-p', '33', '--max-rtt-timeout', '200ms', ...NMAP, scanner.ipv6]],
        ['victim', 'ping', ['-6', '-c', '1', '-W', '1', scanner.ipv6]],
      ],
      ready: (seg) => count(seg, REJECT) >= 2,
    });

    for (const probe of probes) {
      const mark = await KernelLog.mark(probe.name);
      // The steps of a probe run side by side (hping3 lingers a second after its last packet).
      await Promise.all(probe.steps.map(([host, file, args]) => lab!.exec(host, file, args, { reject: false })));
      const raw = await KernelLog.waitFor(mark, (ls) => probe.ready(toCaptured(probe.name, ls, fromLab)), {
        timeoutMs: 5000,
      }).catch((err: Error) => {
        throw new Error(`probe ${probe.name}: ${err.message}`);
      });
      const seg = toCaptured(probe.name, raw, fromLab);
      segments.set(probe.name, seg);
      captured.push(...seg);
    }
    if (process.env.PCL_E2E_WRITE_FIXTURE === '1') await writeFixture();
  });

  function toCaptured(probe: string, raw: string[], fromLab: (m: string) => boolean): Captured[] {
    const out: Captured[] = [];
    for (const line of raw) {
      if (line.includes('portcullis-e2e ')) break; // the next probe's marker (late lines stay with their probe)
      const message = line.replace(stampRe, '');
      const prefix = prefixOf(message);
      if (prefix && fromLab(message)) out.push({ probe, line, message, prefix });
    }
    return out;
  }

  async function writeFixture(): Promise<void> {
    const pick: Array<[string, string, (c: Captured) => boolean]> = [];
    const dpt = (p: number) => (c: Captured) => field(c.message, 'DPT') === String(p);
    const has = (s: string) => (c: Captured) => c.message.includes(s);
    pick.push(['tcp-syn', REJECT, dpt(22)], ['tcp-syn', REJECT, dpt(37)], ['tcp-syn', OPT, () => true]);
    pick.push(['tcp-fin', REJECT, dpt(21)], ['tcp-xmas', REJECT, dpt(23)], ['tcp-xmas', OPT, () => true]);
    pick.push(['tcp-null', REJECT, dpt(25)]);
    pick.push(['udp', REJECT, dpt(53)], ['udp', REJECT, dpt(69)], ['udp', FINAL, () => true]);
    pick.push(['icmp-echo', REJECT, () => true], ['ip-options', IPOPT, () => true]);
    for (let i = 0; i < 3; i++) pick.push(['fragments', FRAG, () => true]);
    pick.push(['fragments', REJECT, () => true]);
    pick.push(['spoofed', REJECT, has('SRC=10.1.2.3 ')], ['spoofed', REJECT, has('SRC=203.0.113.7 ')]);
    pick.push(['victim-out', OUT, () => true], ['victim-out', REJECT, has('TYPE=3 ')], ['victim-out', REJECT, has('TYPE=0 ')]);
    pick.push(['tcp6-syn', REJECT, dpt(22)], ['tcp6-syn', OPT, () => true], ['tcp6-xmas', REJECT, dpt(23)]);
    pick.push(['udp6', REJECT, dpt(53)], ['icmp6-echo', REJECT, () => true]);
    for (let i = 0; i < 3; i++) pick.push(['frag6', REJECT, () => true]);
    pick.push(['victim-out6', REJECT, has('TYPE=1 ')], ['victim-out6', REJECT, has('TYPE=129 ')]);
    const used = new Set<Captured>();
    for (const [probe, prefix, pred] of pick) {
      const c = lines(probe, prefix).find((x) => !used.has(x) && pred(x));
      assert.ok(c, `fixture: no ${probe} line with ${prefix}`);
      used.add(c);
    }
    // In the order dmesg printed them.
    const chosen = captured.filter((c) => used.has(c)).map((c) => c.line);
    await writeFile(new URL('../fixtures/kernel-lines/dmesg.log', import.meta.url), `${chosen.join('\n')}\n`);
  }

  after(async function () {
    this.timeout(30_000);
    await lab?.destroy();
  });

  describe('raw kernel format', () => {
    it('every captured line is `[stamp] PREFIX IN=... OUT=...` and ends with a space', () => {
      assert.ok(captured.length >= 270, `only ${captured.length} lines`);
      for (const c of captured) {
        assert.match(c.line, /^\[\s*\d+\.\d{6}\] \S.*IN=\S* OUT=\S* /, c.line);
        assert.ok(c.line.endsWith(' '), `no trailing space: ${c.line}`);
      }
    });

    it('prints IPv6 addresses fully expanded', () => {
      const c = lines('tcp6-syn')[0]!;
      assert.equal(field(c.message, 'SRC'), scanner.ipv6Expanded);
      assert.equal(field(c.message, 'SRC'), '2001:0db8:0000:0000:0000:0000:0000:0066');
      assert.equal(field(c.message, 'DST'), victim.ipv6Expanded);
    });

    it('prints IPv6 "more fragments" as INCOMPLETE after FRAG:, then the rest of the line', () => {
      const [first, second, last] = lines('frag6');
      assert.match(first!.message, / FRAG:0 INCOMPLETE ID:[0-9a-f]{8} PROTO=ICMPv6 TYPE=128 CODE=0 ID=\d+ SEQ=1 $/);
      assert.match(second!.message, / FRAG:1448 INCOMPLETE ID:[0-9a-f]{8} PROTO=ICMPv6 $/);
      assert.match(last!.message, / FRAG:2896 ID:[0-9a-f]{8} PROTO=ICMPv6 $/);
    });

    it('prints an IPv4 first fragment as INCOMPLETE [8 bytes] and later ones as FRAG:<offset/8>', () => {
      const frag = lines('fragments', FRAG).map((c) => c.message);
      assert.match(frag[0]!, / MF PROTO=TCP INCOMPLETE \[8 bytes\] $/);
      assert.match(frag[1]!, / MF FRAG:1 PROTO=TCP $/);
      assert.match(frag[2]!, / FRAG:2 PROTO=TCP $/);
    });

    it('prints UID/GID only on locally generated packets (OUTPUT), never on INPUT', () => {
      assert.match(lines('victim-out', OUT)[0]!.message, /^\[PCL OUT\]: IN= OUT=eth0 SRC=198\.51\.100\.10 .* UID=0 GID=0 $/);
      for (const c of lines('tcp-syn', OPT)) assert.doesNotMatch(c.message, /UID=/);
    });
  });
  describe('decoded with decodeLine', () => {
    const decoded = new Map<Captured, DecodedLine>();
    const dec = (c: Captured): DecodedLine => {
      const d = decoded.get(c);
      assert.ok(d, `not decoded: ${c.line}`);
      return d;
    };
    const decodedOf = (probe: string, prefix = REJECT) => lines(probe, prefix).map(dec);
    /** An IPv4 fragment too short for its TCP header; whether that counts as truncated is the decoder's call. */
    const shortHeader = (c: Captured) => / INCOMPLETE \[\d+ bytes\] $/.test(c.message);

    before(() => {
      for (const c of captured) {
        const d = decodeLine(c.line);
        if (d) decoded.set(c, d);
      }
    });

    it('decodes every captured line, as a dmesg line, with its prefix text and nothing truncated', () => {
      for (const c of captured) {
        const d = decodeLine(c.line);
        assert.ok(d, `decodeLine returned undefined for: ${c.line}`);
        assert.equal(d.frame.format, 'dmesg', c.line);
        assert.equal(d.prefix.text, c.prefix, c.line);
        if (!shortHeader(c)) assert.equal(d.truncated, false, `marked truncated: ${c.line}`);
      }
      assert.equal(decodedOf('tcp-syn')[0]!.prefix.text, '[IPTABLES REJECT]: ');
      assert.equal(decodedOf('udp', FINAL)[0]!.prefix.text, 'FINAL_REJECT: ');
    });

    it('gives the lab addresses as SRC/DST (IPv6 canonical) and the family', () => {
      for (const c of captured) {
        const d = dec(c);
        const six = c.message.includes('SRC=2001:0db8:');
        assert.equal(d.family, six ? 'ipv6' : 'ipv4', c.line);
        if (c.probe === 'spoofed') {
          assert.ok(['10.1.2.3', '203.0.113.7'].includes(d.src!), c.line);
          assert.equal(d.dst, victim.ipv4);
        } else if (c.prefix === OUT) {
          assert.deepEqual([d.src, d.dst], [victim.ipv4, scanner.ipv4]);
        } else if (c.probe === 'ip-options') {
          assert.deepEqual([d.src, d.dst], [spoofer.ipv4, victim.ipv4]);
        } else if (six) {
          assert.deepEqual([d.src, d.dst], ['2001:db8::66', '2001:db8::10'], c.line);
        } else {
          assert.deepEqual([d.src, d.dst], [scanner.ipv4, victim.ipv4], c.line);
        }
      }
      assert.equal(scanner.ipv6, '2001:db8::66');
    });

    const scans: Array<[string, string[]]> = [
      ['tcp-syn', ['SYN']],
      ['tcp-fin', ['FIN']],
      ['tcp-xmas', ['URG', 'PSH', 'FIN']],
      ['tcp-null', []],
      ['tcp6-syn', ['SYN']],
      ['tcp6-xmas', ['URG', 'PSH', 'FIN']],
    ];
    for (const [probe, flags] of scans) {
      it(`${probe}: PROTO=TCP, DPT 1-40 each seen, flags ${JSON.stringify(flags)}`, () => {
        const ds = decodedOf(probe);
        assert.ok(ds.length >= 40, `${ds.length} lines`);
        assert.deepEqual([...new Set(ds.map((d) => d.dpt))].sort((a, b) => a! - b!), SCAN_PORTS);
        for (const d of ds) {
          assert.equal(d.proto, 'TCP');
          assert.deepEqual(d.tcpFlags, flags, d.message);
          assert.equal(d.in, 'eth0');
          assert.ok(Number.isInteger(d.spt) && d.spt! > 0 && d.spt! < 65536);
        }
      });
    }

    it('UDP: PROTO=UDP with the probed ports and no TCP flags; FINAL_REJECT on 161', () => {
      const ds = decodedOf('udp');
      assert.deepEqual([...new Set(ds.map((d) => d.dpt))].sort((a, b) => a! - b!), [53, 69, 161]);
      for (const d of ds) {
        assert.equal(d.proto, 'UDP');
        assert.equal(d.tcpFlags, undefined);
        assert.ok(d.spt! > 0);
      }
      const [final] = decodedOf('udp', FINAL);
      assert.equal(final!.dpt, 161);
      const six = decodedOf('udp6');
      assert.deepEqual([...new Set(six.map((d) => d.dpt))].sort((a, b) => a! - b!), [53, 161]);
      assert.ok(six.every((d) => d.proto === 'UDP' && d.src === '2001:db8::66'));
    });

    it('ICMP echo: TYPE=8 CODE=0, no ports, no flags; the reply coming back is TYPE=0', () => {
      const ds = decodedOf('icmp-echo');
      assert.equal(ds.length, 2);
      for (const d of ds) {
        assert.equal(d.proto, 'ICMP');
        assert.equal(tok(d, 'TYPE'), '8');
        assert.equal(tok(d, 'CODE'), '0');
        assert.equal(d.spt, undefined);
        assert.equal(d.dpt, undefined);
        assert.equal(d.tcpFlags, undefined);
      }
      assert.deepEqual(ds.map((d) => tok(d, 'SEQ')), ['1', '2']);
      const reply = decodedOf('victim-out').find((d) => tok(d, 'TYPE') === '0');
      assert.ok(reply, 'no echo reply line');
    });

    it('ICMP error: outer TYPE=3 CODE=3 from the scanner, the quoted UDP packet at depth 1, no ports taken from it', () => {
      const d = decodedOf('victim-out').find((x) => tok(x, 'TYPE') === '3');
      assert.ok(d, 'no ICMP port unreachable line');
      assert.equal(d.proto, 'ICMP');
      assert.equal(tok(d, 'CODE'), '3');
      assert.deepEqual([d.src, d.dst], [scanner.ipv4, victim.ipv4]);
      assert.equal(d.dpt, undefined, 'DPT=33 belongs to the quoted packet');
      assert.equal(tok(d, 'SRC', 1), victim.ipv4);
      assert.equal(tok(d, 'DST', 1), scanner.ipv4);
      assert.equal(tok(d, 'PROTO', 1), 'UDP');
      assert.equal(tok(d, 'DPT', 1), '33');
      const out = dec(lines('victim-out', OUT)[0]!);
      assert.equal(tok(d, 'SPT', 1), String(out.spt), 'the quoted packet is the one the victim sent');
    });

    it('ICMPv6: echo request TYPE=128, reply TYPE=129, unreachable TYPE=1 CODE=4 quoting the UDP packet', () => {
      const echo = decodedOf('icmp6-echo');
      assert.equal(echo.length, 2);
      for (const d of echo) {
        assert.equal(d.proto, 'ICMPv6');
        assert.equal(tok(d, 'TYPE'), '128');
      }
      const back = decodedOf('victim-out6');
      assert.ok(back.some((d) => d.proto === 'ICMPv6' && tok(d, 'TYPE') === '129'));
      const err = back.find((d) => tok(d, 'TYPE') === '1');
      assert.ok(err, 'no ICMPv6 unreachable');
      assert.equal(tok(err, 'CODE'), '4');
      assert.equal(err.dpt, undefined);
      assert.equal(tok(err, 'PROTO', 1), 'UDP');
      assert.equal(tok(err, 'DPT', 1), '33');
      assert.equal(tok(err, 'SRC', 1), victim.ipv6Expanded);
    });

    it('spoofed sources are decoded as logged: 10.1.2.3 and 203.0.113.7, TCP SYN to 22 and 23', () => {
      const ds = decodedOf('spoofed');
      const bySrc = new Map(ds.map((d) => [d.src, d]));
      assert.equal(bySrc.get('10.1.2.3')?.dpt, 22);
      assert.equal(bySrc.get('203.0.113.7')?.dpt, 23);
      for (const d of ds) assert.deepEqual(d.tcpFlags, ['SYN']);
    });

    it('optional fields: SEQ/ACK/OPT, IP options, MARK, UID/GID and OUT', () => {
      for (const probe of ['tcp-syn', 'tcp6-syn']) {
        const [d] = decodedOf(probe, OPT);
        assert.ok(d, `${probe}: no ${OPT}line`);
        assert.equal(d.dpt, 39);
        assert.match(tok(d, 'SEQ') ?? '', /^\d+$/);
        assert.equal(tok(d, 'ACK'), '0');
        assert.match(d.message, /OPT \(020405B4\)/);
        assert.ok(d.tokens.some((t) => t.key === 'OPT'), 'OPT token');
        assert.deepEqual(d.tcpFlags, ['SYN']);
      }
      const ipopt = decodedOf('ip-options', IPOPT)[0]!;
      assert.ok(ipopt.tokens.some((t) => t.key === 'OPT'), 'IP OPT token');
      assert.equal(ipopt.proto, 'ICMP');
      const marked = decodedOf('tcp-syn').find((d) => d.dpt === 37)!;
      assert.equal(tok(marked, 'MARK'), '0x2a');
      const out = dec(lines('victim-out', OUT)[0]!);
      assert.equal(out.out, 'eth0');
      assert.ok(out.in === undefined || out.in === '', `in: ${out.in}`);
      assert.equal(tok(out, 'UID'), '0');
      assert.equal(tok(out, 'GID'), '0');
      assert.equal(out.dpt, 33);
    });

    it('fragments: IPv6 FRAG ... INCOMPLETE is "more fragments", not a cut-off line; IPv4 fragments keep SRC/DST/PROTO', () => {
      const six = decodedOf('frag6');
      assert.equal(six.length, 3);
      for (const d of six) {
        assert.equal(d.truncated, false, d.message);
        assert.equal(d.proto, 'ICMPv6');
        assert.equal(d.src, '2001:db8::66');
      }
      assert.equal(tok(six[0]!, 'TYPE'), '128');
      const four = decodedOf('fragments', FRAG);
      assert.equal(four.length, 3);
      for (const d of four) {
        assert.deepEqual([d.src, d.dst, d.proto], [scanner.ipv4, victim.ipv4, 'TCP']);
        assert.equal(d.dpt, undefined, 'no TCP header in these fragments');
      }
      const whole = decodedOf('fragments')[0]!;
      assert.deepEqual([whole.dpt, whole.tcpFlags], [25, ['SYN']]);
    });
  });
});

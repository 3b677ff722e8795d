import assert from 'node:assert/strict';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';
import { toEcs } from '../../../packages/core/src/nflog/ecs.js';
import { MEMO } from '../../fixtures/memo.js';

const NOW = Date.UTC(2025, 5, 1);



describe('decodeLine: the memo lines', () => {
  it('reads the NetBIOS broadcast (UDP, two LENs)', () => {
    const d = decodeLine(MEMO[0], { now: NOW })!;
    assert.equal(d.prefix.text, '[IPTABLES REJECT]: ');
    assert.equal(d.prefix.action, 'reject');
    assert.equal(d.frame.host, 'refirio');
    assert.equal(d.frame.time, Date.UTC(2025, 2, 21, 16, 2, 5));
    assert.deepEqual([d.in, d.out, d.src, d.dst, d.proto, d.spt, d.dpt], ['eth0', '', '153.121.33.75', '153.121.33.255', 'UDP', 138, 138]);
    assert.equal(d.family, 'ipv4');
    assert.equal(d.truncated, false);
    const f = decodeFields(d);
    const lens = f.filter((x) => x.key === 'LEN').map((x) => [x.layer, x.value]);
    assert.deepEqual(lens, [
      ['ipv4', 229],
      ['udp', 209],
    ]);
  });

  it('reads IGMP as a numeric protocol with no transport header', () => {
    const d = decodeLine(MEMO[1], { now: NOW })!;
    assert.deepEqual([d.src, d.dst, d.proto, d.spt, d.dpt, d.tcpFlags, d.truncated], ['0.0.0.0', '224.0.0.1', '2', undefined, undefined, undefined, false]);
    const e = toEcs(d);
    assert.equal((e.network as { iana_number: string }).iana_number, '2');
    assert.equal((e.network as { transport: string }).transport, 'igmp');
    assert.deepEqual((e.iptables as { fragment_flags: string[] }).fragment_flags, ['DF']);
    assert.equal((e.iptables as { precedence_bits: number }).precedence_bits, 0xc0);
  });

  it('reads the SYN to 3389 and its flags', () => {
    const d = decodeLine(MEMO[2], { now: NOW })!;
    assert.deepEqual(d.tcpFlags, ['SYN']);
    assert.equal(d.dpt, 3389);
    const e = toEcs(d) as Record<string, any>;
    assert.equal(e.source.mac, '00-24-38-2D-06-00');
    assert.equal(e.destination.mac, '52-54-0D-00-23-10');
    assert.equal(e.iptables.ether_type, 0x0800);
    assert.equal(e.iptables.tcp.window, 50723);
    assert.equal(e.event.action, 'reject');
    assert.match(e.network.community_id, /^1:[A-Za-z0-9+/]{27}=$/);
  });

  it("reads firewalld's FINAL_REJECT with ACK RST", () => {
    const d = decodeLine(MEMO[3], { now: NOW })!;
    assert.equal(d.prefix.source, 'firewalld');
    assert.equal(d.prefix.action, 'reject');
    assert.deepEqual(d.tcpFlags, ['ACK', 'RST']);
    assert.equal(d.frame.time, Date.UTC(2025, 3, 21, 15, 20, 47));
  });
});

describe('decodeLine: shapes and damage', () => {
  it('returns undefined for lines that are not firewall lines', () => {
    assert.equal(decodeLine('Mar 21 04:02:13 refirio sshd[30112]: Invalid user admin from 198.51.100.77 port 53422'), undefined);
    assert.equal(decodeLine(''), undefined);
    assert.equal(decodeLine('\u0000\u0001\u00ff garbage IN= nothing'), undefined);
  });

  it('canonicalises the IPv6 addresses the kernel prints expanded', () => {
    const d = decodeLine(
      'Mar 21 16:03:32 refirio kernel: [UFW BLOCK] IN=eth0 OUT= MAC=33:33:00:00:00:01:52:54:00:12:34:56:86:dd SRC=2001:0db8:0010:0000:0000:0000:0000:0066 DST=ff02:0000:0000:0000:0000:0000:0000:0001 LEN=72 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=130 CODE=0',
    )!;
    assert.equal(d.family, 'ipv6');
    assert.equal(d.src, '2001:db8:10::66');
    assert.equal(d.dst, 'ff02::1');
    assert.equal(d.prefix.source, 'ufw');
    assert.equal(d.prefix.action, 'drop');
    assert.equal(d.truncated, false);
  });

  it('marks invalid values invalid and never guesses them', () => {
    const d = decodeLine('IN=eth0 OUT= SRC=300.1.2.3 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=300 ID=1 PROTO=TCP SPT=70000 DPT=22 WINDOW=1 RES=0x00 SYN URGP=0')!;
    assert.equal(d.src, undefined);
    assert.equal(d.spt, undefined);
    assert.equal(d.dpt, 22);
    const bad = decodeFields(d).filter((f) => f.invalid).map((f) => f.key);
    assert.deepEqual(bad, ['SRC', 'TTL', 'SPT']);
    const e = toEcs(d);
    assert.deepEqual(
      e.portcullis.invalid.map((i) => i.key),
      ['SRC', 'TTL', 'SPT'],
    );
  });

  it('marks a line cut at the end as truncated and keeps what it has', () => {
    const d = decodeLine(MEMO[2].slice(0, MEMO[2].indexOf(' WINDOW=')), { now: NOW })!;
    assert.equal(d.truncated, true);
    assert.equal(d.dpt, 3389);
    assert.equal(d.tcpFlags, undefined);
  });

  it('decodes a line cut at the front, restoring the key the kernel order makes certain', () => {
    const d = decodeLine('May  5 20:46:46 My-Office-Gateway user.info kernel: L=126 ID=8698 DF PROTO=TCP SPT=88 DPT=51179 WINDOW=2053 RES=0x00 ACK URGP=0', { now: NOW })!;
    assert.equal(d.truncated, true);
    assert.deepEqual([d.proto, d.spt, d.dpt, d.tcpFlags], ['TCP', 88, 51179, ['ACK']]);
    const ttl = decodeFields(d).find((f) => f.key === 'TTL');
    assert.equal(ttl?.value, 126);
  });

  it('reads the ICMP error and keeps the quoted packet apart', () => {
    const d = decodeLine(
      'Jan  8 03:37:09 DENY: IN=eth0 OUT= MAC=90:10:28:5f:62:24:90:10:18:5a:89:2a:08:00 SRC=192.168.2.71 DST=192.168.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=54 ID=0 DF PROTO=UDP SPT=21458 DPT=62936 LEN=40 ]',
      { now: NOW },
    )!;
    assert.deepEqual([d.src, d.dst, d.proto, d.spt, d.dpt, d.truncated], ['192.168.2.71', '192.168.2.83', 'ICMP', undefined, undefined, false]);
    const inner = decodeFields(d).filter((f) => f.token.depth === 1);
    assert.equal(inner.find((f) => f.key === 'DPT')?.value, 62936);
    const e = toEcs(d) as Record<string, any>;
    assert.deepEqual([e.iptables.icmp.type, e.iptables.icmp.code], [3, 3]);
    assert.equal(e.event.action, 'deny');
  });

  it('reads ARP lines', () => {
    const d = decodeLine('IN=eth0 OUT= MACSRC=52:54:00:12:34:56 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=0806 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:12:34:56 IPSRC=192.0.2.1 MACDST=00:00:00:00:00:00 IPDST=192.0.2.2')!;
    assert.equal(d.family, 'arp');
    assert.equal(d.truncated, false);
    const ipdst = decodeFields(d).find((f) => f.key === 'IPDST');
    assert.equal(ipdst?.value, '192.0.2.2');
  });

  it('never hangs on a megabyte line', () => {
    const huge = 'Mar 21 16:03:32 refirio kernel: [X] IN=eth0 OUT= SRC=' + '1'.repeat(2_000_000);
    const d = decodeLine(huge, { now: NOW });
    assert.ok(d === undefined || d.src === undefined);
  });
});

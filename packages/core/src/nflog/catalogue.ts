import type { Text } from '../i18n/text.js';

/**
 * Where a field sits in the kernel's output. The same key means different things in different places (`LEN` of
 * the IP packet and of the UDP datagram, `ID` of IPv4 and of an ICMP echo, the `ACK` flag and `ACK=` number), so
 * the catalogue is keyed by layer and key.
 */
export type Layer = 'link' | 'ipv4' | 'ipv6' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'ipsec' | 'arp' | 'meta';

export type ValueType =
  | 'iface'
  | 'mac-header' // MAC=dst:src:type[:extra]
  | 'mac'
  | 'hex16' // 4 hex digits without 0x (MACPROTO, VPROTO)
  | 'ip'
  | 'ipv4'
  | 'tunnel' // a.b.c.d->e.f.g.h
  | 'uint'
  | 'hex' // 0x-prefixed number
  | 'bare-hex' // hex digits without 0x (IPv6 fragment ID, ICMPv6 POINTER)
  | 'proto'
  | 'hex-bytes' // OPT (0204...)
  | 'group' // IPv6 OPT ( ... ): its inside is more fields
  | 'bytes' // INCOMPLETE [N bytes]
  | 'flag'
  | 'text';

export interface FieldSpec {
  key: string;
  layer: Layer;
  type: ValueType;
  /** Largest valid value for numbers. */
  max?: number;
  /** What the field is. */
  name: Text;
}

const t = (en: string, ja: string): Text => ({ en, ja });

const u8 = 255;
const u16 = 65535;
const u32 = 4294967295;

/** Every field nf_log_syslog.c prints, by layer. Adding a field is one line here. */
export const FIELDS: readonly FieldSpec[] = [
  // link and interfaces (nf_log_dump_packet_common, dump_mac_header)
  { key: 'IN', layer: 'link', type: 'iface', name: t('input interface', '受信インターフェース') },
  { key: 'OUT', layer: 'link', type: 'iface', name: t('output interface', '送信インターフェース') },
  { key: 'PHYSIN', layer: 'link', type: 'iface', name: t('bridge port the packet came in on', 'ブリッジの受信ポート') },
  { key: 'PHYSOUT', layer: 'link', type: 'iface', name: t('bridge port the packet goes out on', 'ブリッジの送信ポート') },
  { key: 'MAC', layer: 'link', type: 'mac-header', name: t('link-layer header (destination MAC, source MAC, EtherType)', 'リンク層ヘッダ (宛先MAC・送信元MAC・EtherType)') },
  { key: 'MACSRC', layer: 'link', type: 'mac', name: t('source MAC address', '送信元MACアドレス') },
  { key: 'MACDST', layer: 'link', type: 'mac', name: t('destination MAC address', '宛先MACアドレス') },
  { key: 'MACPROTO', layer: 'link', type: 'hex16', name: t('EtherType', 'EtherType') },
  { key: 'VPROTO', layer: 'link', type: 'hex16', name: t('VLAN tag protocol', 'VLANタグのプロトコル') },
  { key: 'VID', layer: 'link', type: 'uint', max: 4095, name: t('VLAN ID', 'VLAN ID') },
  { key: 'TUNNEL', layer: 'link', type: 'tunnel', name: t('outer addresses of a SIT (6in4) tunnel', 'SIT (6in4) トンネルの外側アドレス') },
  // IPv4 (dump_ipv4_packet)
  { key: 'SRC', layer: 'ipv4', type: 'ip', name: t('source address', '送信元アドレス') },
  { key: 'DST', layer: 'ipv4', type: 'ip', name: t('destination address', '宛先アドレス') },
  { key: 'LEN', layer: 'ipv4', type: 'uint', max: u16, name: t('IP packet length in bytes', 'IPパケット長 (バイト)') },
  { key: 'TOS', layer: 'ipv4', type: 'hex', max: u8, name: t('type of service bits (DSCP/ECN part)', 'サービスタイプ (DSCP/ECN部分)') },
  { key: 'PREC', layer: 'ipv4', type: 'hex', max: u8, name: t('IP precedence bits', 'IP優先度ビット') },
  { key: 'TTL', layer: 'ipv4', type: 'uint', max: u8, name: t('time to live', '生存時間 (TTL)') },
  { key: 'ID', layer: 'ipv4', type: 'uint', max: u16, name: t('IP identification', 'IP識別子') },
  { key: 'CE', layer: 'ipv4', type: 'flag', name: t('congestion experienced (reserved fragment bit set)', '予約フラグビット (CE) が立っている') },
  { key: 'DF', layer: 'ipv4', type: 'flag', name: t("don't fragment", '分割禁止 (DF)') },
  { key: 'MF', layer: 'ipv4', type: 'flag', name: t('more fragments follow', '後続フラグメントあり (MF)') },
  { key: 'FRAG', layer: 'ipv4', type: 'uint', max: 8191, name: t('fragment offset (in 8-byte units)', 'フラグメントオフセット (8バイト単位)') },
  { key: 'OPT', layer: 'ipv4', type: 'hex-bytes', name: t('IP options (hex)', 'IPオプション (16進)') },
  { key: 'PROTO', layer: 'ipv4', type: 'proto', name: t('protocol', 'プロトコル') },
  // IPv6 (dump_ipv6_packet)
  { key: 'SRC', layer: 'ipv6', type: 'ip', name: t('source address', '送信元アドレス') },
  { key: 'DST', layer: 'ipv6', type: 'ip', name: t('destination address', '宛先アドレス') },
  { key: 'LEN', layer: 'ipv6', type: 'uint', max: u16 + 40, name: t('IPv6 packet length in bytes (with header)', 'IPv6パケット長 (ヘッダ込み、バイト)') },
  { key: 'TC', layer: 'ipv6', type: 'uint', max: u8, name: t('traffic class (DSCP/ECN)', 'トラフィッククラス (DSCP/ECN)') },
  { key: 'HOPLIMIT', layer: 'ipv6', type: 'uint', max: u8, name: t('hop limit', 'ホップリミット') },
  { key: 'FLOWLBL', layer: 'ipv6', type: 'uint', max: 0xfffff, name: t('flow label', 'フローラベル') },
  { key: 'OPT', layer: 'ipv6', type: 'group', name: t('extension headers', '拡張ヘッダ') },
  { key: 'FRAG', layer: 'ipv6', type: 'uint', max: 0xfff8, name: t('fragment offset in bytes', 'フラグメントオフセット (バイト)') },
  { key: 'ID', layer: 'ipv6', type: 'bare-hex', max: u32, name: t('fragment identification', 'フラグメント識別子') },
  { key: 'INCOMPLETE', layer: 'ipv6', type: 'flag', name: t('more fragments follow', '後続フラグメントあり') },
  { key: 'AH', layer: 'ipv6', type: 'flag', name: t('authentication header', '認証ヘッダ (AH)') },
  { key: 'ESP', layer: 'ipv6', type: 'flag', name: t('encapsulating security payload', 'ESPヘッダ') },
  { key: 'SPI', layer: 'ipv6', type: 'hex', max: u32, name: t('IPsec security parameter index', 'IPsec SPI') },
  { key: 'PROTO', layer: 'ipv6', type: 'proto', name: t('next header (protocol)', '次ヘッダ (プロトコル)') },
  // TCP (nf_log_dump_tcp_header)
  { key: 'SPT', layer: 'tcp', type: 'uint', max: u16, name: t('source port', '送信元ポート') },
  { key: 'DPT', layer: 'tcp', type: 'uint', max: u16, name: t('destination port', '宛先ポート') },
  { key: 'SEQ', layer: 'tcp', type: 'uint', max: u32, name: t('sequence number', 'シーケンス番号') },
  { key: 'ACK', layer: 'tcp', type: 'uint', max: u32, name: t('acknowledgement number', '確認応答番号') },
  { key: 'WINDOW', layer: 'tcp', type: 'uint', max: u16, name: t('receive window', 'ウィンドウサイズ') },
  { key: 'RES', layer: 'tcp', type: 'hex', max: 0x3f, name: t('reserved bits', '予約ビット') },
  { key: 'AE', layer: 'tcp', type: 'flag', name: t('accurate ECN flag', 'AEフラグ (Accurate ECN)') },
  { key: 'CWR', layer: 'tcp', type: 'flag', name: t('congestion window reduced', 'CWRフラグ (輻輳ウィンドウ縮小)') },
  { key: 'ECE', layer: 'tcp', type: 'flag', name: t('ECN echo', 'ECEフラグ (ECNエコー)') },
  { key: 'URG', layer: 'tcp', type: 'flag', name: t('urgent', 'URGフラグ (緊急)') },
  { key: 'PSH', layer: 'tcp', type: 'flag', name: t('push', 'PSHフラグ (プッシュ)') },
  { key: 'RST', layer: 'tcp', type: 'flag', name: t('reset', 'RSTフラグ (リセット)') },
  { key: 'SYN', layer: 'tcp', type: 'flag', name: t('synchronise (open a connection)', 'SYNフラグ (接続開始)') },
  { key: 'FIN', layer: 'tcp', type: 'flag', name: t('finish (close a connection)', 'FINフラグ (接続終了)') },
  { key: 'URGP', layer: 'tcp', type: 'uint', max: u16, name: t('urgent pointer', '緊急ポインタ') },
  { key: 'OPT', layer: 'tcp', type: 'hex-bytes', name: t('TCP options (hex)', 'TCPオプション (16進)') },
  { key: 'INCOMPLETE', layer: 'tcp', type: 'bytes', name: t('header cut short: bytes available', 'ヘッダ不完全: 残りバイト数') },
  // UDP / UDP-Lite (nf_log_dump_udp_header)
  { key: 'SPT', layer: 'udp', type: 'uint', max: u16, name: t('source port', '送信元ポート') },
  { key: 'DPT', layer: 'udp', type: 'uint', max: u16, name: t('destination port', '宛先ポート') },
  { key: 'LEN', layer: 'udp', type: 'uint', max: u16, name: t('UDP length in bytes (header + data)', 'UDP長 (ヘッダ+データ、バイト)') },
  { key: 'INCOMPLETE', layer: 'udp', type: 'bytes', name: t('header cut short: bytes available', 'ヘッダ不完全: 残りバイト数') },
  // ICMP
  { key: 'TYPE', layer: 'icmp', type: 'uint', max: u8, name: t('ICMP type', 'ICMPタイプ') },
  { key: 'CODE', layer: 'icmp', type: 'uint', max: u8, name: t('ICMP code', 'ICMPコード') },
  { key: 'ID', layer: 'icmp', type: 'uint', max: u16, name: t('echo identifier', 'エコー識別子') },
  { key: 'SEQ', layer: 'icmp', type: 'uint', max: u16, name: t('echo sequence number', 'エコーシーケンス番号') },
  { key: 'PARAMETER', layer: 'icmp', type: 'uint', max: u8, name: t('pointer to the faulty byte', '問題のあるバイトの位置') },
  { key: 'GATEWAY', layer: 'icmp', type: 'ipv4', name: t('gateway the redirect points to', 'リダイレクト先ゲートウェイ') },
  { key: 'MTU', layer: 'icmp', type: 'uint', max: u16, name: t('next-hop MTU', '次ホップのMTU') },
  { key: 'INCOMPLETE', layer: 'icmp', type: 'bytes', name: t('header cut short: bytes available', 'ヘッダ不完全: 残りバイト数') },
  // ICMPv6
  { key: 'TYPE', layer: 'icmpv6', type: 'uint', max: u8, name: t('ICMPv6 type', 'ICMPv6タイプ') },
  { key: 'CODE', layer: 'icmpv6', type: 'uint', max: u8, name: t('ICMPv6 code', 'ICMPv6コード') },
  { key: 'ID', layer: 'icmpv6', type: 'uint', max: u16, name: t('echo identifier', 'エコー識別子') },
  { key: 'SEQ', layer: 'icmpv6', type: 'uint', max: u16, name: t('echo sequence number', 'エコーシーケンス番号') },
  { key: 'POINTER', layer: 'icmpv6', type: 'bare-hex', max: u32, name: t('pointer to the faulty byte', '問題のあるバイトの位置') },
  { key: 'MTU', layer: 'icmpv6', type: 'uint', max: u32, name: t('MTU of the next hop', '次ホップのMTU') },
  { key: 'INCOMPLETE', layer: 'icmpv6', type: 'bytes', name: t('header cut short: bytes available', 'ヘッダ不完全: 残りバイト数') },
  // AH / ESP over IPv4
  { key: 'SPI', layer: 'ipsec', type: 'hex', max: u32, name: t('IPsec security parameter index', 'IPsec SPI') },
  { key: 'INCOMPLETE', layer: 'ipsec', type: 'bytes', name: t('header cut short: bytes available', 'ヘッダ不完全: 残りバイト数') },
  // ARP (dump_arp_packet)
  { key: 'HTYPE', layer: 'arp', type: 'uint', max: u16, name: t('ARP hardware type', 'ARPハードウェアタイプ') },
  { key: 'PTYPE', layer: 'arp', type: 'hex', max: u16, name: t('ARP protocol type', 'ARPプロトコルタイプ') },
  { key: 'OPCODE', layer: 'arp', type: 'uint', max: u16, name: t('ARP operation (1 request, 2 reply)', 'ARP操作 (1 要求・2 応答)') },
  { key: 'MACSRC', layer: 'arp', type: 'mac', name: t("sender's MAC address", '送信側MACアドレス') },
  { key: 'IPSRC', layer: 'arp', type: 'ipv4', name: t("sender's IP address", '送信側IPアドレス') },
  { key: 'MACDST', layer: 'arp', type: 'mac', name: t("target's MAC address", '対象MACアドレス') },
  { key: 'IPDST', layer: 'arp', type: 'ipv4', name: t("target's IP address", '対象IPアドレス') },
  { key: 'INCOMPLETE', layer: 'arp', type: 'bytes', name: t('ARP payload cut short: bytes available', 'ARPペイロード不完全: 残りバイト数') },
  // after the transport header, at the top level only
  { key: 'UID', layer: 'meta', type: 'uint', max: u32, name: t('user ID of the local socket', 'ローカルソケットのユーザーID') },
  { key: 'GID', layer: 'meta', type: 'uint', max: u32, name: t('group ID of the local socket', 'ローカルソケットのグループID') },
  { key: 'MARK', layer: 'meta', type: 'hex', max: u32, name: t('packet mark', 'パケットマーク') },
  { key: 'TRUNCATED', layer: 'meta', type: 'flag', name: t('the kernel could not read the rest of the header', 'カーネルがヘッダの残りを読めなかった') },
];

// One map per layer: the lookup runs for every token of every line, so no key strings are built for it.
const byLayer = new Map<Layer, Map<string, FieldSpec>>();
for (const f of FIELDS) {
  let m = byLayer.get(f.layer);
  if (!m) byLayer.set(f.layer, (m = new Map()));
  m.set(f.key, f);
}
const META = byLayer.get('meta')!;

/** The catalogue entry for a key seen in a given layer; falls back to the layer-independent `meta` entries. */
export function fieldSpec(layer: Layer, key: string): FieldSpec | undefined {
  return byLayer.get(layer)?.get(key) ?? META.get(key);
}

/** The kernel's order of the IPv4 and IPv6 header fields: lets a line cut at the front name its first key. */
export const HEADER_ORDER: Readonly<Record<'ipv4' | 'ipv6' | 'tcp', readonly string[]>> = {
  ipv4: ['SRC', 'DST', 'LEN', 'TOS', 'PREC', 'TTL', 'ID'],
  ipv6: ['SRC', 'DST', 'LEN', 'TC', 'HOPLIMIT', 'FLOWLBL'],
  tcp: ['SPT', 'DPT', 'SEQ', 'ACK', 'WINDOW', 'RES'],
};

export const TCP_FLAG_WORDS: readonly string[] = ['AE', 'CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];

/**
 * The ACK flag word: the same key as the `ACK=` number before it, so it cannot sit in the per-layer map; `fields.ts`
 * uses it for a valueless `ACK` in the TCP header.
 */
export const TCP_ACK_FLAG: FieldSpec = { key: 'ACK', layer: 'tcp', type: 'flag', name: t('acknowledgement (the ACK number is valid)', 'ACKフラグ (確認応答)') };

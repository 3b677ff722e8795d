import type { Text } from '../i18n/text.js';

/** One row of the IEEE EtherType registry, as far as a firewall log can show it. */
export interface EtherType {
  readonly value: number;
  /** The short name people search for: 'IPv4', '802.1Q', 'LLDP'. */
  readonly name: string;
  readonly description: Text;
}

function e(value: number, name: string, en: string, ja: string): EtherType {
  return Object.freeze({ value, name, description: Object.freeze({ en, ja }) });
}

/** Ethernet's own protocols and the ones a Linux host or bridge meets; nf_log shows the type as the MAC= tail. */
export const ETHER_TYPES: readonly EtherType[] = Object.freeze([
  e(0x0800, 'IPv4', 'Internet Protocol version 4', 'IPv4'),
  e(0x0806, 'ARP', 'Address Resolution Protocol', 'ARP (アドレス解決プロトコル)'),
  e(0x0842, 'WoL', 'Wake-on-LAN', 'Wake-on-LAN (リモート起動)'),
  e(0x22f0, 'AVTP', 'Audio Video Transport Protocol (IEEE 1722)', 'AVTP (音声・映像伝送, IEEE 1722)'),
  e(0x22f3, 'TRILL', 'IETF TRILL', 'TRILL'),
  e(0x6003, 'DECnet', 'DECnet Phase IV', 'DECnet Phase IV'),
  e(0x8035, 'RARP', 'Reverse Address Resolution Protocol', 'RARP (逆アドレス解決プロトコル)'),
  e(0x809b, 'AppleTalk', 'AppleTalk (EtherTalk)', 'AppleTalk (EtherTalk)'),
  e(0x80f3, 'AARP', 'AppleTalk Address Resolution Protocol', 'AARP (AppleTalk アドレス解決)'),
  e(0x8100, '802.1Q', 'VLAN tag (IEEE 802.1Q)', 'VLAN タグ (IEEE 802.1Q)'),
  e(0x8137, 'IPX', 'Novell IPX', 'Novell IPX'),
  e(0x86dd, 'IPv6', 'Internet Protocol version 6', 'IPv6'),
  e(0x8808, 'PAUSE', 'Ethernet flow control (PAUSE frames)', 'イーサネットフロー制御 (PAUSE フレーム)'),
  e(0x8809, 'Slow', 'Slow protocols (LACP link aggregation, OAM)', 'スロープロトコル (LACP リンクアグリゲーション, OAM)'),
  e(0x8847, 'MPLS', 'MPLS unicast', 'MPLS ユニキャスト'),
  e(0x8848, 'MPLS-MC', 'MPLS multicast', 'MPLS マルチキャスト'),
  e(0x8863, 'PPPoE-D', 'PPPoE discovery', 'PPPoE ディスカバリー'),
  e(0x8864, 'PPPoE', 'PPPoE session', 'PPPoE セッション'),
  e(0x888e, 'EAPOL', 'EAP over LAN (IEEE 802.1X port authentication)', 'EAPOL (IEEE 802.1X ポート認証)'),
  e(0x8892, 'PROFINET', 'PROFINET', 'PROFINET'),
  e(0x88a2, 'AoE', 'ATA over Ethernet', 'ATA over Ethernet'),
  e(0x88a4, 'EtherCAT', 'EtherCAT', 'EtherCAT'),
  e(0x88a8, '802.1ad', 'Service VLAN tag (IEEE 802.1ad, QinQ)', 'サービス VLAN タグ (IEEE 802.1ad, QinQ)'),
  e(0x88b5, 'Local-1', 'Local experimental EtherType 1', 'ローカル実験用 EtherType 1'),
  e(0x88b6, 'Local-2', 'Local experimental EtherType 2', 'ローカル実験用 EtherType 2'),
  e(0x88b8, 'GOOSE', 'IEC 61850 GOOSE', 'IEC 61850 GOOSE'),
  e(0x88cc, 'LLDP', 'Link Layer Discovery Protocol', 'LLDP (リンク層の機器発見)'),
  e(0x88e3, 'MRP', 'Media Redundancy Protocol (IEC 62439-2)', 'MRP (メディア冗長化, IEC 62439-2)'),
  e(0x88e5, 'MACsec', 'MAC security (IEEE 802.1AE)', 'MACsec (IEEE 802.1AE)'),
  e(0x88e7, 'PBB', 'Provider Backbone Bridges (IEEE 802.1ah)', 'PBB (IEEE 802.1ah)'),
  e(0x88f7, 'PTP', 'Precision Time Protocol (IEEE 1588)', 'PTP (高精度時刻同期, IEEE 1588)'),
  e(0x88fb, 'PRP', 'Parallel Redundancy Protocol (IEC 62439-3)', 'PRP (並列冗長化, IEC 62439-3)'),
  e(0x8902, 'CFM', 'Connectivity fault management (IEEE 802.1ag)', 'CFM (接続障害管理, IEEE 802.1ag)'),
  e(0x8906, 'FCoE', 'Fibre Channel over Ethernet', 'FCoE (Fibre Channel over Ethernet)'),
  e(0x8914, 'FIP', 'FCoE Initialization Protocol', 'FIP (FCoE 初期化プロトコル)'),
  e(0x8915, 'RoCE', 'RDMA over Converged Ethernet', 'RoCE (RDMA over Converged Ethernet)'),
  e(0x892f, 'HSR', 'High-availability Seamless Redundancy (IEC 62439-3)', 'HSR (高可用性シームレス冗長化)'),
  e(0x9000, 'Loopback', 'Ethernet configuration testing (loopback)', 'イーサネット構成テスト (ループバック)'),
  e(0x9100, 'QinQ-legacy', 'VLAN double tag (pre-standard QinQ)', 'VLAN 二重タグ (標準化前の QinQ)'),
]);

/** Values up to 1500 in this position are an IEEE 802.3 length, not a type; 1536 (0x0600) is the first type. */
const MAX_802_3_LENGTH = 1500;
const FIRST_ETHERTYPE = 0x0600;

const LENGTH_FIELD: EtherType = Object.freeze({
  value: -1,
  name: '802.3',
  description: Object.freeze({
    en: 'IEEE 802.3 frame length (an LLC frame, e.g. spanning tree), not an EtherType',
    ja: 'IEEE 802.3 のフレーム長 (スパニングツリーなどの LLC フレーム)。EtherType ではない',
  }),
});

const BY_VALUE: ReadonlyMap<number, EtherType> = new Map(ETHER_TYPES.map((t) => [t.value, t] as const));

/**
 * Name and description of a 16-bit type/length value. Lengths (0-1500) get the 802.3 row; unlisted types and the
 * undefined gap 1501-1535 get undefined.
 */
export function etherTypeName(value: number): { name: string; description: Text } | undefined {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) return undefined;
  if (value <= MAX_802_3_LENGTH) return { name: LENGTH_FIELD.name, description: LENGTH_FIELD.description };
  if (value < FIRST_ETHERTYPE) return undefined;
  const row = BY_VALUE.get(value);
  return row && { name: row.name, description: row.description };
}

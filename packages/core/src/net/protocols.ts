import type { Text } from '../i18n/text.js';

/** One row of the IANA "Assigned Internet Protocol Numbers" registry. */
export interface IpProtocol {
  readonly number: number;
  /** The IANA keyword as registered (case kept): 'TCP', 'IPv6-ICMP'. Empty for rows the registry gives none. */
  readonly keyword: string;
  readonly name: Text;
}

/**
 * Names people meet in firewall logs get a Japanese phrase; the rest are proper names of obscure or historic
 * protocols, which Japanese documentation leaves in English, so both languages carry the registry's wording.
 */
const TRANSLATED: Readonly<Record<number, Text>> = {
  0: { en: 'IPv6 Hop-by-Hop Option', ja: 'IPv6 ホップバイホップオプション' },
  1: { en: 'Internet Control Message Protocol (ICMP)', ja: 'ICMP (インターネット制御メッセージ)' },
  2: { en: 'Internet Group Management Protocol (IGMP)', ja: 'IGMP (マルチキャストグループ管理)' },
  4: { en: 'IPv4 encapsulation (IP-in-IP)', ja: 'IPv4 カプセル化 (IP-in-IP)' },
  6: { en: 'Transmission Control Protocol (TCP)', ja: 'TCP' },
  8: { en: 'Exterior Gateway Protocol', ja: 'EGP (外部ゲートウェイプロトコル)' },
  17: { en: 'User Datagram Protocol (UDP)', ja: 'UDP' },
  33: { en: 'Datagram Congestion Control Protocol (DCCP)', ja: 'DCCP (輻輳制御付きデータグラム)' },
  41: { en: 'IPv6 encapsulation (6in4)', ja: 'IPv6 カプセル化 (6in4)' },
  43: { en: 'Routing header for IPv6', ja: 'IPv6 ルーティングヘッダー' },
  44: { en: 'Fragment header for IPv6', ja: 'IPv6 フラグメントヘッダー' },
  46: { en: 'Resource Reservation Protocol (RSVP)', ja: 'RSVP (リソース予約プロトコル)' },
  47: { en: 'Generic Routing Encapsulation (GRE)', ja: 'GRE (汎用ルーティングカプセル化)' },
  50: { en: 'Encapsulating Security Payload (IPsec ESP)', ja: 'IPsec ESP (暗号化ペイロード)' },
  51: { en: 'Authentication Header (IPsec AH)', ja: 'IPsec AH (認証ヘッダー)' },
  58: { en: 'ICMP for IPv6 (ICMPv6)', ja: 'ICMPv6' },
  59: { en: 'No next header for IPv6', ja: 'IPv6 次ヘッダーなし' },
  60: { en: 'Destination options for IPv6', ja: 'IPv6 終点オプションヘッダー' },
  88: { en: 'EIGRP', ja: 'EIGRP (Cisco のルーティングプロトコル)' },
  89: { en: 'Open Shortest Path First (OSPF)', ja: 'OSPF (ルーティングプロトコル)' },
  94: { en: 'IP-within-IP encapsulation', ja: 'IP-within-IP カプセル化' },
  97: { en: 'Ethernet-within-IP encapsulation', ja: 'Ethernet-within-IP カプセル化' },
  103: { en: 'Protocol Independent Multicast (PIM)', ja: 'PIM (マルチキャストルーティング)' },
  108: { en: 'IP Payload Compression (IPComp)', ja: 'IP ペイロード圧縮 (IPComp)' },
  112: { en: 'Virtual Router Redundancy Protocol (VRRP)', ja: 'VRRP (仮想ルーター冗長化)' },
  115: { en: 'Layer Two Tunneling Protocol v3 (L2TP)', ja: 'L2TPv3 (レイヤー 2 トンネリング)' },
  132: { en: 'Stream Control Transmission Protocol (SCTP)', ja: 'SCTP' },
  135: { en: 'Mobility header for IPv6', ja: 'IPv6 モビリティヘッダー' },
  136: { en: 'UDP-Lite', ja: 'UDP-Lite (軽量 UDP)' },
  137: { en: 'MPLS in IP', ja: 'MPLS in IP' },
  139: { en: 'Host Identity Protocol (HIP)', ja: 'HIP (ホスト識別プロトコル)' },
  143: { en: 'Ethernet (segment routing)', ja: 'Ethernet (セグメントルーティング)' },
  253: { en: 'Experimentation and testing', ja: '実験・試験用' },
  254: { en: 'Experimentation and testing', ja: '実験・試験用' },
  255: { en: 'Reserved', ja: '予約' },
};

/** [number, keyword, English name]; '' keyword where the registry has none ("any host internal protocol" etc.). */
const REGISTRY: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'HOPOPT', 'IPv6 Hop-by-Hop Option'], [1, 'ICMP', 'Internet Control Message'], [2, 'IGMP', 'Internet Group Management'],
  [3, 'GGP', 'Gateway-to-Gateway'], [4, 'IPv4', 'IPv4 encapsulation'], [5, 'ST', 'Stream'], [6, 'TCP', 'Transmission Control'],
  [7, 'CBT', 'CBT'], [8, 'EGP', 'Exterior Gateway Protocol'], [9, 'IGP', 'Any private interior gateway (used by Cisco for IGRP)'],
  [10, 'BBN-RCC-MON', 'BBN RCC Monitoring'], [11, 'NVP-II', 'Network Voice Protocol'], [12, 'PUP', 'PUP'],
  [13, 'ARGUS', 'ARGUS (deprecated)'], [14, 'EMCON', 'EMCON'], [15, 'XNET', 'Cross Net Debugger'], [16, 'CHAOS', 'Chaos'],
  [17, 'UDP', 'User Datagram'], [18, 'MUX', 'Multiplexing'], [19, 'DCN-MEAS', 'DCN Measurement Subsystems'],
  [20, 'HMP', 'Host Monitoring'], [21, 'PRM', 'Packet Radio Measurement'], [22, 'XNS-IDP', 'XEROX NS IDP'],
  [23, 'TRUNK-1', 'Trunk-1'], [24, 'TRUNK-2', 'Trunk-2'], [25, 'LEAF-1', 'Leaf-1'], [26, 'LEAF-2', 'Leaf-2'],
  [27, 'RDP', 'Reliable Data Protocol'], [28, 'IRTP', 'Internet Reliable Transaction'], [29, 'ISO-TP4', 'ISO Transport Protocol Class 4'],
  [30, 'NETBLT', 'Bulk Data Transfer Protocol'], [31, 'MFE-NSP', 'MFE Network Services Protocol'],
  [32, 'MERIT-INP', 'MERIT Internodal Protocol'], [33, 'DCCP', 'Datagram Congestion Control Protocol'],
  [34, '3PC', 'Third Party Connect Protocol'], [35, 'IDPR', 'Inter-Domain Policy Routing Protocol'], [36, 'XTP', 'XTP'],
  [37, 'DDP', 'Datagram Delivery Protocol'], [38, 'IDPR-CMTP', 'IDPR Control Message Transport Proto'], [39, 'TP++', 'TP++ Transport Protocol'],
  [40, 'IL', 'IL Transport Protocol'], [41, 'IPv6', 'IPv6 encapsulation'], [42, 'SDRP', 'Source Demand Routing Protocol'],
  [43, 'IPv6-Route', 'Routing Header for IPv6'], [44, 'IPv6-Frag', 'Fragment Header for IPv6'],
  [45, 'IDRP', 'Inter-Domain Routing Protocol'], [46, 'RSVP', 'Reservation Protocol'], [47, 'GRE', 'Generic Routing Encapsulation'],
  [48, 'DSR', 'Dynamic Source Routing Protocol'], [49, 'BNA', 'BNA'], [50, 'ESP', 'Encap Security Payload'],
  [51, 'AH', 'Authentication Header'], [52, 'I-NLSP', 'Integrated Net Layer Security TUBA'], [53, 'SWIPE', 'IP with Encryption (deprecated)'],
  [54, 'NARP', 'NBMA Address Resolution Protocol'], [55, 'Min-IPv4', 'Minimal IPv4 Encapsulation'],
  [56, 'TLSP', 'Transport Layer Security Protocol using Kryptonet key management'], [57, 'SKIP', 'SKIP'],
  [58, 'IPv6-ICMP', 'ICMP for IPv6'], [59, 'IPv6-NoNxt', 'No Next Header for IPv6'], [60, 'IPv6-Opts', 'Destination Options for IPv6'],
  [61, '', 'Any host internal protocol'], [62, 'CFTP', 'CFTP'], [63, '', 'Any local network'],
  [64, 'SAT-EXPAK', 'SATNET and Backroom EXPAK'], [65, 'KRYPTOLAN', 'Kryptolan'], [66, 'RVD', 'MIT Remote Virtual Disk Protocol'],
  [67, 'IPPC', 'Internet Pluribus Packet Core'], [68, '', 'Any distributed file system'], [69, 'SAT-MON', 'SATNET Monitoring'],
  [70, 'VISA', 'VISA Protocol'], [71, 'IPCV', 'Internet Packet Core Utility'], [72, 'CPNX', 'Computer Protocol Network Executive'],
  [73, 'CPHB', 'Computer Protocol Heart Beat'], [74, 'WSN', 'Wang Span Network'], [75, 'PVP', 'Packet Video Protocol'],
  [76, 'BR-SAT-MON', 'Backroom SATNET Monitoring'], [77, 'SUN-ND', 'SUN ND PROTOCOL-Temporary'], [78, 'WB-MON', 'WIDEBAND Monitoring'],
  [79, 'WB-EXPAK', 'WIDEBAND EXPAK'], [80, 'ISO-IP', 'ISO Internet Protocol'], [81, 'VMTP', 'VMTP'], [82, 'SECURE-VMTP', 'SECURE-VMTP'],
  [83, 'VINES', 'VINES'], [84, 'TTP', 'Transaction Transport Protocol (also IPTM)'], [85, 'NSFNET-IGP', 'NSFNET-IGP'],
  [86, 'DGP', 'Dissimilar Gateway Protocol'], [87, 'TCF', 'TCF'], [88, 'EIGRP', 'EIGRP'], [89, 'OSPFIGP', 'OSPFIGP'],
  [90, 'Sprite-RPC', 'Sprite RPC Protocol'], [91, 'LARP', 'Locus Address Resolution Protocol'], [92, 'MTP', 'Multicast Transport Protocol'],
  [93, 'AX.25', 'AX.25 Frames'], [94, 'IPIP', 'IP-within-IP Encapsulation Protocol'], [95, 'MICP', 'Mobile Internetworking Control Pro. (deprecated)'],
  [96, 'SCC-SP', 'Semaphore Communications Sec. Pro.'], [97, 'ETHERIP', 'Ethernet-within-IP Encapsulation'],
  [98, 'ENCAP', 'Encapsulation Header'], [99, '', 'Any private encryption scheme'], [100, 'GMTP', 'GMTP'],
  [101, 'IFMP', 'Ipsilon Flow Management Protocol'], [102, 'PNNI', 'PNNI over IP'], [103, 'PIM', 'Protocol Independent Multicast'],
  [104, 'ARIS', "IBM's ARIS (Aggregate Route IP Switching) Protocol"], [105, 'SCPS', 'SCPS (Space Communications Protocol Standards)'],
  [106, 'QNX', 'QNX'], [107, 'A/N', 'Active Networks'], [108, 'IPComp', 'IP Payload Compression Protocol'],
  [109, 'SNP', 'Sitara Networks Protocol'], [110, 'Compaq-Peer', 'Compaq Peer Protocol'], [111, 'IPX-in-IP', 'IPX in IP'],
  [112, 'VRRP', 'Virtual Router Redundancy Protocol'], [113, 'PGM', 'PGM Reliable Transport Protocol'], [114, '', 'Any 0-hop protocol'],
  [115, 'L2TP', 'Layer Two Tunneling Protocol V3'], [116, 'DDX', 'D-II Data Exchange (DDX)'],
  [117, 'IATP', 'Interactive Agent Transfer Protocol'], [118, 'STP', 'Schedule Transfer Protocol'], [119, 'SRP', 'SpectraLink Radio Protocol'],
  [120, 'UTI', 'UTI'], [121, 'SMP', 'Simple Message Protocol'], [122, 'SM', 'Simple Multicast Protocol (deprecated)'],
  [123, 'PTP', 'Performance Transparency Protocol'], [124, 'ISIS over IPv4', 'IS-IS over IPv4'], [125, 'FIRE', 'FIRE'],
  [126, 'CRTP', 'Combat Radio Transport Protocol'], [127, 'CRUDP', 'Combat Radio User Datagram'], [128, 'SSCOPMCE', 'SSCOPMCE'],
  [129, 'IPLT', 'IPLT'], [130, 'SPS', 'Secure Packet Shield'], [131, 'PIPE', 'Private IP Encapsulation within IP'],
  [132, 'SCTP', 'Stream Control Transmission Protocol'], [133, 'FC', 'Fibre Channel'], [134, 'RSVP-E2E-IGNORE', 'RSVP-E2E-IGNORE'],
  [135, 'Mobility Header', 'Mobility Header'], [136, 'UDPLite', 'UDP-Lite'], [137, 'MPLS-in-IP', 'MPLS-in-IP'],
  [138, 'manet', 'MANET Protocols'], [139, 'HIP', 'Host Identity Protocol'], [140, 'Shim6', 'Shim6 Protocol'],
  [141, 'WESP', 'Wrapped Encapsulating Security Payload'], [142, 'ROHC', 'Robust Header Compression'],
  [143, 'Ethernet', 'Ethernet'], [144, 'AGGFRAG', 'AGGFRAG encapsulation payload for ESP'], [145, 'NSH', 'Network Service Header'],
  [253, '', 'Use for experimentation and testing'], [254, '', 'Use for experimentation and testing'], [255, 'Reserved', 'Reserved'],
];

export const IP_PROTOCOLS: readonly IpProtocol[] = Object.freeze(
  REGISTRY.map(([number, keyword, en]) =>
    Object.freeze({ number, keyword, name: Object.freeze(TRANSLATED[number] ?? { en, ja: en }) }),
  ),
);

const BY_NUMBER: ReadonlyArray<IpProtocol | undefined> = (() => {
  const table: Array<IpProtocol | undefined> = new Array(256).fill(undefined);
  for (const p of IP_PROTOCOLS) table[p.number] = p;
  return table;
})();

const BY_KEYWORD: ReadonlyMap<string, IpProtocol> = new Map(
  IP_PROTOCOLS.filter((p) => p.keyword !== '' && p.number !== 255).map((p) => [p.keyword.toLowerCase(), p] as const),
);

/** The registry row for a protocol number (0-255); undefined for unassigned numbers (146-252) and out of range. */
export function ipProtocol(number: number): IpProtocol | undefined {
  return Number.isInteger(number) ? BY_NUMBER[number] : undefined;
}

/** Look up by IANA keyword, case-insensitively: 'tcp', 'IPv6-ICMP', 'gre'. */
export function ipProtocolByKeyword(keyword: string): IpProtocol | undefined {
  return BY_KEYWORD.get(keyword.toLowerCase());
}

/**
 * The words the kernel's nf_log prints after PROTO=. It names only these protocols (IPv4: TCP, UDP, UDPLITE, ICMP,
 * AH, ESP; IPv6 the same with ICMPv6) and prints every other protocol as its decimal number.
 */
export const KERNEL_PROTO_WORDS: Readonly<Record<string, number>> = Object.freeze({
  TCP: 6,
  UDP: 17,
  UDPLITE: 136,
  ICMP: 1,
  ICMPv6: 58,
  AH: 51,
  ESP: 50,
});

const DECIMAL_BYTE = /^(?:0|[1-9][0-9]{0,2})$/;

/** The protocol number behind a kernel PROTO= value ('TCP', 'ICMPv6', '47'); undefined if it is neither. */
export function kernelProtoNumber(word: string): number | undefined {
  if (Object.prototype.hasOwnProperty.call(KERNEL_PROTO_WORDS, word)) return KERNEL_PROTO_WORDS[word];
  if (!DECIMAL_BYTE.test(word)) return undefined;
  const n = Number(word);
  return n <= 255 ? n : undefined;
}

export interface EcsTransport {
  /**
   * ECS network.transport: the IANA keyword in lower case ('tcp', 'ipv6-icmp', 'gre'). Absent when the registry has
   * no keyword or the number is unassigned; ECS then relies on network.iana_number alone.
   */
  readonly transport?: string;
  /** ECS network.iana_number, and the protocol byte Community ID hashes. */
  readonly number: number;
}

/** From a protocol number or a kernel PROTO= word to ECS's network.transport and network.iana_number. */
export function ecsTransport(proto: number | string): EcsTransport | undefined {
  const number = typeof proto === 'number' ? proto : kernelProtoNumber(proto);
  if (number === undefined || !Number.isInteger(number) || number < 0 || number > 255) return undefined;
  const row = BY_NUMBER[number];
  // 255 is "Reserved", a status rather than a protocol's keyword.
  if (!row || row.keyword === '' || number === 255) return { number };
  return { transport: row.keyword.toLowerCase(), number };
}

import type { Text } from '../i18n/text.js';

/**
 * The IPv4 TOS byte and the IPv6 traffic class share one layout since RFC 2474 and RFC 3168:
 * six bits of DSCP (differentiated services, the priority class), then two bits of ECN (congestion notification).
 * The older RFC 791 reading took the top three bits as "precedence", which is what DSCP's class selectors keep.
 *
 * nf_log prints the IPv4 byte in two masked pieces, not whole:
 *   TOS=0x%02X  is  tos & 0x1E  (IPTOS_TOS_MASK): the low three DSCP bits and the upper ECN bit;
 *   PREC=0x%02X is  tos & 0xE0  (IPTOS_PREC_MASK): the top three DSCP bits, i.e. the precedence.
 * So PREC | TOS gives the whole DSCP, but ECN's lower bit (0x01) is never printed: ECN is only known to be
 * "ECT(0) or CE" (0x02 set) or "Not-ECT or ECT(1)" (0x02 clear). IPv6's TC= is the whole byte.
 */

export type EcnCodepoint = 'Not-ECT' | 'ECT(1)' | 'ECT(0)' | 'CE';

export interface Dscp {
  readonly value: number;
  readonly name: string;
  readonly meaning: Text;
}

function d(value: number, name: string, en: string, ja: string): Dscp {
  return Object.freeze({ value, name, meaning: Object.freeze({ en, ja }) });
}

/** The IANA DSCP registry's standard code points with their RFC 4594 service classes. */
export const DSCP_CODEPOINTS: readonly Dscp[] = Object.freeze([
  d(0, 'CS0', 'Default forwarding (best effort)', '標準 (ベストエフォート)'),
  d(1, 'LE', 'Lower effort (below best effort)', '低優先 (ベストエフォート以下)'),
  d(8, 'CS1', 'Low-priority data (scavenger)', '低優先データ (スカベンジャー)'),
  d(10, 'AF11', 'High-throughput data, low drop', '大容量データ (廃棄優先度 低)'),
  d(12, 'AF12', 'High-throughput data, medium drop', '大容量データ (廃棄優先度 中)'),
  d(14, 'AF13', 'High-throughput data, high drop', '大容量データ (廃棄優先度 高)'),
  d(16, 'CS2', 'Operations and management (OAM)', '運用管理 (OAM)'),
  d(18, 'AF21', 'Low-latency data, low drop', '低遅延データ (廃棄優先度 低)'),
  d(20, 'AF22', 'Low-latency data, medium drop', '低遅延データ (廃棄優先度 中)'),
  d(22, 'AF23', 'Low-latency data, high drop', '低遅延データ (廃棄優先度 高)'),
  d(24, 'CS3', 'Broadcast video', '放送型映像'),
  d(26, 'AF31', 'Multimedia streaming, low drop', 'マルチメディアストリーミング (廃棄優先度 低)'),
  d(28, 'AF32', 'Multimedia streaming, medium drop', 'マルチメディアストリーミング (廃棄優先度 中)'),
  d(30, 'AF33', 'Multimedia streaming, high drop', 'マルチメディアストリーミング (廃棄優先度 高)'),
  d(32, 'CS4', 'Real-time interactive', 'リアルタイム対話型'),
  d(34, 'AF41', 'Multimedia conferencing, low drop', 'マルチメディア会議 (廃棄優先度 低)'),
  d(36, 'AF42', 'Multimedia conferencing, medium drop', 'マルチメディア会議 (廃棄優先度 中)'),
  d(38, 'AF43', 'Multimedia conferencing, high drop', 'マルチメディア会議 (廃棄優先度 高)'),
  d(40, 'CS5', 'Signalling', 'シグナリング'),
  d(44, 'VOICE-ADMIT', 'Capacity-admitted telephony', '受付制御付き音声通話'),
  d(46, 'EF', 'Expedited forwarding (telephony)', '完全優先転送 (音声通話)'),
  d(48, 'CS6', 'Network control (routing protocols)', 'ネットワーク制御 (ルーティングプロトコル)'),
  d(56, 'CS7', 'Reserved for network control', 'ネットワーク制御用に予約'),
]);

export const ECN_MEANINGS: Readonly<Record<EcnCodepoint, Text>> = {
  'Not-ECT': { en: 'Not ECN-capable', ja: 'ECN 非対応' },
  'ECT(1)': { en: 'ECN-capable transport (1), or L4S', ja: 'ECN 対応 (ECT(1)、または L4S)' },
  'ECT(0)': { en: 'ECN-capable transport (0)', ja: 'ECN 対応 (ECT(0))' },
  CE: { en: 'Congestion experienced: a router marked congestion instead of dropping', ja: '輻輳発生 (CE): ルーターが破棄の代わりに輻輳を通知' },
};

const ECN_BY_BITS: readonly EcnCodepoint[] = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

/** RFC 791 precedence names, indexed by the top three bits (PREC=0x00 ... 0xE0). */
export const PRECEDENCE_NAMES: readonly Text[] = Object.freeze([
  { en: 'Routine', ja: '通常 (Routine)' },
  { en: 'Priority', ja: '優先 (Priority)' },
  { en: 'Immediate', ja: '即時 (Immediate)' },
  { en: 'Flash', ja: '至急 (Flash)' },
  { en: 'Flash Override', ja: '最至急 (Flash Override)' },
  { en: 'Critical', ja: '重要 (Critical)' },
  { en: 'Internetwork Control', ja: 'インターネットワーク制御' },
  { en: 'Network Control', ja: 'ネットワーク制御' },
].map((t) => Object.freeze(t)));

/** What the two kernel fields are, for hover text and docs. */
export const KERNEL_TOS_FIELD: Text = Object.freeze({
  en: 'TOS= is the IPv4 TOS byte masked with 0x1E: the low three bits of the DSCP priority class and the upper ECN bit. The precedence bits are in PREC=, and the lowest bit is not logged.',
  ja: 'TOS= は IPv4 の TOS バイトを 0x1E でマスクした値: DSCP (優先クラス) の下位 3 ビットと ECN の上位ビット。優先度の 3 ビットは PREC= にあり、最下位ビットは記録されない。',
});

export const KERNEL_PREC_FIELD: Text = Object.freeze({
  en: 'PREC= is the IPv4 TOS byte masked with 0xE0: the top three bits, the old precedence and the class of the DSCP (0x00 routine ... 0xC0/0xE0 network control).',
  ja: 'PREC= は IPv4 の TOS バイトを 0xE0 でマスクした値: 上位 3 ビット、旧来の優先度で DSCP のクラス (0x00 通常 … 0xC0/0xE0 ネットワーク制御)。',
});

export interface TosInfo {
  /** 0-63. */
  readonly dscp: number;
  /** Standard name (CS0, AF41, EF...) when the code point is one. */
  readonly dscpName?: string;
  readonly dscpMeaning?: Text;
  /** 0-7, the top three bits. */
  readonly precedence: number;
  readonly precedenceName: Text;
  /** One code point when known; the two candidates when nf_log hid the lower ECN bit. */
  readonly ecn: readonly EcnCodepoint[];
}

const DSCP_BY_VALUE: ReadonlyMap<number, Dscp> = new Map(DSCP_CODEPOINTS.map((c) => [c.value, c] as const));

function info(dscp: number, ecn: readonly EcnCodepoint[]): TosInfo {
  const named = DSCP_BY_VALUE.get(dscp);
  const precedence = dscp >> 3;
  return Object.freeze({
    dscp,
    ...(named ? { dscpName: named.name, dscpMeaning: named.meaning } : {}),
    precedence,
    precedenceName: PRECEDENCE_NAMES[precedence],
    ecn: Object.freeze(ecn),
  });
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xff;
}

/** Decode a whole TOS byte or IPv6 traffic class (nf_log's IPv6 TC=). */
export function decodeTrafficClass(byte: number): TosInfo | undefined {
  if (!isByte(byte)) return undefined;
  return info(byte >> 2, [ECN_BY_BITS[byte & 0x03]]);
}

const IPTOS_TOS_MASK = 0x1e;
const IPTOS_PREC_MASK = 0xe0;

/**
 * Decode nf_log's IPv4 pair TOS= and PREC=. Undefined when a value has bits its mask cannot produce (then the line
 * did not come from nf_log, or was altered).
 */
export function decodeKernelTos(tos: number, prec: number): TosInfo | undefined {
  if (!isByte(tos) || !isByte(prec) || (tos & ~IPTOS_TOS_MASK) !== 0 || (prec & ~IPTOS_PREC_MASK) !== 0) return undefined;
  const byte = prec | tos;
  const ecn: EcnCodepoint[] = byte & 0x02 ? ['ECT(0)', 'CE'] : ['Not-ECT', 'ECT(1)'];
  return info(byte >> 2, ecn);
}

import type { Text } from '../i18n/text.js';

/** One message type of the IANA "ICMP Type Numbers" or "ICMPv6 Parameters" registry. */
export interface IcmpType {
  readonly type: number;
  readonly name: Text;
  /** Codes the registry names for this type; absent when the only code is 0 ("no code"). */
  readonly codes?: Readonly<Record<number, Text>>;
  /**
   * The message carries the start of the packet that caused it (RFC 792, RFC 4443). nf_log prints that packet in
   * [brackets] after the type and code, so its SRC/DST are the original flow, not this message's endpoints.
   */
  readonly embedsPacket: boolean;
  /** Deprecated by the registry: seeing one today is usually a probe or very old equipment. */
  readonly deprecated: boolean;
}

type CodeRow = readonly [code: number, en: string, ja: string];

function t(
  type: number,
  en: string,
  ja: string,
  options: { codes?: readonly CodeRow[]; embeds?: boolean; deprecated?: boolean } = {},
): IcmpType {
  const codes = options.codes
    ? Object.freeze(Object.fromEntries(options.codes.map(([c, cen, cja]) => [c, Object.freeze({ en: cen, ja: cja })])))
    : undefined;
  return Object.freeze({
    type,
    name: Object.freeze({ en, ja }),
    ...(codes ? { codes } : {}),
    embedsPacket: options.embeds ?? false,
    deprecated: options.deprecated ?? false,
  });
}

const DEPRECATED = { deprecated: true } as const;

export const ICMP_TYPES: readonly IcmpType[] = Object.freeze([
  t(0, 'Echo reply (ping answer)', 'エコー応答 (ping の応答)'),
  t(3, 'Destination unreachable', '宛先到達不能', {
    embeds: true,
    codes: [
      [0, 'Network unreachable', 'ネットワーク到達不能'],
      [1, 'Host unreachable', 'ホスト到達不能'],
      [2, 'Protocol unreachable', 'プロトコル到達不能'],
      [3, 'Port unreachable (nothing listens there)', 'ポート到達不能 (待ち受けていない)'],
      [4, "Fragmentation needed but Don't Fragment set (path MTU discovery)", 'フラグメント化が必要だが DF ビットが立っている (経路 MTU 探索)'],
      [5, 'Source route failed', 'ソースルート失敗'],
      [6, 'Destination network unknown', '宛先ネットワーク不明'],
      [7, 'Destination host unknown', '宛先ホスト不明'],
      [8, 'Source host isolated', '送信元ホストが隔離されている'],
      [9, 'Network administratively prohibited', '宛先ネットワークとの通信は管理上禁止'],
      [10, 'Host administratively prohibited', '宛先ホストとの通信は管理上禁止'],
      [11, 'Network unreachable for type of service', 'このサービス種別 (ToS) ではネットワーク到達不能'],
      [12, 'Host unreachable for type of service', 'このサービス種別 (ToS) ではホスト到達不能'],
      [13, 'Communication administratively prohibited (a firewall said no)', '通信は管理上禁止 (ファイアウォールによる拒否)'],
      [14, 'Host precedence violation', 'ホスト優先度違反'],
      [15, 'Precedence cutoff in effect', '優先度による遮断中'],
    ],
  }),
  t(4, 'Source quench (deprecated)', '送信抑制 (廃止済み)', { embeds: true, deprecated: true }),
  t(5, 'Redirect', 'リダイレクト (経路変更の指示)', {
    embeds: true,
    codes: [
      [0, 'Redirect for the network', 'ネットワーク宛のリダイレクト'],
      [1, 'Redirect for the host', 'ホスト宛のリダイレクト'],
      [2, 'Redirect for the type of service and network', 'サービス種別とネットワーク宛のリダイレクト'],
      [3, 'Redirect for the type of service and host', 'サービス種別とホスト宛のリダイレクト'],
    ],
  }),
  t(6, 'Alternate host address (deprecated)', '代替ホストアドレス (廃止済み)', DEPRECATED),
  t(8, 'Echo request (ping)', 'エコー要求 (ping)'),
  t(9, 'Router advertisement', 'ルーター広告', {
    codes: [
      [0, 'Normal router advertisement', '通常のルーター広告'],
      [16, 'Does not route common traffic', '通常のトラフィックはルーティングしない'],
    ],
  }),
  t(10, 'Router solicitation', 'ルーター要請'),
  t(11, 'Time exceeded', '時間超過', {
    embeds: true,
    codes: [
      [0, 'TTL exceeded in transit (a traceroute hop, or a routing loop)', '転送中に TTL 超過 (traceroute の応答、またはルーティングループ)'],
      [1, 'Fragment reassembly time exceeded', 'フラグメント再構成の時間切れ'],
    ],
  }),
  t(12, 'Parameter problem', 'パラメーター異常', {
    embeds: true,
    codes: [
      [0, 'Pointer indicates the error', 'ポインターが誤りの位置を示す'],
      [1, 'Missing a required option', '必須オプションの欠落'],
      [2, 'Bad length', '長さの不正'],
    ],
  }),
  t(13, 'Timestamp request', 'タイムスタンプ要求'),
  t(14, 'Timestamp reply', 'タイムスタンプ応答'),
  t(15, 'Information request (deprecated)', '情報要求 (廃止済み)', DEPRECATED),
  t(16, 'Information reply (deprecated)', '情報応答 (廃止済み)', DEPRECATED),
  t(17, 'Address mask request (deprecated)', 'アドレスマスク要求 (廃止済み)', DEPRECATED),
  t(18, 'Address mask reply (deprecated)', 'アドレスマスク応答 (廃止済み)', DEPRECATED),
  t(30, 'Traceroute (deprecated)', 'トレースルート (廃止済み)', DEPRECATED),
  t(31, 'Datagram conversion error (deprecated)', 'データグラム変換エラー (廃止済み)', DEPRECATED),
  t(32, 'Mobile host redirect (deprecated)', 'モバイルホストリダイレクト (廃止済み)', DEPRECATED),
  t(33, 'IPv6 where-are-you (deprecated)', 'IPv6 Where-Are-You (廃止済み)', DEPRECATED),
  t(34, 'IPv6 I-am-here (deprecated)', 'IPv6 I-Am-Here (廃止済み)', DEPRECATED),
  t(35, 'Mobile registration request (deprecated)', 'モバイル登録要求 (廃止済み)', DEPRECATED),
  t(36, 'Mobile registration reply (deprecated)', 'モバイル登録応答 (廃止済み)', DEPRECATED),
  t(37, 'Domain name request (deprecated)', 'ドメイン名要求 (廃止済み)', DEPRECATED),
  t(38, 'Domain name reply (deprecated)', 'ドメイン名応答 (廃止済み)', DEPRECATED),
  t(39, 'SKIP (deprecated)', 'SKIP (廃止済み)', DEPRECATED),
  t(40, 'Photuris (security failures)', 'Photuris (セキュリティ障害の通知)', {
    codes: [
      [0, 'Bad SPI', '不正な SPI'],
      [1, 'Authentication failed', '認証失敗'],
      [2, 'Decompression failed', '伸張失敗'],
      [3, 'Decryption failed', '復号失敗'],
      [4, 'Need authentication', '認証が必要'],
      [5, 'Need authorization', '認可が必要'],
    ],
  }),
  t(41, 'Experimental mobility protocols (Seamoby)', '実験的モビリティプロトコル (Seamoby)'),
  t(42, 'Extended echo request (PROBE)', '拡張エコー要求 (PROBE)', { codes: [[0, 'No error', 'エラーなし']] }),
  t(43, 'Extended echo reply (PROBE)', '拡張エコー応答 (PROBE)', {
    codes: [
      [0, 'No error', 'エラーなし'],
      [1, 'Malformed query', '不正な問い合わせ'],
      [2, 'No such interface', 'そのインターフェースはない'],
      [3, 'No such table entry', 'そのテーブルエントリはない'],
      [4, 'Multiple interfaces satisfy query', '複数のインターフェースが該当'],
    ],
  }),
  t(253, 'Experiment (RFC 3692)', '実験用 (RFC 3692)'),
  t(254, 'Experiment (RFC 3692)', '実験用 (RFC 3692)'),
]);

export const ICMPV6_TYPES: readonly IcmpType[] = Object.freeze([
  t(1, 'Destination unreachable', '宛先到達不能', {
    embeds: true,
    codes: [
      [0, 'No route to destination', '宛先への経路がない'],
      [1, 'Communication administratively prohibited (a firewall said no)', '通信は管理上禁止 (ファイアウォールによる拒否)'],
      [2, 'Beyond scope of source address', '送信元アドレスのスコープ外'],
      [3, 'Address unreachable', 'アドレス到達不能'],
      [4, 'Port unreachable (nothing listens there)', 'ポート到達不能 (待ち受けていない)'],
      [5, 'Source address failed ingress/egress policy', '送信元アドレスが入出力ポリシーに違反'],
      [6, 'Reject route to destination', '宛先への経路は拒否設定'],
      [7, 'Error in source routing header', 'ソースルーティングヘッダーの誤り'],
      [8, 'Headers too long', 'ヘッダーが長すぎる'],
    ],
  }),
  t(2, 'Packet too big (path MTU discovery)', 'パケットが大きすぎる (経路 MTU 探索)', { embeds: true }),
  t(3, 'Time exceeded', '時間超過', {
    embeds: true,
    codes: [
      [0, 'Hop limit exceeded in transit (a traceroute hop, or a routing loop)', '転送中にホップ制限超過 (traceroute の応答、またはルーティングループ)'],
      [1, 'Fragment reassembly time exceeded', 'フラグメント再構成の時間切れ'],
    ],
  }),
  t(4, 'Parameter problem', 'パラメーター異常', {
    embeds: true,
    codes: [
      [0, 'Erroneous header field encountered', 'ヘッダーフィールドの誤り'],
      [1, 'Unrecognized next header type', '認識できない次ヘッダー'],
      [2, 'Unrecognized IPv6 option', '認識できない IPv6 オプション'],
      [3, 'First fragment has incomplete header chain', '先頭フラグメントのヘッダーチェーンが不完全'],
      [4, 'SR upper-layer header error', 'セグメントルーティングの上位層ヘッダーの誤り'],
      [5, 'Unrecognized next header type encountered by intermediate node', '中継ノードが認識できない次ヘッダー'],
      [6, 'Extension header too big', '拡張ヘッダーが大きすぎる'],
      [7, 'Extension header chain too long', '拡張ヘッダーチェーンが長すぎる'],
      [8, 'Too many extension headers', '拡張ヘッダーが多すぎる'],
      [9, 'Too many options in extension header', '拡張ヘッダー内のオプションが多すぎる'],
      [10, 'Option too big', 'オプションが大きすぎる'],
    ],
  }),
  t(100, 'Private experimentation', '私的実験用'),
  t(101, 'Private experimentation', '私的実験用'),
  t(127, 'Reserved for expansion of error messages', 'エラーメッセージ拡張用に予約'),
  t(128, 'Echo request (ping)', 'エコー要求 (ping)'),
  t(129, 'Echo reply (ping answer)', 'エコー応答 (ping の応答)'),
  t(130, 'Multicast listener query (MLD)', 'マルチキャストリスナー照会 (MLD)'),
  t(131, 'Multicast listener report (MLD)', 'マルチキャストリスナー報告 (MLD)'),
  t(132, 'Multicast listener done (MLD)', 'マルチキャストリスナー終了 (MLD)'),
  t(133, 'Router solicitation', 'ルーター要請'),
  t(134, 'Router advertisement', 'ルーター広告'),
  t(135, 'Neighbour solicitation (address resolution)', '近隣要請 (アドレス解決)'),
  t(136, 'Neighbour advertisement', '近隣広告'),
  t(137, 'Redirect', 'リダイレクト (経路変更の指示)'),
  t(138, 'Router renumbering', 'ルーター番号再設定', {
    codes: [
      [0, 'Router renumbering command', 'ルーター番号再設定コマンド'],
      [1, 'Router renumbering result', 'ルーター番号再設定の結果'],
      [255, 'Sequence number reset', 'シーケンス番号リセット'],
    ],
  }),
  t(139, 'Node information query', 'ノード情報照会', {
    codes: [
      [0, 'Subject is an IPv6 address', '対象は IPv6 アドレス'],
      [1, 'Subject is a name', '対象は名前'],
      [2, 'Subject is an IPv4 address', '対象は IPv4 アドレス'],
    ],
  }),
  t(140, 'Node information response', 'ノード情報応答', {
    codes: [
      [0, 'Successful reply', '成功'],
      [1, 'Responder refuses to answer', '応答を拒否'],
      [2, 'Query type unknown', '不明な照会種別'],
    ],
  }),
  t(141, 'Inverse neighbour discovery solicitation', '逆近隣探索要請'),
  t(142, 'Inverse neighbour discovery advertisement', '逆近隣探索広告'),
  t(143, 'Multicast listener report (MLDv2)', 'マルチキャストリスナー報告 (MLDv2)'),
  t(144, 'Home agent address discovery request', 'ホームエージェントアドレス探索要求'),
  t(145, 'Home agent address discovery reply', 'ホームエージェントアドレス探索応答'),
  t(146, 'Mobile prefix solicitation', 'モバイルプレフィックス要請'),
  t(147, 'Mobile prefix advertisement', 'モバイルプレフィックス広告'),
  t(148, 'Certification path solicitation (SEND)', '証明書パス要請 (SEND)'),
  t(149, 'Certification path advertisement (SEND)', '証明書パス広告 (SEND)'),
  t(150, 'Experimental mobility protocols (Seamoby)', '実験的モビリティプロトコル (Seamoby)'),
  t(151, 'Multicast router advertisement', 'マルチキャストルーター広告'),
  t(152, 'Multicast router solicitation', 'マルチキャストルーター要請'),
  t(153, 'Multicast router termination', 'マルチキャストルーター終了'),
  t(154, 'FMIPv6 messages', 'FMIPv6 メッセージ'),
  t(155, 'RPL control message', 'RPL 制御メッセージ'),
  t(156, 'ILNPv6 locator update', 'ILNPv6 ロケーター更新'),
  t(157, 'Duplicate address request', '重複アドレス要求'),
  t(158, 'Duplicate address confirmation', '重複アドレス確認'),
  t(159, 'MPL control message', 'MPL 制御メッセージ'),
  t(160, 'Extended echo request (PROBE)', '拡張エコー要求 (PROBE)', { codes: [[0, 'No error', 'エラーなし']] }),
  t(161, 'Extended echo reply (PROBE)', '拡張エコー応答 (PROBE)', {
    codes: [
      [0, 'No error', 'エラーなし'],
      [1, 'Malformed query', '不正な問い合わせ'],
      [2, 'No such interface', 'そのインターフェースはない'],
      [3, 'No such table entry', 'そのテーブルエントリはない'],
      [4, 'Multiple interfaces satisfy query', '複数のインターフェースが該当'],
    ],
  }),
  t(200, 'Private experimentation', '私的実験用'),
  t(201, 'Private experimentation', '私的実験用'),
  t(255, 'Reserved for expansion of informational messages', '情報メッセージ拡張用に予約'),
]);

function index(types: readonly IcmpType[]): ReadonlyArray<IcmpType | undefined> {
  const table: Array<IcmpType | undefined> = new Array(256).fill(undefined);
  for (const row of types) table[row.type] = row;
  return table;
}

const V4 = index(ICMP_TYPES);
const V6 = index(ICMPV6_TYPES);

/** The registry row of an ICMP (v6 false) or ICMPv6 (v6 true) type; undefined when unassigned. */
export function icmpType(type: number, v6: boolean): IcmpType | undefined {
  return Number.isInteger(type) ? (v6 ? V6 : V4)[type] : undefined;
}

/**
 * Names for a type and code. `code` is present only when the registry names that code for that type; a type whose
 * only code is 0 has no code name. Undefined when the type is unassigned.
 */
export function icmpName(type: number, code: number, v6: boolean): { type: Text; code?: Text } | undefined {
  const row = icmpType(type, v6);
  if (!row) return undefined;
  const codeName = row.codes && Number.isInteger(code) ? row.codes[code] : undefined;
  return codeName ? { type: row.name, code: codeName } : { type: row.name };
}

/** Whether nf_log will print the offending packet in [brackets] after this message type. */
export function icmpEmbedsPacket(type: number, v6: boolean): boolean {
  return icmpType(type, v6)?.embedsPacket ?? false;
}

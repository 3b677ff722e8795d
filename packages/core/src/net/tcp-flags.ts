import type { Text } from '../i18n/text.js';

/** The flag words nf_log prints, in its order (AE only on kernels that know RFC 9768 accurate ECN). */
export type TcpFlag = 'AE' | 'CWR' | 'ECE' | 'URG' | 'ACK' | 'PSH' | 'RST' | 'SYN' | 'FIN';

/** What a packet's flag set says about the sender's intent, when it is a scanner's probe. */
export type TcpProbe = 'syn' | 'fin' | 'xmas' | 'null' | 'ack' | 'maimon' | 'invalid';

export interface TcpFlagsMeaning {
  readonly meaning: Text;
  /** Set when the combination is a known probe or cannot come from a working TCP stack. */
  readonly probe?: TcpProbe;
}

export const TCP_FLAG_MEANINGS: Readonly<Record<TcpFlag, Text>> = {
  AE: { en: 'Accurate ECN', ja: 'Accurate ECN (正確な輻輳通知)' },
  CWR: { en: 'Congestion window reduced (ECN)', ja: '輻輳ウィンドウ縮小 (ECN)' },
  ECE: { en: 'ECN echo (congestion seen, or ECN offered in a handshake)', ja: 'ECN エコー (輻輳の通知、またはハンドシェイクでの ECN 対応表明)' },
  URG: { en: 'Urgent data', ja: '緊急データ' },
  ACK: { en: 'Acknowledgement', ja: '確認応答' },
  PSH: { en: 'Push data to the application', ja: 'データを即時に渡す (プッシュ)' },
  RST: { en: 'Reset: abort the connection', ja: 'リセット (接続の強制終了)' },
  SYN: { en: 'Synchronise: open a connection', ja: '同期 (接続の開始)' },
  FIN: { en: 'Finish: close the connection', ja: '終了 (接続のクローズ)' },
};

const BIT: Readonly<Record<TcpFlag, number>> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128, AE: 256 };
const FIN = BIT.FIN, SYN = BIT.SYN, RST = BIT.RST, PSH = BIT.PSH, ACK = BIT.ACK, URG = BIT.URG;
const ECN_MASK = BIT.ECE | BIT.CWR | BIT.AE;

export interface TcpFlagCombination {
  /** The flags, ECN bits aside, in nf_log's order. */
  readonly flags: readonly TcpFlag[];
  readonly meaning: Text;
  readonly probe?: TcpProbe;
}

function combo(flags: TcpFlag[], en: string, ja: string, probe?: TcpProbe): TcpFlagCombination {
  return Object.freeze({ flags: Object.freeze(flags), meaning: Object.freeze({ en, ja }), ...(probe ? { probe } : {}) });
}

/**
 * The combinations worth a name. ACK alone and FIN+ACK are everyday traffic, most often the late packets of a
 * connection the firewall's connection tracking has already forgotten; they are marked as probes because that is
 * what they are when unsolicited, and only a detector that sees many ports can tell the two apart.
 */
export const TCP_FLAG_COMBINATIONS: readonly TcpFlagCombination[] = Object.freeze([
  combo([], 'No flags: NULL scan probe', 'フラグなし: NULL スキャンの探査パケット', 'null'),
  combo(['SYN'], 'Connection attempt (SYN)', '接続要求 (SYN)', 'syn'),
  combo(['ACK', 'SYN'], 'Answer to a connection attempt: the port is open (SYN+ACK)', '接続要求への応答: ポートが開いている (SYN+ACK)'),
  combo(['ACK', 'RST'], "Reset: a closed port's answer, or a connection aborted (RST+ACK)", 'リセット: 閉じたポートからの応答、または接続の中断 (RST+ACK)'),
  combo(['RST'], 'Reset: connection aborted (RST)', 'リセット: 接続の中断 (RST)'),
  combo(
    ['ACK'],
    'Acknowledgement only: a late packet of a forgotten connection, or an ACK scan probe if unsolicited',
    '確認応答のみ: 切断済みの接続の遅れたパケット、または心当たりがなければ ACK スキャンの探査',
    'ack',
  ),
  combo(['ACK', 'PSH'], 'Data of an established connection (PSH+ACK)', '確立済みの接続のデータ (PSH+ACK)'),
  combo(
    ['ACK', 'FIN'],
    'Connection close (FIN+ACK), or a Maimon scan probe if unsolicited',
    '接続の終了 (FIN+ACK)、または心当たりがなければ Maimon スキャンの探査',
    'maimon',
  ),
  combo(['ACK', 'PSH', 'FIN'], 'Last data and connection close (FIN+PSH+ACK)', '最後のデータと接続の終了 (FIN+PSH+ACK)'),
  combo(['FIN'], 'FIN without ACK: FIN scan probe', 'ACK なしの FIN: FIN スキャンの探査パケット', 'fin'),
  combo(['URG', 'PSH', 'FIN'], 'FIN+PSH+URG: Xmas scan probe', 'FIN+PSH+URG: Xmas (クリスマスツリー) スキャンの探査パケット', 'xmas'),
]);

const ORDER: readonly TcpFlag[] = ['AE', 'CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];

/** BIT by word, in a Map: a plain object would answer for 'toString' and the like. */
const BIT_OF: ReadonlyMap<string, number> = new Map(Object.entries(BIT));

/** Indexed: the detector asks this of every TCP line, and for-of with hasOwnProperty allocated. */
function maskOf(flags: readonly string[]): number {
  let mask = 0;
  for (let i = 0; i < flags.length; i++) mask |= BIT_OF.get(flags[i]!) ?? 0;
  return mask;
}

const INVALID_CONFLICT = combo([], 'Impossible combination of SYN, RST and FIN: a crafted, hostile packet', 'SYN・RST・FIN のありえない組み合わせ: 意図的に細工された不正なパケット', 'invalid');
const INVALID_NO_ACK = combo([], 'Flags no TCP stack sends without ACK: a crafted, hostile packet', 'ACK なしでは正規の TCP が送らないフラグの組み合わせ: 細工された不正なパケット', 'invalid');
const INVALID_ECN_ONLY = combo([], 'Only ECN flags: a crafted packet', 'ECN フラグのみ: 細工されたパケット', 'invalid');
const URGENT = combo([], 'Urgent data of an established connection (URG+ACK)', '確立済みの接続の緊急データ (URG+ACK)');
const ESTABLISHED = combo([], 'Traffic of an established connection', '確立済みの接続の通信');

function classify(mask: number): TcpFlagsMeaning {
  const core = mask & ~ECN_MASK;
  const named = TCP_FLAG_COMBINATIONS.find((c) => maskOf(c.flags) === core);
  let base: TcpFlagsMeaning;
  if (core === 0 && mask !== 0) base = INVALID_ECN_ONLY;
  else if (named) base = named;
  else if ((core & SYN && core & (FIN | RST)) || (core & RST && core & FIN)) base = INVALID_CONFLICT;
  else if (!(core & ACK)) base = INVALID_NO_ACK;
  else if (core & URG) base = URGENT;
  else base = ESTABLISHED;

  const ecn = mask & ECN_MASK;
  if (!ecn || base.probe === 'invalid') return Object.freeze({ meaning: base.meaning, ...(base.probe ? { probe: base.probe } : {}) });
  // In a handshake ECE/CWR negotiate ECN; elsewhere they carry a congestion signal. Either way, not hostile.
  let note: Text;
  if (core === SYN) note = { en: 'offering ECN', ja: 'ECN 対応を提示' };
  else if (core === (SYN | ACK)) note = { en: 'accepting ECN', ja: 'ECN 対応を承諾' };
  else note = { en: 'with an ECN congestion signal', ja: 'ECN による輻輳通知付き' };
  return Object.freeze({
    meaning: Object.freeze({ en: `${base.meaning.en}, ${note.en}`, ja: `${base.meaning.ja}、${note.ja}` }),
    ...(base.probe ? { probe: base.probe } : {}),
  });
}

/** Every one of the 512 flag sets, decided once: the detector asks for one per line. */
const BY_MASK: readonly TcpFlagsMeaning[] = Array.from({ length: 1 << ORDER.length }, (_, mask) => classify(mask));

/** The flag words of a list, deduplicated, unknown words dropped, in nf_log's order: a set's canonical spelling. */
export function tcpFlagWords(flags: readonly string[]): TcpFlag[] {
  const mask = maskOf(flags);
  return ORDER.filter((f) => mask & BIT[f]);
}

/**
 * What a set of nf_log TCP flag words means. Words that are not flags (the caller's stray tokens) are ignored;
 * order and repetition do not matter.
 */
export function describeTcpFlags(flags: readonly string[]): TcpFlagsMeaning {
  return BY_MASK[maskOf(flags)];
}

import type { Text } from '../i18n/text.js';

/** The starting TTLs operating systems use; a packet loses one per router, so the observed value is at most these. */
export const INITIAL_TTLS = Object.freeze([32, 64, 128, 255] as const);
export type InitialTtl = (typeof INITIAL_TTLS)[number];

/** Who commonly starts at each value. Only a hint: any host can be configured otherwise, and scanners forge it. */
const SENDER: Readonly<Record<InitialTtl, Text>> = {
  32: { en: 'old Windows (95/98/NT) or a small embedded stack', ja: '古い Windows (95/98/NT) や小型の組み込み機器' },
  64: { en: 'Linux, macOS, BSD, Android or iOS', ja: 'Linux・macOS・BSD・Android・iOS' },
  128: { en: 'Windows', ja: 'Windows' },
  255: { en: 'network equipment (router, switch), Solaris/AIX, or a scanning tool', ja: 'ネットワーク機器 (ルーター・スイッチ)、Solaris/AIX、またはスキャンツール' },
};

export interface TtlOrigin {
  /** The smallest common initial value at or above the observed TTL: the likely starting value. */
  readonly initial: InitialTtl;
  /** Routers passed if the guess is right: initial - observed. */
  readonly hops: number;
  /** The kind of sender that starts at `initial`. */
  readonly sender: Text;
  /** A sentence for the reader, hedged as a guess. */
  readonly explanation: Text;
}

const cache: TtlOrigin[] = [];

function origin(observed: number): TtlOrigin {
  const initial = INITIAL_TTLS.find((v) => v >= observed) ?? 255;
  const hops = initial - observed;
  const sender = SENDER[initial];
  const hopsEn = hops === 1 ? '1 hop' : `${hops} hops`;
  return Object.freeze({
    initial,
    hops,
    sender,
    explanation: Object.freeze({
      en: `Likely started at ${initial} (typical of ${sender.en}); ${hopsEn} away`,
      ja: `初期値はおそらく ${initial} (${sender.ja} に多い値)、${hops} ホップ先から`,
    }),
  });
}

for (let ttl = 0; ttl <= 255; ttl++) cache.push(origin(ttl));

/** Guess the initial TTL (IPv4 TTL= or IPv6 HOPLIMIT=) and the hop count. Undefined outside 0-255. */
export function ttlOrigin(observed: number): TtlOrigin | undefined {
  return Number.isInteger(observed) && observed >= 0 && observed <= 255 ? cache[observed] : undefined;
}

import type { Lang } from '../i18n/text.js';
import { classifyAddress } from '../net/address-class.js';
import { icmpName } from '../net/icmp.js';
import { ecsTransport, ipProtocol } from '../net/protocols.js';
import { etherTypeName } from '../net/ethertype.js';
import { decodeKernelTos, decodeTrafficClass, PRECEDENCE_NAMES, type TosInfo } from '../net/tos.js';
import { ttlOrigin } from '../net/ttl.js';
import { serviceName } from '../net/ports.js';
import type { FullField } from './fields.js';
import { splitMacHeader } from './fields.js';
import type { DecodedLine } from './types.js';

const OUT_EMPTY = { en: '(none: the packet was for this host)', ja: '(なし: このホスト宛てのパケット)' };
const IN_EMPTY = { en: '(none: the packet came from this host)', ja: '(なし: このホストが送信したパケット)' };
const BROADCAST = { en: 'broadcast', ja: 'ブロードキャスト' };
const MULTICAST = { en: 'multicast', ja: 'マルチキャスト' };
const BYTES = { en: 'bytes', ja: 'バイト' };
// 1 is not what is left of a long journey: IGMP, MLD, mDNS and other link-local traffic is sent with 1 on purpose
const TTL_ONE = {
  en: 'sent to go no further than this link (the usual value for IGMP, MLD, mDNS and other link-local traffic), or at its last hop',
  ja: 'このリンクより先へ送らないための値 (IGMP・MLD・mDNS などリンクローカル通信の通常値)、または最後のホップ',
};
const URGP_CRAFTED = {
  en: 'non-zero although URG is not set: a real TCP stack sends 0 here, so the packet was likely hand-crafted (mass scanners do this)',
  ja: 'URGフラグが無いのに0以外: 通常のTCPスタックは0を送るため、細工されたパケット (大量スキャナに多い) の可能性が高い',
};

/** What a value means, beyond the value itself; undefined when the value speaks for itself. */
export function meaningOf(f: FullField, line: DecodedLine, lang: Lang): string | undefined {
  const v = f.value;
  switch (f.layer) {
    case 'link':
      if (f.key === 'OUT' && v === '') return OUT_EMPTY[lang];
      if (f.key === 'IN' && v === '') return IN_EMPTY[lang];
      if (f.key === 'MAC' && typeof v === 'string') return macMeaning(v, lang);
      return undefined;
    case 'ipv4':
    case 'ipv6':
      if ((f.key === 'SRC' || f.key === 'DST') && typeof v === 'string') {
        const info = classifyAddress(v);
        if (!info) return undefined;
        // the kernel prints IPv6 fully expanded; say the address the way people write it
        const written = info.address !== f.raw ? `${info.address} — ` : '';
        return `${written}${info.name[lang]}${info.range && !info.name[lang].includes(info.range) ? ` (${info.range})` : ''}`;
      }
      if (f.key === 'PROTO' && typeof v === 'string') {
        const t = ecsTransport(v);
        const p = t ? ipProtocol(t.number) : undefined;
        return p ? `${p.name[lang]}, ${lang === 'ja' ? 'プロトコル番号' : 'protocol number'} ${t!.number}` : undefined;
      }
      if (f.key === 'LEN' && typeof v === 'number') return `${v} ${BYTES[lang]}`;
      if ((f.key === 'TTL' || f.key === 'HOPLIMIT') && typeof v === 'number') return v === 1 ? TTL_ONE[lang] : ttlOrigin(v)?.explanation[lang];
      if (f.key === 'PREC' && typeof v === 'number') return PRECEDENCE_NAMES[v >> 5]?.[lang];
      if (f.key === 'TOS' && typeof v === 'number') {
        const prec = numberOf(line, f.token.depth, 'PREC');
        return tosText(prec === undefined ? undefined : decodeKernelTos(v, prec), lang);
      }
      if (f.key === 'TC' && typeof v === 'number') return tosText(decodeTrafficClass(v), lang);
      return undefined;
    case 'tcp':
    case 'udp': {
      if (f.key === 'URGP' && typeof v === 'number' && v !== 0 && !hasFlag(line, f.token.depth, 'URG')) return URGP_CRAFTED[lang];
      if ((f.key === 'SPT' || f.key === 'DPT') && typeof v === 'number') {
        const s = serviceName(v, f.layer);
        return s ? `${s.name} — ${s.description[lang]}` : undefined;
      }
      if (f.key === 'LEN' && typeof v === 'number') return `${v} ${BYTES[lang]}`;
      return undefined;
    }
    case 'icmp':
    case 'icmpv6':
      if ((f.key === 'TYPE' || f.key === 'CODE') && typeof v === 'number') return icmpMeaning(f, line, lang);
      return undefined;
    default:
      return undefined;
  }
}

function macMeaning(raw: string, lang: Lang): string | undefined {
  const h = splitMacHeader(raw);
  if (!h || !h.destination) return undefined;
  const dst = h.destination;
  const kind = dst === 'ff:ff:ff:ff:ff:ff' ? ` ${BROADCAST[lang]}` : parseInt(dst.slice(0, 2), 16) & 1 ? ` ${MULTICAST[lang]}` : '';
  const etName = h.etherType !== undefined ? etherTypeName(h.etherType) : undefined;
  const et = h.etherType !== undefined ? `0x${h.etherType.toString(16).padStart(4, '0')}${etName ? ` (${etName.name})` : ''}` : '?';
  return lang === 'ja'
    ? `宛先 ${dst}${kind}、送信元 ${h.source}、EtherType ${et}${h.extra.length ? `、追加 ${h.extra.length} バイト` : ''}`
    : `destination ${dst}${kind}, source ${h.source}, EtherType ${et}${h.extra.length ? `, ${h.extra.length} extra bytes` : ''}`;
}

function icmpMeaning(f: FullField, line: DecodedLine, lang: Lang): string | undefined {
  // TYPE and CODE are named together: a code means something only for its type
  const v6 = f.layer === 'icmpv6';
  const sameDepth = line.tokens.filter((t) => t.depth === f.token.depth);
  const typeTok = sameDepth.find((t) => t.key === 'TYPE');
  const codeTok = sameDepth.find((t) => t.key === 'CODE');
  const type = typeTok ? Number(line.message.slice(typeTok.valueStart, typeTok.valueEnd)) : NaN;
  const code = codeTok ? Number(line.message.slice(codeTok.valueStart, codeTok.valueEnd)) : NaN;
  const names = icmpName(type, Number.isNaN(code) ? 0 : code, v6);
  if (!names) return undefined;
  return f.key === 'TYPE' ? `${f.raw} — ${names.type[lang]}` : names.code ? `${f.raw} — ${names.code[lang]}` : undefined;
}

function numberOf(line: DecodedLine, depth: 0 | 1, key: string): number | undefined {
  const t = line.tokens.find((x) => x.depth === depth && x.key === key && x.valueStart >= 0);
  if (!t) return undefined;
  const raw = line.message.slice(t.valueStart, t.valueEnd);
  const n = parseInt(raw.replace(/^0x/, ''), 16);
  return Number.isNaN(n) ? undefined : n;
}

function tosText(info: TosInfo | undefined, lang: Lang): string | undefined {
  if (!info) return undefined;
  const dscp = `DSCP ${info.dscp}${info.dscpName ? ` ${info.dscpName}` : ''}${info.dscpMeaning ? ` (${info.dscpMeaning[lang]})` : ''}`;
  return `${dscp}, ECN ${info.ecn.join(lang === 'ja' ? ' または ' : ' or ')}`;
}

function hasFlag(line: DecodedLine, depth: 0 | 1, flag: string): boolean {
  return line.tokens.some((t) => t.depth === depth && t.valueStart < 0 && t.key === flag);
}

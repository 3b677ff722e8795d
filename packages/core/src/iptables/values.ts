import type { Text } from '../i18n/text.js';
import { parseAddress } from '../net/address-class.js';
import { ipProtocolByKeyword } from '../net/protocols.js';
import { WELL_KNOWN_SERVICES } from '../net/ports.js';
import type { IptablesFamily, IptablesValueKind, IptablesValueSpec } from './catalogue.js';
import {
  IPTABLES_CT_STATES,
  IPTABLES_DSCP_CLASSES,
  IPTABLES_ICMP_TYPES,
  IPTABLES_ICMPV6_TYPES,
  IPTABLES_LOG_LEVELS,
  IPTABLES_PORT_PROTOCOLS,
  IPTABLES_REJECT_WITH,
  IPTABLES_SCTP_CHUNKS,
  IPTABLES_TCP_FLAGS,
  IPTABLES_TOS_NAMES,
  iptablesProtocolNumber,
} from './catalogue.js';

/**
 * One validator per value kind of the catalogue: every option with the same kind is checked the same way, and the
 * rules follow iptables' own parsers (colon port ranges, dash NAT ranges, numbers in decimal or 0x hex).
 */

export interface IptablesValueProblem {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: Text;
  /** Which of the option's values (0 or 1) the problem is about. */
  readonly index: number;
}

export interface IptablesValueContext {
  readonly family?: IptablesFamily;
  /** The rule's `-p`, lower case, when given and not negated. */
  readonly protocol?: string;
}

type Check = (value: string, spec: IptablesValueSpec, ctx: IptablesValueContext) => Problem | undefined;
interface Problem {
  code: string;
  severity?: 'error' | 'warning';
  en: string;
  ja: string;
}

const bad = (code: string, en: string, ja: string, severity: 'error' | 'warning' = 'error'): Problem => ({ code, en, ja, severity });

const DEC = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/** A whole number as xtables_strtoui reads it (decimal, or 0x hex); undefined if it is not one. */
export function iptablesUint(text: string): number | undefined {
  if (DEC.test(text)) return text.length > 16 ? Number.POSITIVE_INFINITY : Number(text);
  if (HEX.test(text)) return text.length > 18 ? Number.POSITIVE_INFINITY : parseInt(text.slice(2), 16);
  return undefined;
}

function numberIn(text: string, min: number, max: number, what: Text): Problem | undefined {
  const n = iptablesUint(text);
  if (n === undefined) return bad('invalid-value', `"${text}" is not a whole number (${what.en} ${min}-${max}).`, `「${text}」は整数ではありません (${what.ja} ${min}-${max})。`);
  if (n < min || n > max) return bad('invalid-value', `${text} is out of range: ${what.en} must be ${min}-${max}.`, `${text} は範囲外です: ${what.ja}は ${min}-${max} です。`);
  return undefined;
}

const VALUE = { en: 'the value', ja: '値' };

function colonRange(text: string, parse: (s: string) => Problem | number | undefined, rangeWord = ':'): Problem | undefined {
  const parts = text.split(rangeWord);
  if (parts.length > 2) return bad('invalid-value', `"${text}" has more than one "${rangeWord}".`, `「${text}」に「${rangeWord}」が 2 つ以上あります。`);
  const nums: number[] = [];
  for (const p of parts) {
    if (p === '' && parts.length === 2) continue;
    const r = parse(p);
    if (typeof r === 'object') return r;
    if (r === undefined) return bad('invalid-value', `"${p}" is not valid here.`, `「${p}」はここでは使えません。`);
    nums.push(r);
  }
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '' && nums[0] > nums[1])
    return bad('invalid-range', `The range ${text} is backwards: the first value must not be larger than the second.`, `範囲 ${text} が逆です: 最初の値は 2 番目の値以下にしてください。`);
  return undefined;
}

function uintParser(min: number, max: number): (s: string) => Problem | number {
  return (s) => {
    const p = numberIn(s, min, max, VALUE);
    return p ?? (iptablesUint(s) as number);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ports

const SERVICES = new Map(WELL_KNOWN_SERVICES.map((s) => [s.name.toLowerCase(), s.port] as const));
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9._+-]*$/;

function portValue(text: string): Problem | number {
  const n = iptablesUint(text);
  if (n !== undefined) {
    if (n > 65535) return bad('invalid-port', `Port ${text} is out of range (0-65535).`, `ポート ${text} は範囲外です (0-65535)。`);
    return n;
  }
  const known = SERVICES.get(text.toLowerCase());
  if (known !== undefined) return known;
  if (SERVICE_NAME.test(text))
    return bad(
      'unknown-service',
      `"${text}" is not a well-known service name; iptables looks it up in /etc/services on the host and fails if it is not there.`,
      `「${text}」はよく知られたサービス名ではありません。iptables はホストの /etc/services で調べ、なければ失敗します。`,
      'warning',
    );
  return bad('invalid-port', `"${text}" is not a port (0-65535 or a service name).`, `「${text}」はポートではありません (0-65535 またはサービス名)。`);
}

function portOrWarning(text: string): Problem | number | undefined {
  const r = portValue(text);
  // An unknown service name is only a warning: keep checking the rest as if it were a valid port.
  if (typeof r === 'object' && r.severity === 'warning') return r;
  return r;
}

function checkPortRange(text: string): Problem | undefined {
  let warning: Problem | undefined;
  const r = colonRange(text, (s) => {
    const v = portOrWarning(s);
    if (typeof v === 'object' && v.severity === 'warning') {
      warning = v;
      return 0;
    }
    return v;
  });
  return r ?? warning;
}

function checkPortList(text: string): Problem | undefined {
  const items = text.split(',');
  let count = 0;
  let warning: Problem | undefined;
  for (const item of items) {
    if (item === '') return bad('invalid-port', `"${text}" has an empty item.`, `「${text}」に空の項目があります。`);
    const parts = item.split(':');
    if (parts.length > 2 || parts.some((p) => p === '')) return bad('invalid-port', `"${item}" is not a port or a range a:b.`, `「${item}」はポートでも範囲 a:b でもありません。`);
    count += parts.length;
    const nums: number[] = [];
    for (const p of parts) {
      const v = portValue(p);
      if (typeof v === 'object') {
        if (v.severity === 'warning') warning = v;
        else return v;
      } else nums.push(v);
    }
    if (nums.length === 2 && nums[0] > nums[1]) return bad('invalid-range', `The range ${item} is backwards.`, `範囲 ${item} が逆です。`);
  }
  if (count > 15) return bad('too-many-ports', `multiport takes at most 15 ports (a range counts as two); this list has ${count}.`, `multiport に指定できるポートは最大 15 個です (範囲は 2 個と数える)。この一覧は ${count} 個です。`);
  return warning;
}

/** `port` or `port-port` (NAT): a service name is allowed only alone, as iptables does. */
function natPortRange(text: string): Problem | undefined {
  const whole = portValue(text);
  if (typeof whole === 'number') return undefined;
  const dash = text.indexOf('-');
  if (dash < 0) return whole;
  const a = iptablesUint(text.slice(0, dash));
  const b = iptablesUint(text.slice(dash + 1));
  if (a === undefined || b === undefined)
    return bad('invalid-port', `"${text}" is neither a service name nor a numeric range a-b.`, `「${text}」はサービス名でも数値の範囲 a-b でもありません。`);
  if (a > 65535 || b > 65535) return bad('invalid-port', `Port range ${text} goes beyond 65535.`, `ポート範囲 ${text} が 65535 を超えています。`);
  if (a > b) return bad('invalid-range', `The range ${text} is backwards.`, `範囲 ${text} が逆です。`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

const HOSTNAME = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function familyMismatch(found: IptablesFamily, ctx: IptablesValueContext, text: string): Problem | undefined {
  if (ctx.family === undefined || ctx.family === found) return undefined;
  return bad(
    'wrong-family',
    `${text} is an IPv${found} address, but this is an ${ctx.family === 4 ? 'iptables (IPv4)' : 'ip6tables (IPv6)'} rule.`,
    `${text} は IPv${found} アドレスですが、このルールは ${ctx.family === 4 ? 'iptables (IPv4)' : 'ip6tables (IPv6)'} 用です。`,
  );
}

function checkMask(mask: string, family: IptablesFamily, text: string): Problem | undefined {
  if (DEC.test(mask)) {
    const max = family === 4 ? 32 : 128;
    if (Number(mask) > max || mask.length > 3) return bad('invalid-address', `The prefix length in ${text} must be 0-${max}.`, `${text} のプレフィックス長は 0-${max} です。`);
    return undefined;
  }
  const m = parseAddress(mask);
  if (m && m.family === family) return undefined; // dotted (or IPv6) mask; iptables accepts non-contiguous ones
  return bad('invalid-address', `"${mask}" in ${text} is neither a prefix length nor a netmask.`, `${text} の「${mask}」はプレフィックス長でもネットマスクでもありません。`);
}

function checkOneAddress(text: string, ctx: IptablesValueContext, requirePrefix: boolean): Problem | undefined {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  const parsed = parseAddress(host);
  if (!parsed) {
    if (!requirePrefix && HOSTNAME.test(host) && slash < 0 && !/^[0-9.]+$/.test(host))
      return bad(
        'hostname',
        `"${host}" is a host name: iptables resolves it once, when the rule is loaded, and uses whatever addresses DNS gave then.`,
        `「${host}」はホスト名です。iptables はルールの読み込み時に一度だけ名前解決し、その時のアドレスを使います。`,
        'warning',
      );
    return bad('invalid-address', `"${host}" is not an IP address.`, `「${host}」は IP アドレスではありません。`);
  }
  const fam = familyMismatch(parsed.family, ctx, host);
  if (fam) return fam;
  if (slash < 0) {
    if (requirePrefix) return bad('invalid-address', `${text} needs a prefix length (/64).`, `${text} にはプレフィックス長 (/64 など) が必要です。`);
    return undefined;
  }
  return checkMask(text.slice(slash + 1), parsed.family, text);
}

function checkAddress(text: string, spec: IptablesValueSpec, ctx: IptablesValueContext, requirePrefix = false): Problem | undefined {
  const items = spec.list ? text.split(',') : [text];
  let warning: Problem | undefined;
  for (const item of items) {
    if (item === '') return bad('invalid-address', `"${text}" has an empty address.`, `「${text}」に空のアドレスがあります。`);
    const p = checkOneAddress(item, ctx, requirePrefix);
    if (p && p.severity !== 'warning') return p;
    warning ??= p;
  }
  return warning;
}

function checkAddressRange(text: string, ctx: IptablesValueContext): Problem | undefined {
  // IPv6 addresses contain no '-', so the first '-' separates the two ends in both families.
  const dash = text.indexOf('-');
  if (dash < 0) return bad('invalid-address', `"${text}" is not a range: write from-to (10.0.0.1-10.0.0.9).`, `「${text}」は範囲ではありません: 開始-終了 (10.0.0.1-10.0.0.9) と書いてください。`);
  const a = parseAddress(text.slice(0, dash));
  const b = parseAddress(text.slice(dash + 1));
  if (!a || !b) return bad('invalid-address', `"${text}" is not a range of two IP addresses.`, `「${text}」は 2 つの IP アドレスの範囲ではありません。`);
  if (a.family !== b.family) return bad('invalid-address', `The two ends of ${text} are of different families.`, `${text} の両端のアドレスファミリーが異なります。`);
  return familyMismatch(a.family, ctx, text);
}

/** addr[-addr][:port[-port][/base]], IPv6 in brackets when a port follows. */
function checkNatTo(text: string, ctx: IptablesValueContext): Problem | undefined {
  let addrPart = text;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return bad('invalid-address', `"${text}" opens a bracket it never closes.`, `「${text}」の角括弧が閉じていません。`);
    addrPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return bad('invalid-address', `Only :port may follow "]" in ${text}.`, `${text} の「]」の後には :ポート しか書けません。`);
      portPart = rest.slice(1);
    }
  } else {
    const colons = text.split(':').length - 1;
    if (colons === 1) {
      const c = text.indexOf(':');
      addrPart = text.slice(0, c);
      portPart = text.slice(c + 1);
    }
  }
  if (addrPart !== '') {
    const dash = addrPart.indexOf('-');
    const ends = dash < 0 ? [addrPart] : [addrPart.slice(0, dash), addrPart.slice(dash + 1)];
    let fam: IptablesFamily | undefined;
    for (const e of ends) {
      const a = parseAddress(e);
      if (!a) return bad('invalid-address', `"${e}" is not an IP address.`, `「${e}」は IP アドレスではありません。`);
      if (fam !== undefined && fam !== a.family) return bad('invalid-address', `The two ends of ${addrPart} are of different families.`, `${addrPart} の両端のアドレスファミリーが異なります。`);
      fam = a.family;
    }
    const mismatch = familyMismatch(fam as IptablesFamily, ctx, addrPart);
    if (mismatch) return mismatch;
  } else if (portPart === undefined) return bad('invalid-address', 'An address or a :port is needed.', 'アドレスまたは :ポート が必要です。');
  if (portPart === undefined) return undefined;
  if (!ctx.protocol || !(IPTABLES_PORT_PROTOCOLS as readonly string[]).includes(canonicalProtocol(ctx.protocol)))
    return bad('ports-need-protocol', `A port in ${text} needs -p tcp, udp, sctp or dccp in the rule.`, `${text} のポート指定にはルールに -p tcp・udp・sctp・dccp が必要です。`);
  const slash = portPart.indexOf('/');
  const range = slash < 0 ? portPart : portPart.slice(0, slash);
  const r = natPortRange(range);
  if (r) return r;
  if (slash >= 0) {
    const base = portValue(portPart.slice(slash + 1));
    if (typeof base === 'object') return base;
    if (base < 1) return bad('invalid-port', `The base port in ${text} must be 1-65535.`, `${text} の基点ポートは 1-65535 です。`);
  }
  return undefined;
}

function checkNatPorts(text: string): Problem | undefined {
  if (text.includes('/')) return bad('invalid-port', `"${text}": this target takes a port or a range a-b, without /base.`, `「${text}」: このターゲットはポートか範囲 a-b のみで、/基点 は書けません。`);
  return natPortRange(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Protocols, ICMP, enumerations

function canonicalProtocol(p: string): string {
  const n = iptablesProtocolNumber(p, keywordNumber);
  switch (n) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 132:
      return 'sctp';
    case 33:
      return 'dccp';
    case 136:
      return 'udplite';
    case 1:
      return 'icmp';
    case 58:
      return 'icmpv6';
    case 50:
      return 'esp';
    case 51:
      return 'ah';
    case 108:
      return 'ipcomp';
    case 135:
      return 'mobility-header';
    default:
      return p.toLowerCase();
  }
}

/** The name iptables-save would print for a protocol (tcp for 6, icmpv6 for ipv6-icmp): compare these. */
export function iptablesCanonicalProtocol(protocol: string): string {
  return canonicalProtocol(protocol);
}

function keywordNumber(keyword: string): number | undefined {
  // /etc/protocols spells IANA keywords with dashes where the registry has spaces (Mobility Header).
  return ipProtocolByKeyword(keyword)?.number ?? ipProtocolByKeyword(keyword.replace(/-/g, ' '))?.number;
}

export function iptablesProtocolValue(text: string): number | undefined {
  return iptablesProtocolNumber(text, keywordNumber);
}

function checkProtocol(text: string, spec: IptablesValueSpec): Problem | undefined {
  const n = iptablesProtocolValue(text);
  if (n === undefined) return bad('invalid-protocol', `"${text}" is not a protocol name or number (0-255).`, `「${text}」はプロトコル名でも番号 (0-255) でもありません。`);
  if (spec.min !== undefined && n < spec.min) return bad('invalid-protocol', `Protocol ${text} (0, all) is not allowed here.`, `プロトコル ${text} (0・all) はここでは使えません。`);
  return undefined;
}

function checkIcmp(text: string, names: Readonly<Record<string, string>>, v6: boolean): Problem | undefined {
  if (Object.prototype.hasOwnProperty.call(names, text)) return undefined;
  const m = /^([0-9]+)(?:\/([0-9]+)(?::([0-9]+))?)?$/.exec(text);
  if (m && [m[1], m[2], m[3]].every((x) => x === undefined || Number(x) <= 255)) return undefined;
  return bad(
    'invalid-value',
    `"${text}" is not an ${v6 ? 'ICMPv6' : 'ICMP'} type: a name (${v6 ? 'echo-request' : 'echo-request'}) or type[/code].`,
    `「${text}」は ${v6 ? 'ICMPv6' : 'ICMP'} タイプではありません: 名前 (echo-request など) か タイプ[/コード] です。`,
  );
}

function inList(value: string, values: readonly string[], ci: boolean): boolean {
  if (!ci) return values.includes(value);
  const v = value.toLowerCase();
  return values.some((x) => x.toLowerCase() === v);
}

function checkEnum(text: string, values: readonly string[], ci: boolean): Problem | undefined {
  if (inList(text, values, ci)) return undefined;
  return bad('invalid-value', `"${text}" is not one of: ${values.join(', ')}.`, `「${text}」は次のいずれでもありません: ${values.join(', ')}。`);
}

function checkEnumList(text: string, values: readonly string[], ci: boolean): Problem | undefined {
  for (const item of text.split(',')) {
    if (item === '') return bad('invalid-value', `"${text}" has an empty item.`, `「${text}」に空の項目があります。`);
    const p = checkEnum(item, values, ci);
    if (p) return p;
  }
  return undefined;
}

function checkMark(text: string, bits: number): Problem | undefined {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const parts = text.split('/');
  if (parts.length > 2) return bad('invalid-value', `"${text}" is not value[/mask].`, `「${text}」は 値[/マスク] の形ではありません。`);
  for (const p of parts) {
    const e = numberIn(p, 0, max, VALUE);
    if (e) return e;
  }
  return undefined;
}

function checkLimitRate(text: string): Problem | undefined {
  const m = /^([0-9]+)(?:\/([A-Za-z]+))?$/.exec(text);
  if (!m) return bad('invalid-value', `"${text}" is not a rate: N/second, N/minute, N/hour or N/day.`, `「${text}」はレートではありません: N/second・N/minute・N/hour・N/day。`);
  if (Number(m[1]) < 1) return bad('invalid-value', 'The rate must be at least 1.', 'レートは 1 以上です。');
  if (m[2] !== undefined && !['second', 'minute', 'hour', 'day'].some((u) => u.startsWith(m[2].toLowerCase())))
    return bad('invalid-value', `"${m[2]}" is not a time unit (second, minute, hour, day).`, `「${m[2]}」は時間の単位ではありません (second・minute・hour・day)。`);
  return undefined;
}

function checkHashlimitRate(text: string): Problem | undefined {
  if (/^[0-9]+(?:b|kb|mb)\/s(?:ec(?:ond)?)?$/i.test(text)) return undefined;
  return checkLimitRate(text);
}

// ---------------------------------------------------------------------------------------------------------------
// The table of validators

const TCP_OPTION_NAMES = ['wscale', 'mss', 'sack-permitted', 'sack', 'timestamp', 'md5'];
const CT_EVENTS = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark', 'label'];
const IP6_HEADERS = ['hop-by-hop', 'hop', 'ipv6-opts', 'dst', 'ipv6-route', 'route', 'ipv6-frag', 'frag', 'ah', 'auth', 'esp', 'ipv6-nonxt', 'none', 'prot', 'protocol'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const CHECKS: Partial<Record<IptablesValueKind, Check>> = {
  uint: (v, s) => numberIn(v, s.min ?? 0, s.max ?? 4294967295, VALUE),
  'uint-range': (v, s) => colonRange(v, uintParser(s.min ?? 0, s.max ?? 4294967295)),
  u64: (v) => checkU64(v),
  'u64-range': (v) => colonRange(v, (p) => checkU64(p) ?? Number(p)),
  'dash-range': (v) => {
    if (/^[0-9]+(?:-[0-9]+)?$/.test(v)) return colonRange(v, uintParser(0, 4294967295), '-');
    if (/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(v)) return undefined; // a user or group name, resolved on the host
    return bad('invalid-value', `"${v}" is not a name, an id or a range a-b.`, `「${v}」は名前・ID・範囲 a-b のいずれでもありません。`);
  },
  port: (v) => {
    const r = portValue(v);
    return typeof r === 'object' ? r : undefined;
  },
  'port-range': (v) => checkPortRange(v),
  'port-list': (v) => checkPortList(v),
  address: (v, s, c) => checkAddress(v, s, c),
  prefix: (v, s, c) => checkAddress(v, s, c, true),
  'address-range': (v, _s, c) => checkAddressRange(v, c),
  'nat-to': (v, _s, c) => checkNatTo(v, c),
  'nat-ports': (v) => checkNatPorts(v),
  interface: (v) => {
    if (v.length === 0) return bad('invalid-value', 'An interface name cannot be empty.', 'インターフェース名は空にできません。');
    if (v.length > 15) return bad('invalid-value', `Interface name "${v}" is longer than 15 characters.`, `インターフェース名「${v}」が 15 文字を超えています。`);
    if (/[\s/]/.test(v)) return bad('invalid-value', `Interface name "${v}" contains a blank or "/".`, `インターフェース名「${v}」に空白か「/」が含まれています。`);
    return undefined;
  },
  mac: (v) => (/^[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}$/.test(v) ? undefined : bad('invalid-value', `"${v}" is not a MAC address (six hex octets XX:XX:XX:XX:XX:XX).`, `「${v}」は MAC アドレス (XX:XX:XX:XX:XX:XX) ではありません。`)),
  mark: (v) => checkMark(v, 32),
  tos: (v) => (Object.prototype.hasOwnProperty.call(IPTABLES_TOS_NAMES, v) ? undefined : checkMark(v, 8)),
  string: (v, s) => {
    if (s.minLength !== undefined && v.length < s.minLength) return bad('invalid-value', `The value must have at least ${s.minLength} character(s).`, `値は ${s.minLength} 文字以上必要です。`);
    if (s.maxLength !== undefined && v.length > s.maxLength) return bad('value-too-long', `The value is ${v.length} characters; at most ${s.maxLength} are allowed.`, `値が ${v.length} 文字です。最大 ${s.maxLength} 文字です。`);
    return undefined;
  },
  enum: (v, s) => checkEnum(v, s.values ?? [], s.caseInsensitive ?? false),
  'enum-list': (v, s) => checkEnumList(v, s.values ?? [], s.caseInsensitive ?? false),
  'limit-rate': (v) => checkLimitRate(v),
  'hashlimit-rate': (v) => checkHashlimitRate(v),
  'hashlimit-burst': (v) => (/^[0-9]+(?:b|kb|mb)?$/i.test(v) ? undefined : bad('invalid-value', `"${v}" is not a burst: N, or N followed by b, kb or mb.`, `「${v}」はバースト値ではありません: N または N に b・kb・mb を付けたもの。`)),
  protocol: (v, s) => checkProtocol(v, s),
  'icmp-type': (v) => checkIcmp(v, IPTABLES_ICMP_TYPES, false),
  'icmpv6-type': (v) => checkIcmp(v, IPTABLES_ICMPV6_TYPES, true),
  'log-level': (v) => {
    if (/^[0-7]$/.test(v) || Object.prototype.hasOwnProperty.call(IPTABLES_LOG_LEVELS, v.toLowerCase())) return undefined;
    return bad('invalid-log-level', `"${v}" is not a log level: 0-7 or emerg, alert, crit, error, warning, notice, info, debug.`, `「${v}」はログレベルではありません: 0-7 または emerg・alert・crit・error・warning・notice・info・debug。`);
  },
  'reject-with': (v, _s, c) => {
    const allowed = c.family ? IPTABLES_REJECT_WITH[c.family] : [...IPTABLES_REJECT_WITH[4], ...IPTABLES_REJECT_WITH[6]];
    if (!allowed.includes(v)) return bad('invalid-value', `"${v}" is not a --reject-with value${c.family ? ` for IPv${c.family}` : ''}: ${allowed.filter((x) => x.startsWith('icmp') || x === 'tcp-reset').join(', ')}.`, `「${v}」は${c.family ? ` IPv${c.family} の` : ''} --reject-with の値ではありません: ${allowed.filter((x) => x.startsWith('icmp') || x === 'tcp-reset').join(', ')}。`);
    if ((v === 'tcp-reset' || v === 'tcp-rst') && (!c.protocol || canonicalProtocol(c.protocol) !== 'tcp'))
      return bad('reset-needs-tcp', 'tcp-reset works only on TCP: add -p tcp to the rule.', 'tcp-reset は TCP にのみ使えます: ルールに -p tcp を加えてください。');
    return undefined;
  },
  probability: (v) => {
    if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(v) || Number(v) > 1) return bad('invalid-value', `"${v}" is not a probability between 0 and 1.`, `「${v}」は 0 から 1 の確率ではありません。`);
    return undefined;
  },
  'time-of-day': (v) => {
    const m = /^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$/.exec(v);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || (m[3] !== undefined && Number(m[3]) > 59)) return bad('invalid-value', `"${v}" is not a time hh:mm[:ss].`, `「${v}」は時刻 hh:mm[:ss] ではありません。`);
    return undefined;
  },
  date: (v) => (/^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}(?::[0-9]{2}(?::[0-9]{2})?)?)?)?)?$/.test(v) ? undefined : bad('invalid-value', `"${v}" is not a date YYYY[-MM[-DD[Thh[:mm[:ss]]]]].`, `「${v}」は日付 YYYY[-MM[-DD[Thh[:mm[:ss]]]]] ではありません。`)),
  weekdays: (v) => {
    for (const d of v.split(',')) if (!/^[1-7]$/.test(d) && !WEEKDAYS.includes(d.toLowerCase())) return bad('invalid-value', `"${d}" is not a weekday (Mon-Sun or 1-7).`, `「${d}」は曜日 (Mon-Sun または 1-7) ではありません。`);
    return undefined;
  },
  monthdays: (v) => {
    for (const d of v.split(',')) if (!/^[0-9]{1,2}$/.test(d) || Number(d) < 1 || Number(d) > 31) return bad('invalid-value', `"${d}" is not a day of the month (1-31).`, `「${d}」は日 (1-31) ではありません。`);
    return undefined;
  },
  'dscp-class': (v) => checkEnum(v, IPTABLES_DSCP_CLASSES, true),
  label: (v) => (DEC.test(v) ? numberIn(v, 0, 127, { en: 'a label bit', ja: 'ラベルビット' }) : undefined),
  'rateest-rate': (v) => (/^[0-9]+(?:\.[0-9]+)?[A-Za-z]*$/.test(v) ? undefined : bad('invalid-value', `"${v}" is not a rate (8bit, 5kbit, 1mbps).`, `「${v}」はレート (8bit・5kbit・1mbps) ではありません。`)),
  interval: (v) => (/^[0-9]+(?:\.[0-9]+)?(?:s|sec|ms|msec|us|usec)?$/i.test(v) ? undefined : bad('invalid-value', `"${v}" is not a time interval (250ms, 1s).`, `「${v}」は時間間隔 (250ms・1s) ではありません。`)),
  'tcp-options': (v) => {
    for (const item of v.split(',')) {
      if (TCP_OPTION_NAMES.includes(item)) continue;
      const n = iptablesUint(item);
      if (n === undefined) return bad('invalid-value', `"${item}" is not a TCP option (${TCP_OPTION_NAMES.join(', ')} or 2-255).`, `「${item}」は TCP オプション (${TCP_OPTION_NAMES.join('・')} または 2-255) ではありません。`);
      if (n < 2 || n > 255) return bad('invalid-value', `TCP option ${item} cannot be stripped: 0 (end) and 1 (no-op) are structure, options are 2-255.`, `TCP オプション ${item} は取り除けません: 0 (終端) と 1 (NOP) は構造で、対象は 2-255 です。`);
    }
    return undefined;
  },
  'ct-events': (v) => checkEnumList(v, CT_EVENTS, false),
  'ip6-header-list': (v) => {
    for (const item of v.split(',')) if (!IP6_HEADERS.includes(item) && !(DEC.test(item) && Number(item) <= 255)) return checkEnum(item, IP6_HEADERS, false);
    return undefined;
  },
  'ip6-opts': (v) => (/^[0-9]+(?::[0-9]+)?(?:,[0-9]+(?::[0-9]+)?)*$/.test(v) ? undefined : bad('invalid-value', `"${v}" is not a list type[:length],...`, `「${v}」は タイプ[:長さ],... の一覧ではありません。`)),
  counters: (v) => (/^[0-9]+(?:,[0-9]+)?$/.test(v) ? undefined : bad('invalid-value', `"${v}" is not a counter: packets,bytes.`, `「${v}」はカウンタ (パケット数,バイト数) ではありません。`)),
};

const U64_MAX = 18446744073709551615n;

function checkU64(v: string): Problem | undefined {
  if (!DEC.test(v) && !HEX.test(v)) return bad('invalid-value', `"${v}" is not a whole number.`, `「${v}」は整数ではありません。`);
  if (v.length > 22 || BigInt(v) > U64_MAX) return bad('invalid-value', `${v} does not fit in 64 bits.`, `${v} は 64 ビットに収まりません。`);
  return undefined;
}

const MH_TYPES = ['binding-refresh-request', 'brr', 'home-test-init', 'hoti', 'careof-test-init', 'coti', 'home-test', 'hot', 'careof-test', 'cot', 'binding-update', 'bu', 'binding-acknowledgement', 'ba', 'binding-error', 'be'];

/** Checks for values whose option, not kind, decides the rule (a kind of one). */
const BY_OPTION: Readonly<Record<string, (values: readonly string[]) => Problem | undefined>> = {
  '--queue-balance': ([v]) => {
    const m = /^([0-9]*):([0-9]*)$/.exec(v);
    if (!m) return bad('invalid-value', `"${v}" is not a queue range from:to.`, `「${v}」はキュー範囲 from:to ではありません。`);
    const from = m[1] === '' ? 0 : Number(m[1]);
    const to = m[2] === '' ? 65534 : Number(m[2]);
    if (from > 65535 || to > 65535) return bad('invalid-value', 'Queue numbers are 0-65535.', 'キュー番号は 0-65535 です。');
    if (from >= to) return bad('invalid-range', `The queue range ${v} must go from a lower to a higher queue.`, `キュー範囲 ${v} は小さい番号から大きい番号へ指定してください。`);
    if (to - from > 65534) return bad('invalid-range', `The queue range ${v} holds more than 65535 queues.`, `キュー範囲 ${v} のキュー数が 65535 を超えています。`);
    return undefined;
  },
  '--mh-type': ([v]) => colonRange(v, (p) => (MH_TYPES.includes(p) ? 0 : uintParser(0, 255)(p))),
  '--tcp-flags': ([mask, comp]) => checkEnumList(mask, IPTABLES_TCP_FLAGS, true) ?? (comp === undefined ? undefined : checkEnumList(comp, IPTABLES_TCP_FLAGS, true)),
  '--chunk-types': ([how, chunks]) => {
    const p = checkEnum(how, ['all', 'any', 'only'], false);
    if (p) return p;
    if (chunks === undefined) return undefined;
    for (const c of chunks.split(',')) {
      const name = c.split(':')[0];
      if (!inList(name, IPTABLES_SCTP_CHUNKS, true)) return checkEnum(name, IPTABLES_SCTP_CHUNKS, true);
    }
    return undefined;
  },
  '--match-set': ([name, flags]) => checkSet(name, flags),
  '--set': ([name, flags]) => checkSet(name, flags),
  '--add-set': ([name, flags]) => checkSet(name, flags),
  '--del-set': ([name, flags]) => checkSet(name, flags),
  '--map-set': ([name, flags]) => checkSet(name, flags),
  '--ctstate': ([v]) => checkEnumList(v, IPTABLES_CT_STATES, false),
};

function checkSet(name: string, flags: string | undefined): Problem | undefined {
  if (name.length === 0 || name.length > 31) return bad('invalid-value', 'An ipset name has 1-31 characters.', 'ipset の名前は 1-31 文字です。');
  if (flags === undefined) return undefined;
  const items = flags.split(',');
  if (items.length > 6 || items.some((f) => f !== 'src' && f !== 'dst'))
    return bad('invalid-value', `"${flags}" must be up to six of src and dst, comma-separated.`, `「${flags}」は src と dst をカンマ区切りで最大 6 個まで指定します。`);
  return undefined;
}

/** Option names whose values these checks read from two words at once. */
const TWO_WORD = new Set(['--tcp-flags', '--chunk-types', '--match-set', '--set', '--add-set', '--del-set', '--map-set']);

/**
 * Check an option's values against its spec. `option` is the canonical long name (some checks belong to one
 * option rather than a kind). Returns problems with the index of the value they concern.
 */
export function checkIptablesValues(option: string, spec: IptablesValueSpec, values: readonly string[], ctx: IptablesValueContext): IptablesValueProblem[] {
  const out: IptablesValueProblem[] = [];
  const push = (p: Problem | undefined, index: number) => {
    if (p) out.push({ code: p.code, severity: p.severity ?? 'error', message: { en: p.en, ja: p.ja }, index });
  };
  if (values.length === 0) return out;
  const special = BY_OPTION[option];
  if (special && (TWO_WORD.has(option) || spec.args === 1)) {
    // Two-word checks report on the first word; the span covers the option anyway.
    push(special(values), 0);
    return out;
  }
  const check = CHECKS[spec.kind];
  if (!check) return out;
  values.forEach((v, index) => push(check(v, spec, ctx), index));
  return out;
}

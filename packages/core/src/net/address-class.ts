import ipaddr from 'ipaddr.js';
import type { Text } from '../i18n/text.js';

/**
 * What an address is, from the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and successors),
 * the IPv4 Multicast Address Space registry and the IPv6 Address Space registry. The registries are the authority,
 * not folklore: 169.254.0.0/16 (not /12), 224.0.0.0/4 (not /5), 192.0.0.0/24 is protocol space, not "reserved".
 */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'shared'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'
  | 'unspecified'
  | 'broadcast'
  | 'ula'
  | '6to4'
  | 'teredo'
  | 'nat64'
  | 'ipv4-mapped'
  | 'ietf-protocol'
  | 'anycast'
  | 'as112'
  | 'amt'
  | 'orchid'
  | 'drone-id'
  | 'segment-routing'
  | 'discard';

export interface AddressInfo {
  readonly family: 4 | 6;
  /** Canonical text: IPv4 dotted decimal, IPv6 per RFC 5952 (IPv4-mapped in the mixed form of its section 5). */
  readonly address: string;
  readonly class: AddressClass;
  /** The registry CIDR that matched, or '' for public (global unicast) space. */
  readonly range: string;
  /**
   * True when the registry says the block is not globally reachable, or may not appear as a source: a packet from
   * the Internet with this source address is spoofed or leaked. Registry "N/A" (6to4, Teredo, deprecated blocks)
   * counts as false, because the registry does not assert it.
   */
  readonly bogon: boolean;
  /** The specific block's name (e.g. "TEST-NET-2"), not only the class. */
  readonly name: Text;
}

/** One row of a registry, as data. */
export interface AddressRange {
  readonly cidr: string;
  readonly class: AddressClass;
  readonly bogon: boolean;
  readonly name: Text;
  /** Where the block is defined, for the curious reader and the docs. */
  readonly ref: string;
}

/** A plain name for each class, for summaries that group addresses. */
export const ADDRESS_CLASS_NAMES: Readonly<Record<AddressClass, Text>> = {
  public: { en: 'Public (global unicast) address', ja: 'グローバルアドレス' },
  private: { en: 'Private address', ja: 'プライベートアドレス' },
  loopback: { en: 'Loopback address', ja: 'ループバックアドレス' },
  'link-local': { en: 'Link-local address', ja: 'リンクローカルアドレス' },
  shared: { en: 'Shared address space (carrier-grade NAT)', ja: '共有アドレス空間 (キャリアグレード NAT)' },
  documentation: { en: 'Documentation address (never on a real network)', ja: 'ドキュメント用アドレス (実ネットワークには存在しない)' },
  benchmarking: { en: 'Benchmarking address', ja: 'ベンチマーク試験用アドレス' },
  multicast: { en: 'Multicast address', ja: 'マルチキャストアドレス' },
  reserved: { en: 'Reserved address', ja: '予約済みアドレス' },
  unspecified: { en: 'Unspecified address', ja: '未指定アドレス' },
  broadcast: { en: 'Limited broadcast address', ja: 'リミテッドブロードキャストアドレス' },
  ula: { en: 'Unique local address (IPv6 private)', ja: 'ユニークローカルアドレス (IPv6 のプライベートアドレス)' },
  '6to4': { en: '6to4 address', ja: '6to4 アドレス' },
  teredo: { en: 'Teredo tunnel address', ja: 'Teredo トンネルアドレス' },
  nat64: { en: 'NAT64 translation address', ja: 'NAT64 変換用アドレス' },
  'ipv4-mapped': { en: 'IPv4-mapped IPv6 address', ja: 'IPv4 射影 IPv6 アドレス' },
  'ietf-protocol': { en: 'IETF protocol assignment', ja: 'IETF プロトコル割り当てアドレス' },
  anycast: { en: 'Well-known anycast address', ja: '既知のエニーキャストアドレス' },
  as112: { en: 'AS112 (sink for stray reverse DNS queries)', ja: 'AS112 (迷い込んだ逆引き DNS の受け皿)' },
  amt: { en: 'AMT (automatic multicast tunnelling)', ja: 'AMT (自動マルチキャストトンネリング)' },
  orchid: { en: 'ORCHID (cryptographic hash identifier)', ja: 'ORCHID (暗号ハッシュ識別子)' },
  'drone-id': { en: 'Drone Remote ID entity tag', ja: 'ドローンリモート ID エンティティタグ (DET)' },
  'segment-routing': { en: 'Segment Routing (SRv6) SID', ja: 'セグメントルーティング (SRv6) の SID' },
  discard: { en: 'Discard-only prefix (remote-triggered black hole)', ja: '破棄専用プレフィックス (RTBH 用)' },
};

function r(cidr: string, cls: AddressClass, bogon: boolean, ref: string, name: Text = ADDRESS_CLASS_NAMES[cls]): AddressRange {
  return Object.freeze({ cidr, class: cls, bogon, name: Object.freeze(name), ref });
}

/**
 * IPv4 blocks. Special-Purpose registry rows, plus 224.0.0.0/4 with the larger blocks of the IPv4 Multicast Address
 * Space registry, because a multicast source is never legitimate and the sub-block tells the reader what the group is.
 * Order does not matter: the longest matching prefix wins.
 */
export const IPV4_RANGES: readonly AddressRange[] = Object.freeze([
  r('0.0.0.0/8', 'reserved', true, 'RFC 791', { en: '"This network" (0.0.0.0/8)', ja: '「このネットワーク」(0.0.0.0/8)' }),
  r('0.0.0.0/32', 'unspecified', true, 'RFC 1122', {
    en: 'Unspecified address ("this host on this network")',
    ja: '未指定アドレス (「このネットワーク上のこのホスト」)',
  }),
  r('10.0.0.0/8', 'private', true, 'RFC 1918', { en: 'Private address (10.0.0.0/8)', ja: 'プライベートアドレス (10.0.0.0/8)' }),
  r('100.64.0.0/10', 'shared', true, 'RFC 6598'),
  r('127.0.0.0/8', 'loopback', true, 'RFC 1122'),
  r('169.254.0.0/16', 'link-local', true, 'RFC 3927'),
  r('172.16.0.0/12', 'private', true, 'RFC 1918', { en: 'Private address (172.16.0.0/12)', ja: 'プライベートアドレス (172.16.0.0/12)' }),
  r('192.0.0.0/24', 'ietf-protocol', true, 'RFC 6890'),
  r('192.0.0.0/29', 'ietf-protocol', true, 'RFC 7335', {
    en: 'IPv4 service continuity prefix (DS-Lite)',
    ja: 'IPv4 サービス継続用プレフィックス (DS-Lite)',
  }),
  r('192.0.0.8/32', 'ietf-protocol', true, 'RFC 7600', { en: 'IPv4 dummy address', ja: 'IPv4 ダミーアドレス' }),
  r('192.0.0.9/32', 'anycast', false, 'RFC 7723', {
    en: 'Port Control Protocol (PCP) anycast',
    ja: 'ポート制御プロトコル (PCP) のエニーキャスト',
  }),
  r('192.0.0.10/32', 'anycast', false, 'RFC 8155', { en: 'TURN server anycast', ja: 'TURN サーバーのエニーキャスト' }),
  r('192.0.0.170/32', 'nat64', true, 'RFC 8880', { en: 'NAT64/DNS64 discovery', ja: 'NAT64/DNS64 検出用アドレス' }),
  r('192.0.0.171/32', 'nat64', true, 'RFC 8880', { en: 'NAT64/DNS64 discovery', ja: 'NAT64/DNS64 検出用アドレス' }),
  r('192.0.2.0/24', 'documentation', true, 'RFC 5737', { en: 'Documentation (TEST-NET-1)', ja: 'ドキュメント用 (TEST-NET-1)' }),
  r('192.31.196.0/24', 'as112', false, 'RFC 7535'),
  r('192.52.193.0/24', 'amt', false, 'RFC 7450'),
  r('192.88.99.0/24', '6to4', false, 'RFC 7526', {
    en: '6to4 relay anycast (deprecated)',
    ja: '6to4 リレーのエニーキャスト (廃止済み)',
  }),
  r('192.168.0.0/16', 'private', true, 'RFC 1918', { en: 'Private address (192.168.0.0/16)', ja: 'プライベートアドレス (192.168.0.0/16)' }),
  r('192.175.48.0/24', 'as112', false, 'RFC 7534', { en: 'AS112 direct delegation', ja: 'AS112 (直接委任)' }),
  r('198.18.0.0/15', 'benchmarking', true, 'RFC 2544'),
  r('198.51.100.0/24', 'documentation', true, 'RFC 5737', { en: 'Documentation (TEST-NET-2)', ja: 'ドキュメント用 (TEST-NET-2)' }),
  r('203.0.113.0/24', 'documentation', true, 'RFC 5737', { en: 'Documentation (TEST-NET-3)', ja: 'ドキュメント用 (TEST-NET-3)' }),
  r('224.0.0.0/4', 'multicast', true, 'RFC 5771'),
  r('224.0.0.0/24', 'multicast', true, 'RFC 5771', {
    en: 'Multicast, local network control (never routed)',
    ja: 'マルチキャスト (ローカルネットワーク制御、ルーティングされない)',
  }),
  r('224.0.1.0/24', 'multicast', true, 'RFC 5771', { en: 'Multicast, internetwork control', ja: 'マルチキャスト (インターネットワーク制御)' }),
  r('232.0.0.0/8', 'multicast', true, 'RFC 4607', { en: 'Source-specific multicast', ja: 'ソース指定マルチキャスト (SSM)' }),
  r('233.0.0.0/8', 'multicast', true, 'RFC 3180', { en: 'GLOP multicast', ja: 'GLOP マルチキャスト' }),
  r('239.0.0.0/8', 'multicast', true, 'RFC 2365', {
    en: 'Administratively scoped multicast (site-local, e.g. SSDP)',
    ja: '管理スコープのマルチキャスト (組織内、SSDP など)',
  }),
  r('240.0.0.0/4', 'reserved', true, 'RFC 1112', { en: 'Reserved for future use (240.0.0.0/4)', ja: '将来の利用のため予約 (240.0.0.0/4)' }),
  r('255.255.255.255/32', 'broadcast', true, 'RFC 919'),
]);

const IETF_RESERVED: Text = { en: 'Reserved by the IETF (not allocated)', ja: 'IETF 予約 (未割り当て)' };

/**
 * IPv6 blocks. Special-Purpose registry rows, plus the IPv6 Address Space registry's top level: everything outside
 * 2000::/3, fc00::/7, fe80::/10 and ff00::/8 is unallocated, so a packet from there is a bogon.
 */
export const IPV6_RANGES: readonly AddressRange[] = Object.freeze([
  r('::/128', 'unspecified', true, 'RFC 4291'),
  r('::1/128', 'loopback', true, 'RFC 4291'),
  r('::ffff:0:0/96', 'ipv4-mapped', true, 'RFC 4291'),
  r('64:ff9b::/96', 'nat64', false, 'RFC 6052', { en: 'NAT64 well-known prefix', ja: 'NAT64 ウェルノウンプレフィックス' }),
  r('64:ff9b:1::/48', 'nat64', true, 'RFC 8215', { en: 'NAT64 local-use prefix', ja: 'NAT64 ローカル用プレフィックス' }),
  r('100::/64', 'discard', true, 'RFC 6666'),
  r('2001::/23', 'ietf-protocol', true, 'RFC 2928'),
  r('2001::/32', 'teredo', false, 'RFC 4380'),
  r('2001:1::1/128', 'anycast', false, 'RFC 7723', {
    en: 'Port Control Protocol (PCP) anycast',
    ja: 'ポート制御プロトコル (PCP) のエニーキャスト',
  }),
  r('2001:1::2/128', 'anycast', false, 'RFC 8155', { en: 'TURN server anycast', ja: 'TURN サーバーのエニーキャスト' }),
  r('2001:1::3/128', 'anycast', false, 'RFC 9665', {
    en: 'DNS-SD service registration protocol anycast',
    ja: 'DNS-SD サービス登録プロトコルのエニーキャスト',
  }),
  r('2001:2::/48', 'benchmarking', true, 'RFC 5180'),
  r('2001:3::/32', 'amt', false, 'RFC 7450'),
  r('2001:4:112::/48', 'as112', false, 'RFC 7535'),
  r('2001:10::/28', 'orchid', false, 'RFC 4843', { en: 'ORCHID (deprecated)', ja: 'ORCHID (廃止済み)' }),
  r('2001:20::/28', 'orchid', false, 'RFC 7343', { en: 'ORCHIDv2', ja: 'ORCHIDv2' }),
  r('2001:30::/28', 'drone-id', false, 'RFC 9374'),
  r('2001:db8::/32', 'documentation', true, 'RFC 3849', { en: 'Documentation (2001:db8::/32)', ja: 'ドキュメント用 (2001:db8::/32)' }),
  r('2002::/16', '6to4', false, 'RFC 3056'),
  r('2620:4f:8000::/48', 'as112', false, 'RFC 7534', { en: 'AS112 direct delegation', ja: 'AS112 (直接委任)' }),
  r('3fff::/20', 'documentation', true, 'RFC 9637', { en: 'Documentation (3fff::/20)', ja: 'ドキュメント用 (3fff::/20)' }),
  r('5f00::/16', 'segment-routing', true, 'RFC 9602'),
  r('fc00::/7', 'ula', true, 'RFC 4193'),
  r('fe80::/10', 'link-local', true, 'RFC 4291'),
  r('fec0::/10', 'reserved', true, 'RFC 3879', { en: 'Site-local (deprecated)', ja: 'サイトローカル (廃止済み)' }),
  r('ff00::/8', 'multicast', true, 'RFC 4291'),
  r('ff02::/16', 'multicast', true, 'RFC 4291', {
    en: 'Link-local scope multicast (never routed)',
    ja: 'リンクローカルスコープのマルチキャスト (ルーティングされない)',
  }),
  ...['::/8', '100::/8', '200::/7', '400::/6', '800::/5', '1000::/4', '4000::/3', '6000::/3', '8000::/3', 'a000::/3', 'c000::/3', 'e000::/4', 'f000::/5', 'f800::/6', 'fe00::/9'].map(
    (cidr) => r(cidr, 'reserved', true, 'RFC 4291', IETF_RESERVED),
  ),
]);

interface CompiledRange {
  readonly net: readonly number[];
  readonly bits: number;
  readonly entry: AddressRange;
}

/** Longest prefix first, so the first match is the most specific registry row. */
function compile(ranges: readonly AddressRange[]): readonly CompiledRange[] {
  return ranges
    .map((entry) => {
      const [net, bits] = ipaddr.parseCIDR(entry.cidr);
      return { net: net.toByteArray(), bits, entry };
    })
    .sort((a, b) => b.bits - a.bits);
}

/** The registry in the forms the look-ups use: CIDRs parsed, IPv4 rows as 32-bit network and mask. */
interface V4Row {
  readonly net: number;
  readonly mask: number;
  readonly entry: AddressRange;
}

interface Registry {
  readonly v4: readonly CompiledRange[];
  readonly v6: readonly CompiledRange[];
  /**
   * Per first byte, the IPv4 rows that can hold an address starting with it, longest prefix first as `v4`; none for
   * most bytes. Every line's destination (noise) and every WAN line's source (spoof) is classified: scanning all
   * rows for a public address, which matches none of them, was most of that.
   */
  readonly v4ByFirstByte: readonly (readonly V4Row[] | undefined)[];
  readonly byCidr: ReadonlyMap<string, AddressRange>;
}

let registry: Registry | undefined;

/**
 * Built on first use, not at import: an idle cron run that has no new line classifies no address, and parsing the
 * registry's CIDRs was about 3 ms of its start.
 */
function compiled(): Registry {
  if (registry) return registry;
  const v4 = compile(IPV4_RANGES);
  registry = {
    v4,
    v6: compile(IPV6_RANGES),
    v4ByFirstByte: byFirstByte(
      v4.map((c) => ({
        net: (((c.net[0]! << 24) | (c.net[1]! << 16) | (c.net[2]! << 8) | c.net[3]!) & maskOf(c.bits)) >>> 0,
        mask: maskOf(c.bits),
        entry: c.entry,
      })),
    ),
    byCidr: new Map([...IPV4_RANGES, ...IPV6_RANGES].map((r) => [r.cidr, r])),
  };
  return registry;
}

/** Each row under every first byte its prefix covers (a /4 covers 16), in the rows' order. */
function byFirstByte(rows: readonly V4Row[]): (V4Row[] | undefined)[] {
  const out = new Array<V4Row[] | undefined>(256).fill(undefined);
  for (const r of rows) {
    const top = r.mask >>> 24;
    for (let b = 0; b < 256; b++) if ((b & top) === r.net >>> 24) (out[b] ??= []).push(r);
  }
  return out;
}

/** Whether the first `bits` bits of two equal-length byte arrays agree. */
function prefixMatches(address: readonly number[], net: readonly number[], bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== net[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[whole] & mask) === (net[whole] & mask);
}

/** Longer than any address text (45 = IPv6 with embedded IPv4): refuse before doing any work. */
const MAX_ADDRESS_TEXT = 45;

type Parsed = { family: 4 | 6; address: string; bytes: number[] };

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** A strict dotted quad's four bytes (see dottedQuadAt). */
function parseIPv4Bytes(text: string): number[] | undefined {
  const n = dottedQuadAt(text, 0, text.length);
  return n < 0 ? undefined : [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function parseInternal(text: string): Parsed | undefined {
  if (text.length === 0 || text.length > MAX_ADDRESS_TEXT) return undefined;
  if (text.includes(':')) {
    // A zone index names an interface we cannot see; dropping it would be a guess.
    if (text.includes('%')) return undefined;
    if (text.includes('.')) {
      // ipaddr.js accepts octal and hex in the embedded IPv4 part; the notation allows only dotted decimal.
      if (!parseIPv4Bytes(text.slice(text.lastIndexOf(':') + 1))) return undefined;
    }
    if (!ipaddr.IPv6.isValid(text)) return undefined;
    const ip = ipaddr.IPv6.parse(text);
    const address = ip.isIPv4MappedAddress() ? `::ffff:${ip.toIPv4Address().toString()}` : ip.toRFC5952String();
    return { family: 6, address, bytes: ip.toByteArray() };
  }
  const bytes = parseIPv4Bytes(text);
  return bytes && { family: 4, address: text, bytes };
}

/** Parse an address as the kernel or a person writes it; anything that is not exactly an address is refused. */
export function parseAddress(text: string): { family: 4 | 6; address: string } | undefined {
  const parsed = parseInternal(text);
  return parsed && { family: parsed.family, address: parsed.address };
}

/** The address in network byte order (4 or 16 bytes), for hashing and comparing; undefined if not an address. */
export function addressBytes(text: string): { family: 4 | 6; bytes: number[] } | undefined {
  const parsed = parseInternal(text);
  return parsed && { family: parsed.family, bytes: parsed.bytes };
}

/** The registry row that covers an address, most specific first; undefined for global unicast space. */
function lookup(family: 4 | 6, bytes: readonly number[]): AddressRange | undefined {
  const r = compiled();
  for (const c of family === 4 ? r.v4 : r.v6) if (prefixMatches(bytes, c.net, c.bits)) return c.entry;
  return undefined;
}

/**
 * Logs repeat the same few addresses millions of times; remembering the answer keeps classification off the hot
 * path. Bounded so a scan from a whole /8 cannot grow memory: two generations, and when the young one fills, the
 * old one is dropped whole. Answers in use get copied forward, so busy addresses stay; evicting one by one from a
 * Map instead is slow in V8 once many deletions pile up.
 */
const GENERATION_LIMIT = 4096;
let young = new Map<string, AddressInfo | null>();
let old = new Map<string, AddressInfo | null>();

function remember(key: string, value: AddressInfo | null): void {
  if (young.size >= GENERATION_LIMIT) {
    old = young;
    young = new Map();
  }
  young.set(key, value);
}

function recall(key: string): AddressInfo | null | undefined {
  const hit = young.get(key);
  if (hit !== undefined) return hit;
  const older = old.get(key);
  if (older !== undefined) remember(key, older);
  return older;
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * The strict dotted quad in `text.slice(from, to)` as one unsigned number, read in place; -1 when it is not one.
 * Strict: four decimal parts 0-255 without leading zeros. inet_aton would also take "1.2.3", "0x7f.1" or
 * "010.0.0.1"; those are ambiguous in a log, so they are refused, and an accepted text is already canonical.
 */
export function dottedQuadAt(text: string, from: number, to: number): number {
  let out = 0;
  let parts = 0;
  let value = -1;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits > 0 && value === 0) return -1;
      value = (value < 0 ? 0 : value * 10) + (c - ZERO);
      if (++digits > 3 || value > 255) return -1;
    } else if (c === DOT) {
      if (digits === 0 || parts === 3) return -1;
      out = out * 256 + value;
      parts++;
      value = -1;
      digits = 0;
    } else return -1;
  }
  if (digits === 0 || parts !== 3) return -1;
  return out * 256 + value;
}

/**
 * The registry row an address falls in: null for public (global unicast) space, undefined when the text is not an
 * address. For the detectors, which ask this of every line and mostly only need "is it a bogon": an IPv4 address
 * is read and matched as one number, with nothing allocated and nothing cached (that beats a cache once a log has
 * more distinct addresses than the cache holds); IPv6 goes through classifyAddress and its cache.
 */
export function registryRow(text: string): AddressRange | null | undefined {
  if (text.length <= 15 && !text.includes(':')) {
    const n = dottedQuadAt(text, 0, text.length);
    if (n < 0) return undefined;
    const rows = compiled().v4ByFirstByte[n >>> 24];
    if (rows === undefined) return null;
    for (let i = 0; i < rows.length; i++) if (((n & rows[i]!.mask) >>> 0) === rows[i]!.net) return rows[i]!.entry;
    return null;
  }
  const info = classifyAddress(text);
  if (!info) return undefined;
  return info.range ? (compiled().byCidr.get(info.range) ?? null) : null;
}

/** Classify an address. Results are frozen and shared between calls: never mutate them. */
export function classifyAddress(text: string): AddressInfo | undefined {
  const hit = recall(text);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseInternal(text);
  if (!parsed) {
    remember(text, null);
    return undefined;
  }
  const entry = lookup(parsed.family, parsed.bytes);
  const info: AddressInfo = Object.freeze(
    entry
      ? { family: parsed.family, address: parsed.address, class: entry.class, range: entry.cidr, bogon: entry.bogon, name: entry.name }
      : { family: parsed.family, address: parsed.address, class: 'public' as const, range: '', bogon: false, name: ADDRESS_CLASS_NAMES.public },
  );
  remember(text, info);
  return info;
}

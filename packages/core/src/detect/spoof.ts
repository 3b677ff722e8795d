import ipaddr from 'ipaddr.js';
import type { Text } from '../i18n/text.js';
import { classifyAddress, registryRow, type AddressClass, type AddressInfo } from '../net/address-class.js';
import { ClosedFindings } from './closed-findings.js';
import { isAllowedTraffic, type DetectEvent } from './event.js';
import type { SpoofFinding } from './findings.js';
import { LruMap } from './lru.js';

export interface SpoofConfig {
  /**
   * Interfaces that face the Internet. The agent passes the interfaces carrying the default routes. When absent
   * (`portcullis scan` of somebody's file), every interface but the loopback ones is looked at, but only for
   * classes that are a lie on any link (see `STRICT_CLASSES`): a private source might be the LAN of a router, and
   * calling it spoofed would block the LAN, the one mistake this rule must never make.
   */
  readonly wan?: readonly string[];
  /** Loopback interfaces: a loopback source is normal there. */
  readonly loopback: readonly string[];
  /**
   * Networks attached to the WAN interfaces (CIDRs, from `ip -j addr`). A cloud VM behind 1:1 NAT has a private
   * address on its "WAN": its neighbours (the provider's gateway, DNS, metadata) are private too, and are not spoofed.
   */
  readonly connected: readonly string[];
  /** Episode end: a source silent this long starts a new finding. */
  readonly idleMs: number;
  /** Spoofed sources tracked at once; a flood of random bogons evicts the least recently heard. */
  readonly maxSources: number;
}

export const DEFAULT_SPOOF_CONFIG: SpoofConfig = Object.freeze({
  loopback: Object.freeze(['lo']),
  connected: Object.freeze([]),
  idleMs: 3_600_000,
  maxSources: 10_000,
});

/**
 * Classes no honest packet carries as its source on any link, LAN or WAN. Used when the WAN is unknown. Private,
 * shared, ULA and IPv4 link-local are left out on purpose: they are somebody's LAN.
 */
export const STRICT_CLASSES: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'loopback',
  'documentation',
  'reserved',
  'multicast',
  'broadcast',
  'unspecified',
  'ipv4-mapped',
  'discard',
]);

/**
 * Bogon sources that are nevertheless normal on the wire:
 * - IPv6 link-local (fe80::/10): neighbour discovery, router advertisements (the ISP's router included), MLD.
 *   A link-local packet cannot have been routed, so it came from the local link and was not spoofed from afar.
 * - The unspecified address in DHCP DISCOVER (UDP to 67), IGMP (`PROTO=2`), and IPv6 duplicate address detection
 *   and MLD (ICMPv6 from `::`), and DHCPv6 (UDP to 547).
 */
export function isHarmlessBogon(info: AddressInfo, e: DetectEvent): boolean {
  if (info.family === 6 && info.class === 'link-local') return true;
  if (info.class !== 'unspecified') return false;
  const proto = (e.proto ?? '').toUpperCase();
  if (proto === '2' || proto === 'IGMP') return true;
  if (proto === 'ICMPV6' || proto === '58') return info.family === 6;
  if (proto === 'UDP') return info.family === 4 ? e.dpt === 67 || e.dpt === 68 : e.dpt === 547;
  return false;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseCidrs(list: readonly string[]): Cidr[] {
  return list.map((text) => {
    try {
      return ipaddr.parseCIDR(text);
    } catch {
      throw new RangeError(`spoof detector: "${text}" in connected is not a network in CIDR notation`);
    }
  });
}

function inAny(address: string, nets: readonly Cidr[]): boolean {
  if (nets.length === 0) return false;
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return false;
  }
  for (const [net, bits] of nets) {
    if (net.kind() === ip.kind() && ip.match(net, bits)) return true;
    // An IPv4 network also covers the IPv4-mapped form of its addresses.
    if (net.kind() === 'ipv4' && ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
      if ((ip as ipaddr.IPv6).toIPv4Address().match(net, bits)) return true;
    }
  }
  return false;
}

export interface SpoofVerdict {
  readonly info: AddressInfo;
  readonly interface: string;
}

interface SpoofState {
  readonly info: AddressInfo;
  first: number;
  last: number;
  lines: number;
  readonly interfaces: Set<string>;
}

export interface SpoofStats {
  events: number;
  /** Lines with a spoofed source. */
  spoofed: number;
  /** Bogon sources let through by a harmless case or a connected network. */
  harmless: number;
  evicted: number;
}

/**
 * Streaming spoofed-source detector: one finding per source and episode, with the interfaces it arrived on (the
 * decision drops it there, and only there). Same life cycle as `ScanDetector`: `push` returns episodes that ended,
 * `flush` the rest. Allowed traffic (`accept`/`audit`) is skipped: the firewall's owner chose to let it in.
 */
export class SpoofDetector {
  readonly config: SpoofConfig;
  private readonly wan?: ReadonlySet<string>;
  private readonly loopback: ReadonlySet<string>;
  private readonly connected: readonly Cidr[];
  private readonly sources = new LruMap<SpoofState>();
  private watermark = -Infinity;
  readonly stats: SpoofStats = { events: 0, spoofed: 0, harmless: 0, evicted: 0 };
  /** Findings closed by the push under way. */
  private readonly closed = new ClosedFindings<SpoofFinding>();

  constructor(config: Partial<SpoofConfig> = {}) {
    const c: SpoofConfig = {
      ...DEFAULT_SPOOF_CONFIG,
      ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
    };
    if (!Number.isInteger(c.idleMs) || c.idleMs < 1) throw new RangeError(`spoof detector: idleMs must be above 0, got ${c.idleMs}`);
    if (!Number.isInteger(c.maxSources) || c.maxSources < 1) {
      throw new RangeError(`spoof detector: maxSources must be above 0, got ${c.maxSources}`);
    }
    this.config = Object.freeze(c);
    this.wan = c.wan ? new Set(c.wan) : undefined;
    this.loopback = new Set(c.loopback);
    this.connected = parseCidrs(c.connected);
  }

  get tracked(): number {
    return this.sources.size;
  }

  /** The pure rule for one event, without state: is its source spoofed? */
  check(e: DetectEvent): SpoofVerdict | undefined {
    const iface = e.in;
    if (!iface || !e.src || isAllowedTraffic(e.prefixAction)) return undefined;
    if (this.wan ? !this.wan.has(iface) : this.loopback.has(iface)) return undefined;
    // nearly every source is public: the cheap registry look-up settles those without building their AddressInfo
    if (!registryRow(e.src)?.bogon) return undefined;
    const info = classifyAddress(e.src);
    if (!info || !info.bogon) return undefined;
    if (!this.wan && !STRICT_CLASSES.has(info.class)) return undefined;
    if (isHarmlessBogon(info, e) || inAny(info.address, this.connected)) {
      this.stats.harmless++;
      return undefined;
    }
    return { info, interface: iface };
  }

  push(e: DetectEvent): readonly SpoofFinding[] {
    this.stats.events++;
    const t = e.time ?? (this.watermark === -Infinity ? 0 : this.watermark);
    if (t > this.watermark) this.watermark = t;
    const closed = this.closed;
    const horizon = this.watermark - this.config.idleMs;
    for (let s = this.sources.oldestValue(); s && s.last < horizon; s = this.sources.oldestValue()) {
      this.sources.deleteOldest();
      closed.add(this.finding(s));
    }
    const v = this.check(e);
    if (!v) return closed.take();
    this.stats.spoofed++;
    const key = v.info.address;
    let s = this.sources.use(key);
    if (!s) {
      s = { info: v.info, first: t, last: t, lines: 0, interfaces: new Set() };
      if (this.sources.size >= this.config.maxSources) {
        const oldest = this.sources.oldestValue();
        if (oldest) {
          this.sources.deleteOldest();
          this.stats.evicted++;
          closed.add(this.finding(oldest));
        }
      }
      this.sources.set(key, s);
    }
    s.lines++;
    if (t < s.first) s.first = t;
    if (t > s.last) s.last = t;
    if (s.interfaces.size < 16) s.interfaces.add(v.interface);
    return closed.take();
  }

  flush(): SpoofFinding[] {
    const out = [...this.sources.values()].map((s) => this.finding(s));
    this.sources.clear();
    return out;
  }

  active(): SpoofFinding[] {
    return [...this.sources.values()].map((s) => this.finding(s));
  }

  private finding(s: SpoofState): SpoofFinding {
    const interfaces = Object.freeze([...s.interfaces].sort());
    return Object.freeze({
      rule: 'spoofed-source',
      source: s.info.address,
      family: s.info.family,
      lines: s.lines,
      first: s.first,
      last: s.last,
      interfaces,
      addressClass: s.info.class,
      range: s.info.range,
      rangeName: s.info.name,
      why: explainSpoof(s.info, interfaces, this.wan !== undefined),
    });
  }
}

function explainSpoof(info: AddressInfo, interfaces: readonly string[], wanKnown: boolean): Text {
  const ifs = interfaces.join(', ');
  const block = `${info.name.en}, ${info.range}`;
  const blockJa = `${info.name.ja}、${info.range}`;
  if (wanKnown) {
    return {
      en:
        `${info.address} (${block}) arrived on the Internet-facing interface ${ifs}: such a source cannot come from ` +
        `the Internet, so the packet is forged or leaked. Drop it on ${ifs} only, never where the LAN is.`,
      ja:
        `${info.address} (${blockJa}) がインターネット側インターフェース ${ifs} に届きました。このような送信元は` +
        `インターネットからは来ないため、偽装または漏洩したパケットです。遮断は ${ifs} でのみ行い、LAN 側では行いません。`,
    };
  }
  return {
    en:
      `${info.address} (${block}) arrived on ${ifs}: no honest packet carries this source address on any network, ` +
      `so it is forged. Drop it on ${ifs} only.`,
    ja:
      `${info.address} (${blockJa}) が ${ifs} に届きました。この送信元アドレスはどのネットワークでも正規のパケットには` +
      `使われないため、偽装されたパケットです。遮断は ${ifs} でのみ行います。`,
  };
}

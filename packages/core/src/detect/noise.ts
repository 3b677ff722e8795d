import type { Text } from '../i18n/text.js';
import { classifyAddress, registryRow } from '../net/address-class.js';
import type { DetectEvent } from './event.js';

/**
 * Harmless chatter a default-deny firewall logs by the thousand: counted and reported, never a finding, never a
 * ban. Each reason can be switched off (the line then counts like any other).
 */
export type NoiseReason = 'igmp' | 'mdns' | 'ssdp' | 'llmnr' | 'netbios' | 'dhcp' | 'dhcpv6' | 'multicast' | 'broadcast';

export const NOISE_REASONS: readonly NoiseReason[] = Object.freeze([
  'igmp',
  'mdns',
  'ssdp',
  'llmnr',
  'netbios',
  'dhcp',
  'dhcpv6',
  'multicast',
  'broadcast',
]);

export interface NoiseConfig {
  /** Reasons treated as noise. Default: all of them. */
  readonly reasons: readonly NoiseReason[];
  /** Directed-broadcast addresses of the host's networks (`ip -j addr` gives them), e.g. `153.121.33.255`. */
  readonly broadcast: readonly string[];
  /**
   * Without the list above, guess that an IPv4 destination ending in `.255` is a subnet broadcast. Wrong only for
   * a unicast host numbered .255 in a network larger than /24, which is rare; the memo's NetBIOS line needs it.
   */
  readonly guessBroadcast: boolean;
}

export const DEFAULT_NOISE_CONFIG: NoiseConfig = Object.freeze({
  reasons: NOISE_REASONS,
  broadcast: Object.freeze([]),
  guessBroadcast: true,
});

export interface NoiseVerdict {
  readonly reason: NoiseReason;
  readonly why: Text;
}

const WHY: Readonly<Record<NoiseReason, Text>> = {
  igmp: {
    en: 'IGMP to a multicast group (a router asking who listens, or a host answering): harmless LAN housekeeping',
    ja: 'マルチキャストグループ宛ての IGMP (ルーターの参加確認やホストの応答): 無害な LAN の管理通信',
  },
  mdns: {
    en: 'mDNS (UDP 5353 to a multicast group): devices announcing themselves on the LAN',
    ja: 'mDNS (マルチキャスト宛て UDP 5353): LAN 上の機器の自己紹介',
  },
  ssdp: {
    en: 'SSDP / UPnP discovery (UDP 1900 to a multicast group): devices looking for each other',
    ja: 'SSDP / UPnP 探索 (マルチキャスト宛て UDP 1900): 機器同士の探索',
  },
  llmnr: {
    en: 'LLMNR (UDP 5355 to a multicast group): Windows name lookups on the LAN',
    ja: 'LLMNR (マルチキャスト宛て UDP 5355): LAN 上の Windows の名前解決',
  },
  netbios: {
    en: 'NetBIOS name or datagram broadcast (UDP 137/138): Windows and Samba chatter',
    ja: 'NetBIOS の名前・データグラムのブロードキャスト (UDP 137/138): Windows や Samba の定期通信',
  },
  dhcp: {
    en: 'DHCP (UDP 67/68): a machine asking for or renewing its address',
    ja: 'DHCP (UDP 67/68): アドレスの取得・更新',
  },
  dhcpv6: {
    en: 'DHCPv6 (UDP 546/547): a machine asking for or renewing its IPv6 address',
    ja: 'DHCPv6 (UDP 546/547): IPv6 アドレスの取得・更新',
  },
  multicast: {
    en: 'Multicast destination: addressed to a group, not to this host, so not an attack on it',
    ja: 'マルチキャスト宛て: このホスト宛てではなくグループ宛てのため、攻撃ではありません',
  },
  broadcast: {
    en: 'Broadcast destination: addressed to every host on the link, not to this one',
    ja: 'ブロードキャスト宛て: このホストではなくリンク上の全ホスト宛て',
  },
};

export function noiseReasonText(reason: NoiseReason): Text {
  return WHY[reason];
}

/** Classifier with its configuration compiled once; `classify` runs per line. */
export class NoiseClassifier {
  readonly config: NoiseConfig;
  private readonly enabled: ReadonlySet<NoiseReason>;
  private readonly broadcast: ReadonlySet<string>;

  constructor(config: Partial<NoiseConfig> = {}) {
    const c: NoiseConfig = {
      ...DEFAULT_NOISE_CONFIG,
      ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
    };
    for (const r of c.reasons) {
      if (!NOISE_REASONS.includes(r)) throw new RangeError(`noise: unknown reason "${r}" (known: ${NOISE_REASONS.join(', ')})`);
    }
    this.config = Object.freeze(c);
    this.enabled = new Set(c.reasons);
    this.broadcast = new Set(c.broadcast.map((b) => classifyAddress(b)?.address ?? b));
  }

  /** Undefined when the line is not noise (or its reason is switched off). */
  classify(e: DetectEvent): NoiseVerdict | undefined {
    const reason = this.reasonOf(e);
    return reason && this.enabled.has(reason) ? { reason, why: WHY[reason] } : undefined;
  }

  private reasonOf(e: DetectEvent): NoiseReason | undefined {
    const proto = (e.proto ?? '').toUpperCase();
    const udp = proto === 'UDP';
    const dst = e.dst;
    const row = dst ? registryRow(dst) : undefined;
    const dstClass = row === null ? 'public' : row?.class;

    if (dstClass === 'multicast') {
      if (proto === '2' || proto === 'IGMP') return 'igmp';
      if (udp) {
        switch (e.dpt) {
          case 5353:
            return 'mdns';
          case 1900:
            return 'ssdp';
          case 5355:
            return 'llmnr';
          case 137:
          case 138:
            return 'netbios';
          case 547:
            return 'dhcpv6';
        }
      }
      return 'multicast';
    }
    if (dst && (dstClass === 'broadcast' || this.broadcast.has(dst) || (this.config.guessBroadcast && isDotted255(dst)))) {
      if (udp && (e.dpt === 137 || e.dpt === 138)) return 'netbios';
      if (udp && (e.dpt === 67 || e.dpt === 68)) return 'dhcp';
      return 'broadcast';
    }
    if (udp) {
      // Unicast DHCP (renewals, a relay's answers) always runs between the two fixed ports.
      if ((e.spt === 68 && e.dpt === 67) || (e.spt === 67 && e.dpt === 68)) return 'dhcp';
      if ((e.spt === 546 && e.dpt === 547) || (e.spt === 547 && e.dpt === 546)) return 'dhcpv6';
    }
    return undefined;
  }
}

function isDotted255(address: string): boolean {
  return address.endsWith('.255') && !address.includes(':');
}

const DEFAULT_CLASSIFIER = new NoiseClassifier();

/** One-off classification; build a `NoiseClassifier` once for many lines with a custom configuration. */
export function classifyNoise(e: DetectEvent, config?: Partial<NoiseConfig>): NoiseVerdict | undefined {
  return (config ? new NoiseClassifier(config) : DEFAULT_CLASSIFIER).classify(e);
}

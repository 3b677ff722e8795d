import type { Text } from '../i18n/text.js';
import { classifyAddress } from '../net/address-class.js';
import type { Finding } from '../detect/findings.js';
import { isPortScan } from '../detect/findings.js';
import type { Allowlist } from './allowlist.js';
import { banDuration, DEFAULT_BAN_POLICY, type BanPolicy } from './escalation.js';

/**
 * What to do about a finding: block the source everywhere (`block`), drop it on the WAN interfaces only (`spoof`,
 * a forged source: blocking it everywhere could cut off the LAN or a real peer it impersonates), or nothing (with
 * the reason, so the report can say why a finding did not become a ban).
 */
export interface Decision {
  readonly address: string;
  readonly family: 4 | 6;
  readonly kind: 'block' | 'spoof';
  /** Milliseconds from `now` until the ban ends: the escalated time minus what already passed since the last line. */
  readonly remainingMs: number;
  /** The offence number this ban counts as (1 = first). */
  readonly offence: number;
  readonly interfaces: readonly string[];
  readonly why: Text;
  readonly finding: Finding;
}

export interface Skipped {
  readonly address: string;
  readonly reason: 'allowed' | 'expired' | 'bogon-not-on-wan' | 'not-an-address';
  readonly why: Text;
  readonly finding: Finding;
}

export interface DecideInput {
  readonly findings: readonly Finding[];
  /** Epoch ms: the agent's clock (core never reads one). */
  readonly now: number;
  /** Offences already on record per source (from the state), before these findings. */
  readonly offences: ReadonlyMap<string, number>;
  readonly allow: Allowlist;
  /**
   * Networks attached to this host's interfaces. A special-purpose source inside one is a real neighbour (a lab on
   * TEST-NET, a datacentre's private network, a CGNAT peer), not a forgery: if it scans, it is blocked like any.
   */
  readonly neighbours?: Allowlist;
  readonly policy?: BanPolicy;
}

export interface DecideOutput {
  readonly decisions: Decision[];
  readonly skipped: Skipped[];
}

const t = (en: string, ja: string): Text => ({ en, ja });

/**
 * Turns findings into bans. One decision per source (its strongest finding), never one for an allowed address,
 * never a `block` for a bogon source (that is somebody's LAN, or a forgery: those get `spoof` on the WAN only).
 */
export function decide(input: DecideInput): DecideOutput {
  const policy = input.policy ?? DEFAULT_BAN_POLICY;
  const decisions = new Map<string, Decision>();
  const skipped: Skipped[] = [];
  for (const f of input.findings) {
    const info = classifyAddress(f.source);
    if (!info) {
      skipped.push({ address: f.source, reason: 'not-an-address', why: t('not an address', 'アドレスではない'), finding: f });
      continue;
    }
    const allowed = input.allow.covering(info.address);
    if (allowed) {
      skipped.push({
        address: info.address,
        reason: 'allowed',
        why: t(`never blocked: ${allowed.cidr} (${allowed.why})`, `ブロック対象外: ${allowed.cidr} (${allowed.why})`),
        finding: f,
      });
      continue;
    }
    let kind: 'block' | 'spoof';
    if (!isPortScan(f)) kind = 'spoof';
    else if (info.bogon && !input.neighbours?.covering(info.address)) {
      // a scan from a bogon source: only the spoof rule may act on it, and only where it arrived from the Internet
      skipped.push({
        address: info.address,
        reason: 'bogon-not-on-wan',
        why: t('a special-purpose source: reported, never blocked everywhere', '特殊用途アドレス: 報告のみ (全体ブロックはしない)'),
        finding: f,
      });
      continue;
    } else kind = 'block';
    const offence = (input.offences.get(info.address) ?? 0) + 1;
    const remainingMs = banDuration(offence, policy) - Math.max(0, input.now - f.last);
    if (remainingMs <= 0) {
      skipped.push({ address: info.address, reason: 'expired', why: t('the ban would already be over', 'ブロック期間は既に経過'), finding: f });
      continue;
    }
    const prev = decisions.get(info.address);
    if (prev) {
      // a spoofed source that also scans keeps the WAN-only drop: blocking it everywhere could cut off whoever it
      // forges; between two decisions of one kind, the longer one stands
      const keepPrev = prev.kind === 'spoof' ? true : kind === 'spoof' ? false : prev.remainingMs >= remainingMs;
      if (keepPrev) continue;
    }
    decisions.set(info.address, {
      address: info.address,
      family: info.family,
      kind,
      remainingMs,
      offence,
      interfaces: f.interfaces,
      why: f.why,
      finding: f,
    });
  }
  return { decisions: [...decisions.values()], skipped };
}

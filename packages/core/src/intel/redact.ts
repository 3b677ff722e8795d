/**
 * The comment of an AbuseIPDB report: a few of the scanner's log lines, with what would identify the reporting
 * host taken out. What goes: the host's own addresses in any spelling (the kernel prints IPv6 fully expanded),
 * its names (the syslog host field), every MAC= value (its own NIC and the upstream router's), and any non-public
 * address (the LAN behind it). The scanner's address stays: it is what the report is about.
 */
import { classifyAddress, parseAddress } from '../net/address-class.js';

/** AbuseIPDB refuses comments longer than 1024 characters. */
export const MAX_REPORT_COMMENT = 1024;

export interface RedactOptions {
  /** The host's own addresses, any form. */
  readonly addresses: readonly string[];
  /** The host's names (short and fully qualified); matched as whole words, case-insensitive. */
  readonly names: readonly string[];
  /** The reported source: never replaced, even when it is not public. */
  readonly keep?: string;
}

const ADDRESS_LIKE = /[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*/g;

export function redactLine(line: string, options: RedactOptions): string {
  const own = new Set<string>();
  for (const a of options.addresses) {
    const p = parseAddress(a);
    if (p) own.add(p.address);
  }
  const keep = options.keep !== undefined ? parseAddress(options.keep)?.address : undefined;
  let out = line.replace(/\bMAC=\S*/g, 'MAC=[removed]');
  out = out.replace(ADDRESS_LIKE, (m) => {
    const p = parseAddress(m);
    if (!p || p.address === keep) return m;
    if (own.has(p.address)) return '[this-host]';
    const cls = classifyAddress(p.address);
    return cls && cls.class !== 'public' ? '[internal]' : m;
  });
  for (const name of options.names) {
    if (!name) continue;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[^A-Za-z0-9.-])${escaped}(?![A-Za-z0-9-])`, 'gi'), '$1[this-host]');
  }
  return out;
}

/** A header sentence, then as many redacted lines as fit in the limit (whole lines only). */
export function reportComment(header: string, lines: readonly string[], options: RedactOptions, limit = MAX_REPORT_COMMENT): string {
  let out = header.slice(0, limit);
  for (const l of lines) {
    const r = redactLine(l.trim(), options);
    if (out.length + 1 + r.length > limit) break;
    out += `\n${r}`;
  }
  return out;
}

import type { Layer } from './catalogue.js';

/** What makes a header whole, shared by the full decode (decode.ts) and the plain-line walk (line-event.ts). */

/** Fields the kernel always prints for a complete header; a line missing one was cut short. */
const REQUIRED: Partial<Record<Layer, readonly string[]>> = {
  ipv4: ['SRC', 'DST', 'LEN', 'TOS', 'PREC', 'TTL', 'ID', 'PROTO'],
  ipv6: ['SRC', 'DST', 'LEN', 'TC', 'HOPLIMIT', 'FLOWLBL', 'PROTO'],
  tcp: ['SPT', 'DPT', 'WINDOW', 'RES', 'URGP'],
  udp: ['SPT', 'DPT', 'LEN'],
  icmp: ['TYPE', 'CODE'],
  icmpv6: ['TYPE', 'CODE'],
  arp: ['HTYPE', 'PTYPE', 'OPCODE'],
};

// Each required key is one bit of its layer's mask, so the hot path records what it saw without building strings.
export const REQUIRED_BIT = new Map<Layer, Map<string, number>>();
export const REQUIRED_ALL = new Map<Layer, number>();
for (const [layer, keys] of Object.entries(REQUIRED) as [Layer, readonly string[]][]) {
  REQUIRED_BIT.set(layer, new Map(keys.map((k, i) => [k, 1 << i])));
  REQUIRED_ALL.set(layer, (1 << keys.length) - 1);
}

/** Protocols whose header the kernel prints after PROTO=: announced but absent means the line was cut. */
export const HEADERED = new Set(['TCP', 'UDP', 'UDPLITE', 'ICMP', 'ICMPv6']);

/** A port number as logged (1-5 digits, at most 65535), or undefined. */
export function port(text: string): number | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n <= 65535 ? n : undefined;
}

import { fieldSpec, HEADER_ORDER, type Layer } from './catalogue.js';
import { tokenValue } from './tokenize.js';
import type { Token } from './types.js';

/** The layer each transport `PROTO=` word switches to. */
export function transportLayer(proto: string, ip: 'ipv4' | 'ipv6'): Layer {
  switch (proto) {
    case 'TCP':
      return 'tcp';
    case 'UDP':
    case 'UDPLITE':
      return 'udp';
    case 'ICMP':
      return 'icmp';
    case 'ICMPv6':
      return 'icmpv6';
    case 'AH':
    case 'ESP':
      return 'ipsec';
    default:
      // a numeric protocol: nothing follows but UID/GID/MARK
      return ip;
  }
}

/** Layers in the order the kernel prints them, to recover when a line was cut at the front. */
const FALLBACK: Record<Layer, readonly Layer[]> = {
  link: ['ipv4', 'tcp', 'udp', 'icmp'],
  ipv4: ['tcp', 'udp', 'icmp'],
  ipv6: ['tcp', 'udp', 'icmpv6'],
  tcp: [],
  udp: [],
  icmp: [],
  icmpv6: [],
  ipsec: [],
  arp: [],
  meta: [],
};

/**
 * Assigns each token the layer the kernel printed it in, walking the fixed order link → IP → transport → meta;
 * ICMP's embedded packet (depth 1) walks its own. Tokens that fit nowhere get undefined (unknown keys).
 */
export function assignLayers(message: string, tokens: readonly Token[]): (Layer | undefined)[] {
  const layers: (Layer | undefined)[] = new Array(tokens.length);
  const state: Layer[] = ['link', 'link'];
  const ip: ('ipv4' | 'ipv6')[] = ['ipv4', 'ipv4'];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const d = tok.depth;
    const key = tok.key;
    let layer = state[d];
    if (key === 'SRC' && (layer === 'link' || layer === 'ipv4' || layer === 'ipv6') && tok.valueStart >= 0) {
      ip[d] = message.indexOf(':', tok.valueStart) >= 0 && message.indexOf(':', tok.valueStart) < tok.valueEnd ? 'ipv6' : 'ipv4';
      layer = state[d] = ip[d];
    } else if (key === 'ARP' && layer === 'link') {
      state[d] = 'arp';
      layers[i] = 'arp';
      continue;
    }
    if (key === 'PROTO' && (layer === 'ipv4' || layer === 'ipv6' || layer === 'link')) {
      if (layer === 'link') layer = ip[d];
      layers[i] = layer;
      state[d] = transportLayer(tokenValue(message, tok), ip[d]);
      continue;
    }
    let spec = fieldSpec(layer, key);
    if (!spec) {
      for (const next of FALLBACK[layer]) {
        if (fieldSpec(next, key)) {
          layer = state[d] = next;
          spec = fieldSpec(next, key);
          break;
        }
      }
    }
    layers[i] = spec ? spec.layer : undefined;
  }
  return layers;
}

/**
 * A line cut at the front starts mid-token (`L=126 ID=8698 ...`, `TL=126 ...`). When the cut key is the tail of the
 * key the kernel prints right before the next one, that key is certain, not guessed: `L` before `ID` is `TTL`.
 */
export function restoreCutKey(cut: string, nextKey: string | undefined): string | undefined {
  if (!cut || !nextKey) return undefined;
  for (const order of Object.values(HEADER_ORDER)) {
    const at = order.indexOf(nextKey);
    if (at > 0 && order[at - 1].endsWith(cut) && order[at - 1] !== cut) return order[at - 1];
  }
  return undefined;
}

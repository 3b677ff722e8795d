import { frame } from '../framing/frame.js';
import type { Frame } from '../framing/types.js';
import { internAddress } from '../net/address-intern.js';
import { fieldSpec, TCP_FLAG_WORDS, type Layer } from './catalogue.js';
import { HEADERED, port, REQUIRED_ALL, REQUIRED_BIT } from './completeness.js';
import { assignLayers, restoreCutKey } from './layers.js';
import { recognisePrefix } from './prefixes.js';
import { findInField, tokenize, tokenValue } from './tokenize.js';
import type { DecodedLine, DecodeOptions, Family, Token } from './types.js';

const TCP_FLAGS = new Set(TCP_FLAG_WORDS);

/**
 * The kernel's printk record holds at most 1024 bytes and the longest nf_log line is about 800; relays add a
 * header. Anything past 64 KiB is not a firewall line, whatever it contains, and is not worth scanning.
 */
export const MAX_LINE = 65536;

/**
 * Frames and tokenises one raw line. Returns undefined when it is not a netfilter LOG line. Reads only the few
 * facts detection needs (interfaces, addresses, protocol, ports, TCP flags); every other value is decoded on
 * demand by `decodeFields`, from the same tokens, so the two can never disagree.
 */
export function decodeLine(line: string, options?: DecodeOptions): DecodedLine | undefined {
  if (line.length > MAX_LINE) return undefined;
  return decodeFramed(frame(line, options));
}

export function decodeFramed(fr: Frame): DecodedLine | undefined {
  const message = fr.message;
  const inAt = findInField(message);
  let tokens: Token[];
  let cutFront = false;
  let prefixEnd: number;
  if (inAt >= 0) {
    prefixEnd = inAt;
    tokens = tokenize(message, inAt);
  } else {
    // No `IN=`: perhaps a relay cut the line's front off (`TTL=126 ID=15317 DF PROTO=TCP ...`).
    if (message.indexOf('PROTO=') < 0) return undefined;
    tokens = tokenize(message, 0);
    if (!looksLikeCutHeader(tokens)) return undefined;
    cutFront = true;
    prefixEnd = 0;
    repairCutFront(tokens);
  }
  const layers = assignLayers(message, tokens);
  const prefixText = message.slice(0, prefixEnd);
  const known = recognisePrefix(prefixText);
  const out: DecodedLine = {
    frame: fr,
    message,
    prefix: { text: prefixText, start: 0, end: prefixEnd, ...known },
    family: 'other',
    tokens,
    truncated: cutFront,
  };
  readSummary(out, layers);
  return out;
}

function looksLikeCutHeader(tokens: readonly Token[]): boolean {
  let known = 0;
  for (const t of tokens) {
    if (t.key === 'PROTO') return known >= 1;
    if (fieldSpec('ipv4', t.key) || fieldSpec('ipv6', t.key)) known++;
  }
  return false;
}

/** Drops the leading fragment of a cut line, restoring its key where the kernel's order makes it certain. */
function repairCutFront(tokens: Token[]): void {
  const first = tokens[0];
  if (!first) return;
  if (first.key === '' || (first.valueStart < 0 && !fieldSpec('ipv4', first.key))) {
    // a value fragment such as the `0` of `PREC=0x00`
    tokens[0] = { ...first, key: '' };
    return;
  }
  if (first.valueStart >= 0 && !fieldSpec('ipv4', first.key) && !fieldSpec('link', first.key)) {
    const restored = restoreCutKey(first.key, tokens[1]?.key);
    tokens[0] = { ...first, key: restored ?? '' };
  }
}

function readSummary(out: DecodedLine, layers: readonly (Layer | undefined)[]): void {
  const { message, tokens } = out;
  let transport: Layer | undefined;
  let ipLayer: 'ipv4' | 'ipv6' | undefined;
  let flags: string[] | undefined;
  let urgp = false;
  let fragment = false;
  let incomplete = false;
  let lastDepth = 0;
  let ipSeen = 0;
  let transportSeen = 0;
  let arpSeen = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    lastDepth = tok.depth;
    if (tok.depth === 1) continue;
    const layer = layers[i];
    if (!layer) continue;
    const key = tok.key;
    const bit = REQUIRED_BIT.get(layer)?.get(key) ?? 0;
    switch (layer) {
      case 'link':
        if (key === 'IN') out.in = tokenValue(message, tok);
        else if (key === 'OUT') out.out = tokenValue(message, tok);
        break;
      case 'ipv4':
      case 'ipv6':
        ipLayer = layer;
        ipSeen |= bit;
        if (key === 'SRC') out.src = internAddress(tokenValue(message, tok));
        else if (key === 'DST') out.dst = internAddress(tokenValue(message, tok));
        else if (key === 'PROTO') out.proto = tokenValue(message, tok);
        else if (key === 'FRAG') fragment ||= tokenValue(message, tok) !== '0';
        break;
      case 'tcp':
      case 'udp':
        transport = layer;
        transportSeen |= bit;
        if (key === 'SPT') out.spt = port(tokenValue(message, tok));
        else if (key === 'DPT') out.dpt = port(tokenValue(message, tok));
        else if (key === 'RES') flags = [];
        else if (key === 'URGP') urgp = true;
        else if (flags && tok.valueStart < 0 && TCP_FLAGS.has(key)) flags.push(key);
        else if (key === 'INCOMPLETE') incomplete = true;
        break;
      case 'icmp':
      case 'icmpv6':
      case 'ipsec':
        transport = layer;
        transportSeen |= bit;
        if (key === 'INCOMPLETE') incomplete = true;
        break;
      case 'arp':
        out.family = 'arp';
        arpSeen |= bit;
        break;
      case 'meta':
        if (key === 'TRUNCATED') out.truncated = true;
        break;
    }
  }
  if (ipLayer) out.family = ipLayer satisfies Family;
  if (transport === 'tcp' && urgp) out.tcpFlags = flags ?? [];
  if (out.truncated) return;
  // Which headers must be whole: the IP header always; the transport header unless the packet is a later
  // fragment or the kernel itself said the header was incomplete.
  if (ipLayer && ipSeen !== REQUIRED_ALL.get(ipLayer)) out.truncated = true;
  else if (out.family === 'arp' && arpSeen !== REQUIRED_ALL.get('arp')) out.truncated = true;
  else if (transport && !fragment && !incomplete && REQUIRED_ALL.has(transport) && transportSeen !== REQUIRED_ALL.get(transport)) out.truncated = true;
  // an embedded packet never closed
  else if (lastDepth === 1 && !message.trimEnd().endsWith(']')) out.truncated = true;
  // a protocol announced but its header absent
  else if (!transport && !fragment && out.proto !== undefined && HEADERED.has(out.proto)) out.truncated = true;
}



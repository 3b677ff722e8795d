import type { DetectEvent } from '../detect/event.js';
import { frame } from '../framing/frame.js';
import type { Frame } from '../framing/types.js';
import { internAddressAt } from '../net/address-intern.js';
import { ownCopy } from '../text/own-copy.js';
import { FIELDS, fieldSpec, TCP_FLAG_WORDS, type Layer } from './catalogue.js';
import { HEADERED, REQUIRED_ALL, REQUIRED_BIT } from './completeness.js';
import { decodeFramed, MAX_LINE } from './decode.js';
import { transportLayer } from './layers.js';
import { recognisePrefix } from './prefixes.js';
import { findInField } from './tokenize.js';
import type { DecodedLine, DecodeOptions } from './types.js';

/**
 * What detection needs of a line (the DetectEvent, whether it was cut short, and where its message and SRC value
 * lie), read in one walk over the characters without a Token per field. Scanning a log reads every line but looks
 * at few of them closely; the objects `decodeLine` makes for each field were most of the cost and most of the
 * garbage. Only the plain shape the kernel prints for nearly every line is read here (one packet, no embedded
 * ICMP packet, no IPv6 extension headers, no quoted values, no cut front); anything else goes to `decodeLine`, and a test holds
 * the two to the same answer on every line of the corpora and of the generated logs.
 */
export interface LineEvent {
  readonly event: DetectEvent;
  readonly truncated: boolean;
  /** The nf_log message in the raw line; the whole line for journald JSON, whose message is no substring. */
  readonly messageStart: number;
  readonly messageEnd: number;
  /** The top-level SRC value in the raw line, or the message span when there is none. */
  readonly srcStart: number;
  readonly srcEnd: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const EQ = 0x3d;
const QUOTE = 0x22;
const TCP_FLAGS = new Set(TCP_FLAG_WORDS);

/**
 * Keys are looked up by a small integer hash of their characters (a V8 small integer, so the Map lookup hashes
 * nothing), not by a string sliced from the line: slicing and hashing ~25 keys a line was most of the walk. Every
 * catalogue key hashes apart (checked when this module loads); a word that is no key may share a hash, so a hit is
 * confirmed against the key's text in place.
 */
function hashStep(h: number, c: number): number {
  return (h * 37 + c) & 0x3fffffff;
}

function hashKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = hashStep(h, key.charCodeAt(i));
  return h;
}

/** What the walk does with a key. */
const enum Role {
  Other,
  In,
  Out,
  Src,
  Dst,
  Proto,
  Spt,
  Dpt,
  Res,
  Urgp,
  Flag,
  Leave, // FRAG, INCOMPLETE, TRUNCATED: shapes the full decode handles
}

interface KeyInfo {
  readonly key: string;
  readonly layer: Layer;
  readonly bit: number;
  readonly role: Role;
}

function roleOf(key: string, layer: Layer): Role {
  switch (key) {
    case 'IN':
      return layer === 'link' ? Role.In : Role.Other;
    case 'OUT':
      return layer === 'link' ? Role.Out : Role.Other;
    case 'SRC':
      return layer === 'ipv4' || layer === 'ipv6' ? Role.Src : Role.Other;
    case 'DST':
      return layer === 'ipv4' || layer === 'ipv6' ? Role.Dst : Role.Other;
    case 'FRAG':
    case 'INCOMPLETE':
    case 'TRUNCATED':
      return Role.Leave;
  }
  if (layer !== 'tcp' && layer !== 'udp') return Role.Other;
  if (key === 'SPT') return Role.Spt;
  if (key === 'DPT') return Role.Dpt;
  if (layer === 'tcp' && key === 'RES') return Role.Res;
  if (layer === 'tcp' && key === 'URGP') return Role.Urgp;
  if (layer === 'tcp' && TCP_FLAGS.has(key)) return Role.Flag;
  return Role.Other;
}

/**
 * Per layer the walk is in: what fieldSpec(layer, key) says of each key, with the required bit and the role, in a
 * plain array indexed by the low bits of the key's hash (an array load is several times cheaper than a Map lookup,
 * and this is done for every field of every line). Every catalogue key has a slot of its own in each layer's table
 * (checked when this module loads); a word that is no key may land on a key's slot, so a hit is confirmed against
 * the key's text in place.
 */
const SLOT_BITS = 11;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
type KeyTable = (KeyInfo | undefined)[];
const KEYS = new Map<Layer, KeyTable>();
for (const layer of ['link', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'ipsec', 'arp', 'meta'] as const) {
  const table: KeyTable = new Array<KeyInfo | undefined>(1 << SLOT_BITS).fill(undefined);
  for (const key of new Set(FIELDS.map((f) => f.key))) {
    const spec = fieldSpec(layer, key);
    if (!spec) continue;
    const slot = hashKey(key) & SLOT_MASK;
    const clash = table[slot];
    if (clash) throw new Error(`line-event: keys ${clash.key} and ${key} share a slot; change hashStep or SLOT_BITS`);
    table[slot] = { key, layer: spec.layer, bit: REQUIRED_BIT.get(spec.layer)?.get(key) ?? 0, role: roleOf(key, spec.layer) };
  }
  KEYS.set(layer, table);
}
const HASH_SRC = hashKey('SRC');
const HASH_ARP = hashKey('ARP');
const HASH_PROTO = hashKey('PROTO');
const HASH_OPT = hashKey('OPT');
const LPAREN = 0x28;

export function readLineEvent(line: string, options?: DecodeOptions): LineEvent | undefined {
  if (line.length > MAX_LINE) return undefined;
  const fr = frame(line, options);
  const fast = plainEvent(fr);
  if (fast !== PLAIN_FAILED) return fast;
  const d = decodeFramed(fr);
  return d ? lineEventOf(d, line.length) : undefined;
}

/** The plain-line walk alone: undefined when the line is not plain (or not a firewall line). For tests and benches. */
export function readPlainLineEvent(line: string, options?: DecodeOptions): LineEvent | undefined {
  if (line.length > MAX_LINE) return undefined;
  const fast = plainEvent(frame(line, options));
  return fast === PLAIN_FAILED ? undefined : fast;
}

/** The same facts from a full decode (for callers that already have one). */
export function lineEventOf(d: DecodedLine, lineLength: number): LineEvent {
  const off = d.frame.messageOffset;
  const messageStart = off < 0 ? 0 : off;
  const messageEnd = off < 0 ? lineLength : off + d.message.length;
  const t = off < 0 ? undefined : d.tokens.find((x) => x.depth === 0 && x.key === 'SRC' && x.valueStart >= 0);
  return {
    event: {
      time: d.frame.time,
      src: d.src,
      dst: d.dst,
      in: d.in,
      proto: d.proto,
      spt: d.spt,
      dpt: d.dpt,
      tcpFlags: d.tcpFlags,
      prefixAction: d.prefix.action,
    },
    truncated: d.truncated,
    messageStart,
    messageEnd,
    srcStart: t ? off + t.valueStart : messageStart,
    srcEnd: t ? off + t.valueEnd : messageEnd,
  };
}

const PLAIN_FAILED = Symbol('not plain');

/**
 * Interface names, protocols and prefixes repeat on nearly every line: the last few are kept and a new line's value
 * is compared with them in place, so a line allocates no string for them. A handful of slots, replaced in turn.
 */
class RecentTexts<V> {
  private readonly texts: string[] = new Array<string>(8).fill('\u0000');
  private readonly values: V[] = [];
  private next = 0;

  constructor(private readonly make: (text: string) => V) {}

  /** What `make` gave for `m.slice(from, to)`, found in place when that text is one of the recent ones. */
  at(m: string, from: number, to: number): V {
    const len = to - from;
    for (let k = 0; k < this.texts.length; k++) {
      const t = this.texts[k]!;
      if (t.length === len && keyAt(m, from, t)) return this.values[k]!;
    }
    const t = ownCopy(m.slice(from, to));
    const v = this.make(t);
    this.texts[this.next] = t;
    this.values[this.next] = v;
    this.next = (this.next + 1) % this.texts.length;
    return v;
  }
}

const recentValues = new RecentTexts((t) => t);
const recentPrefixes = new RecentTexts(recognisePrefix);

/**
 * TCP flag lists, one frozen array per sequence of words (as the line printed them, repeats and order kept), so a
 * TCP line allocates no array for its flags. A sequence is its words' digits (TCP_FLAG_WORDS index + 1).
 */
const FLAG_DIGIT = new Map(TCP_FLAG_WORDS.map((w, i) => [w, i + 1]));
const MAX_FLAG_WORDS = 9;
const flagLists = new Map<number, readonly string[]>();

function flagList(code: number): readonly string[] {
  if (code <= 0) return NO_FLAGS;
  let list = flagLists.get(code);
  if (!list) {
    const words: string[] = [];
    for (let c = code; c > 0; c = Math.floor(c / 10)) words.unshift(TCP_FLAG_WORDS[(c % 10) - 1]!);
    list = Object.freeze(words);
    // bounded: past it (only crafted logs have that many distinct sequences) each line gets its own array
    if (flagLists.size < 4096) flagLists.set(code, list);
  }
  return list;
}
const NO_FLAGS: readonly string[] = Object.freeze([]);


/** port() over a span of the line, without slicing it. */
function portAt(m: string, from: number, to: number): number | undefined {
  const len = to - from;
  if (len === 0 || len > 5) return undefined;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = m.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= 65535 ? v : undefined;
}

/** m.startsWith(key, at), compared in place: startsWith with a position was a tenth of the walk. */
function keyAt(m: string, at: number, key: string): boolean {
  for (let j = 0; j < key.length; j++) if (m.charCodeAt(at + j) !== key.charCodeAt(j)) return false;
  return true;
}

function isKeyChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/**
 * The walk of tokenize + assignLayers + readSummary (decode.ts) for a plain line, or PLAIN_FAILED as soon as the
 * line is anything else. Mirrors their rules exactly where it answers; it never guesses.
 */
function plainEvent(fr: Frame): LineEvent | undefined | typeof PLAIN_FAILED {
  const m = fr.message;
  const off = fr.messageOffset;
  if (off < 0) return PLAIN_FAILED;
  const inAt = findInField(m);
  if (inAt < 0) return PLAIN_FAILED;
  // the kernel separates fields with spaces only; a tab means somebody else's format: the full decode reads it
  if (m.indexOf('\t', inAt) >= 0) return PLAIN_FAILED;
  const n = m.length;
  let layer: Layer = 'link';
  let ip: 'ipv4' | 'ipv6' = 'ipv4';
  let ipLayer: 'ipv4' | 'ipv6' | undefined;
  let transport: Layer | undefined;
  let inIface: string | undefined;
  let outIface: string | undefined;
  let src: string | undefined;
  let dst: string | undefined;
  let proto: string | undefined;
  let spt: number | undefined;
  let dpt: number | undefined;
  /** The flag words as digits (TCP_FLAG_WORDS index + 1), in order; -1 until RES opens the flags. */
  let flagCode = -1;
  let flagCount = 0;
  let urgp = false;
  let ipSeen = 0;
  let transportSeen = 0;
  let srcStart = -1;
  let srcEnd = -1;
  let keys = KEYS.get(layer)!;
  let i = inAt;
  while (i < n) {
    let c = m.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const ks = i;
    let h = 0;
    while (i < n) {
      c = m.charCodeAt(i);
      if (!isKeyChar(c)) break;
      h = hashStep(h, c);
      i++;
    }
    if (i === ks) return PLAIN_FAILED; // brackets, parentheses, stray bytes
    const ke = i;
    c = i < n ? m.charCodeAt(i) : SPACE;
    let vs = -1;
    let ve = -1;
    if (c === EQ) {
      vs = ++i;
      if (i < n && m.charCodeAt(i) === QUOTE) return PLAIN_FAILED;
      // the value ends at the next space (no tab in this message: checked above); found natively, not char by char
      const sp = m.indexOf(' ', i);
      i = sp < 0 ? n : sp;
      ve = i;
    } else if (c !== SPACE && c !== TAB) return PLAIN_FAILED; // FRAG:n, ID:x, words with trailing bytes
    else if (h === HASH_OPT && ke - ks === 3 && m.charCodeAt(i + 1) === LPAREN && keyAt(m, ks, 'OPT')) {
      // IPv4 or TCP options in hex, `OPT (0204...)`, which --log-tcp-options adds to most lines of some hosts;
      // IPv6's `OPT ( ... )` holds more fields, and an unclosed group is a cut line: both for the full decode
      if (m.charCodeAt(i + 2) === SPACE) return PLAIN_FAILED;
      const close = m.indexOf(')', i + 2);
      if (close < 0) return PLAIN_FAILED;
      vs = i + 2;
      ve = close;
      i = close + 1;
    }

    if (h === HASH_SRC && ke - ks === 3 && keyAt(m, ks, 'SRC') && (layer === 'link' || layer === 'ipv4' || layer === 'ipv6') && vs >= 0) {
      const colon = m.indexOf(':', vs);
      ip = colon >= 0 && colon < ve ? 'ipv6' : 'ipv4';
      layer = ip;
      keys = KEYS.get(layer)!;
    } else if (h === HASH_ARP && ke - ks === 3 && keyAt(m, ks, 'ARP') && layer === 'link') return PLAIN_FAILED;
    if (h === HASH_PROTO && ke - ks === 5 && keyAt(m, ks, 'PROTO') && (layer === 'ipv4' || layer === 'ipv6' || layer === 'link')) {
      const at = layer === 'link' ? ip : layer;
      ipLayer = at;
      ipSeen |= REQUIRED_BIT.get(at)!.get('PROTO')!;
      proto = vs >= 0 ? recentValues.at(m, vs, ve) : '';
      layer = transportLayer(proto, ip);
      keys = KEYS.get(layer)!;
      continue;
    }
    const info = keys[h & SLOT_MASK];
    if (!info || info.key.length !== ke - ks || !keyAt(m, ks, info.key)) return PLAIN_FAILED; // an unknown key, or one that belongs to a later layer (decode.ts re-aligns)
    switch (info.layer) {
      case 'ipv4':
      case 'ipv6':
        ipLayer = info.layer;
        ipSeen |= info.bit;
        break;
      case 'tcp':
      case 'udp':
      case 'icmp':
      case 'icmpv6':
      case 'ipsec':
        transport = info.layer;
        transportSeen |= info.bit;
        break;
      case 'link':
      case 'meta':
        break;
      default:
        return PLAIN_FAILED;
    }
    switch (info.role) {
      case Role.Other:
        break;
      case Role.In:
        inIface = vs >= 0 ? recentValues.at(m, vs, ve) : '';
        break;
      case Role.Out:
        outIface = vs >= 0 ? recentValues.at(m, vs, ve) : '';
        break;
      case Role.Src:
        src = vs >= 0 ? internAddressAt(m, vs, ve) : undefined;
        srcStart = vs;
        srcEnd = ve;
        break;
      case Role.Dst:
        dst = vs >= 0 ? internAddressAt(m, vs, ve) : undefined;
        break;
      case Role.Spt:
        spt = vs >= 0 ? portAt(m, vs, ve) : undefined;
        break;
      case Role.Dpt:
        dpt = vs >= 0 ? portAt(m, vs, ve) : undefined;
        break;
      case Role.Res:
        flagCode = 0;
        flagCount = 0;
        break;
      case Role.Urgp:
        urgp = true;
        break;
      case Role.Flag:
        if (flagCode >= 0 && vs < 0) {
          // more words than a code can hold in a small integer: the full decode lists them
          if (++flagCount > MAX_FLAG_WORDS) return PLAIN_FAILED;
          flagCode = flagCode * 10 + FLAG_DIGIT.get(info.key)!;
        }
        break;
      case Role.Leave:
        return PLAIN_FAILED;
    }
  }
  let truncated = false;
  if (ipLayer && ipSeen !== REQUIRED_ALL.get(ipLayer)) truncated = true;
  else if (transport && REQUIRED_ALL.has(transport) && transportSeen !== REQUIRED_ALL.get(transport)) truncated = true;
  else if (!transport && proto !== undefined && HEADERED.has(proto)) truncated = true;
  const known = recentPrefixes.at(m, 0, inAt);
  const messageEnd = off + n;
  return {
    event: {
      time: fr.time,
      src,
      dst,
      in: inIface,
      proto,
      spt,
      dpt,
      tcpFlags: transport === 'tcp' && urgp ? flagList(flagCode) : undefined,
      prefixAction: known.action,
    },
    truncated,
    messageStart: off,
    messageEnd,
    srcStart: srcStart >= 0 ? off + srcStart : off,
    srcEnd: srcStart >= 0 ? off + srcEnd : messageEnd,
  };
}

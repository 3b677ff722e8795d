/**
 * Sets of addresses as sorted, disjoint, inclusive integer ranges per family, for blocklists: merge what a list
 * says (overlaps and duplicates are common: FireHOL netsets repeat networks inside larger ones), cut out what must
 * stay reachable (the allow list, the host's own networks), and write the result back as the fewest CIDRs.
 *
 * Why ranges and not a trie: a list is built once per refresh and then only written out, so sort + sweep is both
 * the simplest and the fastest shape (100,000 entries in tens of milliseconds), and nftables' interval sets refuse
 * overlapping elements, which the sweep guarantees away. BigInt for both families keeps one code path.
 */
import { addressBytes } from '../net/address-class.js';

export interface Range {
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
}

export interface ParsedNet {
  readonly family: 4 | 6;
  readonly range: Range;
  /** Prefix length as written (32/128 for a bare address). */
  readonly bits: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function bytesToBigInt(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * Dotted-quad IPv4 (no leading zeros, each part 0-255) as a number; undefined for anything else. The hot path of
 * a 100,000-line list: a character scan instead of the general parser, which is several times slower.
 */
function ipv4Number(text: string, end: number): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // a leading zero: refused, as core's parser does
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else if (c === 46) {
      if (!digits || ++dots > 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return undefined;
  }
  if (!digits || dots !== 3) return undefined;
  return value * 256 + part;
}

/** `198.51.100.0/24`, `2001:db8::/32` or a bare address; host bits below the prefix are cleared. Undefined if neither. */
export function parseNet(text: string): ParsedNet | undefined {
  const slash = text.indexOf('/');
  if (!text.includes(':')) {
    const v = ipv4Number(text, slash < 0 ? text.length : slash);
    if (v === undefined) return undefined;
    let bits = 32;
    if (slash >= 0) {
      const b = text.slice(slash + 1);
      if (!/^[0-9]{1,2}$/.test(b) || Number(b) > 32) return undefined;
      bits = Number(b);
    }
    const size = 2 ** (32 - bits);
    const start = Math.floor(v / size) * size;
    return { family: 4, range: { start: BigInt(start), end: BigInt(start + size - 1) }, bits };
  }
  const parsed = addressBytes(slash < 0 ? text : text.slice(0, slash));
  if (!parsed) return undefined;
  const width: number = WIDTH[parsed.family];
  let bits = width;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(b)) return undefined;
    bits = Number(b);
    if (bits > width) return undefined;
  }
  const host = (1n << BigInt(width - bits)) - 1n;
  const start = bytesToBigInt(parsed.bytes) & ~host;
  return { family: parsed.family, range: { start, end: start | host }, bits };
}

/** Sorted, disjoint, with touching ranges joined. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1n) {
      if (r.end > last.end) out[out.length - 1] = { start: last.start, end: r.end };
    } else out.push(r);
  }
  return out;
}

/** `ranges` minus `holes`; both merged first. */
export function subtractRanges(ranges: readonly Range[], holes: readonly Range[]): Range[] {
  const a = mergeRanges(ranges);
  const h = mergeRanges(holes);
  const out: Range[] = [];
  let j = 0;
  for (const r of a) {
    let start = r.start;
    while (j < h.length && h[j]!.end < start) j++;
    let k = j;
    while (k < h.length && h[k]!.start <= r.end) {
      const hole = h[k]!;
      if (hole.start > start) out.push({ start, end: hole.start - 1n });
      start = hole.end + 1n;
      if (start > r.end) break;
      k++;
    }
    if (start <= r.end) out.push({ start, end: r.end });
  }
  return out;
}

/** Number of addresses covered (for messages and sanity limits). */
export function rangeSize(ranges: readonly Range[]): bigint {
  let n = 0n;
  for (const r of ranges) n += r.end - r.start + 1n;
  return n;
}

function formatAddress(family: 4 | 6, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
  // RFC 5952: the longest run (first of equals) of two or more zero groups becomes ::
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/**
 * The fewest CIDRs covering exactly the ranges, canonical text (`203.0.113.0/24`; a single address without its
 * /32 or /128, the form ipset and nft list it back in).
 */
export function rangesToCidrs(family: 4 | 6, ranges: readonly Range[]): string[] {
  if (family === 4) return ipv4Cidrs(ranges);
  const width = BigInt(WIDTH[family]);
  const out: string[] = [];
  for (const r of ranges) {
    let start = r.start;
    while (start <= r.end) {
      // the largest block aligned at start that does not pass the end
      let size = start === 0n ? 1n << width : start & -start;
      while (start + size - 1n > r.end) size >>= 1n;
      let bits = width;
      for (let s = size; s > 1n; s >>= 1n) bits--;
      const text = formatAddress(family, start);
      out.push(bits === width ? text : `${text}/${bits}`);
      start += size;
    }
  }
  return out;
}

/** rangesToCidrs for IPv4 in plain numbers (exact below 2^53): the common case, without BigInt's cost. */
function ipv4Cidrs(ranges: readonly Range[]): string[] {
  const out: string[] = [];
  for (const r of ranges) {
    let start = Number(r.start);
    const end = Number(r.end);
    while (start <= end) {
      let size = 1;
      let bits = 32;
      // grow while aligned and within the range
      while (bits > 0 && start % (size * 2) === 0 && start + size * 2 - 1 <= end) {
        size *= 2;
        bits--;
      }
      const text = `${Math.floor(start / 16_777_216)}.${Math.floor(start / 65_536) % 256}.${Math.floor(start / 256) % 256}.${start % 256}`;
      out.push(bits === 32 ? text : `${text}/${bits}`);
      start += size;
    }
  }
  return out;
}

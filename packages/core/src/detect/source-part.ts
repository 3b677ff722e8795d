import { internAddressAt } from '../net/address-intern.js';
import { sourceKey } from './source-key.js';

/**
 * Which of `parts` a raw log line goes to when the lines of one log are counted on several threads: by its first
 * (top-level) SRC, as the detectors key it (an IPv6 address by its /64), so all of a source's lines meet on one
 * thread and its episodes are cut where one pass cuts them. Lines without a source go to part 0. Cheap enough to
 * ask of every line: one search, and a dotted quad is read in place.
 */
export function sourcePart(line: string, parts: number): number {
  if (parts <= 1) return 0;
  const at = line.indexOf('SRC=');
  if (at < 0) return 0;
  let end = line.indexOf(' ', at + 4);
  if (end < 0) end = line.length;
  return partOfAddress(internAddressAt(line, at + 4, end) ?? line.slice(at + 4, end), parts);
}

/**
 * `sourcePart` of a line still in bytes, for a caller that has found its first `SRC=` (a native search over a whole
 * chunk finds it for many lines at once): `from` is just after it, `end` the line's end without its '\n'. The line
 * is as the agent's reader reads it (a '\r' before the '\n' dropped, latin1 when ASCII, else UTF-8). A thread that
 * keeps one part of a log asks this of every line, and only builds strings for its own.
 */
export function sourcePartAfterSrc(bytes: Uint8Array, from: number, end: number, parts: number): number {
  if (parts <= 1) return 0;
  // the reader drops a '\r' before the '\n': a value running to the line's end stops before it
  const lineEnd = end > from && bytes[end - 1] === CR ? end - 1 : end;
  let valueEnd = from;
  while (valueEnd < lineEnd && bytes[valueEnd] !== SPACE) valueEnd++;
  // a dotted quad is its own interned text and its own key: hashed as the bytes are, no string made
  if (isDottedQuad(bytes, from, valueEnd)) return bytesHash(bytes, from, valueEnd) % parts;
  const text = valueText(bytes, from, valueEnd);
  return partOfAddress(internAddressAt(text, 0, text.length) ?? text, parts);
}

/** The one way from a source's address text to its part, for lines read as strings or as bytes. */
function partOfAddress(address: string, parts: number): number {
  const key = sourceKey(address);
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return (h >>> 0) % parts;
}

/** FNV-1a as `partOfAddress` computes it, over bytes that are all ASCII (each byte its own char code). */
function bytesHash(bytes: Uint8Array, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

/**
 * The value as the reader's string holds it. Its bytes lie between ASCII bytes ('=' and ' ' or the line's end),
 * so decoding them alone gives what decoding the whole line gives there. ASCII reads the same in latin1 and UTF-8,
 * so UTF-8 serves either way (keeping a byte-order mark, as node's decoder does); for a 39-character IPv6 value it
 * is 3x quicker than building the string a character at a time.
 */
function valueText(bytes: Uint8Array, from: number, to: number): string {
  return utf8.decode(bytes.subarray(from, to));
}

/** As `dottedQuadAt` accepts: four parts of one to three digits, each 0-255, no leading zero. */
function isDottedQuad(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from > 15) return false;
  let dots = 0;
  let value = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if (c >= ZERO && c <= NINE) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - ZERO);
      if (++digits > 3 || value > 255) return false;
    } else if (c === DOT) {
      if (digits === 0 || dots === 3) return false;
      dots++;
      value = 0;
      digits = 0;
    } else return false;
  }
  return digits > 0 && dots === 3;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const CR = 0x0d;
const SPACE = 0x20;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

import { dottedQuadAt, parseAddress } from './address-class.js';
import { ownCopy } from '../text/own-copy.js';

/** Enough for the ~55,000 sources of a busy day's log to stay interned; 8192 missed on most lines of it. */
const INTERN_MAX = 65_536;
let internNew = new Map<string, string | null>();
let internOld = new Map<string, string | null>();

/**
 * The canonical text of an address, interned: the same source gives the same string object on every line, and
 * that string is a copy of its own, never a slice of the line it was read from. Detectors keep addresses for
 * minutes; a slice would pin the whole read buffer it came from (megabytes per retained address). Two bounded
 * generations keep the hot sources without growing with the file.
 */
export function internAddress(text: string): string | undefined {
  let hit = internNew.get(text);
  if (hit === undefined) {
    hit = internOld.get(text);
    if (hit === undefined) {
      const parsed = parseAddress(text);
      hit = parsed ? ownCopy(parsed.address) : null;
    }
    if (internNew.size >= INTERN_MAX) {
      internOld = internNew;
      internNew = new Map();
    }
    internNew.set(ownCopy(text), hit);
  }
  return hit ?? undefined;
}

/**
 * `internAddress(line.slice(from, to))` without the slice for the common case, a dotted quad: its digits are read
 * in place into one number, and that number finds the interned text in an open-addressing table. Looking a fresh
 * slice up in a Map meant hashing its characters twice a line (SRC and DST), which was the largest single cost of
 * reading a line after the walk itself. Anything else (IPv6, a malformed value) goes through `internAddress`.
 */
export function internAddressAt(line: string, from: number, to: number): string | undefined {
  const n = to - from <= 15 ? dottedQuadAt(line, from, to) : -1;
  if (n < 0) return internAddress(line.slice(from, to));
  let slot = Math.imul(n, 0x9e3779b1) >>> SHIFT;
  for (;;) {
    const text = v4Texts[slot];
    if (text === undefined) break;
    if (v4Keys[slot] === (n | 0)) return text;
    slot = (slot + 1) & MASK;
  }
  if (v4Count >= V4_MAX) {
    // full: start again (the busy sources come back at the cost of one slice each); keeps the probes short
    v4Texts.fill(undefined);
    v4Count = 0;
    slot = Math.imul(n, 0x9e3779b1) >>> SHIFT;
  }
  // a strict dotted quad is already canonical: the text is its own copy of the value
  const text = ownCopy(line.slice(from, to));
  v4Keys[slot] = n | 0;
  v4Texts[slot] = text;
  v4Count++;
  return text;
}

const BITS = 17;
const SHIFT = 32 - BITS;
const MASK = (1 << BITS) - 1;
/** Half the slots: linear probes stay short. */
const V4_MAX = 1 << (BITS - 1);
const v4Keys = new Int32Array(1 << BITS);
const v4Texts: (string | undefined)[] = new Array<string | undefined>(1 << BITS).fill(undefined);
let v4Count = 0;


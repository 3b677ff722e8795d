/**
 * Scoring a detector's verdicts against the generator's ground truth. Shared by the benchmark (`run.ts`, every
 * tool) and the test that guards Portcullis's own recall and precision (test/core/detect/ground-truth.test.ts).
 */
import { parseAddress } from '../../packages/core/src/net/address-class.js';
import { sourceKey } from '../../packages/core/src/detect/source-key.js';
import type { Truth, TruthScanner } from './generate.js';

export interface Score {
  readonly scanners: number;
  /** Scanners found, in all and by kind. */
  readonly found: number;
  readonly fast: { found: number; of: number };
  readonly slow: { found: number; of: number };
  readonly ipv6: { found: number; of: number };
  readonly private: { found: number; of: number };
  /** Flagged sources that are no scanner (distinct; an IPv6 one counted per /64). */
  readonly falsePositives: number;
  readonly precision: number;
  readonly recall: number;
  /** Up to 10 of each, for reading. */
  readonly missed: readonly TruthScanner[];
  readonly falseSample: readonly string[];
}

/**
 * `flagged`: the source addresses (or IPv6 /64s) a tool reported as scanning. A scanner is found when any
 * flagged address is it, or lies in its /64 when it is an IPv6 one; anything else flagged is a false positive.
 */
export function score(truth: Truth, flagged: Iterable<string>): Score {
  const byKey = new Map<string, number>();
  // an IPv6 scanner is known by its /64 (the generator gives every IPv6 source a /64 of its own)
  truth.scanners.forEach((s, i) => byKey.set(netOf(keyOf(s.id)), i));
  const found = new Set<number>();
  const wrong = new Set<string>();
  for (const f of flagged) {
    const k = keyOf(f);
    const i = byKey.get(netOf(k));
    if (i !== undefined) found.add(i);
    else wrong.add(netOf(k));
  }
  const part = (pick: (s: TruthScanner) => boolean): { found: number; of: number } => ({
    found: truth.scanners.filter((s, i) => pick(s) && found.has(i)).length,
    of: truth.scanners.filter(pick).length,
  });
  const tp = found.size;
  return {
    scanners: truth.scanners.length,
    found: tp,
    fast: part((s) => s.timing === 'fast'),
    slow: part((s) => s.timing === 'slow'),
    ipv6: part((s) => s.ipv6),
    private: part((s) => s.private),
    falsePositives: wrong.size,
    precision: tp + wrong.size === 0 ? 1 : tp / (tp + wrong.size),
    recall: truth.scanners.length === 0 ? 1 : tp / truth.scanners.length,
    missed: truth.scanners.filter((_, i) => !found.has(i)).slice(0, 10),
    falseSample: [...wrong].slice(0, 10),
  };
}

/** The canonical text of an address (a /64 stays as it is), so the kernel's long IPv6 form matches the short one. */
function keyOf(text: string): string {
  if (text.endsWith('/64')) return sourceKey(text.slice(0, -3));
  return parseAddress(text)?.address ?? text;
}

/** An IPv6 address's /64; an IPv4 address or a /64 unchanged. */
function netOf(key: string): string {
  return key.includes(':') && !key.endsWith('/64') ? sourceKey(key) : key;
}

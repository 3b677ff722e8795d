import { addressBytes, parseAddress } from '@portcullis/core';

/** The config's duration grammar lives in core, shared with the editor's settings. */
export { parseDuration } from '@portcullis/core';

/** The shortest text for a duration, for messages: 90000 → `90s`, 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  if (s === 0) return '0s';
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      out += `${Math.floor(s / size)}${unit}`;
      s %= size;
    }
  }
  return out;
}

export interface ParsedCidr {
  /** Canonical network form: `10.0.0.0/8`, `2001:db8::/32`; a single address keeps its /32 or /128 off. */
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly bits: number;
  /** The text had bits set below the prefix (`10.0.0.1/8`); `cidr` is the network it means. */
  readonly hostBits: boolean;
}

/** An address or CIDR as people write them; undefined when it is neither. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const parsed = addressBytes(addrText);
  if (!parsed) return undefined;
  const width = parsed.family === 4 ? 32 : 128;
  let bits = width;
  if (slash >= 0) {
    const bitsText = trimmed.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(bitsText)) return undefined;
    bits = Number(bitsText);
    if (bits > width) return undefined;
  }
  const masked = maskBytes(parsed.bytes, bits);
  const hostBits = masked.some((b, i) => b !== parsed.bytes[i]);
  const network = formatBytes(parsed.family, masked);
  if (network === undefined) return undefined;
  return { cidr: bits === width ? network : `${network}/${bits}`, family: parsed.family, bits, hostBits };
}

export function maskBytes(bytes: readonly number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** Canonical text of 4 or 16 bytes (core's parser does the RFC 5952 compression). */
export function formatBytes(family: 4 | 6, bytes: readonly number[]): string | undefined {
  if (family === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return parseAddress(groups.join(':'))?.address;
}

/** Edit distance with adjacent transpositions counted as one edit (`prots` is one edit from `ports`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The known word closest to what was typed, when it is close enough to be a likely typo: case and `-`/`_`/camelCase
 * differences (`slow-ports`, `slowPorts`), a prefix (`nft` → `nftables`), or one or two edits.
 */
export function suggest(typed: string, known: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const t = norm(typed);
  if (t === '') return undefined;
  for (const k of known) if (norm(k) === t) return k;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(t, norm(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const allowed = t.length <= 3 ? 1 : t.length <= 6 ? 2 : 3;
  if (best !== undefined && bestDistance <= allowed) return best;
  if (t.length >= 3) {
    const prefixed = known.filter((k) => norm(k).startsWith(t));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/**
 * Blocklist text → validated networks. One parser for the formats people feed firewalls with:
 * - Spamhaus DROP/EDROP: `1.10.16.0/20 ; SBL256894`, comment lines starting with `;`;
 * - FireHOL netsets (and most plain lists): one address or CIDR per line, `#` comments;
 * - AbuseIPDB's blacklist endpoint: `plaintext` (one address per line) or its JSON (`data[].ipAddress`).
 * Every line is checked; what is not an address or CIDR is reported with its line number, never guessed at.
 * Networks broader than a sane list would hold (`0.0.0.0/0`, a /4) are refused: one such line would cut the host
 * off the Internet.
 */
import { mergeRanges, parseNet, rangesToCidrs, subtractRanges, type Range } from './cidr-set.js';

export interface BlocklistProblem {
  /** 1-based line (0 for the document as a whole). */
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

export interface ParsedBlocklist {
  /** Valid entries read (before merging). */
  readonly entries: number;
  readonly v4: Range[];
  readonly v6: Range[];
  readonly problems: BlocklistProblem[];
}

/** Shortest prefixes a list may carry: a /8 is the largest block any registry hands out. */
export const BROADEST_PREFIX = { 4: 8, 6: 16 } as const;

export function parseBlocklist(text: string): ParsedBlocklist {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return parseAbuseIpdbJson(trimmed);
  const v4: Range[] = [];
  const v6: Range[] = [];
  const problems: BlocklistProblem[] = [];
  let entries = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const raw = text.slice(pos, end);
    pos = end + 1;
    const cut = firstOf(raw, '#', ';');
    const body = (cut < 0 ? raw : raw.slice(0, cut)).trim();
    if (!body) continue;
    const token = body.split(/\s+/)[0]!;
    const why = addEntry(token, v4, v6);
    if (why) problems.push({ line: lineNo, text: raw.slice(0, 120), why });
    else entries++;
  }
  return { entries, v4: mergeRanges(v4), v6: mergeRanges(v6), problems };
}

function firstOf(s: string, a: string, b: string): number {
  const i = s.indexOf(a);
  const j = s.indexOf(b);
  return i < 0 ? j : j < 0 ? i : Math.min(i, j);
}

function addEntry(token: string, v4: Range[], v6: Range[]): string | undefined {
  const net = parseNet(token);
  if (!net) return 'not an address or CIDR';
  if (net.bits < BROADEST_PREFIX[net.family]) return `/${net.bits} is broader than any list should hold (at most /${BROADEST_PREFIX[net.family]})`;
  (net.family === 4 ? v4 : v6).push(net.range);
  return undefined;
}

/** AbuseIPDB's JSON answer: `{"meta": {...}, "data": [{"ipAddress": "…", "abuseConfidenceScore": 100, …}]}`. */
function parseAbuseIpdbJson(text: string): ParsedBlocklist {
  const v4: Range[] = [];
  const v6: Range[] = [];
  const problems: BlocklistProblem[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { entries: 0, v4, v6, problems: [{ line: 0, text: text.slice(0, 120), why: 'starts like JSON but is not valid JSON' }] };
  }
  const data = (doc as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { entries: 0, v4, v6, problems: [{ line: 0, text: text.slice(0, 120), why: 'JSON without a "data" list' }] };
  let entries = 0;
  data.forEach((item: unknown, i) => {
    const ip = (item as { ipAddress?: unknown } | null)?.ipAddress;
    const why = typeof ip === 'string' ? addEntry(ip, v4, v6) : 'no ipAddress';
    if (why) problems.push({ line: 0, text: `data[${i}]: ${JSON.stringify(item).slice(0, 100)}`, why });
    else entries++;
  });
  return { entries, v4: mergeRanges(v4), v6: mergeRanges(v6), problems };
}

/** What goes into the kernel: the list minus every exempt network, as CIDRs per family. */
export function blocklistCidrs(list: Pick<ParsedBlocklist, 'v4' | 'v6'>, exempt: readonly string[]): { v4: string[]; v6: string[] } {
  const holes: Record<4 | 6, Range[]> = { 4: [], 6: [] };
  for (const e of exempt) {
    const net = parseNet(e);
    if (net) holes[net.family].push(net.range);
  }
  return { v4: rangesToCidrs(4, subtractRanges(list.v4, holes[4])), v6: rangesToCidrs(6, subtractRanges(list.v6, holes[6])) };
}

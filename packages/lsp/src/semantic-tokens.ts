import { classifyAddress, type AddressClass, type Text } from '@portcullis/core';
import type { Range, SemanticTokensLegend } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { iptablesParts, type IptablesPart } from './iptables-words.js';
import { MAX_FULL_TOKEN_LINES } from './limits.js';

/**
 * One legend for both languages (a server has one). Standard type names, so themes colour them without a
 * client extension; address classes are modifiers, so a theme can paint spoofable ones apart.
 */
const TYPES = ['property', 'string', 'number', 'variable', 'enumMember', 'macro', 'namespace', 'type', 'keyword', 'function', 'class', 'parameter', 'comment'] as const;
type TokenType = (typeof TYPES)[number];

const ADDRESS_CLASSES: readonly AddressClass[] = [
  'public', 'private', 'loopback', 'link-local', 'shared', 'documentation', 'benchmarking', 'multicast', 'reserved', 'unspecified',
  'broadcast', 'ula', '6to4', 'teredo', 'nat64', 'ipv4-mapped', 'ietf-protocol', 'anycast', 'as112', 'amt', 'orchid', 'drone-id',
  'segment-routing', 'discard',
];

/** Modifier names must be identifiers for theme selectors: `link-local` → `linkLocal`, `6to4` → `sixToFour`. */
function modifierName(c: AddressClass): string {
  if (c === '6to4') return 'sixToFour';
  return c.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

const MODIFIERS = ['declaration', 'defaultLibrary', 'port', ...ADDRESS_CLASSES.map(modifierName)];

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: MODIFIERS };

const TYPE_INDEX = new Map<TokenType, number>(TYPES.map((t, i) => [t, i]));
const MOD_BIT = new Map<string, number>(MODIFIERS.map((m, i) => [m, 1 << i]));

interface Tok {
  start: number;
  length: number;
  type: TokenType;
  mods: number;
}

const PORT_KEYS = new Set(['SPT', 'DPT']);
const ADDRESS_KEYS = new Set(['SRC', 'DST']);
const NUMERIC = /^(?:0x[0-9a-fA-F]+|[0-9]+)$/;

function logLineTokens(doc: CachedDocument, line: number): Tok[] {
  const d = doc.decodedAt(line);
  const out: Tok[] = [];
  if (!d) return out;
  const off = d.frame.messageOffset;
  if (off < 0) return out; // journald JSON: the fields are not on the line as written
  const prefix = d.prefix.text.trimEnd();
  if (prefix.length) out.push({ start: off + d.prefix.start, length: prefix.length, type: 'macro', mods: 0 });
  for (const t of d.tokens) {
    if (t.valueStart < 0) {
      out.push({ start: off + t.start, length: t.end - t.start, type: 'enumMember', mods: 0 });
      continue;
    }
    if (t.key && d.message.startsWith(t.key, t.start)) out.push({ start: off + t.start, length: t.key.length, type: 'property', mods: 0 });
    if (t.valueEnd <= t.valueStart) continue;
    const value = d.message.slice(t.valueStart, t.valueEnd);
    let type: TokenType = NUMERIC.test(value) ? 'number' : 'string';
    let mods = 0;
    if (ADDRESS_KEYS.has(t.key)) {
      const info = classifyAddress(value);
      if (info) {
        type = 'variable';
        mods = MOD_BIT.get(modifierName(info.class)) ?? 0;
      }
    } else if (PORT_KEYS.has(t.key)) mods = MOD_BIT.get('port') ?? 0;
    out.push({ start: off + t.valueStart, length: t.valueEnd - t.valueStart, type, mods });
  }
  return out;
}

function iptablesTokenOf(p: IptablesPart): Tok | undefined {
  const s = 'word' in p ? p.word.span : p.span;
  const tok = (type: TokenType, mods = 0): Tok => ({ start: s.start, length: s.end - s.start, type, mods });
  const decl = MOD_BIT.get('declaration') ?? 0;
  const lib = MOD_BIT.get('defaultLibrary') ?? 0;
  switch (p.kind) {
    case 'table':
      return tok('namespace', decl);
    case 'chain-header':
      return tok('type', decl);
    case 'chain-ref':
    case 'jump':
      return tok('type');
    case 'policy':
      return tok('enumMember');
    case 'command':
    case 'commit':
      return tok('keyword');
    case 'extension':
      if (p.keyword) return tok('keyword');
      return p.ext.kind === 'match' ? tok('class') : tok('function', lib);
    case 'option':
      return tok('parameter');
    case 'value':
      return tok(NUMERIC.test(p.word.value) ? 'number' : 'string');
    case 'counters':
      return tok('number');
    case 'comment':
      return tok('comment');
  }
}

function iptablesLineTokens(doc: CachedDocument, line: number): Tok[] {
  const l = doc.iptablesLine(line);
  if (!l) return [];
  const out: Tok[] = [];
  for (const p of iptablesParts(l)) {
    const t = iptablesTokenOf(p);
    if (t && t.length > 0) out.push(t);
  }
  return out;
}

export interface TokensResult {
  data: number[];
  /** Set when only part of the document was tokenised (too large for a full pass). */
  partial?: Text;
}

/** LSP's relative encoding: five integers per token, lines ascending, tokens in order and never overlapping. */
export function semanticTokens(doc: CachedDocument, range?: Range): TokensResult {
  const first = range ? Math.max(0, range.start.line) : 0;
  let last = range ? Math.min(doc.lineCount - 1, range.end.line) : doc.lineCount - 1;
  let partial: Text | undefined;
  if (!range && last + 1 > MAX_FULL_TOKEN_LINES) {
    last = MAX_FULL_TOKEN_LINES - 1;
    partial = {
      en: `${doc.uri}: semantic highlighting covers the first ${MAX_FULL_TOKEN_LINES} lines of ${doc.lineCount} (the visible range is highlighted on request).`,
      ja: `${doc.uri}: 意味的ハイライトは全 ${doc.lineCount} 行のうち先頭 ${MAX_FULL_TOKEN_LINES} 行のみです (表示範囲は要求に応じて色付けします)。`,
    };
  }
  const data: number[] = [];
  let prevLine = 0;
  let prevStart = 0;
  for (let line = first; line <= last; line++) {
    const toks = doc.kind === 'iptables' ? iptablesLineTokens(doc, line) : logLineTokens(doc, line);
    toks.sort((a, b) => a.start - b.start);
    let end = -1;
    for (const t of toks) {
      if (t.start < end) continue; // overlapping spans are not allowed by the protocol
      const dl = line - prevLine;
      data.push(dl, dl === 0 ? t.start - prevStart : t.start, t.length, TYPE_INDEX.get(t.type) ?? 0, t.mods);
      prevLine = line;
      prevStart = t.start;
      end = t.start + t.length;
    }
  }
  return partial ? { data, partial } : { data };
}

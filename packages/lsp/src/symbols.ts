import { classifyAddress, ADDRESS_CLASS_NAMES, type Lang } from '@portcullis/core';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { toRange } from './diagnostics.js';
import { MAX_SYMBOLS } from './limits.js';

function whole(line: number, length: number): Range {
  return { start: { line, character: 0 }, end: { line, character: length } };
}

/** A log's outline: one entry per source address with its line count, busiest first. */
function logSymbols(doc: CachedDocument, lang: Lang): DocumentSymbol[] {
  const bySource = new Map<string, { count: number; first: number; start: number; end: number }>();
  for (let i = 0; i < doc.lineCount; i++) {
    const f = doc.factsAt(i);
    const src = f?.event.src;
    if (!f || !src) continue;
    const seen = bySource.get(src);
    if (seen) seen.count++;
    else bySource.set(src, { count: 1, first: i, start: f.srcStart, end: f.srcEnd });
  }
  const linesWord = lang === 'ja' ? '行' : 'lines';
  return [...bySource.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
    .slice(0, MAX_SYMBOLS)
    .map(([src, s]) => {
      const info = classifyAddress(src);
      const cls = info ? ADDRESS_CLASS_NAMES[info.class][lang] : '';
      return {
        name: src,
        detail: `${s.count} ${linesWord}${cls ? ` · ${cls}` : ''}`,
        kind: SymbolKind.Variable,
        range: whole(s.first, doc.lines[s.first].length),
        selectionRange: { start: { line: s.first, character: s.start }, end: { line: s.first, character: s.end } },
      };
    });
}

/** A rules file's outline: table → chain → rules, each chain spanning its header and its rules. */
function iptablesSymbols(doc: CachedDocument): DocumentSymbol[] {
  const ipt = doc.iptables();
  const out: DocumentSymbol[] = [];
  for (const t of ipt.tables) {
    const chains = new Map<string, DocumentSymbol>();
    const chainOf = (name: string, at: Range, sel: Range): DocumentSymbol => {
      let c = chains.get(name);
      if (!c) {
        c = { name, kind: SymbolKind.Class, range: at, selectionRange: sel, children: [] };
        chains.set(name, c);
      }
      return c;
    };
    for (const h of t.chains) {
      if (!h.name) continue;
      const c = chainOf(h.name.value, whole(h.line, doc.lines[h.line].length), toRange(h.name.span));
      if (h.policy) c.detail = h.policy.value;
    }
    for (const l of t.rules) {
      const chain = l.rule.command?.chain;
      if (!chain) continue;
      const r = whole(l.line, doc.lines[l.line].length);
      const c = chainOf(chain.value, r, toRange(chain.span));
      const text = l.text.trim();
      c.children!.push({ name: text.length > 80 ? `${text.slice(0, 79)}…` : text, kind: SymbolKind.Method, range: r, selectionRange: toRange(l.rule.span) });
      // a chain's range covers its rules, so editors nest them (iptables-save lists rules after every header)
      if (l.line > c.range.end.line) c.range = { start: c.range.start, end: r.end };
    }
    const endLine = t.endLine;
    out.push({
      name: `*${t.name?.value ?? '?'}`,
      kind: SymbolKind.Namespace,
      range: { start: { line: t.startLine, character: 0 }, end: { line: endLine, character: doc.lines[endLine]?.length ?? 0 } },
      selectionRange: toRange(t.header.span),
      children: [...chains.values()],
    });
  }
  return out;
}

export function documentSymbols(doc: CachedDocument, lang: Lang): DocumentSymbol[] {
  return doc.kind === 'iptables' ? iptablesSymbols(doc) : logSymbols(doc, lang);
}

import type { Location, Position } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { toRange } from './diagnostics.js';
import { chainInfo, tableAt } from './iptables-chains.js';
import { chainNameOf, iptablesPartAt } from './iptables-words.js';

/** The chain named under the cursor and its facts in the cursor's table. */
function chainUnder(doc: CachedDocument, pos: Position) {
  const l = doc.iptablesLine(pos.line);
  const name = l ? chainNameOf(iptablesPartAt(l, pos.character)) : undefined;
  if (name === undefined) return undefined;
  const table = tableAt(doc.iptables(), pos.line);
  return table ? chainInfo(table, name) : undefined;
}

/** `-j NAME`, `-A NAME` → the `:NAME` header of the same table (chains of another table are other chains). */
export function iptablesDefinition(doc: CachedDocument, pos: Position): Location | null {
  const info = chainUnder(doc, pos);
  return info?.header ? { uri: doc.uri, range: toRange(info.header) } : null;
}

/** Every jump to the chain and every rule appended to it; the header too when asked. */
export function iptablesReferences(doc: CachedDocument, pos: Position, includeDeclaration: boolean): Location[] {
  const info = chainUnder(doc, pos);
  if (!info) return [];
  const spans = [...(includeDeclaration && info.header ? [info.header] : []), ...info.rules, ...info.jumps];
  return spans.sort((a, b) => a.line - b.line || a.start - b.start).map((s) => ({ uri: doc.uri, range: toRange(s) }));
}

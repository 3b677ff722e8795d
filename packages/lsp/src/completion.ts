import {
  IPTABLES_BUILTIN_CHAINS,
  IPTABLES_LOG_LEVELS,
  IPTABLES_MATCHES,
  IPTABLES_PROTOCOL_NAMES,
  IPTABLES_REJECT_WITH,
  IPTABLES_RULE_OPTIONS,
  IPTABLES_TABLES,
  IPTABLES_TARGETS,
  extensionSpecOf,
  iptablesTable,
  optionSpecOf,
  parseIptablesLine,
  type IptablesExtensionSpec,
  type IptablesFamily,
  type Lang,
} from '@portcullis/core';
import { CompletionItemKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { chainsOf, tableAt } from './iptables-chains.js';

const MATCH_WORDS = new Set(['-m', '--match']);
const JUMP_WORDS = new Set(['-j', '--jump']);
const GOTO_WORDS = new Set(['-g', '--goto']);
const CHAIN_COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-C', '--check', '-F', '--flush', '-Z', '--zero', '-X', '--delete-chain', '-P', '--policy', '-E', '--rename-chain', '-N', '--new-chain']);

function forFamily(list: readonly IptablesExtensionSpec[], family: IptablesFamily | undefined): IptablesExtensionSpec[] {
  const seen = new Set<string>();
  return list.filter((e) => (family === undefined || e.family === undefined || e.family === family) && !seen.has(e.name) && (seen.add(e.name), true));
}

/**
 * Completion in a rules file from what precedes the cursor: after `-m` the matches, after `-j` the targets and the
 * table's chains, after `-A` the chains, after an option with fixed values those values, else the options of the
 * rule's own matches and target.
 */
export function iptablesCompletion(doc: CachedDocument, pos: Position, lang: Lang): CompletionItem[] {
  const text = doc.lines[pos.line]?.slice(0, pos.character) ?? '';
  const current = /[^\s]*$/.exec(text)?.[0] ?? '';
  const before = text.slice(0, text.length - current.length);
  const words = before.trim().split(/\s+/).filter(Boolean);
  const prev = words[words.length - 1];
  const replace: Range = { start: { line: pos.line, character: pos.character - current.length }, end: pos };
  const item = (label: string, kind: CompletionItemKind, detail?: string): CompletionItem => ({ label, kind, ...(detail ? { detail } : {}), textEdit: { range: replace, newText: label } });
  const family = doc.iptablesFamily;
  const table = tableAt(doc.iptables(), pos.line);
  const tableName = table?.name?.value ?? 'filter';
  const chains = (): CompletionItem[] => {
    const names = new Set<string>(iptablesTable(tableName)?.chains ?? Object.keys(IPTABLES_BUILTIN_CHAINS));
    if (table) for (const c of chainsOf(table).keys()) names.add(c);
    return [...names].map((n) => item(n, CompletionItemKind.Class, IPTABLES_BUILTIN_CHAINS[n]?.[lang]));
  };

  if (words.length === 0 && current.startsWith('*')) return IPTABLES_TABLES.map((t) => ({ ...item(`*${t.name}`, CompletionItemKind.Module, t.description[lang]) }));
  if (words.length === 0 && current.startsWith(':')) return chains().map((c) => ({ ...c, textEdit: { range: replace, newText: `:${c.label}` }, label: `:${c.label}` }));
  if (prev === undefined) return [];
  if (MATCH_WORDS.has(prev)) return forFamily(IPTABLES_MATCHES, family).map((m) => item(m.name, CompletionItemKind.Module, m.description[lang]));
  if (JUMP_WORDS.has(prev))
    return [...forFamily(IPTABLES_TARGETS, family).map((t) => item(t.name, CompletionItemKind.Function, t.description[lang])), ...chains().filter((c) => !IPTABLES_BUILTIN_CHAINS[c.label])];
  if (GOTO_WORDS.has(prev) || CHAIN_COMMANDS.has(prev)) return chains();
  if (prev === '--log-level') return Object.entries(IPTABLES_LOG_LEVELS).map(([name, n]) => item(name, CompletionItemKind.EnumMember, String(n)));
  if (prev === '--reject-with') return IPTABLES_REJECT_WITH[family ?? 4].map((v) => item(v, CompletionItemKind.EnumMember));
  if (prev === '-p' || prev === '--protocol') return Object.keys(IPTABLES_PROTOCOL_NAMES).map((p) => item(p, CompletionItemKind.EnumMember, String(IPTABLES_PROTOCOL_NAMES[p])));
  if (prev === '-t' || prev === '--table') return IPTABLES_TABLES.map((t) => item(t.name, CompletionItemKind.Module, t.description[lang]));

  // what the rule already loaded: its matches and target give the options, and the option before the cursor its values
  const parsed = parseIptablesLine(before, pos.line, family !== undefined ? { family } : {});
  if (parsed.kind !== 'rule') return [];
  const rule = parsed.rule;
  const last = rule.options[rule.options.length - 1];
  if (last && last.name.value === prev) {
    const spec = optionSpecOf(rule, last, family);
    if (spec?.value.values?.length) return spec.value.values.map((v) => item(v, CompletionItemKind.EnumMember));
    if (spec && spec.value.args > 0) return []; // a free value (an address, a port): nothing sensible to offer
  }
  if (current !== '' && !current.startsWith('-')) return [];
  const used = new Set(rule.options.map((o) => o.canonical));
  const out: CompletionItem[] = [];
  for (const ext of rule.extensions) {
    const spec = extensionSpecOf(ext, family);
    if (!spec) continue;
    for (const op of spec.options) {
      if (op.family !== undefined && family !== undefined && op.family !== family) continue;
      if (used.has(op.name) && !op.repeat) continue;
      out.push(item(op.name, CompletionItemKind.Property, `${ext.name?.value ?? ''}: ${op.description[lang]}`));
    }
  }
  for (const op of IPTABLES_RULE_OPTIONS) {
    if (op.family !== undefined && family !== undefined && op.family !== family) continue;
    out.push(item(op.short ?? op.name, CompletionItemKind.Property, op.description[lang]));
  }
  return out;
}

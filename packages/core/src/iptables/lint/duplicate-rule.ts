import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule, IptablesRuleLine } from '../parse.js';

/**
 * The same rule twice in a chain: the second never changes the outcome (the first already decided or passed the
 * packet on the same way) and usually comes from a script run twice. Rules are compared as iptables reads them:
 * aliases resolved, quoting and counters ignored.
 */
export function iptablesRuleKey(rule: IptablesRule): string {
  const parts: string[] = [];
  for (const o of rule.options) parts.push(`${o.negation ? '!' : ''}${o.canonical}\u0001${o.values.map((v) => v.value).join('\u0001')}`);
  return parts.join('\u0000');
}

export function lintIptablesDuplicateRules(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const t of doc.tables) {
    const seen = new Map<string, IptablesRuleLine>();
    for (const l of t.rules) {
      const cmd = l.rule.command;
      if (!cmd?.chain || (cmd.spec.name !== '-A' && cmd.spec.name !== '-I')) continue;
      const key = `${cmd.chain.value}\u0002${iptablesRuleKey(l.rule)}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, l);
        continue;
      }
      out.push(
        iptablesDiagnostic('warning', 'duplicate-rule', l.span, `Same rule as line ${first.line + 1}.`, `${first.line + 1} 行目と同じルールです。`, {
          related: [{ span: first.span, message: { en: 'first written here', ja: '最初の記述' } }],
          fix: { title: { en: 'Delete the duplicate', ja: '重複を削除' }, edits: [{ start: { line: l.line, character: 0 }, end: { line: l.line + 1, character: 0 }, newText: '' }] },
        }),
      );
    }
  }
  return out;
}

import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesOptionUse, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { extensionLabel, extensionSpecOf, lintEachRule, optionSpecOf } from './context.js';

/**
 * Options that do not go together inside one match or target: the same option twice, two of a mutually
 * exclusive group (--hl-set and --hl-inc), one without the option it depends on (--reap without --seconds), or one
 * written before the option it refines (--suppl-groups before --gid-owner).
 */
export function checkIptablesOptionConflicts(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  const groups = new Map<number, IptablesOptionUse[]>();
  for (const use of rule.options) {
    const list = groups.get(use.owner);
    if (list) list.push(use);
    else groups.set(use.owner, [use]);
  }
  for (const [owner, uses] of groups) {
    const ext = owner >= 0 ? rule.extensions[owner] : undefined;
    const spec = ext ? extensionSpecOf(ext, ctx.family) : undefined;
    if (ext && !spec) continue;
    const label = ext ? extensionLabel(ext) : 'the rule';
    const labelJa = ext ? extensionLabel(ext) : 'ルール';
    const names = (u: IptablesOptionUse) => optionSpecOf(rule, u, ctx.family)?.name;
    // Duplicates: the rule's own -m/-j may repeat (several matches); an element reset (policy --next) starts over.
    let seen = new Map<string, IptablesOptionUse>();
    for (const u of uses) {
      const op = optionSpecOf(rule, u, ctx.family);
      if (!op) continue;
      if (spec?.resetOption === op.name) {
        seen = new Map();
        continue;
      }
      if (op.repeat || op.name === '--match' || op.name === '--jump' || op.name === '--goto') continue;
      const first = seen.get(op.name);
      if (first)
        out.push(
          iptablesDiagnostic('error', 'duplicate-option', u.name.span, `${u.name.value} is given twice in ${label}.`, `${labelJa} に ${u.name.value} が 2 回あります。`, {
            related: [{ span: first.name.span, message: { en: 'first given here', ja: '最初の指定' } }],
          }),
        );
      else seen.set(op.name, u);
    }
    const given = new Map<string, IptablesOptionUse>();
    for (const u of uses) {
      const n = names(u);
      if (n && !given.has(n)) given.set(n, u);
    }
    for (const group of spec?.exclusive ?? []) {
      const present = group.filter((n) => given.has(n));
      if (present.length < 2) continue;
      const second = given.get(present[1]) as IptablesOptionUse;
      out.push(
        iptablesDiagnostic('error', 'conflicting-options', second.name.span, `${present.join(' and ')} cannot be used together in ${label}.`, `${labelJa} では ${present.join(' と ')} を同時に使えません。`),
      );
    }
    uses.forEach((u, position) => {
      const op = optionSpecOf(rule, u, ctx.family);
      if (!op) return;
      for (const need of op.requires ?? [])
        if (!given.has(need))
          out.push(iptablesDiagnostic('error', 'option-requires', u.name.span, `${op.name} needs ${need} as well.`, `${op.name} には ${need} も必要です。`));
      if (op.requiresAny && !op.requiresAny.some((n) => given.has(n)))
        out.push(
          iptablesDiagnostic('error', 'option-requires', u.name.span, `${op.name} needs one of ${op.requiresAny.join(', ')} as well.`, `${op.name} には ${op.requiresAny.join(', ')} のいずれかも必要です。`),
        );
      if (op.after && !uses.slice(0, position).some((p) => op.after?.includes(names(p) ?? '')))
        out.push(
          iptablesDiagnostic('error', 'option-order', u.name.span, `${op.name} must come after ${op.after.join(' or ')}.`, `${op.name} は ${op.after.join(' または ')} の後に書いてください。`),
        );
    });
  }
  return out;
}

export function lintIptablesOptionConflicts(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesOptionConflicts);
}

import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { extensionLabel, extensionSpecOf, lintEachRule, optionSpecOf } from './context.js';

/**
 * A match or target without an option it cannot work without (`-j DNAT` with no --to-destination, `-m state` with
 * no --state). iptables refuses these; a value missing after an option is the parser's `missing-value`.
 */
export function checkIptablesRequiredOptions(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  rule.extensions.forEach((ext, index) => {
    const spec = extensionSpecOf(ext, ctx.family);
    if (!spec?.required || !ext.name) return;
    const given = new Set(rule.options.filter((o) => o.owner === index).map((o) => optionSpecOf(rule, o, ctx.family)?.name ?? o.canonical));
    for (const group of spec.required) {
      if (group.some((name) => given.has(name))) continue;
      const what = group.length === 1 ? group[0] : `one of ${group.join(', ')}`;
      const whatJa = group.length === 1 ? group[0] : `${group.join(', ')} のいずれか`;
      out.push(
        iptablesDiagnostic('error', 'missing-option', ext.span, `${extensionLabel(ext)} needs ${what}.`, `${extensionLabel(ext)} には ${whatJa} が必要です。`),
      );
    }
  });
  return out;
}

export function lintIptablesRequiredOptions(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesRequiredOptions);
}

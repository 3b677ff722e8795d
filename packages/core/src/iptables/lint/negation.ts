import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import { iptablesProtocolValue } from '../values.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule, optionSpecOf } from './context.js';

/**
 * `!` where iptables does not take one (`! --gateway`), the deprecated `--opt ! value` position (still read, but
 * iptables warns), and `! -p all`, which can never match anything.
 */
export function checkIptablesNegation(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const use of rule.options) {
    if (!use.negation) continue;
    const op = optionSpecOf(rule, use, ctx.family);
    if (!op) continue;
    if (!op.invert) {
      out.push(iptablesDiagnostic('error', 'invalid-negation', use.negation.span, `${use.name.value} cannot be negated with "!".`, `${use.name.value} は「!」で否定できません。`));
      continue;
    }
    if (use.negationAfter)
      out.push(
        iptablesDiagnostic('warning', 'deprecated-negation', use.negation.span, `Write "! ${use.name.value} value": "!" after the option is deprecated.`, `「! ${use.name.value} 値」と書いてください。オプションの後の「!」は非推奨です。`),
      );
    if (op.name === '--protocol' && use.values[0] && iptablesProtocolValue(use.values[0].value) === 0)
      out.push(iptablesDiagnostic('error', 'never-matches', use.span, '"! -p all" matches no packet at all.', '「! -p all」はどのパケットにも一致しません。'));
  }
  return out;
}

export function lintIptablesNegation(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesNegation);
}

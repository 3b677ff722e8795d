import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import { iptablesCanonicalProtocol } from '../values.js';
import type { IptablesRuleContext } from './context.js';
import { extensionLabel, extensionSpecOf, lintEachRule, optionSpecOf, ruleProtocol } from './context.js';

/**
 * Matches, targets and options that only make sense for some protocols need the rule to say so with `-p`:
 * `-m tcp`, `-m multiport`, `-j TPROXY`, `--to-ports`. iptables refuses them otherwise ("multiport needs -p tcp,
 * -p udp, ..."). The protocol may be written anywhere in the rule.
 */
export function checkIptablesProtocolRequirements(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  const proto = ruleProtocol(rule);
  const fits = (list: readonly string[]) => proto !== undefined && list.some((p) => iptablesCanonicalProtocol(p) === proto);
  const needs = (list: readonly string[]) => list.filter((p, i) => list.indexOf(p) === i && !/^[0-9]+$/.test(p)).map((p) => `-p ${p}`);
  rule.extensions.forEach((ext) => {
    const spec = extensionSpecOf(ext, ctx.family);
    if (!spec?.protocols || ext.implicit || fits(spec.protocols) || !ext.name) return;
    const list = needs(spec.protocols).join(' or ');
    out.push(iptablesDiagnostic('error', 'needs-protocol', ext.name.span, `${extensionLabel(ext)} needs ${list} in the rule.`, `${extensionLabel(ext)} にはルールに ${list} が必要です。`));
  });
  for (const use of rule.options) {
    const op = optionSpecOf(rule, use, ctx.family);
    if (!op?.protocols || fits(op.protocols)) continue;
    const list = needs(op.protocols).join(' or ');
    out.push(iptablesDiagnostic('error', 'needs-protocol', use.name.span, `${op.name} needs ${list} in the rule.`, `${op.name} にはルールに ${list} が必要です。`));
  }
  return out;
}

export function lintIptablesProtocolRequirements(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesProtocolRequirements);
}

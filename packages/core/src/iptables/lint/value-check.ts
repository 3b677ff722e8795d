import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesRule } from '../parse.js';
import { checkIptablesValues } from '../values.js';
import type { IptablesRuleContext } from './context.js';
import { optionSpecOf, ruleProtocol } from './context.js';

/**
 * Value problems of a rule, computed once and shared by the value rules (addresses, ports, protocols, log level,
 * everything else): each rule file keeps its own codes. The rules run one after another on the same rule, so a
 * one-entry cache makes five rules cost one pass (a WeakMap over 100k rules cost more in GC than it saved).
 */
let last: { rule: IptablesRule; family: IptablesRuleContext['family']; diagnostics: IptablesDiagnostic[] } | undefined;

/** Options whose values a dedicated rule checks with its own wording. */
const OWNED_ELSEWHERE = new Set(['--log-prefix', '--nflog-prefix']);

export function ruleValueDiagnostics(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  if (last && last.rule === rule && last.family === ctx.family) return last.diagnostics;
  const protocol = ruleProtocol(rule);
  const valueCtx = { ...(ctx.family !== undefined ? { family: ctx.family } : {}), ...(protocol !== undefined ? { protocol } : {}) };
  const out: IptablesDiagnostic[] = [];
  for (const use of rule.options) {
    const spec = optionSpecOf(rule, use, ctx.family);
    if (!spec || OWNED_ELSEWHERE.has(spec.name) || use.values.length === 0) continue;
    for (const p of checkIptablesValues(spec.name, spec.value, use.values.map((v) => v.value), valueCtx)) {
      const word = use.values[p.index] ?? use.values[0];
      out.push({ severity: p.severity, code: p.code, message: p.message, span: word.span });
    }
  }
  last = { rule, family: ctx.family, diagnostics: out };
  return out;
}

export function valueRule(codes: ReadonlySet<string> | ((code: string) => boolean)) {
  const keep = typeof codes === 'function' ? codes : (c: string) => codes.has(c);
  return (rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] => ruleValueDiagnostics(rule, ctx).filter((d) => keep(d.code));
}

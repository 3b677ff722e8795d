import { iptablesMatchFamilies, iptablesTargetFamilies } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { extensionSpecOf, lintEachRule } from './context.js';

/**
 * `-m NAME` that iptables has no match for (iptables-restore stops: "Couldn't load match"), and matches or targets
 * of the other family (`-m icmp6` in an IPv4 file). Unknown `-j` names are not judged here: they may be chains,
 * which the document-level rule checks.
 */
export function checkIptablesExtensions(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const ext of rule.extensions) {
    if (!ext.name || ext.implicit || ext.goto || extensionSpecOf(ext, ctx.family)) continue;
    const name = ext.name.value;
    const families = ext.kind === 'match' ? iptablesMatchFamilies(name) : iptablesTargetFamilies(name);
    if (families.length > 0) {
      const only = families[0];
      out.push(
        iptablesDiagnostic(
          'error',
          'wrong-family',
          ext.name.span,
          `${name} exists only in ${only === 6 ? 'ip6tables (IPv6)' : 'iptables (IPv4)'}.`,
          `${name} は ${only === 6 ? 'ip6tables (IPv6)' : 'iptables (IPv4)'} 専用です。`,
        ),
      );
    } else if (ext.kind === 'match') {
      out.push(iptablesDiagnostic('error', 'unknown-match', ext.name.span, `There is no match called "${name}".`, `「${name}」というマッチはありません。`));
    }
  }
  return out;
}

export function lintIptablesExtensions(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesExtensions);
}

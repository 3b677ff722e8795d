import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesExtensionUse, IptablesOptionUse, IptablesRule } from '../parse.js';
import { iptablesUint } from '../values.js';
import type { IptablesRuleContext } from './context.js';
import { extensionSpecOf, lintEachRule, optionSpecOf } from './context.js';

/**
 * Checks that relate two values, which no value kind can see alone. Each is the check iptables or the kernel makes
 * when the rule is loaded.
 */
export function checkIptablesConstraints(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  const optionsOf = (index: number) => {
    const map = new Map<string, IptablesOptionUse>();
    for (const o of rule.options) if (o.owner === index) map.set(optionSpecOf(rule, o, ctx.family)?.name ?? o.canonical, o);
    return map;
  };
  const num = (o: IptablesOptionUse | undefined) => (o?.values[0] ? iptablesUint(o.values[0].value) : undefined);
  rule.extensions.forEach((ext: IptablesExtensionUse, index) => {
    const spec = extensionSpecOf(ext, ctx.family);
    if (!spec) return;
    const opts = optionsOf(index);
    if (spec.kind === 'match' && spec.name === 'statistic') {
      const every = num(opts.get('--every'));
      const packet = opts.get('--packet');
      const p = num(packet);
      if (every !== undefined && p !== undefined && p >= every && packet)
        out.push(iptablesDiagnostic('error', 'invalid-range', packet.span, `--packet must be 0 to ${every - 1} (less than --every).`, `--packet は 0 から ${every - 1} (--every 未満) です。`));
    }
    if (spec.kind === 'match' && spec.name === 'cluster') {
      const total = num(opts.get('--cluster-total-nodes'));
      const local = opts.get('--cluster-local-node');
      const l = num(local);
      if (total !== undefined && l !== undefined && l > total && local)
        out.push(iptablesDiagnostic('error', 'invalid-range', local.span, `--cluster-local-node must be 1 to ${total}.`, `--cluster-local-node は 1 から ${total} です。`));
    }
    if (spec.kind === 'target' && spec.name === 'TCPMSS' && ext.name && !rule.options.some(selectsSyn)) {
      // xt_TCPMSS's checkentry refuses a rule that can see packets other than SYNs (iptables-legacy reports it).
      out.push(
        iptablesDiagnostic(
          'error',
          'tcpmss-needs-syn',
          ext.name.span,
          'TCPMSS works only on SYN packets: add -m tcp --tcp-flags SYN,RST SYN (or --syn) to the rule.',
          'TCPMSS は SYN パケットにのみ使えます: ルールに -m tcp --tcp-flags SYN,RST SYN (または --syn) を加えてください。',
        ),
      );
    }
  });
  return out;
}

function selectsSyn(o: IptablesOptionUse): boolean {
  if (o.negation) return false;
  if (o.canonical === '--syn') return true;
  if (o.canonical !== '--tcp-flags' || o.values.length < 2) return false;
  const mask = o.values[0].value.toUpperCase().split(',');
  const comp = o.values[1].value.toUpperCase().split(',');
  return (mask.includes('SYN') || mask.includes('ALL')) && (comp.includes('SYN') || comp.includes('ALL'));
}

export function lintIptablesConstraints(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesConstraints);
}

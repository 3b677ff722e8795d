import { iptablesTable, isIptablesBuiltinChain } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { extensionLabel, extensionSpecOf, lintEachRule, optionSpecOf, tableOf } from './context.js';

/**
 * Extensions and options in a table or built-in chain where the kernel does not run them: DNAT outside nat
 * PREROUTING/OUTPUT, CT outside raw, `-i` in OUTPUT, `-m owner` in INPUT. Chains of the user are not judged: which
 * hooks reach them depends on the jumps.
 */
export function checkIptablesPlacement(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  const table = tableOf(ctx);
  if (!iptablesTable(table)) return out; // an unknown table is reported once, on its header
  const chain = ctx.chain !== undefined && isIptablesBuiltinChain(table, ctx.chain) ? ctx.chain : undefined;
  for (const ext of rule.extensions) {
    const spec = extensionSpecOf(ext, ctx.family);
    if (!spec || !ext.name) continue;
    if (spec.tables && !spec.tables.includes(table))
      out.push(
        iptablesDiagnostic('error', 'wrong-table', ext.name.span, `${extensionLabel(ext)} works only in the ${spec.tables.join(' or ')} table, not in ${table}.`, `${extensionLabel(ext)} は ${spec.tables.join('・')} テーブル専用で、${table} では使えません。`),
      );
    else if (chain && spec.chains && !spec.chains.includes(chain))
      out.push(
        iptablesDiagnostic('error', 'wrong-chain', ext.name.span, `${extensionLabel(ext)} works only in ${spec.chains.join(', ')}, not in ${chain}.`, `${extensionLabel(ext)} は ${spec.chains.join('・')} 専用で、${chain} では使えません。`),
      );
  }
  if (chain)
    for (const use of rule.options) {
      const op = optionSpecOf(rule, use, ctx.family);
      if (op?.chains && !op.chains.includes(chain))
        out.push(
          iptablesDiagnostic('error', 'wrong-chain', use.name.span, `${use.name.value} cannot be used in ${chain} (only in ${op.chains.join(', ')}).`, `${use.name.value} は ${chain} では使えません (${op.chains.join('・')} のみ)。`),
        );
    }
  return out;
}

export function lintIptablesPlacement(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesPlacement);
}

import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { extensionLabel, extensionSpecOf, lintEachRule, optionSpecOf } from './context.js';

/**
 * An option no loaded match or target knows. iptables-restore refuses the whole table for it ("unknown option"),
 * so it is an error; the message names the extension the option was written after, the likely intended owner.
 */
export function checkIptablesUnknownOptions(rule: IptablesRule, ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const use of rule.options) {
    if (optionSpecOf(rule, use, ctx.family)) continue;
    const name = use.name.value;
    if (use.owner < 0) {
      out.push(iptablesDiagnostic('error', 'unknown-option', use.name.span, `Unknown option ${name}.`, `不明なオプション ${name} です。`));
      continue;
    }
    const ext = rule.extensions[use.owner];
    const spec = extensionSpecOf(ext, ctx.family);
    if (spec?.loose) continue; // third-party extension: its options are not in the catalogue
    if (!spec && ext.kind === 'match') continue; // the unknown match itself is reported
    if (!spec) {
      out.push(
        iptablesDiagnostic(
          'error',
          'unknown-option',
          use.name.span,
          `Unknown option ${name}: ${extensionLabel(ext)} jumps to a chain, which takes no options.`,
          `不明なオプション ${name} です: ${extensionLabel(ext)} はチェインへのジャンプで、オプションを取りません。`,
        ),
      );
      continue;
    }
    out.push(
      iptablesDiagnostic(
        'error',
        'unknown-option',
        use.name.span,
        `Unknown option ${name}: ${extensionLabel(ext)} has ${spec.options.length ? spec.options.map((o) => o.name).join(', ') : 'no options'}.`,
        `不明なオプション ${name} です: ${extensionLabel(ext)} のオプションは ${spec.options.length ? spec.options.map((o) => o.name).join(', ') : 'ありません'}。`,
      ),
    );
  }
  return out;
}

export function lintIptablesUnknownOptions(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesUnknownOptions);
}

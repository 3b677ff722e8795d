import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';

/**
 * A LOG rule without a rate limit writes one kernel line per packet: a flood or a scan then fills the disk and
 * drowns the journal exactly when the log matters. The fix inserts `-m limit --limit 1/s` before the target.
 */
export function checkIptablesLogLimit(rule: IptablesRule, _ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const target = rule.target;
  if (!target || target.goto || target.name?.value !== 'LOG' || !target.keyword || !target.name) return [];
  const limited = rule.extensions.some((e) => e.kind === 'match' && (e.name?.value === 'limit' || e.name?.value === 'hashlimit'));
  if (limited) return [];
  const at = { line: target.keyword.span.line, character: target.keyword.span.start };
  return [
    iptablesDiagnostic(
      'warning',
      'log-without-limit',
      target.name.span,
      'LOG without -m limit logs every packet: a flood or a scan will flood the log too.',
      '-m limit のない LOG はすべてのパケットを記録します。攻撃やスキャンでログもあふれます。',
      { fix: { title: { en: 'Add -m limit --limit 1/s', ja: '-m limit --limit 1/s を追加' }, edits: [{ start: at, end: at, newText: '-m limit --limit 1/s ' }] } },
    ),
  ];
}

export function lintIptablesLogLimit(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesLogLimit);
}

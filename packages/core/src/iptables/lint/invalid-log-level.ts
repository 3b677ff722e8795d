import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';
import { valueRule } from './value-check.js';

/** `--log-level` must be 0-7 or a syslog level name (emerg alert crit error warning notice info debug). */
export const checkIptablesLogLevel: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[] = valueRule(new Set(['invalid-log-level']));

export function lintIptablesLogLevel(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesLogLevel);
}

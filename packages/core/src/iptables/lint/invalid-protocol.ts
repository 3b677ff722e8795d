import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';
import { valueRule } from './value-check.js';

/** Protocol names and numbers (-p, --ctproto, --vproto), checked against iptables' names and the IANA registry. */
export const IPTABLES_PROTOCOL_CODES: ReadonlySet<string> = new Set(['invalid-protocol']);

export const checkIptablesProtocols: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[] = valueRule(IPTABLES_PROTOCOL_CODES);

export function lintIptablesProtocols(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesProtocols);
}

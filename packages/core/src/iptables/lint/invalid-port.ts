import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';
import { valueRule } from './value-check.js';

/**
 * Ports and port ranges: out of 0-65535, backwards ranges, NAT ports without a protocol that has ports, more than
 * 15 multiport entries, and service names core does not know (a warning: the host's /etc/services decides).
 */
export const IPTABLES_PORT_CODES: ReadonlySet<string> = new Set(['invalid-port', 'unknown-service', 'too-many-ports', 'ports-need-protocol']);

export const checkIptablesPorts: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[] = valueRule(IPTABLES_PORT_CODES);

export function lintIptablesPorts(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesPorts);
}

import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';
import { IPTABLES_ADDRESS_CODES } from './invalid-address.js';
import { IPTABLES_PORT_CODES } from './invalid-port.js';
import { IPTABLES_PROTOCOL_CODES } from './invalid-protocol.js';
import { valueRule } from './value-check.js';

/** Every other value kind of the catalogue: numbers and their ranges, marks, enumerations, rates, times, lengths. */
export const checkIptablesOptionValues: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[] = valueRule(
  (code) => !IPTABLES_ADDRESS_CODES.has(code) && !IPTABLES_PORT_CODES.has(code) && !IPTABLES_PROTOCOL_CODES.has(code) && code !== 'invalid-log-level',
);

export function lintIptablesValues(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesOptionValues);
}

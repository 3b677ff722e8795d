import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';
import { valueRule } from './value-check.js';

/**
 * Addresses and CIDRs (-s, -d, --to-destination, --src-range, ...), read with core's address parser: not an
 * address (error), an address of the other family (error), a host name (warning: resolved once at load time).
 */
export const IPTABLES_ADDRESS_CODES: ReadonlySet<string> = new Set(['invalid-address', 'wrong-family', 'hostname']);

export const checkIptablesAddresses: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[] = valueRule(IPTABLES_ADDRESS_CODES);

export function lintIptablesAddresses(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesAddresses);
}

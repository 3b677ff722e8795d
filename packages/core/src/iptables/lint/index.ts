import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesParseOptions, IptablesRule } from '../parse.js';
import { parseIptablesRule } from '../parse.js';
import type { IptablesDocumentLint, IptablesRuleContext, IptablesRuleLint } from './context.js';
import { lintEachRule } from './context.js';
import { lintIptablesChainDeclarations } from './chain-declaration.js';
import { checkIptablesConstraints } from './constraints.js';
import { lintIptablesDuplicateRules } from './duplicate-rule.js';
import { checkIptablesAddresses } from './invalid-address.js';
import { checkIptablesLogLevel } from './invalid-log-level.js';
import { lintIptablesPolicy } from './invalid-policy.js';
import { checkIptablesPorts } from './invalid-port.js';
import { checkIptablesProtocols } from './invalid-protocol.js';
import { checkIptablesOptionValues } from './invalid-value.js';
import { checkIptablesLogLimit } from './log-limit.js';
import { checkIptablesLogPrefix } from './log-prefix.js';
import { lintIptablesMissingCommit } from './missing-commit.js';
import { checkIptablesRequiredOptions } from './missing-option.js';
import { checkIptablesNegation } from './negation.js';
import { checkIptablesOptionConflicts } from './option-conflicts.js';
import { checkIptablesPlacement } from './placement.js';
import { checkIptablesProtocolRequirements } from './protocol-requirement.js';
import { lintIptablesStructure } from './structure.js';
import { lintIptablesUndefinedChains } from './undefined-chain.js';
import { checkIptablesExtensions } from './unknown-extension.js';
import { checkIptablesUnknownOptions } from './unknown-option.js';
import { lintIptablesUnknownTable } from './unknown-table.js';
import { lintIptablesUnreachable } from './unreachable.js';
import { lintIptablesUnusedChains } from './unused-chain.js';

/** Every rule-level check, in the order their messages read best (what is unknown before what is wrong with it). */
export const IPTABLES_RULE_LINTS: readonly IptablesRuleLint[] = Object.freeze([
  checkIptablesExtensions,
  checkIptablesUnknownOptions,
  checkIptablesRequiredOptions,
  checkIptablesOptionConflicts,
  checkIptablesNegation,
  checkIptablesProtocolRequirements,
  checkIptablesPlacement,
  checkIptablesAddresses,
  checkIptablesPorts,
  checkIptablesProtocols,
  checkIptablesLogLevel,
  checkIptablesOptionValues,
  checkIptablesConstraints,
  checkIptablesLogPrefix,
  checkIptablesLogLimit,
]);

/** Every check that needs the whole document (tables, chains, order of rules). */
export const IPTABLES_DOCUMENT_LINTS: readonly IptablesDocumentLint[] = Object.freeze([
  lintIptablesStructure,
  lintIptablesUnknownTable,
  lintIptablesMissingCommit,
  lintIptablesPolicy,
  lintIptablesChainDeclarations,
  lintIptablesUndefinedChains,
  lintIptablesUnusedChains,
  lintIptablesUnreachable,
  lintIptablesDuplicateRules,
]);

/** One rule's diagnostics: what the parser found, then every rule-level check. */
export function lintIptablesRule(rule: IptablesRule, ctx: IptablesRuleContext = {}): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [...rule.problems];
  for (const lint of IPTABLES_RULE_LINTS) out.push(...lint(rule, ctx));
  return out;
}

/** Parse and check a rule spec as written after `iptables -A CHAIN` (or `ip6tables`, with family 6). */
export function checkIptablesRuleSpec(text: string, ctx: IptablesRuleContext & IptablesParseOptions = {}): { rule: IptablesRule; diagnostics: IptablesDiagnostic[] } {
  const rule = parseIptablesRule(text, ctx.family !== undefined ? { family: ctx.family } : {});
  return { rule, diagnostics: lintIptablesRule(rule, ctx) };
}

/** Every diagnostic of a parsed file: the parser's per line, each rule's, then the document's. */
export function lintIptablesDocument(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const l of doc.lines) out.push(...l.problems);
  out.push(...lintEachRule(doc, (rule, ctx) => IPTABLES_RULE_LINTS.flatMap((lint) => lint(rule, ctx))));
  for (const lint of IPTABLES_DOCUMENT_LINTS) out.push(...lint(doc));
  return out;
}



// Each rule on its own, for callers that run a subset (the language server's quick fixes, tests).
export * from './context.js';
export * from './chains.js';
export * from './chain-declaration.js';
export * from './constraints.js';
export * from './duplicate-rule.js';
export * from './invalid-address.js';
export * from './invalid-log-level.js';
export * from './invalid-policy.js';
export * from './invalid-port.js';
export * from './invalid-protocol.js';
export * from './invalid-value.js';
export * from './log-limit.js';
export * from './log-prefix.js';
export * from './missing-commit.js';
export * from './missing-option.js';
export * from './negation.js';
export * from './option-conflicts.js';
export * from './placement.js';
export * from './protocol-requirement.js';
export * from './structure.js';
export * from './undefined-chain.js';
export * from './unknown-extension.js';
export * from './unknown-option.js';
export * from './unknown-table.js';
export * from './unreachable.js';
export * from './unused-chain.js';
export * from './value-check.js';

import type { IptablesExtensionSpec, IptablesFamily, IptablesOptionSpec } from '../catalogue.js';
import { iptablesExtensionOption, iptablesImplicitMatch, iptablesMatch, iptablesRuleOption, iptablesTarget } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesExtensionUse, IptablesOptionUse, IptablesRule } from '../parse.js';
import { iptablesCanonicalProtocol } from '../values.js';

/**
 * What a rule-level lint rule needs to know besides the rule: the family (iptables or ip6tables), the table and
 * the chain. A rules file supplies them from `*table` and `-A CHAIN`; a single rule spec (the .t tables, a
 * command line) from the caller.
 */
export interface IptablesRuleContext {
  readonly family?: IptablesFamily;
  /** Defaults to filter, as iptables does. */
  readonly table?: string;
  readonly chain?: string;
}

export type IptablesRuleLint = (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[];
export type IptablesDocumentLint = (doc: IptablesDocument) => IptablesDiagnostic[];

/** Run a rule-level check over every rule of a document, each with its table, chain and the file's family. */
export function lintEachRule(doc: IptablesDocument, check: IptablesRuleLint): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const table of doc.tables) {
    const name = table.name?.value ?? 'filter';
    for (const line of table.rules) {
      const chain = line.rule.command?.chain?.value;
      out.push(...check(line.rule, { ...(doc.family !== undefined ? { family: doc.family } : {}), table: name, ...(chain !== undefined ? { chain } : {}) }));
    }
  }
  return out;
}

/**
 * The catalogue entry of a match or target for the rule's family. The parser may have resolved it without the
 * family (a line parsed alone); the linter decides with it.
 */
export function extensionSpecOf(ext: IptablesExtensionUse, family: IptablesFamily | undefined): IptablesExtensionSpec | undefined {
  if (!ext.name) return undefined;
  if (ext.implicit) return iptablesImplicitMatch(ext.name.value, family) ?? ext.spec;
  if (ext.kind === 'match') return iptablesMatch(ext.name.value, family);
  return ext.goto ? undefined : iptablesTarget(ext.name.value, family);
}

/** The catalogue entry of an option for the rule's family; undefined when its match or target does not know it. */
export function optionSpecOf(rule: IptablesRule, use: IptablesOptionUse, family: IptablesFamily | undefined): IptablesOptionSpec | undefined {
  if (use.owner < 0) {
    const spec = iptablesRuleOption(use.name.value);
    return spec && (spec.family === undefined || family === undefined || spec.family === family) ? spec : undefined;
  }
  const ext = rule.extensions[use.owner];
  const spec = ext && extensionSpecOf(ext, family);
  if (!spec) return undefined;
  const op = iptablesExtensionOption(spec, use.name.value) ?? iptablesExtensionOption(spec, use.canonical);
  return op && (op.family === undefined || family === undefined || op.family === family) ? op : undefined;
}

/** The rule's protocol as iptables-save names it ('tcp' for `-p 6`), unless negated or absent. */
export function ruleProtocol(rule: IptablesRule): string | undefined {
  const p = rule.protocol;
  if (!p || p.negation || !p.values[0]) return undefined;
  return iptablesCanonicalProtocol(p.values[0].value);
}

export function tableOf(ctx: IptablesRuleContext): string {
  return ctx.table ?? 'filter';
}

/** The name an extension is known by in messages: `-m tcp`, `-j LOG`, or the protocol for an implicit match. */
export function extensionLabel(ext: IptablesExtensionUse): string {
  const name = ext.name?.value ?? '?';
  if (ext.implicit) return `-p ${name}`;
  return `${ext.kind === 'match' ? '-m' : ext.goto ? '-g' : '-j'} ${name}`;
}

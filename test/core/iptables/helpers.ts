import type { IptablesDiagnostic, IptablesTextEdit } from '../../../packages/core/src/iptables/diagnostic.js';
import type { IptablesRuleContext } from '../../../packages/core/src/iptables/lint/context.js';
import { lintIptablesRule } from '../../../packages/core/src/iptables/lint/index.js';
import type { IptablesDocument, IptablesRule } from '../../../packages/core/src/iptables/parse.js';
import { parseIptablesDocument, parseIptablesRule } from '../../../packages/core/src/iptables/parse.js';

/** A rules file from lines (joined with \n), parsed. */
export function doc(...lines: string[]): IptablesDocument {
  return parseIptablesDocument(lines.join('\n'));
}

export function ruleOf(text: string, family?: 4 | 6): IptablesRule {
  return parseIptablesRule(text, family !== undefined ? { family } : {});
}

/** Run one rule-level check on a rule spec. */
export function check(fn: (rule: IptablesRule, ctx: IptablesRuleContext) => IptablesDiagnostic[], text: string, ctx: IptablesRuleContext = {}): IptablesDiagnostic[] {
  return fn(ruleOf(text, ctx.family), ctx);
}

/** Every diagnostic of a rule spec (parser and all rule checks). */
export function all(text: string, ctx: IptablesRuleContext = {}): IptablesDiagnostic[] {
  return lintIptablesRule(ruleOf(text, ctx.family), ctx);
}

export function codes(ds: readonly IptablesDiagnostic[]): string[] {
  return ds.map((d) => d.code);
}

export function errors(ds: readonly IptablesDiagnostic[]): IptablesDiagnostic[] {
  return ds.filter((d) => d.severity === 'error');
}

/** Apply a fix's edits to a text, last first so earlier positions stay valid. */
export function applyEdits(text: string, edits: readonly IptablesTextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + character;
  const sorted = [...edits].sort((a, b) => offset(b.start.line, b.start.character) - offset(a.start.line, a.start.character));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.start.line, e.start.character)) + e.newText + out.slice(offset(e.end.line, e.end.character));
  return out;
}

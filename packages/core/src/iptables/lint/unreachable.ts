import type { IptablesFamily } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule, IptablesRuleLine } from '../parse.js';
import { iptablesProtocolValue } from '../values.js';
import { extensionSpecOf, optionSpecOf } from './context.js';

/** Rule options that select nothing: every packet passes them. */
const NEUTRAL = new Set(['--match', '--jump', '--goto', '--set-counters', '--table', '--ipv4', '--ipv6']);

/**
 * Whether a rule matches every packet: no match but comments, and only options that select everything
 * (`-i +`, `-s 0.0.0.0/0`, `-p all`).
 */
export function isIptablesRuleUnconditional(rule: IptablesRule, family?: IptablesFamily): boolean {
  for (const ext of rule.extensions) {
    if (ext.kind !== 'match') continue;
    if (!extensionSpecOf(ext, family)?.matchesAll) return false;
  }
  for (const use of rule.options) {
    if (use.owner >= 0) continue; // options of matches (judged above) and of the target
    const name = optionSpecOf(rule, use, family)?.name ?? use.canonical;
    if (NEUTRAL.has(name)) continue;
    if (use.negation) return false;
    const v = use.values[0]?.value;
    if ((name === '--in-interface' || name === '--out-interface') && v === '+') continue;
    if ((name === '--source' || name === '--destination') && (v === '0.0.0.0/0' || v === '::/0' || v === '0/0')) continue;
    if (name === '--protocol' && v !== undefined && iptablesProtocolValue(v) === 0) continue;
    return false;
  }
  return true;
}

/** Whether the rule decides the packet's fate here: a terminal target, or `-g` (which never comes back). */
export function isIptablesRuleTerminal(rule: IptablesRule, family?: IptablesFamily): boolean {
  const t = rule.target;
  if (!t) return false;
  if (t.goto) return true;
  return extensionSpecOf(t, family)?.terminal ?? false;
}

function isLog(rule: IptablesRule): boolean {
  const n = rule.target?.name?.value;
  return !rule.target?.goto && (n === 'LOG' || n === 'NFLOG' || n === 'ULOG');
}

function label(rule: IptablesRule): string {
  const t = rule.target;
  return t?.name ? `${t.goto ? '-g' : '-j'} ${t.name.value}` : 'rule';
}

/**
 * Rules after an unconditional terminal rule of the same chain never see a packet. The classic case is the LOG
 * placed after the chain's final REJECT or DROP, meant to record what is refused: it records nothing, and the fix
 * moves it just above the terminal rule. Chains built with -I, -R or -D are skipped: their order is not the file's.
 */
export function lintIptablesUnreachable(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const t of doc.tables) {
    const byChain = new Map<string, IptablesRuleLine[]>();
    const reordered = new Set<string>();
    for (const l of t.rules) {
      const cmd = l.rule.command;
      const chain = cmd?.chain?.value;
      if (!cmd || chain === undefined) continue;
      if (cmd.spec.name === '-I' || cmd.spec.name === '-R' || cmd.spec.name === '-D') reordered.add(chain);
      if (cmd.spec.name === '-F') byChain.delete(chain); // a flush starts the chain over
      if (cmd.spec.name !== '-A') continue;
      const list = byChain.get(chain);
      if (list) list.push(l);
      else byChain.set(chain, [l]);
    }
    for (const [chain, lines] of byChain) {
      if (reordered.has(chain)) continue;
      const stop = lines.findIndex((l) => isIptablesRuleTerminal(l.rule, doc.family) && isIptablesRuleUnconditional(l.rule, doc.family));
      if (stop < 0) continue;
      const terminal = lines[stop];
      const related = [{ span: terminal.span, message: { en: `every packet stops here (${label(terminal.rule)})`, ja: `すべてのパケットはここで止まります (${label(terminal.rule)})` } }];
      for (const l of lines.slice(stop + 1)) {
        if (isLog(l.rule)) {
          const at = { line: terminal.line, character: 0 };
          out.push(
            iptablesDiagnostic(
              'warning',
              'unreachable',
              l.span,
              `This ${label(l.rule)} rule never logs anything: the rule on line ${terminal.line + 1} (${label(terminal.rule)}) already stops every packet of ${chain}. Put the log rule just before it.`,
              `この ${label(l.rule)} ルールは何も記録しません: ${terminal.line + 1} 行目のルール (${label(terminal.rule)}) が ${chain} のすべてのパケットを止めています。ログのルールはその直前に置いてください。`,
              {
                related,
                fix: {
                  title: { en: `Move the ${label(l.rule)} rule above line ${terminal.line + 1}`, ja: `${label(l.rule)} ルールを ${terminal.line + 1} 行目の前へ移動` },
                  edits: [
                    { start: at, end: at, newText: `${l.text.trim()}\n` },
                    { start: { line: l.line, character: 0 }, end: { line: l.line + 1, character: 0 }, newText: '' },
                  ],
                },
              },
            ),
          );
        } else
          out.push(
            iptablesDiagnostic(
              'warning',
              'unreachable',
              l.span,
              `Unreachable: the rule on line ${terminal.line + 1} (${label(terminal.rule)}) already stops every packet of ${chain}.`,
              `到達しません: ${terminal.line + 1} 行目のルール (${label(terminal.rule)}) が ${chain} のすべてのパケットを止めています。`,
              { related },
            ),
          );
      }
    }
  }
  return out;
}

import { IPTABLES_LOG_PREFIX_MAX, IPTABLES_NFLOG_PREFIX_MAX } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument, IptablesRule } from '../parse.js';
import { quoteIptablesValue } from '../tokenize.js';
import type { IptablesRuleContext } from './context.js';
import { lintEachRule } from './context.js';

/**
 * `--log-prefix`: the kernel keeps 29 characters and cuts the rest silently, so two prefixes that differ after
 * character 29 become one in the log. And the kernel writes `IN=` right after the prefix: a prefix ending in a letter
 * or digit glues to it ("DROPIN=eth0"), which breaks every parser that reads the log, ours included.
 */
export function checkIptablesLogPrefix(rule: IptablesRule, _ctx: IptablesRuleContext): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const use of rule.options) {
    if (use.canonical !== '--log-prefix' && use.canonical !== '--nflog-prefix') continue;
    const word = use.values[0];
    if (!word) continue;
    const prefix = word.value;
    if (prefix.length === 0) {
      out.push(iptablesDiagnostic('error', 'invalid-value', word.span, 'The prefix cannot be empty.', 'プレフィックスは空にできません。'));
      continue;
    }
    if (use.canonical === '--nflog-prefix') {
      if (prefix.length > IPTABLES_NFLOG_PREFIX_MAX)
        out.push(
          iptablesDiagnostic('warning', 'log-prefix-too-long', word.span, `NFLOG keeps ${IPTABLES_NFLOG_PREFIX_MAX} characters of the prefix; ${prefix.length - IPTABLES_NFLOG_PREFIX_MAX} are cut.`, `NFLOG はプレフィックスを ${IPTABLES_NFLOG_PREFIX_MAX} 文字までしか保持しません。${prefix.length - IPTABLES_NFLOG_PREFIX_MAX} 文字が切り捨てられます。`),
        );
      continue;
    }
    if (prefix.length > IPTABLES_LOG_PREFIX_MAX) {
      const kept = prefix.slice(0, IPTABLES_LOG_PREFIX_MAX - 1).trimEnd();
      const shortened = `${kept} `;
      out.push(
        iptablesDiagnostic(
          'warning',
          'log-prefix-too-long',
          word.span,
          `The prefix has ${prefix.length} characters; the kernel keeps ${IPTABLES_LOG_PREFIX_MAX} and cuts the rest silently ("${prefix.slice(0, IPTABLES_LOG_PREFIX_MAX)}").`,
          `プレフィックスが ${prefix.length} 文字です。カーネルは ${IPTABLES_LOG_PREFIX_MAX} 文字まで残し、残りを黙って切り捨てます (「${prefix.slice(0, IPTABLES_LOG_PREFIX_MAX)}」)。`,
          {
            fix: {
              title: { en: `Shorten the prefix to "${shortened}"`, ja: `プレフィックスを「${shortened}」に短縮` },
              edits: [{ start: { line: word.span.line, character: word.span.start }, end: { line: word.span.line, character: word.span.end }, newText: quoteIptablesValue(shortened) }],
            },
          },
        ),
      );
      continue;
    }
    if (/[\p{L}\p{N}_]$/u.test(prefix)) {
      const fixed = `${prefix} `;
      out.push(
        iptablesDiagnostic(
          'warning',
          'log-prefix-separator',
          word.span,
          `The prefix ends in "${prefix.slice(-1)}": the kernel writes IN= right after it ("${prefix}IN=eth0"). End it with a space or a colon.`,
          `プレフィックスが「${prefix.slice(-1)}」で終わっています。カーネルは直後に IN= を書きます (「${prefix}IN=eth0」)。空白かコロンで終えてください。`,
          {
            fix: {
              title: { en: 'Add a trailing space', ja: '末尾に空白を追加' },
              edits: [{ start: { line: word.span.line, character: word.span.start }, end: { line: word.span.line, character: word.span.end }, newText: quoteIptablesValue(fixed) }],
            },
          },
        ),
      );
    }
  }
  return out;
}

export function lintIptablesLogPrefix(doc: IptablesDocument): IptablesDiagnostic[] {
  return lintEachRule(doc, checkIptablesLogPrefix);
}

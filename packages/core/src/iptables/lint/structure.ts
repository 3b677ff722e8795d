import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';

/**
 * Lines iptables-restore cannot place: chain headers, rules or COMMIT outside a `*table` block, rule lines without
 * a command (-A, -I, ...), and `-t` inside a file (the table comes from the `*table` line).
 */
export function lintIptablesStructure(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const l of doc.outside) {
    const what = l.kind === 'commit' ? 'COMMIT' : l.kind === 'chain' ? 'This chain line' : 'This rule';
    const whatJa = l.kind === 'commit' ? 'COMMIT' : l.kind === 'chain' ? 'このチェイン行' : 'このルール';
    out.push(iptablesDiagnostic('error', 'outside-table', l.span, `${what} is outside any table: start one with a *table line (*filter).`, `${whatJa}はどのテーブルにも属していません。*filter などのテーブル行で始めてください。`));
  }
  const rules = [...doc.tables.flatMap((t) => t.rules), ...doc.outside.filter((l) => l.kind === 'rule')];
  for (const l of rules) {
    if (l.kind !== 'rule') continue;
    const r = l.rule;
    if (!r.command && (r.options.length > 0 || r.counters))
      out.push(iptablesDiagnostic('error', 'missing-command', l.span, 'A rule line starts with a command: -A CHAIN (append) or -I CHAIN (insert).', 'ルール行はコマンドで始めます: -A チェイン (追加) または -I チェイン (挿入)。'));
    if (r.table)
      out.push(iptablesDiagnostic('error', 'table-option-in-file', r.table.span, 'In a rules file the table comes from the *table line; -t is not allowed here.', 'ルールファイルではテーブルは *table 行で決まるため、ここでは -t を使えません。'));
  }
  return out;
}

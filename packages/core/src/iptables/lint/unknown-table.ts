import { IPTABLES_TABLES, iptablesTable } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';

/** `*name` for a table the kernel does not have (iptables-restore: "can't initialize iptables table"). */
export function lintIptablesUnknownTable(doc: IptablesDocument): IptablesDiagnostic[] {
  const names = IPTABLES_TABLES.map((t) => t.name).join(', ');
  return doc.tables
    .filter((t) => t.name && !iptablesTable(t.name.value))
    .map((t) => {
      const word = t.name as NonNullable<typeof t.name>;
      return iptablesDiagnostic('error', 'unknown-table', word.span, `There is no table "${word.value}": the tables are ${names}.`, `「${word.value}」というテーブルはありません。テーブルは ${names} です。`);
    });
}

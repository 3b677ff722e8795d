import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';

/**
 * A table with no COMMIT: iptables-restore applies a table only at its COMMIT, so everything in it is silently
 * thrown away (or the restore fails at the next `*table`).
 */
export function lintIptablesMissingCommit(doc: IptablesDocument): IptablesDiagnostic[] {
  return doc.tables
    .filter((t) => !t.commit)
    .map((t) => {
      const at = t.name?.span ?? t.header.span;
      const label = t.name ? `*${t.name.value}` : 'This table';
      return iptablesDiagnostic('error', 'missing-commit', at, `${label} has no COMMIT line: none of its rules would be applied.`, `${label} に COMMIT 行がありません。ルールは適用されません。`, {
        fix: { title: { en: 'Add COMMIT', ja: 'COMMIT を追加' }, edits: [{ start: { line: t.endLine + 1, character: 0 }, end: { line: t.endLine + 1, character: 0 }, newText: 'COMMIT\n' }] },
      });
    });
}

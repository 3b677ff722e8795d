import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';
import { indexIptablesChains } from './chains.js';

/**
 * A user chain that no rule of its table jumps to: its rules never run, which is usually a forgotten `-j`. Files
 * restored together (ufw's before/user/after rules) may jump from another file, so the message says so.
 */
export function lintIptablesUnusedChains(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const t of doc.tables) {
    const index = indexIptablesChains(t, doc.family);
    const used = new Set(index.jumps.map((j) => j.name.value));
    for (const [name, word] of index.declared) {
      if (used.has(name)) continue;
      out.push(
        iptablesDiagnostic(
          'warning',
          'unused-chain',
          word.span,
          `No rule in this table jumps to ${name}, so its rules never run (unless another file's rules jump to it).`,
          `このテーブルには ${name} へジャンプするルールがないため、そのルールは実行されません (他のファイルからジャンプする場合を除く)。`,
        ),
      );
    }
  }
  return out;
}

import { isIptablesBuiltinChain } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';
import { indexIptablesChains } from './chains.js';

/**
 * `-j NAME` / `-g NAME` to a chain this table never declares, and `-A NAME` to one. iptables-restore fails on these
 * unless the chain already exists in the kernel (restoring with --noflush, as ufw and firewalld do with files that
 * refer to each other's chains), so this is a warning, worded for both cases. Jumps to built-in chains are errors:
 * the kernel allows jumps to user chains only.
 */
export function lintIptablesUndefinedChains(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const t of doc.tables) {
    const index = indexIptablesChains(t, doc.family);
    for (const { name } of index.jumps) {
      if (index.declared.has(name.value)) continue;
      if (isIptablesBuiltinChain(index.table, name.value))
        out.push(iptablesDiagnostic('error', 'jump-to-builtin', name.span, `Cannot jump to the built-in chain ${name.value}.`, `組み込みチェイン ${name.value} へはジャンプできません。`));
      else
        out.push(
          iptablesDiagnostic(
            'warning',
            'undefined-chain',
            name.span,
            `${name.value} is neither a target nor a chain declared in this table: iptables-restore fails unless the chain already exists.`,
            `${name.value} はターゲットでも、このテーブルで宣言されたチェインでもありません。チェインが既に存在しない限り iptables-restore は失敗します。`,
          ),
        );
    }
    for (const r of t.rules) {
      const cmd = r.rule.command;
      const chain = cmd?.chain;
      if (!cmd || !chain || cmd.spec.name === '-N' || cmd.spec.name === '-X') continue;
      if (isIptablesBuiltinChain(index.table, chain.value) || index.declared.has(chain.value)) continue;
      out.push(
        iptablesDiagnostic(
          'warning',
          'undefined-chain',
          chain.span,
          `Chain ${chain.value} is not declared in this table (add ":${chain.value} - [0:0]" after the table line).`,
          `チェイン ${chain.value} はこのテーブルで宣言されていません (テーブル行の後に「:${chain.value} - [0:0]」を追加)。`,
        ),
      );
    }
  }
  return out;
}

import { iptablesTarget, isIptablesBuiltinChain } from '../catalogue.js';
import type { IptablesDiagnostic, IptablesSpan } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';

/** The kernel stores chain names in 29 bytes with the NUL. */
export const IPTABLES_CHAIN_NAME_MAX = 28;

/**
 * Chain headers iptables-restore refuses: a chain declared twice in a table, a name longer than 28 characters, a
 * name that is a target (ACCEPT, LOG) or starts with "-" or "!".
 */
export function lintIptablesChainDeclarations(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  for (const t of doc.tables) {
    const table = t.name?.value ?? 'filter';
    const seen = new Map<string, IptablesSpan>();
    for (const c of t.chains) {
      if (!c.name) continue;
      const name = c.name.value;
      const first = seen.get(name);
      if (first !== undefined)
        out.push(
          iptablesDiagnostic('error', 'duplicate-chain', c.name.span, `Chain ${name} is declared twice in this table.`, `チェイン ${name} がこのテーブルで 2 回宣言されています。`, {
            related: [{ span: first, message: { en: 'first declared here', ja: '最初の宣言' } }],
          }),
        );
      else seen.set(name, c.name.span);
      if (isIptablesBuiltinChain(table, name)) continue;
      if (name.length > IPTABLES_CHAIN_NAME_MAX)
        out.push(iptablesDiagnostic('error', 'chain-name-too-long', c.name.span, `Chain names have at most ${IPTABLES_CHAIN_NAME_MAX} characters; ${name} has ${name.length}.`, `チェイン名は最大 ${IPTABLES_CHAIN_NAME_MAX} 文字です。${name} は ${name.length} 文字です。`));
      else if (iptablesTarget(name) || name.startsWith('-') || name.startsWith('!'))
        out.push(iptablesDiagnostic('error', 'invalid-chain-name', c.name.span, `"${name}" cannot name a chain: it is a target or starts with - or !.`, `「${name}」はチェイン名にできません (ターゲット名、または - か ! で始まる)。`));
    }
  }
  return out;
}

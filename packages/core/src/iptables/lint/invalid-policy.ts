import { IPTABLES_POLICIES, IPTABLES_USER_CHAIN_POLICY, iptablesTable, isIptablesBuiltinChain } from '../catalogue.js';
import type { IptablesDiagnostic } from '../diagnostic.js';
import { iptablesDiagnostic } from '../diagnostic.js';
import type { IptablesDocument } from '../parse.js';
import type { IptablesWord } from '../tokenize.js';

/**
 * Policies: a built-in chain takes ACCEPT or DROP (or `-` to keep the current one); a user chain has none and is
 * written with `-`. Checked on chain headers and on `-P` commands.
 */
export function lintIptablesPolicy(doc: IptablesDocument): IptablesDiagnostic[] {
  const out: IptablesDiagnostic[] = [];
  const valid = IPTABLES_POLICIES.map((p) => p.name);
  const check = (table: string, chain: IptablesWord, policy: IptablesWord, command: boolean) => {
    const builtin = isIptablesBuiltinChain(table, chain.value);
    const p = policy.value;
    if (builtin) {
      if (valid.includes(p) || (!command && p === IPTABLES_USER_CHAIN_POLICY)) return;
      out.push(iptablesDiagnostic('error', 'invalid-policy', policy.span, `"${p}" is not a policy: a built-in chain takes ACCEPT or DROP.`, `「${p}」はポリシーではありません。組み込みチェインには ACCEPT か DROP を指定します。`));
    } else if (command || p !== IPTABLES_USER_CHAIN_POLICY) {
      const inTable = iptablesTable(table) ? ` of the ${table} table` : '';
      const inTableJa = iptablesTable(table) ? `${table} テーブルの` : '';
      out.push(
        iptablesDiagnostic(
          'error',
          'invalid-policy',
          policy.span,
          `${chain.value} is not a built-in chain${inTable}, so it has no policy: write "-".`,
          `${chain.value} は${inTableJa}組み込みチェインではないのでポリシーを持ちません。「-」と書いてください。`,
        ),
      );
    }
  };
  for (const t of doc.tables) {
    const table = t.name?.value ?? 'filter';
    for (const c of t.chains) if (c.name && c.policy) check(table, c.name, c.policy, false);
    for (const r of t.rules) {
      const cmd = r.rule.command;
      if (cmd?.spec.name === '-P' && cmd.chain && cmd.policy) check(table, cmd.chain, cmd.policy, true);
    }
  }
  return out;
}

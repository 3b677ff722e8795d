import { iptablesTarget, isIptablesBuiltinChain } from '../catalogue.js';
import type { IptablesFamily } from '../catalogue.js';
import type { IptablesRuleLine, IptablesTableBlock } from '../parse.js';
import type { IptablesWord } from '../tokenize.js';

/** The chains of a table as the file defines and uses them; shared by the chain rules. */
export interface IptablesChainIndex {
  readonly table: string;
  /** User chains declared by `:NAME - [0:0]` or `-N NAME`, first declaration kept. */
  readonly declared: ReadonlyMap<string, IptablesWord>;
  /** Every `-j NAME` / `-g NAME` that is not a target, with its rule. */
  readonly jumps: readonly { readonly name: IptablesWord; readonly line: IptablesRuleLine }[];
}

export function indexIptablesChains(table: IptablesTableBlock, family: IptablesFamily | undefined): IptablesChainIndex {
  const name = table.name?.value ?? 'filter';
  const declared = new Map<string, IptablesWord>();
  for (const c of table.chains) if (c.name && !isIptablesBuiltinChain(name, c.name.value) && !declared.has(c.name.value)) declared.set(c.name.value, c.name);
  const jumps: { name: IptablesWord; line: IptablesRuleLine }[] = [];
  for (const line of table.rules) {
    const r = line.rule;
    if (r.command?.spec.name === '-N' && r.command.chain && !declared.has(r.command.chain.value)) declared.set(r.command.chain.value, r.command.chain);
    const t = r.target;
    if (t?.name && (t.goto || !iptablesTarget(t.name.value, family))) jumps.push({ name: t.name, line });
  }
  return { table: name, declared, jumps };
}

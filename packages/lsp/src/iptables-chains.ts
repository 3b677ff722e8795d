import { isIptablesBuiltinChain, type IptablesDocument, type IptablesSpan, type IptablesTableBlock } from '@portcullis/core';

/** Where one chain is declared, filled and jumped to, within one table. */
export interface ChainInfo {
  readonly name: string;
  readonly builtin: boolean;
  /** The `:NAME` word (or `-N NAME`). */
  readonly header?: IptablesSpan;
  /** The chain word of each `-A/-I NAME ...` line. */
  readonly rules: IptablesSpan[];
  /** The name word of each `-j NAME` / `-g NAME`. */
  readonly jumps: IptablesSpan[];
}

/** The table a line belongs to. */
export function tableAt(doc: IptablesDocument, line: number): IptablesTableBlock | undefined {
  return doc.tables.find((t) => t.startLine <= line && line <= t.endLine);
}

/** Every chain of a table: one pass over its headers and rules. */
export function chainsOf(table: IptablesTableBlock): Map<string, ChainInfo> {
  const tableName = table.name?.value ?? 'filter';
  const out = new Map<string, ChainInfo>();
  const get = (name: string): ChainInfo => {
    let c = out.get(name);
    if (!c) {
      c = { name, builtin: isIptablesBuiltinChain(tableName, name), rules: [], jumps: [] };
      out.set(name, c);
    }
    return c;
  };
  for (const h of table.chains) if (h.name) out.set(h.name.value, { ...get(h.name.value), header: h.name.span });
  for (const l of table.rules) {
    const cmd = l.rule.command;
    if (cmd?.chain) {
      if (cmd.spec.name === '-N') {
        const c = get(cmd.chain.value);
        if (!c.header) out.set(c.name, { ...c, header: cmd.chain.span });
      } else get(cmd.chain.value).rules.push(cmd.chain.span);
    }
    const t = l.rule.target;
    // a jump to a user chain: `-g` always, `-j` when the name is no known target
    if (t?.name && (t.goto || !t.spec)) get(t.name.value).jumps.push(t.name.span);
  }
  return out;
}

export function chainInfo(table: IptablesTableBlock, name: string): ChainInfo | undefined {
  return chainsOf(table).get(name);
}

import type { IptablesExtensionUse, IptablesLine, IptablesOptionUse, IptablesSpan, IptablesWord } from '@portcullis/core';

/**
 * What a position in an iptables line is: the one lookup hover, definition, references and semantic tokens share,
 * so they never disagree about which word is a chain and which an option.
 */
export type IptablesPart =
  | { kind: 'table'; word: IptablesWord }
  | { kind: 'chain-header'; word: IptablesWord }
  | { kind: 'policy'; word: IptablesWord }
  | { kind: 'command'; word: IptablesWord; name: string }
  | { kind: 'chain-ref'; word: IptablesWord }
  | { kind: 'extension'; word: IptablesWord; ext: IptablesExtensionUse; keyword: boolean }
  | { kind: 'jump'; word: IptablesWord; ext: IptablesExtensionUse }
  | { kind: 'option'; word: IptablesWord; use: IptablesOptionUse }
  | { kind: 'value'; word: IptablesWord; use: IptablesOptionUse }
  | { kind: 'counters'; span: IptablesSpan }
  | { kind: 'comment'; span: IptablesSpan }
  | { kind: 'commit'; span: IptablesSpan };

/** Every part of a line, in source order. */
export function iptablesParts(l: IptablesLine): IptablesPart[] {
  const out: IptablesPart[] = [];
  switch (l.kind) {
    case 'blank':
      return out;
    case 'comment':
      out.push({ kind: 'comment', span: l.span });
      return out;
    case 'commit':
      out.push({ kind: 'commit', span: l.span });
      return out;
    case 'table':
      if (l.name) out.push({ kind: 'table', word: l.name });
      return out;
    case 'chain':
      if (l.name) out.push({ kind: 'chain-header', word: l.name });
      if (l.policy) out.push({ kind: 'policy', word: l.policy });
      if (l.counters) out.push({ kind: 'counters', span: l.counters.span });
      return out;
    case 'rule': {
      const r = l.rule;
      if (r.counters) out.push({ kind: 'counters', span: r.counters.span });
      if (r.command) {
        out.push({ kind: 'command', word: r.command.word, name: r.command.spec.name });
        if (r.command.chain) out.push({ kind: 'chain-ref', word: r.command.chain });
      }
      for (const ext of r.extensions) {
        if (ext.keyword) out.push({ kind: 'extension', word: ext.keyword, ext, keyword: true });
        // `-j NAME` with no catalogue entry (or `-g`) is a jump to a user chain
        if (ext.name && !ext.implicit) {
          if (ext.kind === 'target' && (ext.goto || !ext.spec)) out.push({ kind: 'jump', word: ext.name, ext });
          else out.push({ kind: 'extension', word: ext.name, ext, keyword: false });
        }
      }
      for (const use of r.options) {
        // -m/-j/-g words and their names are the extensions above
        if (use.canonical === '--match' || use.canonical === '--jump' || use.canonical === '--goto') continue;
        out.push({ kind: 'option', word: use.name, use });
        for (const v of use.values) out.push({ kind: 'value', word: v, use });
      }
      return out.sort((a, b) => spanOf(a).start - spanOf(b).start);
    }
  }
}

export function spanOf(p: IptablesPart): IptablesSpan {
  return 'word' in p ? p.word.span : p.span;
}

/** The part under a character (a word's end counts: the cursor often sits just after it). */
export function iptablesPartAt(l: IptablesLine, character: number): IptablesPart | undefined {
  const parts = iptablesParts(l);
  return parts.find((p) => 'word' in p && p.word.span.start <= character && character < p.word.span.end) ?? parts.find((p) => spanOf(p).start <= character && character <= spanOf(p).end);
}

/** The chain a part names, if it names one (`:NAME`, `-A NAME`, `-j NAME`). */
export function chainNameOf(p: IptablesPart | undefined): string | undefined {
  return p && (p.kind === 'chain-header' || p.kind === 'chain-ref' || p.kind === 'jump') ? p.word.value : undefined;
}

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';

/**
 * A rules file folds per table (its `*table` line to its COMMIT), per run of rules of one chain (an -A block of
 * two or more lines), and per block of two or more comment lines. Logs do not fold: a log has no structure that
 * spans lines.
 */
export function iptablesFolding(doc: CachedDocument): FoldingRange[] {
  const ipt = doc.iptables();
  const out: FoldingRange[] = [];
  for (const t of ipt.tables) {
    if (t.endLine > t.startLine) out.push({ startLine: t.startLine, endLine: t.endLine, kind: FoldingRangeKind.Region });
    let run: { chain: string; start: number; end: number } | undefined;
    const close = (): void => {
      if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: FoldingRangeKind.Region });
      run = undefined;
    };
    for (const l of t.rules) {
      const chain = l.rule.command?.chain?.value;
      if (chain === undefined) continue;
      // a run goes on across blank and comment lines, and stops at another chain's rule
      if (run && run.chain === chain) run.end = l.line;
      else {
        close();
        run = { chain, start: l.line, end: l.line };
      }
    }
    close();
  }
  let comments: { start: number; end: number } | undefined;
  for (const l of ipt.lines) {
    if (l.kind === 'comment') {
      if (comments && comments.end === l.line - 1) comments.end = l.line;
      else {
        if (comments && comments.end > comments.start) out.push({ startLine: comments.start, endLine: comments.end, kind: FoldingRangeKind.Comment });
        comments = { start: l.line, end: l.line };
      }
    }
  }
  if (comments && comments.end > comments.start) out.push({ startLine: comments.start, endLine: comments.end, kind: FoldingRangeKind.Comment });
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

import { classifyAddress, type IptablesDiagnostic, type Lang } from '@portcullis/core';
import { CodeActionKind, MessageType, ShowMessageNotification, type CodeAction, type Connection, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { SOURCE, toRange, type IptablesLintCache } from './diagnostics.js';
import { abuseIpdbUrl } from './hover.js';

export const COPY_BAN_COMMAND = 'portcullis.copyBanCommand';
export const OPEN_ABUSEIPDB_COMMAND = 'portcullis.openAbuseIpdb';
export const COMMANDS = [COPY_BAN_COMMAND, OPEN_ABUSEIPDB_COMMAND] as const;

function overlaps(a: Range, line: number): boolean {
  return a.start.line <= line && line <= a.end.line;
}

/** Core's fixes (move the LOG above the terminal rule, add `-m limit`, shorten the prefix) as quick fixes. */
function iptablesActions(doc: CachedDocument, range: Range, context: readonly Diagnostic[], lang: Lang, cache: IptablesLintCache): CodeAction[] {
  const out: CodeAction[] = [];
  const list: readonly IptablesDiagnostic[] = cache.lint(doc);
  for (const d of list) {
    if (!d.fix || d.span.line < range.start.line || d.span.line > range.end.line) continue;
    const edits: TextEdit[] = d.fix.edits.map((e) => ({ range: { start: e.start, end: e.end }, newText: e.newText }));
    const r = toRange(d.span);
    const matching = context.filter((c) => c.source === SOURCE && c.code === d.code && c.range.start.line === r.start.line && c.range.start.character === r.start.character);
    out.push({
      title: d.fix.title[lang],
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      ...(matching.length ? { diagnostics: matching } : {}),
      edit: { changes: { [doc.uri]: edits } },
    });
  }
  return out;
}

/** On a log line from a public source: the ban command to copy and the address's AbuseIPDB page. */
function logActions(doc: CachedDocument, range: Range, context: readonly Diagnostic[], lang: Lang): CodeAction[] {
  const d = doc.decodedAt(range.start.line);
  const src = d?.src;
  if (!src || classifyAddress(src)?.class !== 'public') return [];
  const command = `portcullis bans add ${src}`;
  const diagnostics = context.filter((c) => c.source === SOURCE && overlaps(c.range, range.start.line) && (c.code === 'port-scan' || c.code === 'spoofed-source'));
  return [
    {
      title: lang === 'ja' ? `\`${command}\` をコピー` : `Copy \`${command}\``,
      kind: CodeActionKind.QuickFix,
      ...(diagnostics.length ? { diagnostics } : {}),
      command: { title: command, command: COPY_BAN_COMMAND, arguments: [command] },
    },
    {
      title: lang === 'ja' ? `${src} を AbuseIPDB で開く` : `Open ${src} on AbuseIPDB`,
      kind: CodeActionKind.Empty,
      command: { title: 'AbuseIPDB', command: OPEN_ABUSEIPDB_COMMAND, arguments: [abuseIpdbUrl(src)] },
    },
  ];
}

export function codeActions(doc: CachedDocument, range: Range, context: readonly Diagnostic[], lang: Lang, cache: IptablesLintCache): CodeAction[] {
  return doc.kind === 'iptables' ? iptablesActions(doc, range, context, lang, cache) : logActions(doc, range, context, lang);
}

/**
 * The server side of the two commands. LSP gives a server no clipboard: the VS Code extension copies the text
 * itself (its middleware sees the command first); any other editor is shown the command to copy by hand.
 */
export async function executeCommand(connection: Connection, command: string, args: readonly unknown[], lang: Lang): Promise<void> {
  const arg = typeof args[0] === 'string' ? args[0] : undefined;
  if (!arg) return;
  if (command === OPEN_ABUSEIPDB_COMMAND && arg.startsWith('https://www.abuseipdb.com/check/')) {
    try {
      await connection.window.showDocument({ uri: arg, external: true });
    } catch {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: arg });
    }
  } else if (command === COPY_BAN_COMMAND && /^portcullis bans add [0-9a-fA-F.:]+$/.test(arg)) {
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: lang === 'ja' ? `次のコマンドを実行してください: ${arg}` : `Run: ${arg}` });
  }
}

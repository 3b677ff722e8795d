import * as vscode from 'vscode';
import { chooseLang, decodeLine as decode, explainLine, type Lang } from '@portcullis/core';
import { escapeHtml, page } from './html.js';

/** The language for panels: the setting, else VS Code's display language. */
export function lang(): Lang {
  return chooseLang(vscode.workspace.getConfiguration('portcullis').get<string>('language'), vscode.env.language);
}

export async function treatAsFirewallLog(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('Portcullis: open a file first.');
    return;
  }
  await vscode.languages.setTextDocumentLanguage(editor.document, 'netfilter-log');
}

function currentLine(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor ? editor.document.lineAt(editor.selection.active.line).text : undefined;
}

let panel: vscode.WebviewPanel | undefined;

/** "Decode line": the full explanation of the line under the cursor, in a panel beside the editor. */
export function decodeLine(_context: vscode.ExtensionContext): void {
  const text = currentLine();
  const l = lang();
  const d = text === undefined ? undefined : decode(text);
  if (!d) {
    void vscode.window.showInformationMessage(l === 'ja' ? 'この行はファイアウォールのログ行ではありません。' : 'Portcullis: this line is not a firewall log line.');
    return;
  }
  const ex = explainLine(d, { lang: l });
  const rows = ex.rows
    .map((r) => `<tr class="depth${r.depth}"><th>${escapeHtml(r.label)}</th><td>${escapeHtml(r.text)}</td></tr>`)
    .join('');
  const body = `<h1>${escapeHtml(l === 'ja' ? 'ログ行の解読' : 'Decoded line')}</h1><pre class="line">${escapeHtml(text ?? '')}</pre><table class="decode">${rows}</table>`;
  if (!panel) {
    panel = vscode.window.createWebviewPanel('portcullis.decode', 'Portcullis: decode', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false });
    panel.onDidDispose(() => (panel = undefined));
  }
  panel.webview.html = page(panel.webview, 'Portcullis: decode', body);
  panel.reveal(vscode.ViewColumn.Beside, true);
}

/** "Copy block command": `portcullis bans add SRC` for the line under the cursor. */
export async function copyBlockCommand(): Promise<void> {
  const text = currentLine();
  const src = text === undefined ? undefined : decode(text)?.src;
  if (!src) {
    void vscode.window.showInformationMessage('Portcullis: no source address on this line.');
    return;
  }
  const command = `portcullis bans add ${src}`;
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(`Copied: ${command}`);
}

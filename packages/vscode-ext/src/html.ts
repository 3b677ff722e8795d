import type * as vscode from 'vscode';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A panel page: no scripts, styles inline under a CSP that allows nothing else. */
export function page(webview: vscode.Webview, title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; img-src ${webview.cspSource} data:;">
<title>${escapeHtml(title)}</title><style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
pre.line { white-space: pre-wrap; word-break: break-all; background: var(--vscode-textCodeBlock-background); padding: .5em; }
table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: 2px 8px; }
th { font-family: var(--vscode-editor-font-family); white-space: nowrap; }
tr.depth1 th { padding-left: 24px; } .bar { fill: var(--vscode-charts-blue); } .axis { fill: var(--vscode-descriptionForeground); font-size: 10px; }
a { color: var(--vscode-textLink-foreground); }
</style></head><body>${body}</body></html>`;
}

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Lang } from '@portcullis/core';
import { REPORT_REQUEST, type LogReport, type ReportFinding, type ReportParams, type ReportSource } from '@portcullis/lsp/protocol';
import { lang } from './commands.js';
import { escapeHtml, page } from './html.js';

const T = {
  title: { en: 'Firewall log report', ja: 'ファイアウォールログのレポート' },
  lines: { en: 'firewall lines', ja: 'ファイアウォール行' },
  of: { en: 'of', ja: '/' },
  noise: { en: 'harmless noise', ja: '無害なノイズ' },
  scanners: { en: 'Port scans', ja: 'ポートスキャン' },
  spoofed: { en: 'Spoofed sources', ja: '偽装された送信元' },
  sources: { en: 'Top sources', ja: '上位の送信元' },
  countries: { en: 'Countries', ja: '国' },
  ports: { en: 'Top destination ports', ja: '上位の宛先ポート' },
  timeline: { en: 'Lines over time', ja: '時間ごとの行数' },
  none: { en: 'none', ja: 'なし' },
  on: { en: 'on', ja: 'インターフェース' },
  line: { en: 'line', ja: '行' },
  linesWord: { en: 'lines', ja: '行' },
  notLog: { en: 'Portcullis: open a firewall log first (or run "Portcullis: Treat as firewall log").', ja: 'Portcullis: 先にファイアウォールログを開いてください (または「Portcullis: ファイアウォールログとして扱う」)。' },
  failed: { en: 'Portcullis: no report', ja: 'Portcullis: レポートを作れません' },
} as const;

const abuse = (s: ReportSource): string => (s.class === 'public' ? ` — <a href="https://www.abuseipdb.com/check/${encodeURIComponent(s.address)}">AbuseIPDB</a>` : '');

/** Where an address is from, in words: the country for a public one, the class for the rest. */
const where = (s: ReportSource): string => escapeHtml(s.countryName ? `${s.countryName} (${s.country})` : s.class && s.class !== 'public' ? (s.className ?? s.class) : '');

const when = (t: number | undefined): string => (t === undefined ? '' : new Date(t).toISOString().replace('T', ' ').slice(0, 19));

function chart(r: LogReport, l: Lang): string {
  const n = r.timeline.length;
  if (!n) return '';
  const max = Math.max(1, ...r.timeline);
  const w = 8;
  const h = 80;
  const bars = r.timeline.map((c, i) => `<rect class="bar" x="${i * w}" y="${h - (c / max) * h}" width="${w - 1}" height="${(c / max) * h}"><title>${c}</title></rect>`).join('');
  return `<h2>${T.timeline[l]}</h2><svg width="${n * w}" height="${h + 14}" role="img">${bars}<text class="axis" x="0" y="${h + 12}">${escapeHtml(when(r.first))}</text><text class="axis" x="${n * w}" y="${h + 12}" text-anchor="end">${escapeHtml(when(r.last))}</text></svg>`;
}

function scanItem(f: ReportFinding, l: Lang): string {
  const place = where(f);
  return `<li><b>${escapeHtml(f.address)}</b>${place ? ` (${place})` : ''}: ${f.ports} ports, ${f.hosts} hosts, ${escapeHtml(f.kinds.join(', '))}; ${escapeHtml(when(f.first))} → ${escapeHtml(when(f.last))}${abuse(f)}<br><small>${escapeHtml(f.why)}</small></li>`;
}

function spoofItem(f: ReportFinding, l: Lang): string {
  return `<li><b>${escapeHtml(f.address)}</b> (${where(f)}) ${T.on[l]} ${escapeHtml(f.interfaces.join(', '))}: ${f.lines} ${f.lines === 1 ? T.line[l] : T.linesWord[l]}<br><small>${escapeHtml(f.why)}</small></li>`;
}

export function reportHtml(r: LogReport, l: Lang): string {
  const list = (items: string[]) => (items.length ? `<ul>${items.join('')}</ul>` : `<p>${T.none[l]}</p>`);
  return [
    `<h1>${T.title[l]}</h1><p>${r.firewall} ${T.lines[l]} ${T.of[l]} ${r.lines}; ${r.noise} ${T.noise[l]}</p>`,
    `<h2>${T.scanners[l]} (${r.scans.length})</h2>`,
    list(r.scans.map((f) => scanItem(f, l))),
    `<h2>${T.spoofed[l]} (${r.spoofed.length})</h2>`,
    list(r.spoofed.map((f) => spoofItem(f, l))),
    `<h2>${T.sources[l]}</h2><table>${r.sources.map((s) => `<tr><th>${escapeHtml(s.address)}</th><td>${s.lines}</td><td>${where(s)}</td><td>${abuse(s)}</td></tr>`).join('')}</table>`,
    r.countries.length ? `<h2>${T.countries[l]}</h2><table>${r.countries.map((c) => `<tr><th>${escapeHtml(c.name)} (${escapeHtml(c.key)})</th><td>${c.lines}</td></tr>`).join('')}</table>` : '',
    `<h2>${T.ports[l]}</h2><table>${r.ports.map((p) => `<tr><th>${escapeHtml(p.key)}</th><td>${p.lines}</td></tr>`).join('')}</table>`,
    chart(r, l),
    r.attribution ? `<p><small>${escapeHtml(r.attribution)}</small></p>` : '',
  ].join('\n');
}

/** The report is worked out by the language server (in its worker thread), never on the extension host. */
export async function showReport(client: LanguageClient | undefined): Promise<void> {
  const l = lang();
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'netfilter-log' || !client) {
    void vscode.window.showWarningMessage(T.notLog[l]);
    return;
  }
  let report: LogReport;
  try {
    report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: T.title[l] }, () =>
      client.sendRequest<LogReport>(REPORT_REQUEST, { uri: doc.uri.toString() } satisfies ReportParams),
    );
  } catch (err) {
    void vscode.window.showErrorMessage(`${T.failed[l]}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const panel = vscode.window.createWebviewPanel('portcullis.report', `Portcullis: ${doc.fileName.split(/[\\/]/).pop() ?? 'report'}`, vscode.ViewColumn.Beside, { enableScripts: false });
  panel.webview.html = page(panel.webview, T.title[l], reportHtml(report, l));
}

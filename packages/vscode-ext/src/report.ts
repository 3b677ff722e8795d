import * as vscode from 'vscode';
import { classifyAddress, ADDRESS_CLASS_NAMES, decodeLine, Detector, isPortScan, scanKindName, toDetectEvent, type Finding, type Lang } from '@portcullis/core';
import { lang } from './commands.js';
import { escapeHtml, page } from './html.js';

const T = {
  title: { en: 'Firewall log report', ja: 'ファイアウォールログのレポート' },
  lines: { en: 'firewall lines', ja: 'ファイアウォール行' },
  of: { en: 'of', ja: '/' },
  scanners: { en: 'Port scans', ja: 'ポートスキャン' },
  spoofed: { en: 'Spoofed sources', ja: '偽装された送信元' },
  sources: { en: 'Top sources', ja: '上位の送信元' },
  ports: { en: 'Top destination ports', ja: '上位の宛先ポート' },
  timeline: { en: 'Lines over time', ja: '時間ごとの行数' },
  none: { en: 'none', ja: 'なし' },
} as const;

interface Report {
  total: number;
  firewall: number;
  findings: Finding[];
  sources: Array<[string, number]>;
  ports: Array<[number, number]>;
  buckets: number[];
  first?: number;
  last?: number;
}

function top<K>(m: Map<K, number>, n: number): Array<[K, number]> {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/** One pass over the document: counts, findings (core's Detector, as the agent's `scan`), times for the chart. */
export function buildReport(lines: readonly string[], wan: readonly string[] | undefined): Report {
  const detector = new Detector(wan ? { spoof: { wan: [...wan] } } : {});
  const findings: Finding[] = [];
  const sources = new Map<string, number>();
  const ports = new Map<number, number>();
  const times: number[] = [];
  let firewall = 0;
  for (const text of lines) {
    const d = decodeLine(text);
    if (!d) continue;
    firewall++;
    if (d.src) sources.set(d.src, (sources.get(d.src) ?? 0) + 1);
    if (d.dpt !== undefined) ports.set(d.dpt, (ports.get(d.dpt) ?? 0) + 1);
    if (d.frame.time !== undefined) times.push(d.frame.time);
    findings.push(...detector.push(toDetectEvent(d)));
  }
  findings.push(...detector.flush());
  let first: number | undefined;
  let last: number | undefined;
  for (const t of times) {
    if (first === undefined || t < first) first = t;
    if (last === undefined || t > last) last = t;
  }
  const buckets = new Array<number>(48).fill(0);
  if (first !== undefined && last !== undefined) {
    const span = Math.max(1, last - first);
    for (const t of times) buckets[Math.min(47, Math.floor(((t - first) / span) * 48))]!++;
  }
  return { total: lines.length, firewall, findings, sources: top(sources, 15), ports: top(ports, 15), buckets, first, last };
}

const abuse = (a: string): string => `<a href="https://www.abuseipdb.com/check/${encodeURIComponent(a)}">AbuseIPDB</a>`;

function chart(r: Report, l: Lang): string {
  const max = Math.max(1, ...r.buckets);
  const w = 8;
  const h = 80;
  const bars = r.buckets.map((n, i) => `<rect class="bar" x="${i * w}" y="${h - (n / max) * h}" width="${w - 1}" height="${(n / max) * h}"><title>${n}</title></rect>`).join('');
  const when = (t: number | undefined) => (t === undefined ? '' : new Date(t).toISOString().replace('T', ' ').slice(0, 19));
  return `<h2>${T.timeline[l]}</h2><svg width="${48 * w}" height="${h + 14}" role="img">${bars}<text class="axis" x="0" y="${h + 12}">${escapeHtml(when(r.first))}</text><text class="axis" x="${48 * w}" y="${h + 12}" text-anchor="end">${escapeHtml(when(r.last))}</text></svg>`;
}

export function reportHtml(r: Report, l: Lang): string {
  const scans = r.findings.filter(isPortScan);
  const spoofs = r.findings.filter((f) => !isPortScan(f));
  const cls = (a: string) => {
    const c = classifyAddress(a);
    return c ? ADDRESS_CLASS_NAMES[c.class][l] : '';
  };
  const list = (items: string[]) => (items.length ? `<ul>${items.join('')}</ul>` : `<p>${T.none[l]}</p>`);
  return [
    `<h1>${T.title[l]}</h1><p>${r.firewall} ${T.lines[l]} ${T.of[l]} ${r.total}</p>`,
    `<h2>${T.scanners[l]} (${scans.length})</h2>`,
    list(scans.map((f) => `<li><b>${escapeHtml(f.source)}</b>: ${f.ports} ports, ${f.hosts} hosts, ${f.kinds.map((k) => scanKindName(k)[l]).join(', ')} — ${abuse(f.source)}</li>`)),
    `<h2>${T.spoofed[l]} (${spoofs.length})</h2>`,
    list(spoofs.map((f) => `<li><b>${escapeHtml(f.source)}</b> (${escapeHtml(cls(f.source))}) on ${escapeHtml(f.interfaces.join(', '))}: ${f.lines} lines</li>`)),
    `<h2>${T.sources[l]}</h2><table>${r.sources.map(([a, n]) => `<tr><th>${escapeHtml(a)}</th><td>${n}</td><td>${escapeHtml(cls(a))}</td><td>${classifyAddress(a)?.bogon ? '' : abuse(a)}</td></tr>`).join('')}</table>`,
    `<h2>${T.ports[l]}</h2><table>${r.ports.map(([p, n]) => `<tr><th>${p}</th><td>${n}</td></tr>`).join('')}</table>`,
    chart(r, l),
  ].join('\n');
}

export function showReport(_context: vscode.ExtensionContext): void {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('Portcullis: open a firewall log first.');
    return;
  }
  const doc = editor.document;
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
  const wan = vscode.workspace.getConfiguration('portcullis').get<string[]>('wan');
  const l = lang();
  const report = buildReport(lines, wan && wan.length ? wan : undefined);
  const panel = vscode.window.createWebviewPanel('portcullis.report', `Portcullis: ${doc.fileName.split(/[\\/]/).pop() ?? 'report'}`, vscode.ViewColumn.Beside, { enableScripts: false });
  panel.webview.html = page(panel.webview, T.title[l], reportHtml(report, l));
}

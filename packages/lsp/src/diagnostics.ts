import {
  decodeFields,
  Detector,
  isPortScan,
  lintIptablesDocument,
  scanKindName,
  type Finding,
  type IptablesDiagnostic,
  type IptablesSeverity,
  type Lang,
  type Text,
} from '@portcullis/core';
import type { Diagnostic, DiagnosticSeverity as Severity, Range } from 'vscode-languageserver';
import type { CachedDocument, InvalidField } from './documents.js';
import { MAX_DIAGNOSTICS, MAX_LINE_CHARS, MAX_LINES_PER_FINDING } from './limits.js';
import { detectConfig, type ServerSettings } from './settings.js';

export const SOURCE = 'portcullis';

/**
 * The protocol's four severities, written out: importing them from vscode-languageserver made the diagnostics thread
 * load the whole protocol library (more than half of the code it loaded) for four numbers.
 */
const DiagnosticSeverity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const satisfies Record<string, Severity>;

export interface DiagnosticsContext {
  readonly lang: Lang;
  readonly settings: ServerSettings;
  /** True once the document changed or closed after this run began: the run stops and publishes nothing. */
  readonly isStale: () => boolean;
}

/** What the findings put on a log line, kept for the code actions (ban command, AbuseIPDB). */
export interface FindingData {
  readonly source: string;
  readonly rule: Finding['rule'];
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const W = {
  truncated: { en: 'Firewall line cut short: decoded as far as it goes', ja: 'ファイアウォールの行が途中で切れています: 読める所まで解読しました' },
  tooLongLine: { en: `Line longer than ${MAX_LINE_CHARS} characters: not parsed`, ja: `${MAX_LINE_CHARS} 文字を超える行は解析しません` },
  more: { en: 'more diagnostics are not shown', ja: '件の診断は表示していません' },
  lines: { en: 'lines', ja: '行' },
  ports: { en: 'ports', ja: 'ポート' },
  hosts: { en: 'hosts', ja: 'ホスト' },
  scan: { en: 'Port scan from', ja: 'ポートスキャン:' },
  spoof: { en: 'Spoofed source', ja: '送信元の偽装:' },
  on: { en: 'on', ja: '受信' },
} satisfies Record<string, Text>;

export function tooLargeMessage(doc: CachedDocument, feature: Text, lang: Lang, limitChars: number): string {
  const mb = (doc.chars / 1024 / 1024).toFixed(1);
  const limit = Number((limitChars / 1024 / 1024).toFixed(1));
  return lang === 'ja'
    ? `${doc.uri} は ${mb} MB あり、${limit} MB を超えるため${feature.ja}を省略しました (ホバーは使えます)。`
    : `${doc.uri} is ${mb} MB: ${feature.en} skipped past ${limit} MB (hover still works).`;
}

export const DIAGNOSTICS_FEATURE: Text = { en: 'diagnostics', ja: '診断' };

function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function findingMessage(f: Finding, lang: Lang): string {
  const when = f.first === f.last ? time(f.first) : `${time(f.first)} → ${time(f.last)}`;
  if (isPortScan(f)) {
    const kinds = f.kinds.map((k) => scanKindName(k)[lang]).join(', ');
    const counts = `${f.ports}${f.capped ? '+' : ''} ${W.ports[lang]}, ${f.hosts} ${W.hosts[lang]}, ${f.lines} ${W.lines[lang]}`;
    return `${W.scan[lang]} ${f.source}: ${counts} (${kinds}); ${when}. ${f.why[lang]}`;
  }
  return `${W.spoof[lang]} ${f.source} ${W.on[lang]} ${f.interfaces.join(', ')}: ${f.lines} ${W.lines[lang]}; ${when}. ${f.why[lang]}`;
}

/** Core refuses nonsense thresholds by throwing; a bad editor setting falls back to the defaults instead. */
export function makeDetector(settings: ServerSettings): Detector {
  try {
    return new Detector(detectConfig(settings));
  } catch {
    return new Detector(settings.wan ? { spoof: { wan: settings.wan } } : {});
  }
}

/** The episode whose first..last holds t (episodes sorted by first, not overlapping), or -1. */
function episodeAt(episodes: readonly Finding[], t: number): number {
  let lo = 0;
  let hi = episodes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (episodes[mid].first > t) hi = mid - 1;
    else lo = mid + 1;
  }
  return hi >= 0 && t <= episodes[hi].last ? hi : -1;
}

/** Yields to the event loop after this much work, so a hover waits at most about this long behind a pass. */
const SLICE_MS = 8;

/**
 * Walks lines 0..n-1 in time slices, yielding between them; false when the run went stale (the caller stops).
 */
async function sliced(n: number, ctx: DiagnosticsContext, each: (i: number) => void): Promise<boolean> {
  let sliceStart = performance.now();
  for (let i = 0; i < n; i++) {
    // reading the clock every line would cost more than the lines; every 64th is enough for an 8 ms slice
    if ((i & 63) === 63 && performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop();
      if (ctx.isStale()) return false;
      sliceStart = performance.now();
    }
    each(i);
  }
  return true;
}

/**
 * A log's diagnostics: the detectors' findings on the lines of each scanner and spoofed source, cut firewall lines
 * and noise. `publish` is called twice: once with those (what the reader needs first), once more with the invalid
 * field values added, which need the full decode of every line (about as long again). Each line's facts are kept,
 * so after an edit only the edited lines are decoded again. Gives up as soon as the document moves on.
 */
export async function logDiagnostics(doc: CachedDocument, ctx: DiagnosticsContext, publish: (d: Diagnostic[]) => void): Promise<void> {
  const { lang, settings } = ctx;
  const detector = makeDetector(settings);
  const findings: Finding[] = [];
  const linesBySource = new Map<string, number[]>();
  const problems: Diagnostic[] = [];
  const hints: Diagnostic[] = [];
  const n = doc.lineCount;
  const whole = await sliced(n, ctx, (i) => {
    const f = doc.factsAt(i);
    if (!f) return;
    if (f.truncated) problems.push({ range: range(i, f.messageStart, f.messageEnd), severity: DiagnosticSeverity.Warning, code: 'truncated', source: SOURCE, message: W.truncated[lang] });
    const found = detector.push(f.event);
    if (found.length) findings.push(...found);
    // the detector's own noise verdict: classifying each line a second time here cost a few percent of the pass
    const verdict = detector.lastNoise;
    if (verdict) {
      if (hints.length < MAX_DIAGNOSTICS) hints.push({ range: range(i, f.messageStart, f.messageEnd), severity: DiagnosticSeverity.Hint, code: `noise-${verdict.reason}`, source: SOURCE, message: verdict.why[lang] });
    } else if (f.event.src) {
      const list = linesBySource.get(f.event.src);
      if (list) list.push(i);
      else linesBySource.set(f.event.src, [i]);
    }
  });
  if (!whole) return;
  findings.push(...detector.flush());
  const marks: Diagnostic[] = [];
  // A busy source can make hundreds of episodes (findings); walking all of its lines once per episode was
  // quadratic. Instead each (rule, source) walks its lines once and finds the episode of each line by its time.
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.rule === 'spoofed-source' && !settings.spoofEnabled) continue;
    const key = `${f.rule} ${f.source}`;
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  for (const episodes of byKey.values()) {
    episodes.sort((a, b) => a.first - b.first);
    const source = episodes[0].source;
    const messages = episodes.map((f) => findingMessage(f, lang));
    const marked = new Array<number>(episodes.length).fill(0);
    for (const i of linesBySource.get(source) ?? []) {
      const facts = doc.factsAt(i);
      if (!facts) continue;
      // an episode's lines: the source's lines within its first..last (a line without a time belongs to the first)
      const t = facts.event.time;
      const e = t === undefined ? 0 : episodeAt(episodes, t);
      if (e < 0 || marked[e] >= MAX_LINES_PER_FINDING) continue;
      const f = episodes[e];
      if (f.rule === 'spoofed-source' && facts.event.in !== undefined && !f.interfaces.includes(facts.event.in)) continue;
      marked[e]++;
      const data: FindingData = { source: f.source, rule: f.rule };
      marks.push({ range: range(i, facts.srcStart, facts.srcEnd), severity: DiagnosticSeverity.Warning, code: f.rule, source: SOURCE, message: messages[e], data });
    }
  }
  publish(capped([...marks, ...problems, ...hints], lang));
  // second pass: invalid values, from the full decode of the lines not checked yet
  const invalid: Diagnostic[] = [];
  const checked = await sliced(n, ctx, (i) => {
    const f = doc.factsAt(i);
    if (!f || invalid.length >= MAX_DIAGNOSTICS) return;
    if (f.invalid === undefined) f.invalid = invalidFields(doc, i);
    for (const v of f.invalid)
      invalid.push({ range: range(i, v.start, v.end), severity: DiagnosticSeverity.Error, code: 'invalid-field', source: SOURCE, message: `${v.name[lang]}: ${v.problem}` });
  });
  if (checked && invalid.length) publish(capped([...marks, ...invalid, ...problems, ...hints], lang));
}

function invalidFields(doc: CachedDocument, i: number): InvalidField[] {
  const d = doc.decodedAt(i);
  if (!d) return [];
  const off = d.frame.messageOffset;
  const out: InvalidField[] = [];
  for (const f of decodeFields(d)) {
    if (!f.invalid) continue;
    const [start, end] = off >= 0 ? [off + f.token.start, off + f.token.end] : [0, doc.lines[i].length];
    out.push({ start, end, name: f.spec?.name ?? { en: f.key || '?', ja: f.key || '?' }, problem: f.invalid });
  }
  return out;
}

function capped(list: Diagnostic[], lang: Lang): Diagnostic[] {
  if (list.length <= MAX_DIAGNOSTICS) return list;
  const kept = list.slice(0, MAX_DIAGNOSTICS);
  kept.push({ range: range(0, 0, 0), severity: DiagnosticSeverity.Information, code: 'too-many-diagnostics', source: SOURCE, message: `${list.length - MAX_DIAGNOSTICS} ${W.more[lang]}` });
  return kept;
}

const SEVERITY: Readonly<Record<IptablesSeverity, Severity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(span: { line: number; start: number; end: number }): Range {
  return range(span.line, span.start, span.end);
}

/** Core's lint diagnostics as LSP ones (the fixes stay in core's form: code-actions.ts turns them into edits). */
export function iptablesToLsp(uri: string, list: readonly IptablesDiagnostic[], lang: Lang): Diagnostic[] {
  return list.map((d, index) => ({
    range: toRange(d.span),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: SOURCE,
    message: d.message[lang],
    ...(d.related?.length ? { relatedInformation: d.related.map((r) => ({ location: { uri, range: toRange(r.span) }, message: r.message[lang] })) } : {}),
    // which core diagnostic this is, so a quick fix finds its edits
    ...(d.fix ? { data: { fix: index } } : {}),
  }));
}

/** The lint of a rules file, remembered per version so code actions read the same list the editor shows. */
export class IptablesLintCache {
  private readonly byUri = new Map<string, { version: number; list: IptablesDiagnostic[] }>();

  lint(doc: CachedDocument): IptablesDiagnostic[] {
    const seen = this.byUri.get(doc.uri);
    if (seen?.version === doc.version) return seen.list;
    const list = lintIptablesDocument(doc.iptables());
    for (let i = 0; i < doc.lineCount; i++)
      if (doc.lines[i].length > MAX_LINE_CHARS)
        list.push({ severity: 'warning', code: 'line-too-long', message: W.tooLongLine, span: { line: i, start: 0, end: 0 } });
    this.byUri.set(doc.uri, { version: doc.version, list });
    return list;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}

/** A rules file is small (the largest real dump lints in milliseconds): one synchronous pass. */
export function iptablesDiagnostics(doc: CachedDocument, ctx: DiagnosticsContext, cache: IptablesLintCache, publish: (d: Diagnostic[]) => void): void {
  publish(capped(iptablesToLsp(doc.uri, cache.lint(doc), ctx.lang), ctx.lang));
}

/**
 * Debounced, cancellable diagnostics per document: an edit restarts the clock and makes any run in progress stale,
 * so typing in a big file never queues up whole-file passes, and hover never waits behind one.
 */
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly run: (uri: string, isStale: () => boolean) => Promise<void>,
    private readonly delayMs = 200,
  ) {}

  schedule(uri: string, delayMs = this.delayMs): void {
    const gen = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, gen);
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.run(uri, () => this.generation.get(uri) !== gen);
      }, delayMs),
    );
  }

  cancel(uri: string): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.delete(uri);
    this.generation.set(uri, (this.generation.get(uri) ?? 0) + 1);
  }
}

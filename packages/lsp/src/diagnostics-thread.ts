import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Lang } from '@portcullis/core';
import type { CachedDocument } from './documents.js';
import { mergeDiagnostics, type DiagnosticSet } from './diagnostics.js';
import type { FromWorker, ToWorker, WorkerPart } from './diagnostics-worker.js';
import type { ReportCounts } from './report.js';
import type { ServerSettings } from './settings.js';

/**
 * The main thread's side of diagnostics-worker.ts: mirrors the logs into the workers and runs passes there. Only
 * logs go over (rules files lint in milliseconds on the main thread). With two cores or more there are two
 * workers, each reading the lines of half of a log's sources (core's sourcePart, as `scan --threads` splits), and
 * their lists are put together here, so a pass takes both cores once the main thread has received the document.
 * The first worker alone answers the report, which counts every line. `workerUrl` lets a bundle name its own file.
 */
export class DiagnosticsThread {
  private readonly workers: Worker[];
  /** Per run: each worker's latest list, how many workers are done, and what to call when all are. */
  private readonly runs = new Map<number, { uri: string; version: number; lang: Lang; sets: (DiagnosticSet | undefined)[]; done: number; resolve: () => void }>();
  private nextRun = 0;
  private readonly reports = new Map<number, { resolve: (c: ReportCounts) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly onPublish: (uri: string, version: number, diagnostics: Diagnostic[]) => void,
    private readonly onError: (message: string) => void,
    workerUrl: URL = new URL('./diagnostics-worker.js', import.meta.url),
    parts: number = Math.min(2, availableParallelism()),
  ) {
    this.workers = Array.from({ length: Math.max(1, parts) }, (_, part) => {
      const worker = new Worker(workerUrl, { workerData: { part, parts: Math.max(1, parts) } satisfies WorkerPart });
      worker.on('message', (m: FromWorker) => this.receive(part, m));
      worker.on('error', (err) => this.onError(`diagnostics thread: ${err.message}`));
      // the threads must not keep the server alive after the client said exit
      worker.unref();
      return worker;
    });
  }

  private receive(part: number, m: FromWorker): void {
    if (m.type === 'report') {
      const r = this.reports.get(m.id);
      this.reports.delete(m.id);
      if (m.counts) r?.resolve(m.counts);
      else r?.reject(new Error(m.error ?? 'no report'));
      return;
    }
    const run = this.runs.get(m.run);
    if (!run) return;
    if (m.type === 'publish') {
      run.sets[part] = m.diagnostics;
      // every part has spoken: their lists together are the log's (a later list of one part replaces its earlier)
      if (run.sets.every((x) => x !== undefined)) this.onPublish(run.uri, run.version, mergeDiagnostics(run.sets as DiagnosticSet[], run.lang));
      return;
    }
    if (m.error) this.onError(`diagnostics of ${m.uri} failed: ${m.error}`);
    if (++run.done === this.workers.length) {
      this.runs.delete(m.run);
      run.resolve();
    }
  }

  private post(m: ToWorker): void {
    for (const w of this.workers) w.postMessage(m);
  }

  open(doc: CachedDocument, text: string): void {
    if (doc.kind === 'netfilter-log' || doc.kind === 'other') this.post({ type: 'open', uri: doc.uri, languageId: doc.languageId, version: doc.version, text, now: doc.now });
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    this.post({ type: 'change', uri, version, changes });
  }

  close(uri: string): void {
    this.post({ type: 'close', uri });
  }

  /** One pass; resolves when every worker is done with it (finished, stale or failed). */
  run(doc: CachedDocument, lang: Lang, settings: ServerSettings): Promise<void> {
    const run = ++this.nextRun;
    return new Promise((resolve) => {
      this.runs.set(run, { uri: doc.uri, version: doc.version, lang, sets: new Array<DiagnosticSet | undefined>(this.workers.length).fill(undefined), done: 0, resolve });
      this.post({ type: 'run', uri: doc.uri, version: doc.version, run, lang, settings });
    });
  }

  /** The report's counts, worked out in the thread that holds the text (never on the thread that answers hovers). */
  report(uri: string, settings: ServerSettings, top: number): Promise<ReportCounts> {
    const id = ++this.nextRun;
    return new Promise((resolve, reject) => {
      this.reports.set(id, { resolve, reject });
      this.workers[0]!.postMessage({ type: 'report', uri, id, settings, top } satisfies ToWorker);
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

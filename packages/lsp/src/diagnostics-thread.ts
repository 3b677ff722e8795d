import { Worker } from 'node:worker_threads';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Lang } from '@portcullis/core';
import type { CachedDocument } from './documents.js';
import type { FromWorker, ToWorker } from './diagnostics-worker.js';
import type { ReportCounts } from './report.js';
import type { ServerSettings } from './settings.js';

/**
 * The main thread's side of diagnostics-worker.ts: mirrors the logs into the worker and runs passes there. Only
 * logs go over (rules files lint in milliseconds on the main thread). `workerUrl` lets a bundle name its own file.
 */
export class DiagnosticsThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, () => void>();
  private nextRun = 0;
  private readonly reports = new Map<number, { resolve: (c: ReportCounts) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly onPublish: (uri: string, version: number, diagnostics: Diagnostic[]) => void,
    private readonly onError: (message: string) => void,
    workerUrl: URL = new URL('./diagnostics-worker.js', import.meta.url),
  ) {
    this.worker = new Worker(workerUrl);
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'publish') this.onPublish(m.uri, m.version, m.diagnostics);
      else if (m.type === 'report') {
        const r = this.reports.get(m.id);
        this.reports.delete(m.id);
        if (m.counts) r?.resolve(m.counts);
        else r?.reject(new Error(m.error ?? 'no report'));
      } else {
        if (m.error) this.onError(`diagnostics of ${m.uri} failed: ${m.error}`);
        this.waiting.get(m.run)?.();
        this.waiting.delete(m.run);
      }
    });
    this.worker.on('error', (err) => this.onError(`diagnostics thread: ${err.message}`));
    // the thread must not keep the server alive after the client said exit
    this.worker.unref();
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
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

  /** One pass; resolves when the worker is done with it (finished, stale or failed). */
  run(doc: CachedDocument, lang: Lang, settings: ServerSettings): Promise<void> {
    const run = ++this.nextRun;
    return new Promise((resolve) => {
      this.waiting.set(run, resolve);
      this.post({ type: 'run', uri: doc.uri, version: doc.version, run, lang, settings });
    });
  }

  /** The report's counts, worked out in the thread that holds the text (never on the thread that answers hovers). */
  report(uri: string, settings: ServerSettings, top: number): Promise<ReportCounts> {
    const id = ++this.nextRun;
    return new Promise((resolve, reject) => {
      this.reports.set(id, { resolve, reject });
      this.post({ type: 'report', uri, id, settings, top });
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/**
 * The log diagnostics pass in a thread of its own. A 100k-line log takes about a second of decoding and detection
 * and leaves a large heap behind; on the main thread its slices and, worse, its garbage collections made a hover
 * wait up to 100 ms. Here the main thread only answers requests, and this thread keeps its own copy of each log
 * (the same DocumentCache code, fed the same open/change/close), so an edit still re-decodes only its lines.
 */
import { parentPort } from 'node:worker_threads';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Lang } from '@portcullis/core';
import { logDiagnostics } from './diagnostics.js';
import { CachedDocument } from './documents.js';
import { countReport, type ReportCounts } from './report.js';
import type { ServerSettings } from './settings.js';

export type ToWorker =
  | { type: 'open'; uri: string; languageId: string; version: number; text: string; now: number }
  | { type: 'change'; uri: string; version: number; changes: TextDocumentContentChangeEvent[] }
  | { type: 'close'; uri: string }
  | { type: 'run'; uri: string; version: number; run: number; lang: Lang; settings: ServerSettings }
  | { type: 'report'; uri: string; id: number; settings: ServerSettings; top: number };

export type FromWorker =
  | { type: 'publish'; uri: string; version: number; run: number; diagnostics: Diagnostic[] }
  | { type: 'done'; uri: string; run: number; error?: string }
  | { type: 'report'; id: number; counts?: ReportCounts; error?: string };

const port = parentPort;
if (!port) throw new Error('diagnostics-worker.ts runs as a worker thread');
const docs = new Map<string, CachedDocument>();
/** The run each document's pass belongs to; anything newer (a change, a close, another run) makes it stale. */
const current = new Map<string, number>();
let changes = 0;

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'open':
      docs.set(m.uri, new CachedDocument(m.uri, m.languageId, m.version, m.text, m.now));
      current.set(m.uri, --changes);
      break;
    case 'change':
      docs.get(m.uri)?.applyChanges(m.changes, m.version);
      current.set(m.uri, --changes);
      break;
    case 'close':
      docs.delete(m.uri);
      current.delete(m.uri);
      break;
    case 'run':
      current.set(m.uri, m.run);
      void run(m);
      break;
    case 'report':
      report(m);
      break;
  }
});

async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const doc = docs.get(m.uri);
  const isStale = (): boolean => current.get(m.uri) !== m.run;
  let error: string | undefined;
  try {
    if (doc && doc.version === m.version && doc.kind === 'netfilter-log') {
      await logDiagnostics(doc, { lang: m.lang, settings: m.settings, isStale }, (diagnostics) => {
        if (!isStale()) port!.postMessage({ type: 'publish', uri: m.uri, version: m.version, run: m.run, diagnostics } satisfies FromWorker);
      });
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  port!.postMessage({ type: 'done', uri: m.uri, run: m.run, ...(error ? { error } : {}) } satisfies FromWorker);
}

function report(m: Extract<ToWorker, { type: 'report' }>): void {
  const doc = docs.get(m.uri);
  try {
    if (!doc) throw new Error('the document is not open');
    port!.postMessage({ type: 'report', id: m.id, counts: countReport(doc, m.settings, m.top) } satisfies FromWorker);
  } catch (err) {
    port!.postMessage({ type: 'report', id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  }
}


#!/usr/bin/env node
// Wiring only: each request goes to its feature module; the knowledge lives in @portcullis/core.
import {
  createConnection,
  DidChangeConfigurationNotification,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeParams,
} from 'vscode-languageserver/node.js';
import { codeActions, COMMANDS, executeCommand } from './code-actions.js';
import { iptablesCompletion } from './completion.js';
import { iptablesDefinition, iptablesReferences } from './definition.js';
import { DiagnosticsScheduler, DIAGNOSTICS_FEATURE, iptablesDiagnostics, IptablesLintCache, SOURCE, tooLargeMessage } from './diagnostics.js';
import { DiagnosticsThread } from './diagnostics-thread.js';
import { DocumentCache, type CachedDocument } from './documents.js';
import { iptablesHover, logHover } from './hover.js';
import { SEMANTIC_LEGEND, semanticTokens } from './semantic-tokens.js';
import { DEFAULT_SETTINGS, readSettings, resolveLang, sectionOf, type ServerSettings } from './settings.js';
import { iptablesFolding } from './folding.js';
import { GeoService } from './geo.js';
import { ReputationService } from './reputation.js';
import { REPORT_REQUEST, type LogReport, type ReportParams } from './protocol.js';
import { finishReport } from './report.js';
import { documentSymbols } from './symbols.js';

const connection = createConnection(ProposedFeatures.all);
const documents = new DocumentCache();
const lintCache = new IptablesLintCache();
let settings: ServerSettings = DEFAULT_SETTINGS;
let locale: string | undefined;
let canPullConfiguration = false;

const lang = () => resolveLang(settings, locale);
const geo = new GeoService((message) => connection.console.warn(message));
const reputation = new ReputationService((message) => connection.console.warn(message));

/** Settings that reach services beyond the documents: the country database, the AbuseIPDB key. */
function applyServiceSettings(): void {
  void geo.configure(settings.geoDatabase);
  reputation.configure(settings.abuseipdb);
}

// log diagnostics run in a worker thread, so hover never waits behind a whole-file pass (diagnostics-worker.ts)
const thread = new DiagnosticsThread(
  (uri, version, diagnostics) => {
    if (documents.get(uri)?.version === version) void connection.sendDiagnostics({ uri, version, diagnostics });
  },
  (message) => connection.console.error(message),
);

/** Tells the user once per document that a feature was skipped for size. */
function tooLarge(doc: CachedDocument, feature: 'diagnostics' | 'tokens' | 'symbols', message: string): void {
  if (doc.skipped.has(feature)) return;
  doc.skipped.add(feature);
  // a notification, not window/showMessageRequest: nothing to answer, and no client is left holding a request
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message });
}

const scheduler = new DiagnosticsScheduler(async (uri, isStale) => {
  const doc = documents.get(uri);
  if (!doc || doc.kind === 'other') return;
  const version = doc.version;
  if (doc.chars > settings.maxDocumentChars) {
    const message = tooLargeMessage(doc, DIAGNOSTICS_FEATURE, lang(), settings.maxDocumentChars);
    tooLarge(doc, 'diagnostics', message);
    void connection.sendDiagnostics({ uri, version, diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, source: SOURCE, code: 'too-large', message }] });
    return;
  }
  if (doc.kind === 'netfilter-log') return thread.run(doc, lang(), settings);
  const publish = (diagnostics: Diagnostic[]) => {
    if (!isStale()) void connection.sendDiagnostics({ uri, version, diagnostics });
  };
  iptablesDiagnostics(doc, { lang: lang(), settings, isStale }, lintCache, publish);
});

async function refreshSettings(): Promise<void> {
  if (!canPullConfiguration) return;
  try {
    settings = readSettings(await connection.workspace.getConfiguration('portcullis'));
  } catch {
    // a client that announced configuration but fails the request keeps the last settings
  }
  applyServiceSettings();
}

connection.onInitialize((params: InitializeParams) => {
  locale = params.locale;
  settings = readSettings(sectionOf(params.initializationOptions));
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  applyServiceSettings();
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', '-'] },
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      executeCommandProvider: { commands: [...COMMANDS] },
      semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
    },
    serverInfo: { name: 'portcullis-lsp', version: '0.1.0' },
  };
});

connection.onInitialized(async () => {
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'portcullis' }).catch(() => undefined);
    const before = JSON.stringify(settings);
    await refreshSettings();
    // a document opened meanwhile is already being checked with these settings when the pull only repeats them
    // (as the initialization options usually do): starting it again would throw that work away
    if (JSON.stringify(settings) !== before) for (const d of documents.all()) scheduler.schedule(d.uri, 0);
  }
});

connection.onDidChangeConfiguration(async (change) => {
  if (canPullConfiguration) await refreshSettings();
  else if (change.settings) {
    settings = readSettings(sectionOf(change.settings));
    applyServiceSettings();
  }
  for (const d of documents.all()) scheduler.schedule(d.uri);
});

connection.onDidOpenTextDocument(({ textDocument: t }) => {
  thread.open(documents.open(t.uri, t.languageId, t.version, t.text), t.text);
  scheduler.schedule(t.uri, 0);
});
connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
  if (!documents.change(t.uri, t.version, contentChanges)) return;
  thread.change(t.uri, t.version, contentChanges);
  scheduler.schedule(t.uri);
});
connection.onDidCloseTextDocument(({ textDocument: t }) => {
  scheduler.cancel(t.uri);
  documents.close(t.uri);
  thread.close(t.uri);
  lintCache.forget(t.uri);
  void connection.sendDiagnostics({ uri: t.uri, diagnostics: [] });
});

connection.onHover(({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  if (doc?.kind === 'netfilter-log') return logHover(doc, position, lang(), { geo: geo.current, reputation: (a) => reputation.lookup(a) });
  if (doc?.kind === 'iptables') return iptablesHover(doc, position, lang());
  return null;
});

connection.onCompletion(({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  return doc?.kind === 'iptables' ? iptablesCompletion(doc, position, lang()) : null;
});

connection.onDefinition(({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  return doc?.kind === 'iptables' ? iptablesDefinition(doc, position) : null;
});

connection.onReferences(({ textDocument, position, context }) => {
  const doc = documents.get(textDocument.uri);
  return doc?.kind === 'iptables' ? iptablesReferences(doc, position, context.includeDeclaration) : null;
});

connection.onDocumentSymbol(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc || doc.kind === 'other') return null;
  if (doc.chars > settings.maxDocumentChars) {
    tooLarge(doc, 'symbols', tooLargeMessage(doc, { en: 'document symbols', ja: 'シンボル一覧' }, lang(), settings.maxDocumentChars));
    return [];
  }
  return documentSymbols(doc, lang());
});

connection.onFoldingRanges(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  return doc?.kind === 'iptables' ? iptablesFolding(doc) : null;
});

connection.onCodeAction(({ textDocument, range, context }) => {
  const doc = documents.get(textDocument.uri);
  return doc && doc.kind !== 'other' ? codeActions(doc, range, context.diagnostics, lang(), lintCache) : null;
});

connection.onExecuteCommand(({ command, arguments: args }) => executeCommand(connection, command, args ?? [], lang()));

connection.languages.semanticTokens.on(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc || doc.kind === 'other') return { data: [] };
  const result = semanticTokens(doc);
  if (result.partial) tooLarge(doc, 'tokens', result.partial[lang()]);
  return { data: result.data };
});

connection.languages.semanticTokens.onRange(({ textDocument, range }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc || doc.kind === 'other') return { data: [] };
  return { data: semanticTokens(doc, range).data };
});

connection.onRequest(REPORT_REQUEST, async (params: ReportParams): Promise<LogReport> => {
  const doc = documents.get(params.uri);
  if (!doc || doc.kind === 'other') throw new ResponseError(ErrorCodes.InvalidParams, `${params.uri} is not an open firewall log`);
  if (doc.chars > settings.maxDocumentChars) throw new ResponseError(ErrorCodes.InvalidRequest, tooLargeMessage(doc, { en: 'the report', ja: 'レポート' }, lang(), settings.maxDocumentChars));
  const top = Math.min(100, Math.max(1, Math.floor(params.top ?? 15)));
  const counts = await thread.report(doc.uri, settings, top);
  return finishReport(doc.uri, counts, lang(), geo.current);
});

connection.listen();

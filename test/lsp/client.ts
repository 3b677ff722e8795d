import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SERVER = resolve(HERE, '..', '..', 'packages', 'lsp', 'dist', 'server.js');

export interface StartOptions {
  locale?: string;
  /** Answered to workspace/configuration for the `portcullis` section. */
  settings?: Record<string, unknown>;
  initializationOptions?: unknown;
  /** The server script (default: the built packages/lsp/dist/server.js; the extension's bundle for its tests). */
  server?: string;
}

interface Waiter {
  uri: string;
  test: (d: Diagnostic[]) => boolean;
  resolve: (d: Diagnostic[]) => void;
}

/**
 * A real LSP client over stdio: the server binary as a child process, JSON-RPC through vscode-languageserver-protocol.
 * Keeps the latest diagnostics per URI and every window/showMessage.
 */
export class TestClient {
  readonly child: ChildProcess;
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  readonly messages: string[] = [];
  /** window/logMessage texts (the server's console): warnings that are not worth a pop-up. */
  readonly logs: string[] = [];
  initializeResult?: InitializeResult;
  private waiters: Waiter[] = [];
  private stderr = '';

  constructor(private readonly options: StartOptions = {}) {
    this.child = spawn(process.execPath, [options.server ?? SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, { ...(p.version !== undefined ? { version: p.version } : {}), diagnostics: p.diagnostics });
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.test(p.diagnostics)) return true;
        w.resolve(p.diagnostics);
        return false;
      });
    });
    this.connection.onNotification(ShowMessageNotification.type, (p) => this.messages.push(p.message));
    this.connection.onNotification(LogMessageNotification.type, (p) => this.logs.push(p.message));
    this.connection.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section === 'portcullis' ? (this.options.settings ?? {}) : null)));
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      locale: this.options.locale ?? 'en',
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { relatedInformation: true } },
        window: { showDocument: { support: true } },
      },
      initializationOptions: this.options.initializationOptions ?? null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  async open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  /** Resolves with the first diagnostics for `uri` (already held or to come) that pass `test`. */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const have = this.diagnostics.get(uri);
    if (have && test(have.diagnostics)) return Promise.resolve(have.diagnostics);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        test,
        resolve: (d) => {
          clearTimeout(timer);
          resolvePromise(d);
        },
      });
    });
  }

  /** Forgets the held diagnostics of `uri`, so the next wait sees only a fresh publication. */
  forget(uri: string): void {
    this.diagnostics.delete(uri);
  }

  /** shutdown, exit, and the process gone: resolves with its exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => {
      if (this.child.exitCode !== null) r(this.child.exitCode);
      else this.child.once('exit', (code) => r(code));
    });
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

// The client: starts the bundled language server, adds the commands that need the editor (clipboard, panels).
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { copyBlockCommand, decodeLine, treatAsFirewallLog } from './commands.js';
import { showReport } from './report.js';

export const LANGUAGES = ['netfilter-log', 'iptables'] as const;
/** The server's code action that offers the ban command; in VS Code it goes to the clipboard (see middleware). */
const SERVER_COPY_BAN = 'portcullis.copyBanCommand';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ language })),
    synchronize: { configurationSection: 'portcullis' },
    initializationOptions: { portcullis: vscode.workspace.getConfiguration('portcullis') },
    middleware: {
      executeCommand: async (command, args, next) => {
        const text = args[0];
        if (command === SERVER_COPY_BAN && typeof text === 'string') {
          await vscode.env.clipboard.writeText(text);
          void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', text));
          return;
        }
        return next(command, args);
      },
    },
  };
  client = new LanguageClient('portcullis', 'Portcullis', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('portcullis.treatAsFirewallLog', treatAsFirewallLog),
    vscode.commands.registerCommand('portcullis.decodeLine', () => decodeLine(context)),
    vscode.commands.registerCommand('portcullis.showReport', () => showReport(client)),
    vscode.commands.registerCommand('portcullis.copyBlockCommand', copyBlockCommand),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

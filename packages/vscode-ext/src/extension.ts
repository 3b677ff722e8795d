// Skeleton: the language client is wired in by the extension issue; activation is a no-op until then.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}

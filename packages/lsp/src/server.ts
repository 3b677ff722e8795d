#!/usr/bin/env node
// Wiring only: the features arrive one file per LSP request (see the design); for now the server
// announces itself and syncs documents so a client can connect.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'portcullis-lsp', version: '0.1.0' },
}));

documents.listen(connection);
connection.listen();

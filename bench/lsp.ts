/**
 * The language server's latency, measured as an editor sees it: the built server (`packages/lsp/dist/server.js`,
 * so run `npx tsc -b` first) over stdio, driven by the same client as test/lsp.
 *
 *   node --import tsx bench/lsp.ts [--hovers 2000] [--log bench/out/mixed-100k.log] [--server FILE]
 *
 * `--server`: another build of the server to drive, such as the extension's bundle (packages/vscode-ext/dist/server.js,
 * after its `npm run build`), which is what VS Code runs.
 *
 * For a 100k-line generated log (made by generate.ts when missing) and for the largest iptables-save dump of the
 * corpus: time from didOpen to the first publishDiagnostics, hover latency p50/p99 while the diagnostics pass
 * runs (hover must not wait for it) and after it. Issue #4's targets: hover p99 <= 10 ms, diagnostics <= 1.5 s.
 * Prints figures only; never part of `npm test`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HoverRequest } from 'vscode-languageserver-protocol/node.js';
import { CORPUS } from '../test/corpus.js';
import { SERVER, TestClient } from '../test/lsp/client.js';
import { defaultOut, generate, Rng } from './generate.js';

interface Args {
  hovers: number;
  log?: string;
  server: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { hovers: 2000, server: SERVER };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--hovers') args.hovers = Number(argv[++i]);
    else if (argv[i] === '--log') args.log = argv[++i];
    else if (argv[i] === '--server') args.server = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (expected --hovers N, --log FILE, --server FILE)`);
  }
  return args;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 2 : 0)} ms`;
}

/** Hovers at random positions of lines that have something to explain; returns sorted latencies. */
async function hovers(client: TestClient, uri: string, lines: readonly string[], count: number, rng: Rng): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const line = rng.int(lines.length);
    const character = rng.int(Math.max(1, lines[line].length));
    const t0 = performance.now();
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

async function measure(server: string, label: string, languageId: string, file: string, settings: Record<string, unknown>, count: number): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // as the extension starts it (packages/vscode-ext/src/extension.ts): the settings both as initialization options
  // and as the answer to the configuration pull; with only the pull, the server would restart its first pass
  const client = new TestClient({ locale: 'en', settings, initializationOptions: { portcullis: settings }, server });
  const uri = `file://${resolve(file)}`;
  try {
    await client.initialize();
    const rng = new Rng(7);
    const t0 = performance.now();
    await client.open(uri, languageId, text);
    const pending = client.waitForDiagnostics(uri, undefined, 120_000).then((d) => ({ at: performance.now() - t0, count: d.length }));
    // the first request after didOpen waits for the open itself (the text through JSON-RPC, split into lines)
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    const opened = performance.now() - t0;
    // hovers sent while the diagnostics pass runs: they must be answered between its chunks
    const during = await hovers(client, uri, lines, Math.min(200, count), rng);
    const diag = await pending;
    const after = await hovers(client, uri, lines, count, rng);
    process.stdout.write(
      `${label}\n` +
        `  ${lines.length} lines, ${(text.length / 1024 / 1024).toFixed(1)} MB\n` +
        `  open (text received)  ${ms(opened)}\n` +
        `  time to diagnostics   ${ms(diag.at)} from didOpen, ${ms(diag.at - opened)} after the open (${diag.count} diagnostics)\n` +
        `  hover during pass     p50 ${ms(percentile(during, 50))}  p99 ${ms(percentile(during, 99))}  (${during.length} hovers)\n` +
        `  hover after           p50 ${ms(percentile(after, 50))}  p99 ${ms(percentile(after, 99))}  (${after.length} hovers)\n`,
    );
  } finally {
    await client.stop();
  }
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(args.server)) throw new Error(`${args.server} is missing: build it first (npx tsc -b)`);
const log = args.log ?? defaultOut(100_000, 42);
if (!existsSync(log)) await generate({ lines: 100_000, seed: 42, out: log });
const dumps = join(CORPUS, 'iptables-semantics-dumps');
const largest = readdirSync(dumps)
  .map((f) => join(dumps, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
// the generated hosts' Internet-facing interfaces (see generate.ts)
await measure(args.server, `netfilter-log: ${log}`, 'netfilter-log', log, { wan: ['eth0', 'ens3'] }, args.hovers);
await measure(args.server, `iptables: ${largest}`, 'iptables', largest, {}, args.hovers);

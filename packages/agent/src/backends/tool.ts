/**
 * One call of a firewall tool through the Runner, with every failure turned into a BackendError whose message is a
 * single line naming the command and the first line of the tool's complaint: what a user sees under cron.
 */
import { BackendError } from './backend.js';
import type { Runner } from './runner.js';

export interface ToolCall {
  readonly command: string;
  readonly args: readonly string[];
  /** stdin (`ipset restore`, `nft -f -`, `iptables-restore`). */
  readonly input?: string;
}

/** `ipset restore -exist`: the command as a user would type it (stdin not shown). */
export function shown(call: ToolCall): string {
  return [call.command, ...call.args].join(' ');
}

export async function runTool(runner: Runner, call: ToolCall): Promise<string> {
  try {
    return (await runner(call.command, call.args, call.input)).stdout;
  } catch (err) {
    throw toolError(call, err);
  }
}

/** The runner's error, re-worded: missing binary, refusal with the offending input line, anything else. */
export function toolError(call: ToolCall, err: unknown): BackendError {
  const command = shown(call);
  if (!(err instanceof BackendError)) {
    return new BackendError(`${command}: ${err instanceof Error ? err.message : String(err)}`, command);
  }
  const stderr = err.stderr ?? '';
  // the runner recognises a missing program, with or without a namespace
  if (/: not installed \(/.test(err.message)) {
    return new BackendError(`${command}: ${call.command} is not installed (install the package that provides it)`, command, stderr);
  }
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] ?? err.message.replace(/^\S+ refused: /, '');
  return new BackendError(`${command} failed: ${first}${offendingLine(call, stderr, lines[1])}`, command, stderr);
}

/**
 * Which line of our input the tool choked on, so the message names the address (or rule) at fault:
 * ipset says "Error in line N:", nft says "/dev/stdin:N:..." (and echoes the line), iptables-restore
 * "Error occurred at line: N" a few lines further down.
 */
function offendingLine(call: ToolCall, stderr: string, second: string | undefined): string {
  if (call.input === undefined) return '';
  const n = /Error in line (\d+)/.exec(stderr)?.[1] ?? /^\/dev\/stdin:(\d+):/m.exec(stderr)?.[1] ?? /at line: (\d+)/.exec(stderr)?.[1];
  if (n === undefined) return '';
  const line = call.input.split('\n')[Number(n) - 1] ?? second;
  if (!line) return '';
  return ` (input line ${n}: ${line.length > 160 ? `${line.slice(0, 160)}…` : line})`;
}

/** An answer of the tool that is not what it should be: a BackendError naming the call, with the start of the answer. */
export function unexpectedAnswer(call: ToolCall, text: string, why: string): BackendError {
  return new BackendError(`${shown(call)}: unexpected answer: ${why}`, shown(call), text.slice(0, 2000));
}

/** The `nftables` array of an `nft -j` answer; undefined when the JSON holds none. Text that is not JSON is an error. */
export function nftJsonItems(call: ToolCall, text: string): unknown[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw unexpectedAnswer(call, text, 'not JSON');
  }
  const items = (doc as { nftables?: unknown } | null)?.nftables;
  return Array.isArray(items) ? items : undefined;
}

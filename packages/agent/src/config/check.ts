/**
 * Parsing and checking a config file's text: YAML (with positions, so every problem names its line and column), the
 * schema's validator, then what a schema cannot say. The heavy part of loading a config: the yaml package and the
 * generated validator are some 440 kB of code to compile, so loader.ts imports this module only when the settings
 * cache has no answer for the file (see settings-cache.ts).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { configValidator } from './schema-validator.js';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { parseAddress, type NoiseReason } from '@portcullis/core';
import {
  CONFIG_DEFAULTS,
  CONFIG_SCHEMA,
  IPSET_MAX_TIMEOUT_S,
  MAX_DURATION_S,
  PATTERNS,
  type BackendType,
  type PatternKind,
  type SchemaNode,
  type StartPosition,
} from './schema.js';
import { formatDuration, parseCidr, parseDuration, suggest } from './values.js';
import { shareSettings, type RawShare } from './share.js';
import { readAbuseIpdb, type RawAbuseIpdb } from '../abuseipdb/settings.js';
import { readLists, type RawList } from '../lists/settings.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import type { BackendSets, BackendSettings, FileSettings, NoiseSettings, ScanSettings, SpoofSettings } from './settings.js';

/** Path segments into the parsed value; numbers index lists. */
type Seg = string | number;

/** Finds YAML positions for key paths, so every message names the line and column of what it is about. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The value at the path, or the nearest enclosing node that exists; with `key`, the key of the last segment. */
  at(path: readonly Seg[], key = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let best = this.offsetOf(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const seg = path[i];
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        if (key && i === path.length - 1) {
          best = this.offsetOf(pair.key) ?? best;
          break;
        }
        next = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      } else break;
      const offset = this.offsetOf(next);
      if (offset === undefined) break;
      best = offset;
      node = next;
    }
    const pos = this.lines.linePos(best);
    return { line: pos.line, column: pos.col };
  }

  private offsetOf(node: unknown): number | undefined {
    const range = (node as { range?: unknown } | null | undefined)?.range;
    return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
  }
}

function pathText(path: readonly Seg[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** How a value reads in a sentence: strings quoted as written, containers by kind. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  string: 'text',
  array: 'a list',
  object: 'a mapping of keys',
};

/** Words people reach for that are not the value's name but point to one (spelling distance would mislead). */
const ENUM_ALIASES: Readonly<Record<string, { value: string; why: string }>> = {
  iptables: { value: 'ipset', why: 'ipset is the backend for iptables: its sets are hooked into iptables' },
  ip6tables: { value: 'ipset', why: 'ipset is the backend for iptables: its sets are hooked into iptables' },
  nft: { value: 'nftables', why: "did you mean 'nftables'?" },
  none: { value: 'dry-run', why: 'dry-run changes nothing' },
};

const DURATION_HINT = 'use e.g. 90s, 15m, 2h, 7d';

function notDuration(value: unknown): string {
  return `${show(value)} is not a duration (${DURATION_HINT})`;
}

/** Which kind of value a schema node describes, told by its pattern (see PATTERNS in schema.ts). */
function kindOf(node: SchemaNode | undefined): PatternKind | undefined {
  const pattern = node?.pattern;
  return (Object.keys(PATTERNS) as PatternKind[]).find((k) => PATTERNS[k] === pattern);
}

/** Sentences for values that fail a `pattern`, by the kind of value expected. */
function patternMessage(kind: PatternKind | undefined, value: unknown): string {
  const v = show(value);
  switch (kind) {
    case 'duration':
      return notDuration(value);
    case 'interface':
      return `${v} is not an interface name (at most 15 characters, no '/', ':' or spaces)`;
    case 'source':
      return `${v} is not a log source (an absolute path such as /var/log/kern.log, or journald)`;
    case 'setName':
      return `${v} cannot be a set name (a letter or _ first, then letters, digits, _ . or -; at most 31 characters)`;
    case 'table':
      return `${v} cannot be an nftables table name (a letter or _ first, then letters, digits or _; at most 31 characters)`;
    case 'absolutePath':
    case 'optionalPath':
      return `${v} is not an absolute path (cron and systemd start in /, so a relative one would be a surprise)`;
    case 'envName':
      return `${v} is not an environment variable name (letters, digits and _, not a digit first)`;
    case 'node':
    case 'optionalNode':
      return `${v} is not a node name (a letter or digit first, then letters, digits, . _ or -; at most 64 characters)`;
    case 'trust':
      return `${v} is neither * nor a node name (a letter or digit first, then letters, digits, . _ or -)`;
    case 'prefix':
      return `${v} cannot be a key prefix (letters, digits, _ . : or -; no braces or spaces; at most 64 characters)`;
    case 'hostPort':
      return `${v} is not host:port (a host name or address, a colon, a port; [IPv6]:port for an IPv6 address)`;
    case 'sentinelName':
      return `${v} cannot be a Sentinel master name (letters, digits, . _ : or -; no spaces)`;
    case 'redisUser':
      return `${v} cannot be a Redis user name (no spaces, @, : or /)`;
    case 'serverName':
      return `${v} is not a DNS name (the name the server's certificate carries)`;
    default:
      return `${v} does not have the expected form`;
  }
}

const ROOT_KEYS = Object.keys(CONFIG_SCHEMA.properties ?? {});

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // made once per process, on first use: `scan` and the LSP never pay for it
  compiled ??= configValidator();
  return compiled;
}

/** JSON pointer (`/detect/scan/ports`, `/allow/2`) to segments, numbers where the value is a list. */
function pointerPath(pointer: string, data: unknown): Seg[] {
  const out: Seg[] = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** One ajv error as a key path and a plain sentence. */
function explain(e: ErrorObject, data: unknown): { path: Seg[]; key: boolean; message: string } {
  const path = pointerPath(e.instancePath, data);
  const value = e.data;
  const params = e.params as Record<string, unknown>;
  const parent = e.parentSchema as SchemaNode | undefined;
  const kind = kindOf(parent);
  const isDuration = kind === 'duration';
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const hint = suggest(name, known);
      return {
        path: [...path, name],
        key: true,
        message: hint ? `unknown key (did you mean '${hint}'?)` : `unknown key (known here: ${known.join(', ')})`,
      };
    }
    case 'type': {
      if (isDuration) return { path, key: false, message: notDuration(value) };
      const expected = String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      let message = `expected ${expected}, got ${show(value)}`;
      if (params.type === 'array' && typeof value === 'string') message += ` (a list even for one item: [${value}])`;
      if (params.type === 'boolean' && typeof value === 'string') message += ' (write true or false, without quotes)';
      if (params.type === 'integer' && typeof value === 'number') message = `expected a whole number, got ${value}`;
      return { path, key: false, message };
    }
    case 'pattern':
      return { path, key: false, message: patternMessage(kind, value) };
    case 'enum': {
      const allowed = (parent?.enum ?? (e.schema as unknown[])).map(String);
      const alias = typeof value === 'string' ? ENUM_ALIASES[value.toLowerCase()] : undefined;
      const hint = alias === undefined && typeof value === 'string' ? suggest(value, allowed) : undefined;
      const tail = alias !== undefined && allowed.includes(alias.value) ? ` (${alias.why})` : hint ? ` (did you mean '${hint}'?)` : '';
      return { path, key: false, message: `${show(value)} is not one of ${allowed.join(', ')}${tail}` };
    }
    case 'minimum':
      return { path, key: false, message: isDuration ? `${show(value)} is too short (at least 1 second)` : `${show(value)} is too small (at least ${params.limit})` };
    case 'maximum':
      return { path, key: false, message: `${show(value)} is too large (at most ${params.limit})` };
    case 'minItems':
      return { path, key: false, message: 'the list is empty (leave the key out to get the default)' };
    case 'minLength':
      return { path, key: false, message: 'is empty' };
    case 'uniqueItems': {
      const i = Math.max(Number(params.i), Number(params.j));
      return { path: [...path, i], key: false, message: `${show((value as unknown[])[i])} is listed twice` };
    }
    default:
      return { path, key: false, message: e.message ?? `fails the schema's ${e.keyword} rule` };
  }
}

/** Empty values (`detect:` with every key commented out, `ports:`) mean "the default", as if the key were absent. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = dropNulls(v);
  return out;
}

/** The file's shape once the schema has passed it (every key optional, types as the schema says). */
interface RawConfig {
  sources?: string[];
  wan?: string[];
  allow?: string[];
  detect?: {
    scan?: Partial<Record<'ports' | 'hosts' | 'stealth' | 'slow_ports' | 'max_sources' | 'long_ports' | 'long_hosts' | 'max_long_sources', number>> &
      Partial<Record<'window' | 'slow_window' | 'long_window', number | string>> & { late_replies?: boolean };
    spoof?: { enabled?: boolean; guard?: boolean; idle?: number | string };
    noise?: { reasons?: NoiseReason[]; broadcast?: string[]; guess_broadcast?: boolean };
  };
  ban?: { time?: number | string; increment?: number; max?: number | string };
  backend?: {
    type?: BackendType;
    table?: string;
    sets?: Partial<Record<'block_v4' | 'block_v6' | 'spoof_v4' | 'spoof_v6' | 'guard_v4' | 'guard_v6', string>>;
  };
  state?: string;
  start?: StartPosition;
  share?: RawShare;
  abuseipdb?: RawAbuseIpdb;
  lists?: RawList[];
}

/**
 * Parses and validates a config file's text: YAML syntax, the schema, then what a schema cannot say (addresses,
 * durations, ban.max ≥ ban.time, distinct set names). Pure: no machine facts, so the LSP can run it on a buffer.
 */
export function checkConfigText(text: string, file: string): FileSettings {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const notes: string[] = [];
  const locate = new Locator(doc, lines);
  const issue = (path: readonly Seg[], message: string, key = false): void => {
    const at = locate.at(path, key);
    issues.push({ file, line: at.line, column: at.column, path: pathText(path), message });
  };

  for (const e of doc.errors) {
    const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    issues.push({ file, line: at.line, column: at.col, path: '', message: `not valid YAML: ${firstSentence(e.message)}` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  for (const w of doc.warnings) {
    const at = w.linePos?.[0] ?? lines.linePos(w.pos[0]);
    notes.push(`${file}:${at.line}:${at.col}: ${firstSentence(w.message)}`);
  }

  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `not usable YAML: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  if (js === null || js === undefined) js = {};
  if (typeof js !== 'object' || Array.isArray(js)) {
    issue([], `the file must be a mapping of sections (${ROOT_KEYS.join(', ')}), not ${show(js)}`);
    throw new ConfigError(issues);
  }
  const data = dropNulls(js);

  const validate = validator();
  if (!validate(data)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const x = explain(e, data);
      const id = pathText(x.path);
      // one sentence per place: a wrong value fails several keywords, the first says it best
      if (seen.has(id)) continue;
      seen.add(id);
      issue(x.path, x.message, x.key);
    }
    throw new ConfigError(issues);
  }

  const raw = data as RawConfig;
  const D = CONFIG_DEFAULTS;

  const duration = (path: readonly Seg[], given: number | string | undefined, fallback: string): number => {
    const ms = parseDuration(given ?? fallback);
    if (ms === undefined) {
      issue(path, notDuration(given));
      return 0;
    }
    if (ms < 1000) issue(path, `${show(given)} is too short (at least 1 second)`);
    else if (ms > MAX_DURATION_S * 1000) issue(path, `${show(given)} is longer than ten years; surely a typo`);
    return ms;
  };

  // allow: addresses and CIDRs, canonical, each once
  const allow: string[] = [];
  (raw.allow ?? D.allow).forEach((entry, i) => {
    const c = parseCidr(entry);
    if (!c) return issue(['allow', i], `${show(entry)} is not an address or CIDR (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)`);
    if (c.hostBits) notes.push(`allow[${i}]: ${entry} has bits set past its prefix; read as ${c.cidr}`);
    if (!allow.includes(c.cidr)) allow.push(c.cidr);
  });

  const scanRaw = raw.detect?.scan ?? {};
  const scan: ScanSettings = {
    ports: scanRaw.ports ?? D.detect.scan.ports,
    hosts: scanRaw.hosts ?? D.detect.scan.hosts,
    windowMs: duration(['detect', 'scan', 'window'], scanRaw.window, D.detect.scan.window),
    stealth: scanRaw.stealth ?? D.detect.scan.stealth,
    slowPorts: scanRaw.slow_ports ?? D.detect.scan.slow_ports,
    slowWindowMs: duration(['detect', 'scan', 'slow_window'], scanRaw.slow_window, D.detect.scan.slow_window),
    lateReplies: scanRaw.late_replies ?? D.detect.scan.late_replies,
    maxSources: scanRaw.max_sources ?? D.detect.scan.max_sources,
    longPorts: scanRaw.long_ports ?? D.detect.scan.long_ports,
    longHosts: scanRaw.long_hosts ?? D.detect.scan.long_hosts,
    longWindowMs: duration(['detect', 'scan', 'long_window'], scanRaw.long_window, D.detect.scan.long_window),
    maxLongSources: scanRaw.max_long_sources ?? D.detect.scan.max_long_sources,
  };
  if ((scan.longPorts > 0 || scan.longHosts > 0) && scan.longWindowMs <= Math.max(scan.windowMs, scan.slowPorts > 0 ? scan.slowWindowMs : 0)) {
    notes.push(
      `detect.scan.long_window (${formatDuration(scan.longWindowMs)}) is not longer than the other windows: the patient-scan rule only repeats them with lower thresholds`,
    );
  }
  if (scan.slowPorts > 0 && scan.slowWindowMs <= scan.windowMs) {
    notes.push(
      `detect.scan.slow_window (${formatDuration(scan.slowWindowMs)}) is not longer than detect.scan.window (${formatDuration(scan.windowMs)}): the slow-scan rule adds nothing`,
    );
  }

  const spoofRaw = raw.detect?.spoof ?? {};
  const spoof: SpoofSettings = {
    enabled: spoofRaw.enabled ?? D.detect.spoof.enabled,
    guard: spoofRaw.guard ?? D.detect.spoof.guard,
    idleMs: duration(['detect', 'spoof', 'idle'], spoofRaw.idle, D.detect.spoof.idle),
  };

  const noiseRaw = raw.detect?.noise ?? {};
  const broadcast: string[] = [];
  (noiseRaw.broadcast ?? D.detect.noise.broadcast).forEach((entry, i) => {
    const a = parseAddress(entry);
    if (!a || a.family !== 4) return issue(['detect', 'noise', 'broadcast', i], `${show(entry)} is not an IPv4 address (IPv6 has no broadcast)`);
    if (!broadcast.includes(a.address)) broadcast.push(a.address);
  });
  const noise: NoiseSettings = {
    reasons: noiseRaw.reasons ?? (D.detect.noise.reasons as NoiseReason[]),
    broadcast,
    guessBroadcast: noiseRaw.guess_broadcast ?? D.detect.noise.guess_broadcast,
  };

  const banRaw = raw.ban ?? {};
  const timeMs = duration(['ban', 'time'], banRaw.time, D.ban.time);
  const maxMs = duration(['ban', 'max'], banRaw.max, D.ban.max);
  const factor = banRaw.increment ?? D.ban.increment;
  if (timeMs >= 1000 && maxMs >= 1000 && maxMs < timeMs) {
    if (banRaw.max !== undefined) issue(['ban', 'max'], `${formatDuration(maxMs)} is shorter than ban.time (${formatDuration(timeMs)})`);
    else issue(['ban', 'time'], `${formatDuration(timeMs)} is longer than ban.max (${formatDuration(maxMs)} by default); raise ban.max as well`);
  }
  if (Math.max(timeMs, maxMs) > IPSET_MAX_TIMEOUT_S * 1000) {
    // Not clamped: the kernel entry is given at most the limit, and every run puts back a ban the kernel dropped
    // while the state says it still runs; the ban lasts as configured as long as the agent runs.
    notes.push(
      `ban: bans longer than ${IPSET_MAX_TIMEOUT_S} s (about 24.8 days, the kernel's largest set timeout) are entered for that long and renewed by the next run after it lapses`,
    );
  }

  const backendRaw = raw.backend ?? {};
  const setsRaw = backendRaw.sets ?? {};
  const S = D.backend.sets;
  const sets: BackendSets = {
    blockV4: setsRaw.block_v4 ?? S.block_v4,
    blockV6: setsRaw.block_v6 ?? S.block_v6,
    spoofV4: setsRaw.spoof_v4 ?? S.spoof_v4,
    spoofV6: setsRaw.spoof_v6 ?? S.spoof_v6,
    guardV4: setsRaw.guard_v4 ?? S.guard_v4,
    guardV6: setsRaw.guard_v6 ?? S.guard_v6,
  };
  const owner = new Map<string, string>();
  for (const key of ['block_v4', 'block_v6', 'spoof_v4', 'spoof_v6', 'guard_v4', 'guard_v6'] as const) {
    const name = setsRaw[key] ?? S[key];
    const first = owner.get(name);
    if (first !== undefined) {
      issue(['backend', 'sets', key], `'${name}' is already the name of backend.sets.${first}; every set needs its own name`);
    } else owner.set(name, key);
  }
  const backend: BackendSettings = { type: backendRaw.type ?? D.backend.type, table: backendRaw.table ?? D.backend.table, sets };
  if (spoof.guard && backend.type === 'firewalld') {
    issue(['detect', 'spoof', 'guard'], 'the standing anti-spoofing guard needs backend ipset or nftables (the firewalld backend has no guard); set it to false or change backend.type');
  }

  const share = shareSettings(raw.share, duration, issue, notes);
  const abuseipdb = readAbuseIpdb(raw.abuseipdb, duration, issue);
  const lists = readLists(raw.lists, duration, issue);
  if (lists.length && backend.type === 'firewalld') issue(['lists'], 'blocklists need backend ipset or nftables (the firewalld backend cannot hold them); remove lists or change backend.type');

  if (issues.length > 0) throw new ConfigError(issues);

  return {
    file,
    ...(raw.sources !== undefined && { sources: raw.sources }),
    ...(raw.wan !== undefined && { wan: raw.wan }),
    allow,
    detect: { scan, spoof, noise },
    ban: { timeMs, factor, maxMs },
    backend,
    state: raw.state ?? D.state,
    start: raw.start ?? D.start,
    ...(share !== undefined && { share }),
    abuseipdb,
    lists,
    notes,
  };
}

/**
 * `checkConfigText`'s answer as data instead of a throw, for loader.ts, which imports this module lazily: under the
 * tests' loader (sources required as CommonJS, a lazy import loaded as an ES module) its ConfigError would be another
 * copy of the class, and `instanceof` would fail; plain issues cross that line.
 */
export function checkConfig(text: string, file: string): { settings: FileSettings } | { issues: readonly ConfigIssue[] } {
  try {
    return { settings: checkConfigText(text, file) };
  } catch (err) {
    if (err instanceof ConfigError) return { issues: err.issues };
    throw err;
  }
}

/** yaml's messages end in " at line N, column M:" and a code excerpt; the place is printed by us already. */
function firstSentence(message: string): string {
  return message.split(/ at line \d+, column \d+/)[0].trim();
}


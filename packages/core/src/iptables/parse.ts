import type { IptablesDiagnostic, IptablesSpan } from './diagnostic.js';
import { iptablesDiagnostic, iptablesJoinSpans } from './diagnostic.js';
import type { IptablesCommandSpec, IptablesExtensionSpec, IptablesFamily, IptablesOptionSpec } from './catalogue.js';
import {
  iptablesCommand,
  iptablesExtensionOption,
  iptablesImplicitMatch,
  iptablesMatch,
  iptablesRuleOption,
  iptablesTarget,
} from './catalogue.js';
import type { IptablesWord } from './tokenize.js';
import { tokenizeIptablesLine } from './tokenize.js';

/**
 * iptables-save / iptables-restore files, parsed line by line (so an editor re-parses only the lines that changed)
 * and then assembled into tables by a cheap document pass. The parser records what is written, with spans; it
 * reports only what makes a line unreadable (a missing value, a stray word, an unclosed quote). Whether values and
 * options make sense is the linter's job (lint/), which reads the same catalogue.
 */

export interface IptablesCounters {
  readonly packets: string;
  readonly bytes: string;
  readonly span: IptablesSpan;
}

/** One option as written: `! --dport 22`, `-p tcp`, `--tcp-flags SYN,ACK SYN`, `--syn`. */
export interface IptablesOptionUse {
  /** The option word as written ('-p', '--dport', '--protocol'); for `--x=v` only the `--x` part. */
  readonly name: IptablesWord;
  /** The catalogue's long name ('-p' → '--protocol', '--destination-port' → '--dport'); the written name if unknown. */
  readonly canonical: string;
  /** The catalogue entry the parser resolved (for its arity); undefined when unknown. */
  readonly spec?: IptablesOptionSpec;
  /** The `!` that negates it. */
  readonly negation?: IptablesWord;
  /** `--opt ! value`: the old, deprecated position of the `!`. */
  readonly negationAfter?: boolean;
  readonly values: readonly IptablesWord[];
  /** From the `!` (or the name) to the last value. */
  readonly span: IptablesSpan;
  /** Index into the rule's `extensions`, or -1 for the rule's own options (-p, -s, -i, -m, -j...). */
  readonly owner: number;
}

/** A match (`-m tcp`, or implicit from `-p tcp`) or the target (`-j LOG`, `-g chain`). */
export interface IptablesExtensionUse {
  readonly kind: 'match' | 'target';
  /** The `-m`, `-j` or `-g` word; undefined for a match loaded implicitly by `-p`. */
  readonly keyword?: IptablesWord;
  /** The extension or chain name; for an implicit match, the protocol word. */
  readonly name?: IptablesWord;
  readonly implicit: boolean;
  /** `-g`: continue in the chain without returning. */
  readonly goto: boolean;
  /** Catalogue entry; undefined for unknown names and for jumps to user chains. */
  readonly spec?: IptablesExtensionSpec;
  readonly options: IptablesOptionUse[];
  readonly span: IptablesSpan;
}

export interface IptablesRuleCommand {
  readonly word: IptablesWord;
  readonly spec: IptablesCommandSpec;
  readonly chain?: IptablesWord;
  readonly number?: IptablesWord;
  readonly policy?: IptablesWord;
  readonly newName?: IptablesWord;
}

export interface IptablesRule {
  readonly span: IptablesSpan;
  readonly counters?: IptablesCounters;
  readonly command?: IptablesRuleCommand;
  /** `-t nat` inside the rule. */
  readonly table?: IptablesWord;
  /** Every option in source order (the rule's own and the extensions'). */
  readonly options: readonly IptablesOptionUse[];
  readonly extensions: readonly IptablesExtensionUse[];
  /** The `-j`/`-g` extension, if any. */
  readonly target?: IptablesExtensionUse;
  readonly protocol?: IptablesOptionUse;
  readonly problems: readonly IptablesDiagnostic[];
}

interface LineBase {
  readonly line: number;
  readonly span: IptablesSpan;
  readonly problems: readonly IptablesDiagnostic[];
}

export interface IptablesBlankLine extends LineBase {
  readonly kind: 'blank';
}
export interface IptablesCommentLine extends LineBase {
  readonly kind: 'comment';
  readonly text: string;
}
export interface IptablesTableLine extends LineBase {
  readonly kind: 'table';
  readonly name?: IptablesWord;
}
export interface IptablesChainLine extends LineBase {
  readonly kind: 'chain';
  readonly name?: IptablesWord;
  readonly policy?: IptablesWord;
  readonly counters?: IptablesCounters;
}
export interface IptablesCommitLine extends LineBase {
  readonly kind: 'commit';
}
export interface IptablesRuleLine extends LineBase {
  readonly kind: 'rule';
  readonly rule: IptablesRule;
  /** The line as written: fixes that move a rule copy it. */
  readonly text: string;
}

export type IptablesLine = IptablesBlankLine | IptablesCommentLine | IptablesTableLine | IptablesChainLine | IptablesCommitLine | IptablesRuleLine;

export interface IptablesParseOptions {
  /** 4 for iptables, 6 for ip6tables; undefined when not known (the catalogue's family-neutral entries are used). */
  readonly family?: IptablesFamily;
}

/** A line with more than this many problems is garbage; more messages would only slow the editor down. */
const MAX_PROBLEMS_PER_LINE = 50;

/** Stands for a problem counted but not built: capProblems reports how many there were. */
const DROPPED: IptablesDiagnostic = iptablesDiagnostic('error', 'unexpected-word', { line: 0, start: 0, end: 0 }, 'Unexpected word.', '予期しない語です。');

const COUNTERS = /^\[(\d+):(\d+)\]$/;

function capProblems(problems: IptablesDiagnostic[], line: number, length: number): IptablesDiagnostic[] {
  if (problems.length <= MAX_PROBLEMS_PER_LINE) return problems;
  const kept = problems.slice(0, MAX_PROBLEMS_PER_LINE);
  kept.push(
    iptablesDiagnostic(
      'error',
      'too-many-problems',
      { line, start: 0, end: length },
      `${problems.length - MAX_PROBLEMS_PER_LINE} more problems on this line are not shown.`,
      `この行のその他 ${problems.length - MAX_PROBLEMS_PER_LINE} 件の問題は表示していません。`,
    ),
  );
  return kept;
}

function firstNonBlank(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) break;
    i++;
  }
  return i;
}

function trimmedEnd(text: string): number {
  let e = text.length;
  while (e > 0) {
    const c = text.charCodeAt(e - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) break;
    e--;
  }
  return e;
}

function parseCounters(word: IptablesWord | undefined, problems: IptablesDiagnostic[]): IptablesCounters | undefined {
  if (!word) return undefined;
  const m = COUNTERS.exec(word.value);
  if (m) return { packets: m[1], bytes: m[2], span: word.span };
  problems.push(
    iptablesDiagnostic('error', 'invalid-counters', word.span, 'Counters must be [packets:bytes], two whole numbers.', 'カウンタは [パケット数:バイト数] (2 つの整数) の形式です。'),
  );
  return undefined;
}

/** Parse one line of an iptables-save / iptables-restore file. Never throws. */
export function parseIptablesLine(text: string, line: number, options: IptablesParseOptions = {}): IptablesLine {
  const begin = firstNonBlank(text);
  const end = trimmedEnd(text);
  const span: IptablesSpan = { line, start: begin, end: Math.max(begin, end) };
  if (begin >= text.length) return { kind: 'blank', line, span, problems: [] };
  const c = text.charCodeAt(begin);
  if (c === 35 /* # */) return { kind: 'comment', line, span, problems: [], text: text.slice(begin + 1, end) };
  if (c === 42 /* * */) {
    const { words, problems } = tokenizeIptablesLine(text, line, begin + 1);
    const name = words[0] && words[0].span.start === begin + 1 ? words[0] : undefined;
    if (!name) problems.push(iptablesDiagnostic('error', 'missing-table-name', span, 'A table line needs a name: *filter, *nat, *mangle, *raw or *security.', 'テーブル行には名前が必要です: *filter・*nat・*mangle・*raw・*security。'));
    for (const w of words.slice(name ? 1 : 0)) problems.push(unexpected(w));
    return { kind: 'table', line, span, problems: capProblems(problems, line, text.length), ...(name ? { name } : {}) };
  }
  if (c === 58 /* : */) {
    const { words, problems } = tokenizeIptablesLine(text, line, begin + 1);
    const name = words[0] && words[0].span.start === begin + 1 ? words[0] : undefined;
    const rest = words.slice(name ? 1 : 0);
    if (!name) problems.push(iptablesDiagnostic('error', 'missing-chain-name', span, 'A chain line needs a name right after the colon.', 'チェイン行にはコロンの直後に名前が必要です。'));
    const policy = rest[0];
    if (name && !policy)
      problems.push(
        iptablesDiagnostic('error', 'missing-policy', span, 'A chain line needs a policy: ACCEPT or DROP for built-in chains, - for user chains.', 'チェイン行にはポリシーが必要です (組み込みチェインは ACCEPT か DROP、ユーザー定義チェインは -)。'),
      );
    const counters = parseCounters(rest[1], problems);
    for (const w of rest.slice(2)) problems.push(unexpected(w));
    return {
      kind: 'chain',
      line,
      span,
      problems: capProblems(problems, line, text.length),
      ...(name ? { name } : {}),
      ...(policy ? { policy } : {}),
      ...(counters ? { counters } : {}),
    };
  }
  const { words, problems } = tokenizeIptablesLine(text, line, begin);
  if (words.length > 0 && !words[0].quoted && words[0].value === 'COMMIT') {
    for (const w of words.slice(1)) problems.push(unexpected(w));
    return { kind: 'commit', line, span, problems: capProblems(problems, line, text.length) };
  }
  const rule = parseRuleWords(words, span, problems, options, true);
  return { kind: 'rule', line, span, problems: capProblems(rule.problems as IptablesDiagnostic[], line, text.length), rule, text };
}

/**
 * Parse a rule specification: what follows `iptables -A CHAIN` (the .t tables' form). `line` places the spans.
 * A command (-A CHAIN) is accepted too, but not required.
 */
export function parseIptablesRule(text: string, options: IptablesParseOptions & { line?: number } = {}): IptablesRule {
  const line = options.line ?? 0;
  const { words, problems } = tokenizeIptablesLine(text, line);
  const begin = firstNonBlank(text);
  const rule = parseRuleWords(words, { line, start: begin, end: Math.max(begin, trimmedEnd(text)) }, problems, options, false);
  return { ...rule, problems: capProblems(rule.problems as IptablesDiagnostic[], line, text.length) };
}

function unexpected(w: IptablesWord): IptablesDiagnostic {
  return iptablesDiagnostic('error', 'unexpected-word', w.span, `Unexpected "${clip(w.value)}" here.`, `ここに「${clip(w.value)}」は置けません。`);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** A word iptables would read as an option rather than a value: `--x`, or a short option it knows (`-j`). */
function looksLikeOption(w: IptablesWord): boolean {
  if (w.quoted) return false;
  const v = w.value;
  if (v.startsWith('--') && v.length > 2) return true;
  if (v.length === 2 && v[0] === '-' && /[A-Za-z46]/.test(v[1])) return iptablesRuleOption(v) !== undefined || iptablesCommand(v) !== undefined;
  return false;
}

interface SplitName {
  name: IptablesWord;
  inline?: IptablesWord;
}

/** `--opt=value` and `-ptcp`: split the name from a value written in the same word. */
function splitOptionWord(w: IptablesWord): SplitName {
  const v = w.value;
  const { line, start } = w.span;
  if (v.startsWith('--')) {
    const eq = v.indexOf('=');
    if (eq > 2 && !w.quoted)
      return {
        name: { value: v.slice(0, eq), span: { line, start, end: start + eq }, quoted: false },
        inline: { value: v.slice(eq + 1), span: { line, start: start + eq + 1, end: w.span.end }, quoted: false },
      };
    return { name: w };
  }
  if (v.length > 2 && !w.quoted) {
    const short = v.slice(0, 2);
    const op = iptablesRuleOption(short);
    const cmd = iptablesCommand(short);
    if ((op && op.value.args > 0) || (cmd && cmd.operands.length > 0))
      return {
        name: { value: short, span: { line, start, end: start + 2 }, quoted: false },
        inline: { value: v.slice(2), span: { line, start: start + 2, end: w.span.end }, quoted: false },
      };
  }
  return { name: w };
}

interface MutableExtension {
  kind: 'match' | 'target';
  keyword?: IptablesWord;
  name?: IptablesWord;
  implicit: boolean;
  goto: boolean;
  spec?: IptablesExtensionSpec;
  options: IptablesOptionUse[];
  span: IptablesSpan;
}

function parseRuleWords(
  words: IptablesWord[],
  span: IptablesSpan,
  problems: IptablesDiagnostic[],
  options: IptablesParseOptions,
  fromFile: boolean,
): IptablesRule {
  const family = options.family;
  let i = 0;
  let counters: IptablesCounters | undefined;
  // iptables-save -c prints [pkts:bytes] first.
  if (fromFile && words[0] && words[0].value.startsWith('[') && !words[0].quoted) {
    counters = parseCounters(words[0], problems);
    i = 1;
  }
  let command: IptablesRuleCommand | undefined;
  let table: IptablesWord | undefined;
  let protocol: IptablesOptionUse | undefined;
  let target: MutableExtension | undefined;
  const all: IptablesOptionUse[] = [];
  const extensions: MutableExtension[] = [];
  let bang: IptablesWord | undefined;
  let dropped = 0;

  const take = (): IptablesWord | undefined => words[i++];
  const peek = (): IptablesWord | undefined => words[i];

  /** Read `count` values for an option; `optional` values are taken only when the next word is not an option. */
  function readValues(
    name: IptablesWord,
    count: number,
    optional: boolean,
    inline: IptablesWord | undefined,
    invertible: boolean,
  ): { values: IptablesWord[]; negationAfter?: IptablesWord } {
    const values: IptablesWord[] = [];
    let negationAfter: IptablesWord | undefined;
    if (inline) values.push(inline);
    while (values.length < count) {
      const next = peek();
      if (next && !next.quoted && next.value === '!' && values.length === 0 && invertible) {
        negationAfter = next;
        i++;
        continue;
      }
      if (!next || looksLikeOption(next) || (!next.quoted && next.value === '!')) {
        if (!optional)
          problems.push(
            iptablesDiagnostic(
              'error',
              'missing-value',
              name.span,
              count === 2 ? `${name.value} needs two values.` : `${name.value} needs a value.`,
              count === 2 ? `${name.value} には値が 2 つ必要です。` : `${name.value} には値が必要です。`,
            ),
          );
        break;
      }
      values.push(next);
      i++;
    }
    return { values, ...(negationAfter ? { negationAfter } : {}) };
  }

  function record(
    name: IptablesWord,
    canonical: string,
    spec: IptablesOptionSpec | undefined,
    values: IptablesWord[],
    owner: number,
    negationAfter?: IptablesWord,
  ): IptablesOptionUse {
    const negation = negationAfter ?? bang;
    const first = bang ?? name;
    const last = values.length > 0 ? values[values.length - 1] : negationAfter ?? name;
    const use: IptablesOptionUse = {
      name,
      canonical,
      ...(spec ? { spec } : {}),
      ...(negation ? { negation } : {}),
      ...(negationAfter ? { negationAfter: true } : {}),
      values,
      span: iptablesJoinSpans(first.span, last.span),
      owner,
    };
    bang = undefined;
    all.push(use);
    if (owner >= 0) {
      const ext = extensions[owner];
      ext.options.push(use);
      ext.span = iptablesJoinSpans(ext.span, use.span);
    }
    return use;
  }

  /** The extension an option belongs to: the latest loaded one that knows it, else the protocol's implicit match. */
  function ownerOf(name: string): { index: number; spec: IptablesOptionSpec } | undefined {
    for (let k = extensions.length - 1; k >= 0; k--) {
      const ext = extensions[k];
      const spec = ext.spec && iptablesExtensionOption(ext.spec, name);
      if (spec) return { index: k, spec };
    }
    if (protocol && protocol.values[0] && !protocol.negation) {
      const implicit = iptablesImplicitMatch(protocol.values[0].value, family);
      if (implicit && !extensions.some((e) => e.spec === implicit)) {
        const spec = iptablesExtensionOption(implicit, name);
        if (spec) {
          extensions.push({ kind: 'match', name: protocol.values[0], implicit: true, goto: false, spec: implicit, options: [], span: protocol.span });
          return { index: extensions.length - 1, spec };
        }
      }
    }
    return undefined;
  }

  while (i < words.length) {
    const w = take() as IptablesWord;
    if (!w.quoted && w.value === '!') {
      if (bang) problems.push(iptablesDiagnostic('error', 'double-negation', w.span, 'Two `!` in a row.', '`!` が 2 つ続いています。'));
      bang = w;
      continue;
    }
    if (w.quoted || !w.value.startsWith('-') || w.value === '-') {
      // Garbage lines have a stray word per word: count past the cap instead of building messages nobody sees.
      if (problems.length <= MAX_PROBLEMS_PER_LINE) problems.push(unexpected(w));
      else dropped++;
      continue;
    }
    const { name, inline } = splitOptionWord(w);
    const cmd = iptablesCommand(name.value);
    if (cmd) {
      if (bang) {
        problems.push(iptablesDiagnostic('error', 'invalid-negation', bang.span, 'A command cannot be negated.', 'コマンドは否定できません。'));
        bang = undefined;
      }
      if (command)
        problems.push(iptablesDiagnostic('error', 'duplicate-command', name.span, 'Only one command per line.', '1 行にコマンドは 1 つだけです。'));
      let chain: IptablesWord | undefined;
      let number: IptablesWord | undefined;
      let policy: IptablesWord | undefined;
      let newName: IptablesWord | undefined;
      let pendingInline = inline;
      for (const operand of cmd.operands) {
        const optionalOperand = operand.endsWith('?');
        const next = pendingInline ?? peek();
        const fits =
          next !== undefined &&
          (next === pendingInline || !looksLikeOption(next)) &&
          (next.quoted || next.value !== '!') &&
          (!operand.startsWith('number') || /^\d+$/.test(next.value)) &&
          (!optionalOperand || !next.value.startsWith('-'));
        if (!fits) {
          if (!optionalOperand)
            problems.push(
              iptablesDiagnostic('error', 'missing-value', name.span, `${name.value} needs a ${operand === 'policy' ? 'policy' : operand === 'number' ? 'rule number' : 'chain name'}.`, `${name.value} には${operand === 'policy' ? 'ポリシー' : operand === 'number' ? 'ルール番号' : 'チェイン名'}が必要です。`),
            );
          continue;
        }
        if (next === pendingInline) pendingInline = undefined;
        else i++;
        if (operand.startsWith('chain')) chain = next;
        else if (operand.startsWith('number')) number = next;
        else if (operand === 'policy') policy = next;
        else newName = next;
      }
      command = { word: name, spec: cmd, ...(chain ? { chain } : {}), ...(number ? { number } : {}), ...(policy ? { policy } : {}), ...(newName ? { newName } : {}) };
      continue;
    }
    const ruleOption = iptablesRuleOption(name.value);
    if (ruleOption) {
      const canonical = ruleOption.name;
      if (canonical === '--match' || canonical === '--jump' || canonical === '--goto') {
        const negated = bang;
        if (negated) {
          problems.push(iptablesDiagnostic('error', 'invalid-negation', negated.span, `${name.value} cannot be negated.`, `${name.value} は否定できません。`));
          bang = undefined;
        }
        const { values } = readValues(name, 1, false, inline, false);
        const extName = values[0];
        const kindOf = canonical === '--match' ? 'match' : 'target';
        const spec = extName ? (kindOf === 'match' ? iptablesMatch(extName.value, family) : canonical === '--jump' ? iptablesTarget(extName.value, family) : undefined) : undefined;
        const ext: MutableExtension = {
          kind: kindOf,
          keyword: name,
          ...(extName ? { name: extName } : {}),
          implicit: false,
          goto: canonical === '--goto',
          ...(spec ? { spec } : {}),
          options: [],
          span: extName ? iptablesJoinSpans(name.span, extName.span) : name.span,
        };
        if (kindOf === 'target') {
          if (target)
            problems.push(iptablesDiagnostic('error', 'duplicate-target', name.span, 'A rule has one target: a second -j/-g is not allowed.', 'ルールのターゲットは 1 つだけです (-j/-g は 2 回書けません)。'));
          target = ext;
        }
        extensions.push(ext);
        record(name, canonical, ruleOption, values, -1);
        continue;
      }
      if (canonical === '--set-counters') {
        // -c takes "pkts,bytes" as one word, or two words.
        const first = readValues(name, 1, false, inline, false).values;
        const values = [...first];
        if (first[0] && !first[0].value.includes(',')) values.push(...readValues(name, 1, false, undefined, false).values);
        record(name, canonical, ruleOption, values, -1);
        continue;
      }
      const { values, negationAfter } = readValues(name, ruleOption.value.args, ruleOption.value.optional ?? false, inline, ruleOption.invert ?? false);
      const use = record(name, canonical, ruleOption, values, -1, negationAfter);
      if (canonical === '--protocol') protocol = use;
      if (canonical === '--table') table = values[0];
      continue;
    }
    const owner = ownerOf(name.value);
    if (owner) {
      const { values, negationAfter } = readValues(name, owner.spec.value.args, owner.spec.value.optional ?? false, inline, owner.spec.invert ?? false);
      record(name, owner.spec.name, owner.spec, values, owner.index, negationAfter);
      continue;
    }
    // Unknown option: its values are the words up to the next option. The linter says it is unknown.
    const values: IptablesWord[] = inline ? [inline] : [];
    while (i < words.length && !looksLikeOption(words[i]) && (words[i].quoted || words[i].value !== '!') && !(words[i].value.startsWith('-') && !words[i].quoted && !/^-\d/.test(words[i].value)))
      values.push(take() as IptablesWord);
    record(name, name.value, undefined, values, extensions.length - 1);
  }
  for (let k = 0; k < dropped; k++) problems.push(DROPPED);
  if (bang) problems.push(iptablesDiagnostic('error', 'dangling-negation', bang.span, '`!` must be followed by the option it negates.', '`!` の後には否定するオプションが必要です。'));

  return {
    span,
    ...(counters ? { counters } : {}),
    ...(command ? { command } : {}),
    ...(table ? { table } : {}),
    options: all,
    extensions,
    ...(target ? { target } : {}),
    ...(protocol ? { protocol } : {}),
    problems,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The document pass

export interface IptablesTableBlock {
  readonly name?: IptablesWord;
  readonly header: IptablesTableLine;
  readonly chains: readonly IptablesChainLine[];
  readonly rules: readonly IptablesRuleLine[];
  readonly commit?: IptablesCommitLine;
  /** Lines [startLine, endLine] the table spans (its header to its COMMIT, or to the next table or the end). */
  readonly startLine: number;
  readonly endLine: number;
}

export interface IptablesDocument {
  readonly lines: readonly IptablesLine[];
  readonly tables: readonly IptablesTableBlock[];
  /** Chain headers, rules and COMMITs before any `*table` line. */
  readonly outside: readonly IptablesLine[];
  /** Given, or read from the content (IPv6 addresses, icmp6, ip6tables-save banner); undefined if nothing says. */
  readonly family?: IptablesFamily;
}

/** Split text into lines at LF, CRLF or CR, as editors count them. */
export function splitIptablesLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

export function parseIptablesDocument(text: string, options: IptablesParseOptions = {}): IptablesDocument {
  const raw = splitIptablesLines(text);
  const family = options.family ?? guessIptablesFamily(raw);
  const lines = raw.map((l, n) => parseIptablesLine(l, n, { family }));
  return assembleIptablesDocument(lines, { family });
}

/**
 * Group parsed lines into tables. Cheap (one pass, no re-parsing), so an editor that re-parses changed lines can
 * call it after every edit.
 */
export function assembleIptablesDocument(lines: readonly IptablesLine[], options: IptablesParseOptions = {}): IptablesDocument {
  const tables: IptablesTableBlock[] = [];
  const outside: IptablesLine[] = [];
  let current: { name?: IptablesWord; header: IptablesTableLine; chains: IptablesChainLine[]; rules: IptablesRuleLine[]; commit?: IptablesCommitLine; startLine: number } | undefined;
  let lastContent = 0;
  const close = (endLine: number) => {
    if (current) tables.push({ ...current, endLine });
    current = undefined;
  };
  for (const l of lines) {
    switch (l.kind) {
      case 'table':
        close(lastContent);
        current = { ...(l.name ? { name: l.name } : {}), header: l, chains: [], rules: [], startLine: l.line };
        break;
      case 'chain':
        if (current && !current.commit) current.chains.push(l);
        else outside.push(l);
        break;
      case 'rule':
        if (current && !current.commit) current.rules.push(l);
        else outside.push(l);
        break;
      case 'commit':
        if (current && !current.commit) {
          current.commit = l;
          close(l.line);
        } else outside.push(l);
        break;
      case 'blank':
      case 'comment':
        break;
    }
    if (l.kind !== 'blank' && l.kind !== 'comment') lastContent = l.line;
  }
  close(lastContent);
  return { lines, tables, outside, ...(options.family !== undefined ? { family: options.family } : {}) };
}

const V6_HINT = /(?:^|\s)-[sd]\s+!?\s*[0-9a-fA-F]*:[0-9a-fA-F:.]*(?:\/\d+)?|icmp6|ipv6-icmp|icmpv6|ip6tables|--hl-|-m (?:rt|frag|hbh|dst|mh|eui64|ipv6header|srh)\b/;
const V4_HINT = /(?:^|\s)-[sd]\s+!?\s*\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|--icmp-type|icmp-[a-z]+-(?:unreachable|prohibited)|(?:^|\s)iptables-save|--ttl-/;

/**
 * Which family a file is for, from what it says: ip6tables-save banners, IPv6 addresses, ICMPv6, hop limits. The
 * first 2000 non-blank lines decide (enough for any real file, and bounded for a 50 MB one).
 */
export function guessIptablesFamily(lines: readonly string[]): IptablesFamily | undefined {
  let seen = 0;
  let v4 = 0;
  let v6 = 0;
  for (const l of lines) {
    if (l.length === 0) continue;
    if (++seen > 2000) break;
    const sample = l.length > 4096 ? l.slice(0, 4096) : l;
    if (V6_HINT.test(sample)) v6++;
    else if (V4_HINT.test(sample)) v4++;
  }
  if (v6 > v4) return 6;
  if (v4 > 0) return 4;
  return undefined;
}

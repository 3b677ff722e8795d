import {
  classifyAddress,
  countryName,
  DBIP_ATTRIBUTION,
  decodeFields,
  describeTcpFlags,
  explainFieldRow,
  explainLine,
  IPTABLES_BUILTIN_CHAINS,
  IPTABLES_POLICIES,
  iptablesTable,
  optionSpecOf,
  extensionSpecOf,
  TCP_FLAG_WORDS,
  type DecodedLine,
  type GeoLookup,
  type Lang,
  type Text,
} from '@portcullis/core';
import type { Hover, Position, Range } from 'vscode-languageserver';
import type { CachedDocument } from './documents.js';
import { iptablesPartAt, spanOf } from './iptables-words.js';
import { chainInfo, tableAt } from './iptables-chains.js';
import type { Reputation } from './reputation.js';

const W = {
  flagSet: { en: 'Flag set', ja: 'フラグの組み合わせ' },
  probe: { en: 'looks like a scanner probe', ja: 'スキャナの探査パケットの特徴' },
  abuse: { en: 'Reputation on AbuseIPDB', ja: 'AbuseIPDB で評判を確認' },
  country: { en: 'Country', ja: '国' },
  confidence: { en: 'AbuseIPDB confidence of abuse', ja: 'AbuseIPDB の悪用確度' },
  reports: { en: 'reports by', ja: '件の報告、報告者' },
  users: { en: 'users', ja: '人' },
  last: { en: 'last', ja: '最終' },
  pending: { en: 'AbuseIPDB: looking it up (hover again in a moment)', ja: 'AbuseIPDB: 照会中 (少し後にもう一度ホバーしてください)' },
  unavailable: { en: 'AbuseIPDB: not available', ja: 'AbuseIPDB: 利用できません' },
  envelope: { en: 'envelope', ja: 'ログの外枠' },
  host: { en: 'host', ja: 'ホスト' },
  uptime: { en: 'seconds since boot', ja: '起動からの秒数' },
  yearGuessed: { en: 'year inferred', ja: '年は推定' },
  userChain: { en: 'user chain', ja: 'ユーザー定義チェイン' },
  builtinChain: { en: 'built-in chain', ja: '組み込みチェイン' },
  rules: { en: 'rules', ja: 'ルール' },
  jumps: { en: 'jumps to it', ja: 'ジャンプ元' },
  undefinedChain: { en: 'not defined in this table', ja: 'このテーブルに定義がありません' },
  unknown: { en: 'not in the catalogue', ja: 'カタログにありません' },
  values: { en: 'values', ja: '値' },
  match: { en: 'match', ja: 'マッチ' },
  target: { en: 'target', ja: 'ターゲット' },
  table: { en: 'table', ja: 'テーブル' },
  policy: { en: 'policy', ja: 'ポリシー' },
} satisfies Record<string, Text>;

export function abuseIpdbUrl(address: string): string {
  return `https://www.abuseipdb.com/check/${encodeURIComponent(address)}`;
}

function md(value: string, range: Range): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

/** Markdown-safe inline code: the logged text may hold backticks. */
function code(s: string): string {
  const clean = s.replace(/`/g, "'");
  return `\`${clean}\``;
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Hover on a firewall log line: the field under the cursor, the prefix, or the envelope. Touches one line only. */
/** What the hover may add about an address beyond the line: its country, its AbuseIPDB record. */
export interface AddressFacts {
  readonly geo?: GeoLookup;
  readonly reputation?: (address: string) => Reputation | undefined;
}

function reputationText(r: Reputation, lang: Lang): string {
  if (r.state === 'pending') return W.pending[lang];
  if (r.state === 'failed') return `${W.unavailable[lang]} (${r.why})`;
  const x = r.result;
  const reports = x.totalReports !== undefined ? `, ${x.totalReports} ${W.reports[lang]} ${x.numDistinctUsers ?? 0} ${W.users[lang]}` : '';
  const last = x.lastReportedAt ? `, ${W.last[lang]} ${x.lastReportedAt.slice(0, 10)}` : '';
  const who = [x.usageType, x.isp, x.domain].filter((v): v is string => typeof v === 'string' && v !== '').map(code).join(', ');
  return `**${W.confidence[lang]}: ${x.abuseConfidenceScore}%**${reports}${last}${who ? ` — ${who}` : ''}`;
}

export function logHover(doc: CachedDocument, pos: Position, lang: Lang, facts: AddressFacts = {}): Hover | null {
  const geo = facts.geo;
  const line = doc.decodedAt(pos.line);
  if (!line) return null;
  const off = line.frame.messageOffset;
  if (off < 0) {
    // journald JSON: the message is not a substring of the line, so no column maps to a field; explain it whole
    return md('```\n' + explainLine(line, { lang }).text + '```', lineRange(pos.line, 0, doc.lines[pos.line].length));
  }
  const m = pos.character - off;
  if (m < 0) return envelopeHover(line, pos.line, off, lang);
  const p = line.prefix;
  if (m >= p.start && m < p.end) {
    const row = explainLine(line, { lang }).rows[0];
    const details = p.details ? Object.entries(p.details).map(([k, v]) => `- ${k}: ${code(v)}`) : [];
    return md([`**${code(p.text.trim())}** — ${row.text}`, ...details].join('\n\n'), lineRange(pos.line, off + p.start, off + p.end));
  }
  const index = line.tokens.findIndex((t) => m >= t.start && m < t.end);
  if (index < 0) return null;
  const field = decodeFields(line)[index];
  const row = explainFieldRow(field, line, { lang });
  const parts = [`**${code(row.label)}** — ${row.text}`];
  if (field.layer === 'tcp' && field.token.valueStart < 0 && TCP_FLAG_WORDS.includes(field.key)) {
    // one flag says little; the set (SYN alone, FIN+PSH+URG) is what tells a scan from traffic
    const set = line.tokens.filter((t) => t.depth === field.token.depth && t.valueStart < 0 && TCP_FLAG_WORDS.includes(t.key)).map((t) => t.key);
    const d = describeTcpFlags(set);
    parts.push(`${W.flagSet[lang]} ${code(set.join(' '))}: ${d.meaning[lang]}${d.probe ? ` (${W.probe[lang]}: ${d.probe})` : ''}`);
  }
  if ((field.key === 'SRC' || field.key === 'DST') && typeof field.value === 'string') {
    const info = classifyAddress(field.value);
    if (info?.class === 'public') {
      const country = geo?.(info.address)?.country;
      // the shipped data is CC BY 4.0: the credit goes wherever a country from it is shown (a custom file may differ; crediting it does no harm)
      if (country) parts.push(`${W.country[lang]}: ${countryName(country, lang)} (${country}) — _${DBIP_ATTRIBUTION}_`);
      const rep = facts.reputation?.(info.address);
      if (rep) parts.push(reputationText(rep, lang));
      parts.push(`[${W.abuse[lang]}](${abuseIpdbUrl(info.address)})`);
    }
  }
  const t = line.tokens[index];
  return md(parts.join('\n\n'), lineRange(pos.line, off + t.start, off + t.end));
}

function envelopeHover(line: DecodedLine, lineNo: number, off: number, lang: Lang): Hover {
  const fr = line.frame;
  const facts = [
    fr.time !== undefined ? `${new Date(fr.time).toISOString()}${fr.yearInferred ? ` (${W.yearGuessed[lang]})` : ''}` : undefined,
    fr.host ? `${W.host[lang]} ${code(fr.host)}` : undefined,
    fr.program ? code(fr.program) : undefined,
    fr.uptime !== undefined ? `${fr.uptime} ${W.uptime[lang]}` : undefined,
  ].filter(Boolean);
  return md(`**${W.envelope[lang]}** (${fr.format}): ${facts.join(', ')}`, lineRange(lineNo, 0, off));
}

/** Hover in a rules file: the catalogue's words for the table, chain, command, match, option or target. */
export function iptablesHover(doc: CachedDocument, pos: Position, lang: Lang): Hover | null {
  const l = doc.iptablesLine(pos.line);
  if (!l) return null;
  const part = iptablesPartAt(l, pos.character);
  if (!part) return null;
  const span = spanOf(part);
  const range = lineRange(span.line, span.start, span.end);
  const family = doc.iptablesFamily;
  switch (part.kind) {
    case 'table': {
      const t = iptablesTable(part.word.value);
      return md(`**${W.table[lang]} ${code(part.word.value)}** — ${t ? `${t.description[lang]} (${t.chains.join(', ')})` : W.unknown[lang]}`, range);
    }
    case 'chain-header':
    case 'chain-ref':
    case 'jump': {
      const name = part.word.value;
      const builtin = IPTABLES_BUILTIN_CHAINS[name];
      const table = tableAt(doc.iptables(), pos.line);
      const info = table ? chainInfo(table, name) : undefined;
      const head = builtin && (!info || info.builtin) ? `${W.builtinChain[lang]} — ${builtin[lang]}` : W.userChain[lang];
      const counts = info ? `${info.rules.length} ${W.rules[lang]}, ${info.jumps.length} ${W.jumps[lang]}` : W.undefinedChain[lang];
      return md(`**${code(name)}** — ${head}\n\n${info?.header || builtin ? counts : W.undefinedChain[lang]}`, range);
    }
    case 'policy': {
      const p = IPTABLES_POLICIES.find((x) => x.name === part.word.value);
      return md(`**${W.policy[lang]} ${code(part.word.value)}** — ${p ? p.description[lang] : part.word.value === '-' ? W.userChain[lang] : W.unknown[lang]}`, range);
    }
    case 'command': {
      if (l.kind !== 'rule' || !l.rule.command) return null;
      return md(`**${code(part.word.value)}** (${l.rule.command.spec.long}) — ${l.rule.command.spec.description[lang]}`, range);
    }
    case 'extension': {
      const spec = extensionSpecOf(part.ext, family) ?? part.ext.spec;
      const what = part.ext.kind === 'match' ? W.match[lang] : W.target[lang];
      const name = part.ext.name?.value ?? '';
      const options = spec?.options.length ? `\n\n${spec.options.map((o) => `${code(o.name)} ${o.description[lang]}`).join('  \n')}` : '';
      return md(`**${what} ${code(name)}** — ${spec ? spec.description[lang] : W.unknown[lang]}${options}`, range);
    }
    case 'option':
    case 'value': {
      if (l.kind !== 'rule') return null;
      const spec = optionSpecOf(l.rule, part.use, family) ?? part.use.spec;
      if (!spec) return md(`**${code(part.use.name.value)}** — ${W.unknown[lang]}`, range);
      const values = spec.value.values?.length ? `\n\n${W.values[lang]}: ${spec.value.values.map(code).join(' ')}` : '';
      return md(`**${code(spec.name)}** — ${spec.description[lang]}${values}`, range);
    }
    default:
      return null;
  }
}

import type { Lang, Text } from '../i18n/text.js';
import { classifyAddress } from '../net/address-class.js';
import type { GeoLookup } from '../net/geo.js';
import { meaningOf } from './meaning.js';
import { decodeFields, type FullField } from './fields.js';
import { TCP_FLAG_WORDS } from './catalogue.js';
import { describeTcpFlags } from '../net/tcp-flags.js';
import type { DecodedLine } from './types.js';

export interface ExplainOptions {
  lang: Lang;
  geo?: GeoLookup;
}

export interface ExplainedRow {
  /** The field as logged (`SRC=89.248.166.153`, or `SYN` for the flag set). */
  label: string;
  /** What it means, in the requested language. */
  text: string;
  invalid?: boolean;
  /** 1 inside the packet an ICMP error quotes. */
  depth: 0 | 1;
}

export interface Explanation {
  header: string;
  rows: ExplainedRow[];
  /** The whole explanation as text, label column aligned. */
  text: string;
  invalid: boolean;
}

const L = {
  prefix: { en: 'log prefix', ja: 'ログプレフィックス' },
  userPrefix: { en: "the rule's own prefix", ja: 'ルール独自のプレフィックス' },
  noPrefix: { en: '(none)', ja: '(なし)' },
  truncated: { en: 'the line was cut short: decoded as far as it goes', ja: '行が途中で切れています: 読める所まで解読しました' },
  invalid: { en: 'invalid', ja: '不正な値' },
  embedded: { en: 'the packet this ICMP error answers:', ja: 'このICMPエラーが返している元のパケット:' },
  flags: { en: 'TCP flags', ja: 'TCPフラグ' },
  noFlags: { en: '(no flags)', ja: '(フラグなし)' },
  unknownKey: { en: 'not a field the kernel prints', ja: 'カーネルが出力しない項目' },
  action: {
    drop: { en: 'dropped', ja: '破棄 (DROP)' },
    reject: { en: 'rejected', ja: '拒否 (REJECT)' },
    accept: { en: 'accepted (logged, allowed)', ja: '許可 (ログのみ)' },
    audit: { en: 'audited (logged, allowed)', ja: '監査ログ (許可された通信)' },
    log: { en: 'logged', ja: 'ログ記録' },
  },
} satisfies Record<string, Text | Record<string, Text>>;

/** Explains a firewall line field by field, the way a colleague would read it aloud. */
export function explainLine(line: DecodedLine, options: ExplainOptions): Explanation {
  const { lang } = options;
  const fields = decodeFields(line);
  const rows: ExplainedRow[] = [];
  const prefixMeaning = line.prefix.text
    ? `${line.prefix.source === 'user' ? L.userPrefix[lang] : line.prefix.source}${line.prefix.action ? `: ${L.action[line.prefix.action][lang]}` : ''}`
    : L.noPrefix[lang];
  rows.push({ label: line.prefix.text.trim() || '-', text: `${L.prefix[lang]} — ${prefixMeaning}`, depth: 0 });
  let embeddedShown = false;
  let flagRowDone = false;
  for (const f of fields) {
    if (f.token.depth === 1 && !embeddedShown) {
      rows.push({ label: '[', text: L.embedded[lang], depth: 1 });
      embeddedShown = true;
    }
    if (f.layer === 'tcp' && f.token.valueStart < 0 && TCP_FLAG_WORDS.includes(f.key)) continue;
    if (f.layer === 'tcp' && f.key === 'URGP' && !flagRowDone) {
      // the flags sit between RES and URGP; explain them as one set, which is what carries meaning
      rows.push(flagRow(fields, f.token.depth, lang));
      flagRowDone = true;
    }
    rows.push(explainFieldRow(f, line, options));
  }
  if (line.truncated) rows.push({ label: '…', text: L.truncated[lang], depth: 0 });
  const fr = line.frame;
  const when = fr.time !== undefined ? new Date(fr.time).toISOString() : fr.uptime !== undefined ? `+${fr.uptime}s` : '';
  const header = [when, fr.host, line.prefix.text.trim()].filter(Boolean).join('  ');
  const width = Math.min(34, Math.max(...rows.map((r) => r.label.length + r.depth * 2)));
  const text = [header, ...rows.map((r) => `  ${'  '.repeat(r.depth)}${r.label.padEnd(width - r.depth * 2)}  ${r.text}`)].join('\n') + '\n';
  return { header, rows, text, invalid: rows.some((r) => r.invalid) };
}

function flagRow(fields: readonly FullField[], depth: 0 | 1, lang: Lang): ExplainedRow {
  const flags = fields.filter((f) => f.layer === 'tcp' && f.token.depth === depth && f.token.valueStart < 0 && TCP_FLAG_WORDS.includes(f.key)).map((f) => f.key);
  const d = describeTcpFlags(flags);
  return { label: flags.length ? flags.join(' ') : L.noFlags[lang], text: `${L.flags[lang]}: ${d.meaning[lang]}`, depth };
}

/** One field's row: what the field is, its value, and what that value means. Also the LSP's hover text. */
export function explainFieldRow(f: FullField, line: DecodedLine, options: ExplainOptions): ExplainedRow {
  const { lang } = options;
  // the token as logged, whatever its shape (`KEY=v`, `FRAG:n`, `OPT (..)`, `INCOMPLETE [n bytes]`)
  const label = line.message.slice(f.token.start, f.token.end);
  const depth = f.token.depth;
  if (!f.spec) {
    const what = f.key === '' ? (f.invalid ?? '') : L.unknownKey[lang];
    return { label, text: what, depth, invalid: f.key === '' };
  }
  const name = f.spec.name[lang];
  if (f.invalid) return { label, text: `${name} — ${L.invalid[lang]}: ${f.invalid}`, invalid: true, depth };
  const meaning = meaningOf(f, line, lang);
  let text = meaning ? `${name}: ${meaning}` : f.spec.type === 'flag' ? name : `${name}: ${f.raw === '' ? L.noPrefix[lang] : f.raw}`;
  if ((f.key === 'SRC' || f.key === 'DST') && typeof f.value === 'string') text += whereFrom(f.value, options);
  return { label, text, depth };
}

function whereFrom(address: string, options: ExplainOptions): string {
  const info = classifyAddress(address);
  if (!info || info.class !== 'public' || !options.geo) return '';
  const g = options.geo(address);
  if (!g) return '';
  const parts = [g.country, g.asn !== undefined ? `AS${g.asn}${g.asOrg ? ` ${g.asOrg}` : ''}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

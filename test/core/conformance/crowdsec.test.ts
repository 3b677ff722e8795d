// Conformance with CrowdSec hub parser tests (.tests/*/parser.assert), read in place. A small reader takes the
// `results["stage"]["parser"][i].<path> == <string|bool|number>` lines (optionally sliced `[n:]`); anything else
// (len(), basename(), ...) is skipped and counted. Each assertion whose field has a counterpart in our decoder or our
// framing is checked; their own labels and enrichments are counted as not mapped. Anything that differs fails unless
// it is a listed deviation with its reason.
//
// Which line a result is: CrowdSec lists, per stage and parser, the events that reached it, in order; a group of
// assertions that gives a `message` is matched to the first line (not yet taken, in order) that ends with it, the
// others are result i = line i.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frame } from '../../../packages/core/src/framing/frame.js';
import type { Frame } from '../../../packages/core/src/framing/types.js';
import { TCP_FLAG_WORDS } from '../../../packages/core/src/nflog/catalogue.js';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields, splitMacHeader } from '../../../packages/core/src/nflog/fields.js';
import { tokenValue } from '../../../packages/core/src/nflog/tokenize.js';
import type { DecodedLine } from '../../../packages/core/src/nflog/types.js';
import { CORPUS } from '../../corpus.js';

const SUITES = ['iptables-logs', 'proxmox-iptables-logs', 'unifi-logs'];
const NOW = Date.UTC(2026, 11, 31);

interface Assertion {
  text: string;
  stage: string;
  parser: string;
  index: number;
  /** `Success`, `Whitelisted`, or `Parsed.key`, `Meta.key`, `Enriched.key`, `Unmarshaled.iptables.key`. */
  path: string;
  slice?: number;
  want: string | boolean | number;
}

const LINE = /^(.+?) == ("(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)$/;
const LHS = /^results\["([^"]+)"\]\["([^"]+)"\]\[(\d+)\]\.(Success|Evt\.Whitelisted|Evt\.(?:Parsed|Meta|Enriched)\["[^"]+"\]|Evt\.Unmarshaled\["[^"]+"\]\["[^"]+"\])(?:\[(\d+):\])?$/;

/** The reader: only `==` comparisons of a result's field with a string, bool or number. */
function readAsserts(text: string): { asserts: Assertion[]; skipped: string[] } {
  const asserts: Assertion[] = [];
  const skipped: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    const l = m ? LHS.exec(m[1]) : null;
    if (!m || !l) {
      skipped.push(line);
      continue;
    }
    const rhs = m[2];
    const want = rhs === 'true' ? true : rhs === 'false' ? false : rhs.startsWith('"') ? (JSON.parse(rhs) as string) : Number(rhs);
    const path = l[4]
      .replace(/^Evt\./, '')
      .replace(/\["([^"]+)"\]/g, '.$1');
    asserts.push({ text: line, stage: l[1], parser: l[2], index: Number(l[3]), path, slice: l[5] === undefined ? undefined : Number(l[5]), want });
  }
  return { asserts, skipped };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** Our frame time as a BSD syslog stamp (`Jun  8 14:34:33`), the form CrowdSec's `timestamp` keeps. */
function bsdStamp(ms: number): string {
  const t = new Date(ms);
  return `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2, ' ')} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** pvefw-logger's `20/Jun/2022:13:09:14 +0200` as epoch ms. */
function pveDate(s: string): number | undefined {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset;
}

const isSyslog = (f: Frame): boolean => f.format === 'bsd' || f.format === 'rfc3339' || f.format === 'rfc5424';

/** A firewall line for us: decoded, and not a line whose front is unreadable (a key we cannot place where IN= goes). */
function firewall(d: DecodedLine | undefined): boolean {
  if (!d) return false;
  const first = decodeFields(d)[0];
  return !(d.prefix.text === '' && d.truncated && first?.key === '' && first.invalid !== undefined);
}

function token(d: DecodedLine | undefined, key: string, last = false): string | undefined {
  if (!d) return undefined;
  const toks = d.tokens.filter((t) => t.key === key && t.depth === 0);
  const t = last ? toks.at(-1) : toks[0];
  return t ? tokenValue(d.message, t) : undefined;
}

const NOT_MAPPED = Symbol('not mapped');
type Ours = string | boolean | undefined | typeof NOT_MAPPED;

/** Our value for one CrowdSec assertion, or NOT_MAPPED when the field is their own (labels, enrichment, sshd). */
function ours(a: Assertion, raw: string, f: Frame, d: DecodedLine | undefined): Ours {
  const [kind, ...rest] = a.path.split('.');
  const key = rest.at(-1) ?? '';
  if (kind === 'Success') {
    if (a.stage === 's00-raw') return a.parser.endsWith('/non-syslog') ? !isSyslog(f) : isSyslog(f);
    if (a.stage === 's01-parse') return a.parser.includes('iptables') ? firewall(d) : a.parser.endsWith('/sshd-logs') ? !d : NOT_MAPPED;
    if (a.stage === 's02-enrich') return f.time !== undefined; // dateparse-enrich: the line's time was read
    return NOT_MAPPED;
  }
  if (kind === 'Whitelisted') return NOT_MAPPED;
  if (kind === 'Unmarshaled') {
    // CrowdSec's key=value unmarshal keeps the last of a repeated key (the UDP LEN after the IP LEN)
    if (key === 'DESCR') return d?.prefix.details?.description;
    return token(d, key, true);
  }
  const time = f.time;
  const envelope = ['timestamp', 'MarshaledTime', 'logdate', 'program', 'machine', 'hostname', 'message'];
  // a line that is not a firewall line (the sshd one): its other fields come from another parser
  if (!d && !envelope.includes(key)) return NOT_MAPPED;
  const iso = time === undefined ? undefined : new Date(time).toISOString().replace('.000Z', 'Z');
  switch (key) {
    case 'timestamp':
      // Parsed.timestamp is the syslog stamp as written; Meta.timestamp is dateparse's RFC 3339 time
      return kind === 'Meta' ? iso : time === undefined ? undefined : bsdStamp(time);
    case 'MarshaledTime':
      return iso;
    case 'logdate':
      return time !== undefined && time === pveDate(String(a.want)) ? String(a.want) : String(time);
    case 'program':
      return f.program;
    case 'machine':
    case 'hostname':
      return f.host;
    case 'message': {
      // each tool cuts the envelope at its own place (dmesg stamp, UniFi rule tag): one must be a suffix of the other
      const theirs = String(a.want);
      const mine = d?.message ?? f.message;
      return theirs.endsWith(mine) || mine.endsWith(theirs) ? theirs : mine;
    }
    case 'src_ip':
    case 'source_ip':
      return d?.src;
    case 'dst_ip':
      return d?.dst;
    case 'src_port':
      return d?.spt?.toString();
    case 'dst_port':
      return d?.dpt?.toString();
    case 'proto':
      return d?.proto;
    case 'service':
      return d?.proto?.toLowerCase();
    case 'int_eth':
    case 'iface':
      return d?.in;
    case 'oface':
      return d?.out;
    case 'physin':
      return token(d, 'PHYSIN');
    case 'physout':
      return token(d, 'PHYSOUT');
    case 'length':
      return token(d, 'LEN', true);
    case 'data_length': {
      const udp = d && decodeFields(d).find((x) => x.layer === 'udp' && x.key === 'LEN');
      return udp?.raw;
    }
    case 'ttl':
      return token(d, 'TTL');
    // their grok keeps the hex digits after 0x
    case 'tos':
      return token(d, 'TOS')?.replace(/^0x/, '');
    case 'prec':
      return token(d, 'PREC')?.replace(/^0x/, '');
    case 'id':
      return token(d, 'ID');
    case 'ack':
      return token(d, 'ACK');
    case 'tcp_flags':
      return d?.tokens
        .filter((t) => t.depth === 0 && t.valueStart < 0 && TCP_FLAG_WORDS.includes(t.key))
        .map((t) => t.key)
        .join(' ');
    case 'dst_mac': {
      const mac = token(d, 'MAC');
      return mac === undefined ? undefined : splitMacHeader(mac)?.destination;
    }
    case 'action':
      // UniFi's letter (Parsed) or word (Meta); pve-firewall's word
      if (!d?.prefix.action) return undefined;
      if (kind === 'Meta') return d.prefix.action;
      return String(a.want).length === 1 ? { drop: 'D', accept: 'A', reject: 'R' }[d.prefix.action as string] : d.prefix.action.toUpperCase();
    case 'rule_id':
      return d?.prefix.details?.rule_number;
    default:
      // logsource, datasource_*, log_type, loglevel, vmid, pid, dst_zone, sshd_*, target_user: their own labels
      return NOT_MAPPED;
  }
}

/** Where we deliberately differ, with the reason; anything else that differs fails, and an unused entry fails too.
 * `line` is 0-based (the result's line in the log); the numbers in the reasons are 1-based, as the failures print them. */
const DEVIATIONS: { suite: string; line?: number; path: string; why: string }[] = [
  // pvefw-logger's lines 2 and 8 (ACCEPT, outbound without IN=) agree with CrowdSec's false, but for our own reason:
  // the same IN=-without-OUT= gap as lines 1 and 3 below, not a judgement that they are not firewall lines.
  ...[4, 6, 8].map((line) => ({
    suite: 'proxmox-iptables-logs',
    line,
    path: 's01-parse:Success',
    why: "CrowdSec's proxmox parser keeps inbound DROP/REJECT lines only; the ACCEPT line (5), the outbound one (7) and the rule group's line without an action (9) are firewall lines for us",
  })),
  ...[0, 2].map((line) => ({
    suite: 'proxmox-iptables-logs',
    line,
    path: 's01-parse:Success',
    why: 'KNOWN GAP: pvefw-logger prints IN= without OUT= for host traffic; our IN=/OUT= anchor misses it and reads the line as cut at the front, its prefix unreadable',
  })),
  {
    suite: 'proxmox-iptables-logs',
    path: 'Parsed.int_eth',
    why: "their int_eth is taken from the chain name (PVEFW-HOST, tap101i0); ours is the IN= pvefw-logger printed",
  },
  {
    suite: 'proxmox-iptables-logs',
    line: 0,
    path: 'Meta.service',
    why: 'their Meta.service says tcp for a PROTO=UDP line (SPT=49152 DPT=3784, BFD); we say udp',
  },
  ...[0, 2].map((line) => ({
    suite: 'proxmox-iptables-logs',
    line,
    path: 'Parsed.action',
    why: "KNOWN GAP: pvefw-logger prints IN= without OUT= (and no RES/URGP); our IN=/OUT= anchor misses it, so the prefix ('policy DROP: ', 'REJECT: ') is not read and the line is marked truncated",
  })),
  {
    suite: 'proxmox-iptables-logs',
    line: 5,
    path: 'Parsed.action',
    why: "'PVEFW-reject: ' is pve-firewall's own reject chain; we keep it as the user's prefix without an action",
  },
  { suite: 'unifi-logs', path: 'Parsed.program', why: "the UniFi firewall lines have no program tag; CrowdSec's UniFi parser names them kernel, we do not invent one" },
];

describe('conformance: CrowdSec hub parser.assert', () => {
  for (const suite of SUITES) {
    it(`${suite}: every mapped assertion holds`, () => {
      const dir = join(CORPUS, 'crowdsec-hub', suite);
      const log = readdirSync(dir).find((f) => f.endsWith('.log'))!;
      const lines = readFileSync(join(dir, log), 'utf8').split('\n').filter(Boolean);
      const frames = lines.map((l) => frame(l, { now: NOW }));
      const decoded = lines.map((l) => decodeLine(l, { now: NOW }));
      const { asserts, skipped } = readAsserts(readFileSync(join(dir, 'parser.assert'), 'utf8'));

      // which line each result is
      const groups = new Map<string, Assertion[]>();
      for (const a of asserts) {
        const k = `${a.stage}|${a.parser}|${a.index}`;
        groups.set(k, [...(groups.get(k) ?? []), a]);
      }
      const lineOf = new Map<string, number>();
      const taken = new Map<string, number>();
      for (const [k, group] of [...groups].sort((x, y) => x[1][0].index - y[1][0].index)) {
        const sp = k.slice(0, k.lastIndexOf('|'));
        const message = group.find((a) => a.path.endsWith('.message'))?.want;
        let at = group[0].index;
        if (typeof message === 'string') {
          const from = (taken.get(sp) ?? -1) + 1;
          at = lines.findIndex((l, i) => i >= from && l.trimEnd().endsWith(message.trimEnd()));
          assert.ok(at >= 0, `${suite}: no line ends with the message of ${k}`);
          taken.set(sp, at);
        }
        lineOf.set(k, at);
      }

      let checked = 0;
      let notMapped = 0;
      let deviations = 0;
      const used = new Set<(typeof DEVIATIONS)[number]>();
      const failures: string[] = [];
      for (const a of asserts) {
        const i = lineOf.get(`${a.stage}|${a.parser}|${a.index}`)!;
        let got = ours(a, lines[i], frames[i], decoded[i]);
        if (got === NOT_MAPPED) {
          notMapped++;
          continue;
        }
        if (typeof got === 'string' && a.slice !== undefined) got = got.slice(a.slice);
        const equal = a.path.endsWith('.proto') ? String(got).toUpperCase() === String(a.want).toUpperCase() : got === a.want;
        if (equal) {
          checked++;
          continue;
        }
        const dev = DEVIATIONS.find((x) => x.suite === suite && (x.path === a.path || x.path === `${a.stage}:${a.path}`) && (x.line === undefined || x.line === i));
        if (dev) {
          deviations++;
          used.add(dev);
          continue;
        }
        checked++;
        failures.push(`${suite} line ${i + 1} ${a.stage} ${a.parser}: ${a.path} expected ${JSON.stringify(a.want)}, ours ${JSON.stringify(got)}`);
      }
      for (const dev of DEVIATIONS) if (dev.suite === suite && !used.has(dev)) failures.push(`deviation no longer needed: ${dev.path} (${dev.why})`);
      console.log(
        `      ${suite}: ${asserts.length + skipped.length} assertions: ${checked - failures.length}/${checked} mapped hold, ${deviations} documented deviations, ${notMapped} not mapped (their labels/enrichment), ${skipped.length} skipped (not a plain == of a result field)`,
      );
      if (failures.length) assert.fail(failures.join('\n'));
      assert.ok(checked > 40);
    });
  }
});

import type { Prefix, PrefixAction } from './types.js';

type Known = Omit<Prefix, 'text' | 'start' | 'end'>;

function actionWord(word: string): PrefixAction | undefined {
  switch (word.toUpperCase()) {
    case 'DROP':
    case 'DENY':
    case 'BLOCK':
    case 'D':
      return 'drop';
    case 'REJECT':
    case 'R':
      return 'reject';
    case 'ACCEPT':
    case 'ACC':
    case 'ALLOW':
    case 'A':
      return 'accept';
    case 'AUDIT':
      return 'audit';
    case 'LOG':
      return 'log';
    default:
      return undefined;
  }
}

/** Each recogniser reads one vendor's convention; the first that matches wins. */
const RECOGNISERS: ((p: string) => Known | undefined)[] = [
  // The memo's own rule: --log-prefix "[IPTABLES REJECT]: "
  (p) => {
    const m = /^\[IPTABLES ([A-Z]+)\]:?\s*$/.exec(p);
    if (!m) return undefined;
    return { action: actionWord(m[1]), source: 'iptables' };
  },
  // ufw: [UFW BLOCK], [UFW AUDIT], [UFW ALLOW], [UFW LIMIT BLOCK], [UFW AUDIT INVALID]
  (p) => {
    const m = /^\[UFW ((?:LIMIT )?)([A-Z]+)((?: INVALID)?)\]\s*$/.exec(p);
    if (!m) return undefined;
    const details: Record<string, string> = {};
    if (m[1]) details.limit = 'true';
    if (m[3]) details.invalid = 'true';
    return { action: actionWord(m[2]), source: 'ufw', details };
  },
  // firewalld: FINAL_REJECT:, STATE_INVALID_DROP:, filter_IN_public_REJECT:, filter_FWD_internal_DROP:
  (p) => {
    let m = /^(FINAL|STATE_INVALID)_(REJECT|DROP):\s*$/.exec(p);
    if (m) return { action: actionWord(m[2]), source: 'firewalld', details: { chain: m[1] } };
    m = /^(filter|nat|mangle|raw)_(IN|FWD|OUT|FWDI|FWDO|PRE|POST)_([A-Za-z0-9_.-]+?)_(REJECT|DROP|ALLOW|DENY)\s*:\s*$/.exec(p);
    if (m) return { action: actionWord(m[4]), source: 'firewalld', details: { table: m[1], chain: m[2], zone: m[3] } };
    return undefined;
  },
  // EdgeOS / Ubiquiti: [WAN_LOCAL-default-D], [wan-lan-2000-A], [source-dest-default-R]
  (p) => {
    const m = /^\[([^\]]*)-([^-\]]*)-([ADR])\]\s*$/.exec(p);
    if (!m) return undefined;
    const details: Record<string, string> = { rule_set: m[1], rule_number: m[2] };
    const zones = /^([^-]*)-([^-]*)$/.exec(m[1]);
    if (zones) {
      details.input_zone = zones[1];
      details.output_zone = zones[2];
    }
    return { action: actionWord(m[3]), source: 'ubiquiti', details };
  },
  // UniFi OS (UDM, UXG): [WAN_LOCAL-D-2147483647] DESCR="[WAN_LOCAL]Block All Traffic" (rule set, action, rule number)
  (p) => {
    const m = /^\[([A-Za-z0-9_]+)-([ADR])-(\d+)\](?:\s+DESCR="([^"]*)")?$/.exec(p);
    if (!m) return undefined;
    const details: Record<string, string> = { rule_set: m[1], rule_number: m[3] };
    if (m[4] !== undefined) details.description = m[4];
    return { action: actionWord(m[2]), source: 'ubiquiti', details };
  },
  // SuSEfirewall2: SFW2-INext-DROP-DEFLT, SFW2-IN-ACC-RELATED, SuSE-FW-DROP-DEFAULT
  (p) => {
    const m = /^(?:SFW2|SuSE-FW)-(?:([A-Za-z]+)-)?(DROP|ACC|REJECT|ACCEPT)(?:-([A-Za-z0-9_-]+))?\s*$/.exec(p);
    if (!m) return undefined;
    const details: Record<string, string> = {};
    if (m[1]) details.chain = m[1];
    if (m[3]) details.reason = m[3];
    return { action: actionWord(m[2]), source: 'suse', details };
  },
  // OpenWrt fw3/fw4: DROP(src wan), REJECT(dest lan), ACCEPT(src lan)
  (p) => {
    const m = /^(DROP|REJECT|ACCEPT)\((src|dest) ([^)]*)\)\s*$/.exec(p);
    if (!m) return undefined;
    return { action: actionWord(m[1]), source: 'openwrt', details: { [m[2] === 'src' ? 'input_zone' : 'output_zone']: m[3] } };
  },
  // Shorewall: Shorewall:net2fw:DROP:
  (p) => {
    const m = /^Shorewall:([^:]+):([A-Z]+):\s*$/.exec(p);
    if (!m) return undefined;
    return { action: actionWord(m[2]), source: 'shorewall', details: { chain: m[1] } };
  },
  // A bare action word, the commonest hand-written prefix: --log-prefix "DROP " (Wazuh's rules read it the same way)
  (p) => {
    const m = /^(DROP|REJECT|ACCEPT|DENY|BLOCK):?$/.exec(p);
    return m ? { action: actionWord(m[1]), source: 'user' } : undefined;
  },
];

// Few distinct prefixes appear in a log: recognise each once.
const cache = new Map<string, Known>();
const CACHE_MAX = 1024;

/** Says what a log prefix means when it is one of the well-known ones; otherwise it is the user's own. */
export function recognisePrefix(text: string): Known {
  let known = cache.get(text);
  if (known) return known;
  const trimmed = text.trim();
  known = { source: 'user' };
  for (const r of RECOGNISERS) {
    const k = r(trimmed);
    if (k) {
      known = k;
      break;
    }
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(text, known);
  return known;
}

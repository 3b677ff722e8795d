import type { Token } from './types.js';

const SPACE = 0x20;
const TAB = 0x09;
const EQ = 0x3d;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LPAREN = 0x28;
const RPAREN = 0x29;
const QUOTE = 0x22;

/**
 * Where the nf_log text proper starts: the `IN=` the kernel always prints first, right after the user's prefix.
 * The prefix may end in anything (`[wan-lan-default-D]IN=`, `DROP(src wan)IN=`, `Shorewall:net2fw:DROP:IN=`), so
 * `IN=` is accepted after any character, but only when ` OUT=` follows its value: a prefix that happens to contain
 * `IN=` (e.g. `LOGIN=`) does not fool it. Returns -1 when the message has no such pair.
 */
export function findInField(message: string): number {
  let from = 0;
  for (;;) {
    const at = message.indexOf('IN=', from);
    if (at < 0) return -1;
    // PHYSIN= is never first; a key ending in IN is part of something else.
    const before = at > 0 ? message.charCodeAt(at - 1) : SPACE;
    if (!isKeyChar(before) || at === 0 || !isUpper(before)) {
      let end = at + 3;
      while (end < message.length && !isBlank(message.charCodeAt(end))) end++;
      if (message.startsWith(' OUT=', end)) return at;
    }
    from = at + 3;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** Characters a kernel field key is made of (`MACSRC`, `HOPLIMIT`, `FLOWLBL`); also user keys like `DESCR`. */
function isKeyChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/**
 * Splits the nf_log text from `start` into tokens, without decoding any value. Shapes the kernel prints:
 * `KEY=value`, `KEY=` (empty), bare words (`DF`, `SYN`, `ARP`, `TRUNCATED`), `FRAG:n` / `ID:x` (IPv6 fragment),
 * `OPT (HEX)` (IPv4/TCP options), `OPT ( ... )` (IPv6 extension headers, whose inside is tokenised too),
 * `INCOMPLETE [N bytes]`, and ICMP's embedded packet `[SRC=... ]` (depth 1). `KEY="quoted value"` (UniFi's
 * DESCR) keeps its spaces. Linear in the input: every branch advances `i`.
 */
export function tokenize(message: string, start: number): Token[] {
  const tokens: Token[] = [];
  const n = message.length;
  let depth: 0 | 1 = 0;
  let i = start;
  while (i < n) {
    let c = message.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === LBRACKET) {
      depth = 1;
      i++;
      continue;
    }
    if (c === RBRACKET) {
      depth = 0;
      i++;
      continue;
    }
    if (c === RPAREN) {
      // the close of an IPv6 `OPT ( ... )` group
      i++;
      continue;
    }
    const tokStart = i;
    while (i < n) {
      c = message.charCodeAt(i);
      if (!isKeyChar(c)) break;
      i++;
    }
    if (i === tokStart) {
      // not a key character: a stray byte (garbage, a cut-off fragment); skip the whole run up to a blank
      while (i < n && !isBlank(message.charCodeAt(i))) i++;
      tokens.push({ key: '', start: tokStart, end: i, valueStart: tokStart, valueEnd: i, depth });
      continue;
    }
    const key = message.slice(tokStart, i);
    c = i < n ? message.charCodeAt(i) : SPACE;
    if (c === EQ || c === COLON) {
      i++;
      const valueStart = i;
      if (c === EQ && i < n && message.charCodeAt(i) === QUOTE) {
        const close = message.indexOf('"', i + 1);
        i = close < 0 ? n : close + 1;
      } else {
        while (i < n) {
          const v = message.charCodeAt(i);
          if (isBlank(v) || (v === RBRACKET && depth === 1)) break;
          i++;
        }
      }
      tokens.push({ key, start: tokStart, end: i, valueStart, valueEnd: i, depth });
      continue;
    }
    if (key === 'OPT' && message.startsWith(' (', i)) {
      const open = i + 2;
      const close = message.indexOf(')', open);
      const end = close < 0 ? n : close;
      if (open < n && message.charCodeAt(open) === SPACE) {
        // IPv6 extension headers: the group's inside is more tokens, so only mark it and carry on inside.
        tokens.push({ key, start: tokStart, end: close < 0 ? n : close + 1, valueStart: open, valueEnd: end, depth });
        i = open;
      } else {
        tokens.push({ key, start: tokStart, end: close < 0 ? n : close + 1, valueStart: open, valueEnd: end, depth });
        i = close < 0 ? n : close + 1;
      }
      continue;
    }
    if (key === 'INCOMPLETE' && message.startsWith(' [', i)) {
      const open = i + 2;
      const close = message.indexOf(']', open);
      const end = close < 0 ? n : close;
      tokens.push({ key, start: tokStart, end: close < 0 ? n : close + 1, valueStart: open, valueEnd: end, depth });
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (c !== SPACE && c !== TAB && c !== RBRACKET && i < n) {
      // a word with trailing non-key characters (`0x1c`-like garbage, `Ext`, ...): keep it whole as one word
      while (i < n && !isBlank(message.charCodeAt(i))) i++;
      tokens.push({ key: '', start: tokStart, end: i, valueStart: tokStart, valueEnd: i, depth });
      continue;
    }
    tokens.push({ key, start: tokStart, end: i, valueStart: -1, valueEnd: -1, depth });
  }
  return tokens;
}

/** The value text of a token ('' for a flag). */
export function tokenValue(message: string, token: Token): string {
  return token.valueStart < 0 ? '' : message.slice(token.valueStart, token.valueEnd);
}

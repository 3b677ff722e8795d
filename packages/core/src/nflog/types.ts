import type { Frame, FrameOptions } from '../framing/types.js';
import type { Text } from '../i18n/text.js';

/** One token of the nf_log message, as offsets into `DecodedLine.message`. Flags have no value (valueStart -1). */
export interface Token {
  key: string;
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
  /** 1 inside the packet an ICMP error embeds in `[ ... ]`. */
  depth: 0 | 1;
}

export type PrefixAction = 'drop' | 'reject' | 'accept' | 'log' | 'audit';

export interface Prefix {
  /** The user's prefix exactly as logged (trailing space and separator included). */
  text: string;
  start: number;
  end: number;
  /** What the known prefix says happened; absent for a prefix we do not recognise. */
  action?: PrefixAction;
  /** Who wrote the rule: 'iptables-memo', 'firewalld', 'ufw', 'ubiquiti', 'suse', 'openwrt', 'shorewall', or 'user'. */
  source: string;
  /** Extra facts a known prefix encodes (EdgeOS rule set and number, firewalld zone, ...). */
  details?: Record<string, string>;
}

export type FieldValue = string | number | boolean | string[] | undefined;

export interface DecodedField {
  key: string;
  token: Token;
  /** The value text as logged ('' for flags). */
  raw: string;
  /** The typed value: numbers for counters, canonical text for addresses; undefined when invalid. */
  value: FieldValue;
  /** Set when the raw text is not a valid value for this key; the value is then never guessed. */
  invalid?: string;
  /** A plain explanation of this value, when there is one. */
  meaning?: Text;
}

export type Family = 'ipv4' | 'ipv6' | 'arp' | 'other';

export interface DecodedLine {
  frame: Frame;
  /** The nf_log message (from the prefix on). */
  message: string;
  prefix: Prefix;
  family: Family;
  tokens: Token[];
  /** The line ended before the kernel's format did (a cut-off syslog relay, TRUNCATED, INCOMPLETE). */
  truncated: boolean;
  /** Hot-path facts, read straight off the tokens. Canonical addresses; undefined when absent or invalid. */
  in?: string;
  out?: string;
  src?: string;
  dst?: string;
  /** Upper-case protocol as logged (`TCP`, `UDP`, `ICMP`, `ICMPv6`, `2`, ...). */
  proto?: string;
  spt?: number;
  dpt?: number;
  /** TCP flag words in kernel order, e.g. ['ACK', 'RST']. Undefined when not TCP or not logged. */
  tcpFlags?: string[];
}

export interface DecodeOptions extends FrameOptions {}

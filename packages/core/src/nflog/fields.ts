import { parseAddress } from '../net/address-class.js';
import { fieldSpec, TCP_ACK_FLAG, type FieldSpec, type Layer } from './catalogue.js';
import { assignLayers } from './layers.js';
import { tokenValue } from './tokenize.js';
import type { DecodedField, DecodedLine, FieldValue, Token } from './types.js';

export interface FullField extends DecodedField {
  /** Where the field sits; undefined for a key the kernel never prints (a vendor's own, or garbage). */
  layer?: Layer;
  spec?: FieldSpec;
}

/** Decodes every token of a line into typed values, marking (never guessing) the invalid ones. */
export function decodeFields(line: DecodedLine): FullField[] {
  const layers = assignLayers(line.message, line.tokens);
  const out: FullField[] = [];
  for (let i = 0; i < line.tokens.length; i++) {
    const token = line.tokens[i];
    const layer = layers[i];
    // a valueless ACK in the TCP header is the flag word, not the `ACK=` number
    const spec = layer === 'tcp' && token.key === 'ACK' && token.valueStart < 0 ? TCP_ACK_FLAG : layer ? fieldSpec(layer, token.key) : undefined;
    const raw = tokenValue(line.message, token);
    const field: FullField = { key: token.key, token, raw, value: undefined, layer, spec };
    if (spec) {
      const [value, problem] = parseValue(spec, raw, token);
      field.value = value;
      if (problem) field.invalid = problem;
    } else if (token.key === '') {
      field.invalid = 'not a field: a fragment of a cut line or stray text';
    } else {
      field.value = token.valueStart < 0 ? true : raw;
    }
    out.push(field);
  }
  return out;
}

/** `aa:bb:cc...`: pairs of hex digits joined by colons (a char scan: this runs for every line's MAC=). */
function isColonHex(s: string): boolean {
  if ((s.length + 1) % 3 !== 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (i % 3 === 2) {
      if (c !== 0x3a) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

export interface MacHeader {
  destination?: string;
  source?: string;
  etherType?: number;
  /** Bytes beyond the 14 of an Ethernet header (some drivers log more), as logged. */
  extra: string[];
  /** Bytes of a header that is not Ethernet (hard_header_len != 14). */
  other?: string[];
}

/** Splits `MAC=` into the Ethernet header's parts; undefined when any byte is not two hex digits. */
export function splitMacHeader(raw: string): MacHeader | undefined {
  if (raw === '') return { extra: [] };
  if (!isColonHex(raw)) return undefined;
  const bytes = raw.split(':');
  if (bytes.length < 14) return { extra: [], other: bytes };
  return {
    destination: bytes.slice(0, 6).join(':').toLowerCase(),
    source: bytes.slice(6, 12).join(':').toLowerCase(),
    etherType: parseInt(bytes[12] + bytes[13], 16),
    extra: bytes.slice(14),
  };
}

const MAC = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;

function parseValue(spec: FieldSpec, raw: string, token: Token): [FieldValue, string?] {
  switch (spec.type) {
    case 'flag':
      return token.valueStart < 0 ? [true] : [undefined, `${spec.key} is a flag but carries a value`];
    case 'iface':
      // IFNAMSIZ is 16 with the terminating NUL
      return raw.length <= 15 ? [raw] : [undefined, `interface name longer than 15 characters: ${clip(raw)}`];
    case 'mac-header':
      return splitMacHeader(raw) ? [raw.toLowerCase()] : [undefined, `not a link-layer header (hex bytes separated by ':'): ${clip(raw)}`];
    case 'mac':
      return MAC.test(raw) ? [raw.toLowerCase()] : [undefined, `not a MAC address: ${clip(raw)}`];
    case 'hex16':
      return /^[0-9a-fA-F]{4}$/.test(raw) ? [parseInt(raw, 16)] : [undefined, `not 4 hex digits: ${clip(raw)}`];
    case 'ip':
    case 'ipv4': {
      const a = parseAddress(raw);
      if (!a) return [undefined, `not an IP address: ${clip(raw)}`];
      if (spec.type === 'ipv4' && a.family !== 4) return [undefined, `not an IPv4 address: ${clip(raw)}`];
      return [a.address];
    }
    case 'tunnel': {
      const [from, to, ...rest] = raw.split('->');
      const a = parseAddress(from ?? '');
      const b = parseAddress(to ?? '');
      return a && b && rest.length === 0 ? [[a.address, b.address]] : [undefined, `not a tunnel 'a.b.c.d->e.f.g.h': ${clip(raw)}`];
    }
    case 'uint':
      return checkNumber(spec, raw, /^[0-9]{1,10}$/.test(raw) ? Number(raw) : undefined);
    case 'hex':
      // the kernel always prints 0x; UniFi firmware prints `TOS=00`, which is still unambiguous hex
      return checkNumber(spec, raw, /^(?:0x)?[0-9a-fA-F]{1,8}$/.test(raw) ? parseInt(raw.replace(/^0x/, ''), 16) : undefined);
    case 'bare-hex':
      return checkNumber(spec, raw, /^[0-9a-fA-F]{1,8}$/.test(raw) ? parseInt(raw, 16) : undefined);
    case 'bytes': {
      const m = /^([0-9]{1,10}) bytes$/.exec(raw);
      return checkNumber(spec, raw, m ? Number(m[1]) : undefined);
    }
    case 'hex-bytes':
      if (raw === 'TRUNCATED') return [raw];
      return /^(?:[0-9A-Fa-f]{2})*$/.test(raw) ? [raw.toUpperCase()] : [undefined, `not hex bytes: ${clip(raw)}`];
    case 'proto':
      return /^(?:TCP|UDP|UDPLITE|ICMP|ICMPv6|AH|ESP|[0-9]{1,3})$/.test(raw) && !(Number(raw) > 255)
        ? [raw]
        : [undefined, `not a protocol the kernel prints: ${clip(raw)}`];
    case 'group':
    case 'text':
      return [raw];
  }
}

function checkNumber(spec: FieldSpec, raw: string, n: number | undefined): [FieldValue, string?] {
  if (n === undefined || Number.isNaN(n)) return [undefined, `not a number in the kernel's format: ${clip(raw)}`];
  if (spec.max !== undefined && n > spec.max) return [undefined, `${n} is larger than ${spec.max}, the most ${spec.key} can be`];
  return [n];
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s === '' ? '(empty)' : s;
}

import { classifyAddress } from '../net/address-class.js';
import { communityId } from '../net/community-id.js';
import type { GeoLookup } from '../net/geo.js';
import { ecsTransport } from '../net/protocols.js';
import { decodeFields, splitMacHeader, type FullField } from './fields.js';
import type { DecodedLine } from './types.js';

export interface EcsOptions {
  geo?: GeoLookup;
  /** The raw line, kept as `event.original`. */
  original?: string;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
type Obj = { [k: string]: Json | undefined };

export interface EcsEvent extends Obj {
  portcullis: {
    prefix: { text: string; source: string; action?: string; details?: { [k: string]: string } };
    truncated: boolean;
    invalid: { key: string; value: string; problem: string }[];
    [k: string]: Json | undefined;
  };
}

/** Elastic's event.type for the action words its pipeline knows. */
const EVENT_TYPE: Record<string, string> = { drop: 'denied', deny: 'denied', drop_input: 'denied', reject: 'denied', accept: 'allowed' };

/**
 * One event in Elastic Common Schema names, as Elastic's iptables integration names the `iptables.*` fields, so
 * our output drops into the same dashboards; plus a `portcullis` object with what ECS has no place for.
 */
export function toEcs(line: DecodedLine, options: EcsOptions = {}): EcsEvent {
  const fields = decodeFields(line);
  // first occurrence of each layer:key at the top level (the embedded packet's fields are not the line's)
  const index = new Map<string, FullField>();
  for (const f of fields) {
    if (f.token.depth !== 0 || !f.layer) continue;
    const k = `${f.layer}:${f.key}`;
    if (!index.has(k)) index.set(k, f);
  }
  const top = (layer: string, key: string): FullField | undefined => index.get(`${layer}:${key}`);
  const ip = line.family === 'ipv4' || line.family === 'ipv6' ? line.family : undefined;
  const num = (f: FullField | undefined): number | undefined => (typeof f?.value === 'number' ? f.value : undefined);

  const iptables: Obj = {};
  const network: Obj = {};
  const source: Obj = {};
  const destination: Obj = {};
  const event: Obj = { kind: 'event', category: ['network'] };
  const ev: EcsEvent = {
    '@timestamp': line.frame.time !== undefined ? new Date(line.frame.time).toISOString() : undefined,
    event,
    portcullis: {
      prefix: { text: line.prefix.text, source: line.prefix.source, action: line.prefix.action, details: line.prefix.details },
      truncated: line.truncated,
      invalid: [],
    },
  };

  // link
  const inF = top('link', 'IN');
  const outF = top('link', 'OUT');
  if (inF) iptables.input_device = line.in;
  if (outF) iptables.output_device = line.out;
  const mac = top('link', 'MAC');
  if (mac && typeof mac.value === 'string') {
    const h = splitMacHeader(mac.value);
    if (h?.destination) destination.mac = ecsMac(h.destination);
    if (h?.source) source.mac = ecsMac(h.source);
    if (h?.etherType !== undefined) iptables.ether_type = h.etherType;
  }
  const macsrc = top('link', 'MACSRC');
  const macdst = top('link', 'MACDST');
  if (typeof macsrc?.value === 'string') source.mac = ecsMac(macsrc.value);
  if (typeof macdst?.value === 'string') destination.mac = ecsMac(macdst.value);
  const macproto = num(top('link', 'MACPROTO'));
  if (macproto !== undefined) iptables.ether_type = macproto;
  if (ip) network.type = ip;

  // IP
  if (ip) {
    if (line.src) source.ip = line.src;
    if (line.dst) destination.ip = line.dst;
    setNum(iptables, 'length', num(top(ip, 'LEN')));
    setNum(iptables, 'id', ip === 'ipv4' ? num(top(ip, 'ID')) : undefined);
    setNum(iptables, 'ttl', num(top(ip, ip === 'ipv4' ? 'TTL' : 'HOPLIMIT')));
    setNum(iptables, 'tos', num(top(ip, ip === 'ipv4' ? 'TOS' : 'TC')));
    setNum(iptables, 'precedence_bits', num(top(ip, 'PREC')));
    setNum(iptables, 'flow_label', num(top(ip, 'FLOWLBL')));
    setNum(iptables, 'fragment_offset', num(top(ip, 'FRAG')));
    const fragFlags = ['CE', 'DF', 'MF'].filter((k) => top('ipv4', k));
    if (fragFlags.length) iptables.fragment_flags = fragFlags;
  }
  const proto = line.proto !== undefined ? ecsTransport(line.proto) : undefined;
  if (proto) {
    if (proto.transport) network.transport = proto.transport;
    network.iana_number = String(proto.number);
  }

  // transport
  if (line.spt !== undefined) source.port = line.spt;
  if (line.dpt !== undefined) destination.port = line.dpt;
  const tcp: Obj = {};
  if (line.tcpFlags) tcp.flags = line.tcpFlags;
  setNum(tcp, 'window', num(top('tcp', 'WINDOW')));
  setNum(tcp, 'reserved_bits', num(top('tcp', 'RES')));
  setNum(tcp, 'seq', num(top('tcp', 'SEQ')));
  setNum(tcp, 'ack', num(top('tcp', 'ACK')));
  if (Object.keys(tcp).length) iptables.tcp = tcp;
  const udpLen = num(top('udp', 'LEN'));
  if (udpLen !== undefined) iptables.udp = { length: udpLen };
  const icmpLayer = line.proto === 'ICMPv6' ? 'icmpv6' : 'icmp';
  const icmp: Obj = {};
  setNum(icmp, 'type', num(top(icmpLayer, 'TYPE')));
  setNum(icmp, 'code', num(top(icmpLayer, 'CODE')));
  setNum(icmp, 'id', num(top(icmpLayer, 'ID')));
  setNum(icmp, 'seq', num(top(icmpLayer, 'SEQ')));
  setNum(icmp, 'parameter', num(top('icmp', 'PARAMETER')));
  const gw = top('icmp', 'GATEWAY');
  if (typeof gw?.value === 'string') icmp.redirect = gw.value;
  setNum(icmp, 'mtu', num(top(icmpLayer, 'MTU')));
  if (Object.keys(icmp).length) iptables.icmp = icmp;
  const incomplete = fields.find((f) => f.token.depth === 0 && f.key === 'INCOMPLETE' && typeof f.value === 'number');
  if (incomplete) iptables.incomplete_bytes = incomplete.value as number;
  setNum(iptables, 'mark', num(top('meta', 'MARK')));
  setNum(iptables, 'uid', num(top('meta', 'UID')));
  setNum(iptables, 'gid', num(top('meta', 'GID')));

  // Community ID: missing ports count as 0, as Elasticsearch's processor does, so both hash a line alike
  if (proto && line.src && line.dst) {
    const isIcmp = proto.number === 1 || proto.number === 58;
    const p1 = isIcmp ? num(top(icmpLayer, 'TYPE')) : line.spt;
    const p2 = isIcmp ? num(top(icmpLayer, 'CODE')) : line.dpt;
    const id = communityId(line.src, line.dst, proto.number, p1, p2);
    if (id) network.community_id = id;
  }

  // what happened
  const action = ecsAction(line);
  if (action) event.action = action;
  const types: string[] = [];
  if (action && EVENT_TYPE[action]) types.push(EVENT_TYPE[action]);
  if (line.src && line.dst) types.push('connection');
  if (types.length) event.type = types;
  if (options.original !== undefined) event.original = options.original;

  const d = line.prefix.details;
  if (line.prefix.source === 'ubiquiti' && d) {
    const ubiquiti: Obj = { rule_set: d.rule_set, rule_number: d.rule_number, input_zone: d.input_zone, output_zone: d.output_zone };
    iptables.ubiquiti = ubiquiti;
    ev.rule = { id: d.rule_number, name: d.rule_set };
  }
  const observer: Obj = {};
  if (line.frame.host) observer.name = line.frame.host;
  if (d?.input_zone) observer.ingress = { zone: d.input_zone };
  if (d?.output_zone) observer.egress = { zone: d.output_zone };
  if (Object.keys(observer).length) ev.observer = observer;
  if (line.frame.priority !== undefined) ev.log = { syslog: { priority: line.frame.priority } };

  // where from
  const related = [line.src, line.dst].filter((a): a is string => a !== undefined);
  if (related.length) ev.related = { ip: [...new Set(related)] };
  for (const [obj, addr, name] of [
    [source, line.src, 'source'],
    [destination, line.dst, 'destination'],
  ] as const) {
    if (!addr) continue;
    const info = classifyAddress(addr);
    const g = info?.class === 'public' ? options.geo?.(addr) : undefined;
    if (g?.country) obj.geo = { country_iso_code: g.country };
    if (g?.asn !== undefined) obj.as = { number: g.asn, organization: g.asOrg ? { name: g.asOrg } : undefined };
    if (info) ev.portcullis[name] = { class: info.class, range: info.range, bogon: info.bogon, country: g?.country, asn: g?.asn };
  }
  if (Object.keys(source).length) ev.source = source;
  if (Object.keys(destination).length) ev.destination = destination;
  if (Object.keys(network).length) ev.network = network;
  ev.iptables = iptables;

  for (const f of fields) {
    if (f.invalid) ev.portcullis.invalid.push({ key: f.key, value: f.raw, problem: f.invalid });
  }
  if (line.frame.uptime !== undefined) ev.portcullis.uptime = line.frame.uptime;
  return ev;
}

/**
 * event.action as Elastic's pipeline derives it, so both tools agree: EdgeOS's letter, a leading `WORD:` or
 * `iptables WORD:` lower-cased; otherwise what the known prefix says.
 */
function ecsAction(line: DecodedLine): string | undefined {
  if (line.prefix.source === 'ubiquiti') return line.prefix.action;
  const m = /^(?:iptables\s+)?([A-Za-z0-9_]+):\s*$/.exec(line.prefix.text.trim());
  if (m) return m[1].toLowerCase();
  return line.prefix.action;
}

function ecsMac(mac: string): string {
  return mac.toUpperCase().replace(/:/g, '-');
}

function setNum(obj: Obj, key: string, value: number | undefined): void {
  if (value !== undefined) obj[key] = value;
}

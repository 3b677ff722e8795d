import { createHash } from 'node:crypto';
import { addressBytes } from './address-class.js';

/**
 * Community ID v1 (https://github.com/corelight/community-id-spec): one string for a flow, the same in Zeek,
 * Suricata, Elastic and here, so a finding can be pivoted to other tools' records by string equality.
 */

const PROTO_ICMP = 1;
const PROTO_ICMPV6 = 58;

/** Protocols whose hash includes the two 16-bit "ports" (for the ICMPs: type and counterpart type, or code). */
const PORTED = new Set([PROTO_ICMP, 6, 17, 132, PROTO_ICMPV6]);

/**
 * Request/answer pairs, taken from Zeek via the spec: such a message hashes as if its counterpart type were the
 * destination port, so the echo request and its reply land in one flow. Any other type is one-way and its code
 * stands in for the destination port.
 */
const ICMP_COUNTERPART: ReadonlyMap<number, number> = new Map([
  [8, 0], [0, 8], // echo
  [13, 14], [14, 13], // timestamp
  [15, 16], [16, 15], // information
  [10, 9], [9, 10], // router solicitation / advertisement
  [17, 18], [18, 17], // address mask
]);

const ICMPV6_COUNTERPART: ReadonlyMap<number, number> = new Map([
  [128, 129], [129, 128], // echo
  [133, 134], [134, 133], // router solicitation / advertisement
  [135, 136], [136, 135], // neighbour solicitation / advertisement
  [130, 131], [131, 130], // multicast listener query / report (MLDv1)
  [139, 140], [140, 139], // node information query / reply
  [144, 145], [145, 144], // home agent address discovery
]);

function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}

/** Bytewise comparison of equal-length addresses: negative, zero or positive like a sort comparator. */
function compareBytes(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * The Community ID of a flow, e.g. '1:LQU9qZlK+B5F3KDmev6m5PMibrg='.
 *
 * For TCP, UDP and SCTP pass the ports; for ICMP and ICMPv6 pass the message type as `sport` and the code as
 * `dport`. Missing ports of a ported protocol count as 0, as Elasticsearch's community_id processor does (a
 * truncated or non-first-fragment packet has none), so the same line hashes alike in both. Other protocols hash the
 * addresses and protocol only, whatever ports are given.
 *
 * Undefined when an address is not an address, the two families differ, or a number is out of range.
 */
export function communityId(
  src: string,
  dst: string,
  protocolNumber: number,
  sport?: number,
  dport?: number,
  seed = 0,
): string | undefined {
  const s = addressBytes(src);
  const d = addressBytes(dst);
  if (!s || !d || s.family !== d.family) return undefined;
  if (!Number.isInteger(protocolNumber) || protocolNumber < 0 || protocolNumber > 255 || !isU16(seed)) return undefined;
  let saddr = s.bytes;
  let daddr = d.bytes;

  const ported = PORTED.has(protocolNumber);
  let p1 = sport ?? 0;
  let p2 = dport ?? 0;
  if (ported && (!isU16(p1) || !isU16(p2))) return undefined;

  let oneWay = false;
  if (protocolNumber === PROTO_ICMP || protocolNumber === PROTO_ICMPV6) {
    const counterpart = (protocolNumber === PROTO_ICMP ? ICMP_COUNTERPART : ICMPV6_COUNTERPART).get(p1);
    if (counterpart === undefined) oneWay = true;
    else p2 = counterpart;
  }

  // Order the endpoints so both directions of a flow hash alike; a one-way ICMP message keeps its direction.
  const order = compareBytes(saddr, daddr);
  const keep = oneWay || order < 0 || (order === 0 && (!ported || p1 < p2));
  if (!keep) {
    [saddr, daddr] = [daddr, saddr];
    [p1, p2] = [p2, p1];
  }

  const length = 2 + saddr.length * 2 + 2 + (ported ? 4 : 0);
  const input = Buffer.alloc(length);
  let at = input.writeUInt16BE(seed, 0);
  for (const b of saddr) input[at++] = b;
  for (const b of daddr) input[at++] = b;
  input[at++] = protocolNumber;
  input[at++] = 0; // padding, so the ports start on a 32-bit boundary
  if (ported) {
    at = input.writeUInt16BE(p1, at);
    input.writeUInt16BE(p2, at);
  }
  return `1:${createHash('sha1').update(input).digest('base64')}`;
}

// Conformance with CrowdSec hub parser tests (.tests/*/parser.assert), read in place: every s01-parse assertion
// whose field has a counterpart in our decoder is checked; the rest are counted as not mapped. CrowdSec's results
// for a parser list the input lines in order, so result i is line i of the suite's log.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { splitMacHeader } from '../../../packages/core/src/nflog/fields.js';
import { tokenValue } from '../../../packages/core/src/nflog/tokenize.js';
import type { DecodedLine } from '../../../packages/core/src/nflog/types.js';
import { CORPUS } from '../../corpus.js';

const SUITES = ['iptables-logs', 'proxmox-iptables-logs', 'unifi-logs'];
const NOW = Date.UTC(2026, 11, 31);

const ASSERT = /^results\["s01-parse"\]\["[^"]*iptables[^"]*"\]\[(\d+)\]\.(?:Success == (true|false)|Evt\.(Parsed|Meta|Unmarshaled\["iptables"\])\["(\w+)"\] == "(.*)")$/;

function token(d: DecodedLine, key: string, last = false): string | undefined {
  const toks = d.tokens.filter((t) => t.key === key && t.depth === 0);
  const t = last ? toks.at(-1) : toks[0];
  return t ? tokenValue(d.message, t) : undefined;
}

/** Our value for a CrowdSec field, or null when the field has no counterpart in a decoder (enrichment, their own labels). */
function ours(d: DecodedLine, kind: string, key: string): string | undefined | null {
  // CrowdSec's key=value unmarshal keeps the last of a repeated key (the UDP LEN after the IP LEN)
  if (kind.startsWith('Unmarshaled')) {
    if (key === 'DESCR') return /DESCR="([^"]*)"/.exec(d.prefix.text)?.[1];
    return token(d, key, true);
  }
  switch (key) {
    case 'src_ip':
    case 'source_ip':
      return d.src;
    case 'dst_ip':
      return d.dst;
    case 'src_port':
      return d.spt?.toString();
    case 'dst_port':
      return d.dpt?.toString();
    case 'proto':
      return d.proto;
    case 'service':
      return d.proto?.toLowerCase();
    case 'int_eth':
    case 'iface':
      return d.in;
    case 'oface':
      return d.out;
    case 'physin':
      return token(d, 'PHYSIN');
    case 'physout':
      return token(d, 'PHYSOUT');
    case 'length':
      return token(d, 'LEN', true);
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
    case 'dst_mac': {
      const mac = token(d, 'MAC');
      return mac === undefined ? undefined : splitMacHeader(mac)?.destination;
    }
    case 'machine':
      return d.frame.host;
    case 'program':
      return d.frame.program;
    default:
      return null;
  }
}

/** Where we deliberately differ, with the reason; anything else that differs fails. */
const DEVIATIONS: { suite: string; index?: number; key: string; why: string }[] = [
  {
    suite: 'proxmox-iptables-logs',
    index: 8,
    key: 'Success',
    why: "pve-firewall logs a rule group's line without an action word; CrowdSec's parser skips it, we decode it (it is a firewall line)",
  },
  {
    suite: 'proxmox-iptables-logs',
    key: 'int_eth',
    why: "their int_eth is the VM's tap device taken from the rule name (tap101i0-IN); ours is the IN= the kernel printed",
  },
  ...[1, 4, 6, 7].map((index) => ({
    suite: 'proxmox-iptables-logs',
    index,
    key: 'Success',
    why: "CrowdSec's proxmox parser keeps inbound DROP/REJECT lines only; ACCEPT, PVEFW-reject and outbound lines are firewall lines for us",
  })),
  {
    suite: 'proxmox-iptables-logs',
    index: 0,
    key: 'service',
    why: 'their Meta.service says tcp for a PROTO=UDP line (SPT=49152 DPT=3784, BFD); we say udp',
  },
  {
    suite: 'iptables-logs',
    index: 2,
    key: 'Success',
    why: "the deliberately damaged line has XX= where IN= belongs; we decode what follows and mark it truncated instead of dropping the evidence",
  },
  { suite: 'unifi-logs', key: 'program', why: "the UniFi line has no program tag; CrowdSec's UniFi parser names it kernel, we do not invent one" },
];

describe('conformance: CrowdSec hub parser.assert', () => {
  for (const suite of SUITES) {
    it(`${suite}: every mapped assertion holds`, () => {
      const dir = join(CORPUS, 'crowdsec-hub', suite);
      const log = readdirSync(dir).find((f) => f.endsWith('.log'))!;
      const lines = readFileSync(join(dir, log), 'utf8').split('\n').filter(Boolean);
      const decoded = lines.map((l) => decodeLine(l, { now: NOW }));
      let checked = 0;
      let notMapped = 0;
      let deviations = 0;
      const failures: string[] = [];
      for (const text of readFileSync(join(dir, 'parser.assert'), 'utf8').split('\n')) {
        const m = ASSERT.exec(text.trim());
        if (!m) continue;
        const [, index, success, kind, key, want] = m;
        const d = decoded[Number(index)];
        const dev = DEVIATIONS.find((x) => x.suite === suite && x.key === (success !== undefined ? 'Success' : key) && (x.index === undefined || x.index === Number(index)));
        if (dev) {
          deviations++;
          continue;
        }
        if (success !== undefined) {
          checked++;
          // CrowdSec's parser fails the line whose IN= was misspelt XX=: it is not a firewall line for us either
          if ((success === 'true') !== (d !== undefined)) failures.push(`${suite}[${index}] Success ${success}, we ${d ? 'decoded' : 'did not decode'} it`);
          continue;
        }
        if (!d) {
          failures.push(`${suite}[${index}] ${key}: not decoded: ${lines[Number(index)]}`);
          continue;
        }
        const got = ours(d, kind, key);
        if (got === null) {
          notMapped++;
          continue;
        }
        checked++;
        const wantValue = want.replace(/\\"/g, '"');
        const equal = key === 'proto' ? got?.toUpperCase() === wantValue.toUpperCase() : got === wantValue;
        if (!equal) failures.push(`${suite}[${index}] ${kind}.${key}: expected ${JSON.stringify(wantValue)}, got ${JSON.stringify(got)}`);
      }
      console.log(`      ${suite}: ${checked - failures.length}/${checked} mapped assertions hold, ${notMapped} not mapped (their enrichment or labels), ${deviations} documented deviations`);
      if (failures.length) assert.fail(failures.join('\n'));
      assert.ok(checked > 20);
    });
  }
});

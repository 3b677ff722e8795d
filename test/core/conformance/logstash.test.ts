// Conformance with the iptables sample lines of logstash-plugins/logstash-patterns-core's grok specs (SuSEfirewall2,
// Shorewall, RFC 5424 with a numeric protocol, IPv6), read in place. The specs' own assertions stay in their repository,
// so the expected values below were read off each line by eye (they are the oracle, not our output copied): every
// line must decode, whole, with these addresses, protocol, ports, interfaces, prefix and envelope.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';
import { CORPUS } from '../../corpus.js';

// Year-less lines take the latest year not after this instant: 2026 for all of them.
const NOW = Date.UTC(2026, 11, 31);

interface Want {
  spec: string; // spec file and line, as the corpus names them
  host?: string;
  program?: string;
  time: string;
  prefix: string;
  source: string;
  action?: string;
  details?: Record<string, string>;
  family: 'ipv4' | 'ipv6';
  in: string;
  out: string;
  src: string;
  dst: string;
  proto: string;
  spt?: number;
  dpt?: number;
}

const WANT: Want[] = [
  {
    spec: 'spec/patterns/firewalls_spec.rb:640',
    host: 'myth',
    program: 'kernel',
    time: '2026-01-29T00:00:28.000Z',
    prefix: 'SFW2-INext-DROP-DEFLT ',
    source: 'suse',
    action: 'drop',
    details: { chain: 'INext', reason: 'DEFLT' },
    family: 'ipv4',
    in: 'ppp0',
    out: '',
    src: '24.64.208.134',
    dst: '216.58.112.55',
    proto: 'UDP',
    spt: 24128,
    dpt: 1026,
  },
  {
    spec: 'spec/patterns/firewalls_spec.rb:676',
    host: 'black',
    program: 'kernel',
    time: '2026-03-08T20:16:44.000Z',
    prefix: 'SFW2-INext-ACC-TCP ',
    source: 'suse',
    action: 'accept',
    details: { chain: 'INext', reason: 'TCP' },
    family: 'ipv4',
    in: 'eth0',
    out: '',
    src: '192.168.0.101',
    dst: '192.168.0.100',
    proto: 'TCP',
    spt: 59282,
    dpt: 631,
  },
  {
    spec: 'spec/patterns/firewalls_spec.rb:723',
    host: 'linux',
    program: 'kernel',
    time: '2026-03-08T22:35:42.000Z',
    prefix: 'SuSE-FW-DROP-DEFAULT ',
    source: 'suse',
    action: 'drop',
    details: { reason: 'DEFAULT' },
    family: 'ipv4',
    in: 'ppp0',
    out: '',
    src: '202.175.181.4',
    dst: '64.238.136.187',
    proto: 'TCP',
    spt: 3360,
    dpt: 3127,
  },
  {
    spec: 'spec/patterns/firewalls_spec.rb:735',
    host: 'IKCSWeb',
    program: 'kernel',
    time: '2026-01-15T11:21:13.000Z',
    prefix: 'SFW2-IN-ACC-RELATED ',
    source: 'suse',
    action: 'accept',
    details: { chain: 'IN', reason: 'RELATED' },
    family: 'ipv4',
    in: 'eth1',
    out: '',
    src: '59.64.166.81',
    dst: '207.194.99.122',
    proto: 'TCP',
    spt: 24093,
    dpt: 22,
  },
  {
    // the kernel prints IPv6 addresses expanded; ours are canonical (RFC 5952)
    spec: 'spec/patterns/firewalls_spec.rb:749',
    host: 'IKCS-Web',
    program: 'kernel',
    time: '2026-01-15T11:21:13.000Z',
    prefix: 'SFW2-INext-ACC-RELATED ',
    source: 'suse',
    action: 'accept',
    details: { chain: 'INext', reason: 'RELATED' },
    family: 'ipv6',
    in: 'eth0',
    out: 'eth1',
    src: 'fe80::16da:e9ff:feec:a04d',
    dst: 'ff02::fb',
    proto: 'UDP',
    spt: 5353,
    dpt: 5353,
  },
  {
    // RFC 5424 with every header field NILVALUE ('-'): no host, no program; PROTO=2 is IGMP, no ports
    spec: 'spec/patterns/syslog_spec.rb:147',
    time: '2003-08-24T05:14:15.000Z',
    prefix: '',
    source: 'user',
    family: 'ipv4',
    in: 'enx503f560021dc',
    out: '',
    src: '192.168.81.1',
    dst: '224.0.0.1',
    proto: '2',
  },
  {
    spec: 'spec/patterns/shorewall_spec.rb:10-11',
    host: 'myHost',
    program: 'kernel',
    time: '2026-05-28T17:23:25.000Z',
    prefix: 'Shorewall:FORWARD:REJECT:',
    source: 'shorewall',
    action: 'reject',
    details: { chain: 'FORWARD' },
    family: 'ipv4',
    in: 'eth2',
    out: 'eth2',
    src: '1.2.3.4',
    dst: '192.168.0.10',
    proto: 'UDP',
    spt: 5353,
    dpt: 5335,
  },
  {
    // no program tag: the prefix follows the host directly
    spec: 'spec/patterns/shorewall_spec.rb:55-56',
    host: 'server',
    time: '2026-05-28T17:31:07.000Z',
    prefix: 'Shorewall:net2fw:DROP:',
    source: 'shorewall',
    action: 'drop',
    details: { chain: 'net2fw' },
    family: 'ipv4',
    in: 'eth1',
    out: '',
    src: '127.0.0.1',
    dst: '1.2.3.4',
    proto: 'TCP',
    spt: 59088,
    dpt: 8080,
  },
];

const rows = readFileSync(join(CORPUS, 'logstash-patterns-core/iptables-sample-lines.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [file, line, sample] = l.split('\t');
    return { spec: `${file}:${line}`, sample };
  });

describe('conformance: logstash-patterns-core iptables samples', () => {
  let passed = 0;
  after(() => console.log(`      logstash: ${passed}/${WANT.length} samples match all 16 values read off the line, whole, no invalid fields`));

  it('has the 8 samples this suite expects, in order', () => {
    assert.deepEqual(
      rows.map((r) => r.spec),
      WANT.map((w) => w.spec),
    );
  });

  for (const [i, want] of WANT.entries()) {
    it(`${want.spec}: decodes whole, with the values read off the line`, () => {
      const raw = rows[i].sample;
      const d = decodeLine(raw, { now: NOW });
      assert.ok(d, `not decoded: ${raw}`);
      const got: Want = JSON.parse(
        JSON.stringify({
          spec: want.spec,
          host: d.frame.host,
          program: d.frame.program,
          time: d.frame.time !== undefined ? new Date(d.frame.time).toISOString() : undefined,
          prefix: d.prefix.text,
          source: d.prefix.source,
          action: d.prefix.action,
          details: d.prefix.details,
          family: d.family,
          in: d.in,
          out: d.out,
          src: d.src,
          dst: d.dst,
          proto: d.proto,
          spt: d.spt,
          dpt: d.dpt,
        }),
      );
      assert.deepEqual(got, want);
      assert.equal(d.truncated, false);
      assert.deepEqual(
        decodeFields(d)
          .filter((f) => f.invalid || !f.layer)
          .map((f) => `${f.key}=${f.raw}: ${f.invalid ?? 'unknown key'}`),
        [],
      );
      passed++;
    });
  }
});

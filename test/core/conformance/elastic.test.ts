// Conformance with Elastic's iptables integration: every expected event of its pipeline tests, field by field.
// The corpus is read in place (../shared/corpus), never copied. Excluded, as the issue says: geo/AS data (from the
// peer's test database), event.created (the peer's ingest time) and fields that describe the peer's own shipper.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { toEcs } from '../../../packages/core/src/nflog/ecs.js';
import { parseAddress } from '../../../packages/core/src/net/address-class.js';
import { CORPUS } from '../../corpus.js';

const DIR = join(CORPUS, 'elastic-integrations-iptables');
// Year-less lines were given the year 2024 in the peer's setup.
const NOW_2024 = Date.UTC(2024, 11, 30);

const IGNORED = [
  /\.geo\./,
  /^(source|destination)\.as\./,
  /^event\.created$/,
  /^ecs\./,
  /^tags$/,
  /^agent\./,
  /^data_stream\./,
  /^input\./,
  /^host\./,
  /^journald\./,
  /^systemd\./,
  /^log\.syslog\.(appname|facility\.code)$/,
  /^message$/, // the peer's copy of the text after its header; we keep the whole line in event.original
];

/**
 * Where we deliberately differ, with the reason. Each entry names the event's original line (a substring) and the
 * field. Keep this list short and honest; anything else that differs fails the test.
 */
const DEVIATIONS: { line: string; field: string; why: string }[] = [
  {
    line: 'MAC=90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc:02:1c',
    field: 'iptables.ether_type',
    why: "Elastic's grok takes the EtherType from the wrong bytes of a MAC= with 4 extra bytes (256); the kernel's EtherType is bytes 13-14: 0x0800, IPv4",
  },
  {
    line: '[SOMETHING-1234-A] IN=abc.123',
    field: 'event.type',
    why: "Elastic's grok misses this EdgeOS-style prefix (no 'kernel:' tag) and so has no action; we read A = accept and add 'allowed'",
  },
  {
    line: 'TYPE=8 CODE=0 ID=98765 SEQ=30123',
    field: 'iptables.icmp.id',
    why: 'an ICMP echo identifier is 16 bits; 98765 cannot come from the kernel, so we mark it invalid instead of passing it on',
  },
  {
    line: '"MESSAGE":"iptables DROP_INPUT:',
    field: 'event.type',
    why: "Elastic's grok does not take the action from 'iptables DROP_INPUT:' at the start of a journald MESSAGE; we do (drop_input -> denied)",
  },
  {
    line: '"MESSAGE":"iptables DROP_INPUT:',
    field: '@timestamp',
    why: "the peer's journald test pins @timestamp to its own run; we use the record's __REALTIME_TIMESTAMP (the input event's 12:43:58.224Z)",
  },
];

function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (obj !== undefined) {
    out[prefix] = obj;
  }
  return out;
}

function canonical(field: string, value: unknown): unknown {
  if ((field === 'source.ip' || field === 'destination.ip') && typeof value === 'string') return parseAddress(value)?.address ?? value;
  if (field === 'related.ip' && Array.isArray(value)) return value.map((v) => parseAddress(String(v))?.address ?? v);
  return value;
}

interface Expected {
  [k: string]: unknown;
}

function journaldRecord(e: Expected): string {
  // The peer's journald test input is a Filebeat event; rebuild the `journalctl -o json` record it came from.
  const f = flatten(e);
  const micros = BigInt(Date.parse(String(f['@timestamp']))) * 1000n;
  return JSON.stringify({
    MESSAGE: f['message'],
    __REALTIME_TIMESTAMP: String(micros),
    _HOSTNAME: f['host.hostname'],
    PRIORITY: String(f['log.syslog.priority']),
    SYSLOG_FACILITY: String(f['log.syslog.facility.code']),
    SYSLOG_IDENTIFIER: 'kernel',
    _TRANSPORT: 'kernel',
  });
}

const suites: { file: string; events: Expected[]; input: (e: Expected, i: number) => string }[] = [];
for (const name of ['test-iptables-raw.log', 'test-ubiquiti.log']) {
  const events = JSON.parse(readFileSync(join(DIR, `${name}-expected.json`), 'utf8')).expected as Expected[];
  suites.push({ file: name, events, input: (e) => String((e.event as Expected).original) });
}
{
  const inputs = JSON.parse(readFileSync(join(DIR, 'test-journald.json'), 'utf8')).events as Expected[];
  const events = JSON.parse(readFileSync(join(DIR, 'test-journald.json-expected.json'), 'utf8')).expected as Expected[];
  suites.push({ file: 'test-journald.json', events, input: (_e, i) => journaldRecord(inputs[i]) });
}

describe('conformance: Elastic iptables integration (expected ECS events)', () => {
  for (const suite of suites) {
    it(`${suite.file}: every expected event matches field by field`, () => {
      let fieldsChecked = 0;
      let deviations = 0;
      const failures: string[] = [];
      suite.events.forEach((expected, i) => {
        const raw = suite.input(expected, i);
        const line = decodeLine(raw, { now: NOW_2024 });
        if (!line) {
          failures.push(`#${i + 1}: not decoded: ${raw}`);
          return;
        }
        const ours = flatten(toEcs(line, { original: raw }));
        for (const [field, want] of Object.entries(flatten(expected))) {
          if (IGNORED.some((re) => re.test(field))) continue;
          if (field === 'event.original') continue; // the input itself
          const dev = DEVIATIONS.find((d) => d.field === field && raw.includes(d.line));
          if (dev) {
            deviations++;
            continue;
          }
          fieldsChecked++;
          const got = canonical(field, ours[field]);
          try {
            assert.deepEqual(got, canonical(field, want));
          } catch {
            failures.push(`#${i + 1} ${field}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}\n    ${raw}`);
          }
        }
      });
      console.log(
        `      ${suite.file}: ${suite.events.length} events, ${fieldsChecked - failures.length}/${fieldsChecked} fields match, ${deviations} documented deviations`,
      );
      if (failures.length) assert.fail(failures.join('\n'));
    });
  }
});

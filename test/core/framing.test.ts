import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { frame } from '../../packages/core/src/framing/frame.js';
import type { Frame } from '../../packages/core/src/framing/types.js';
import { daysFromCivil, yearOfEpoch } from '../../packages/core/src/framing/year.js';

import { pathToFileURL } from 'node:url';
import { CORPUS as CORPUS_DIR } from '../corpus.js';

const CORPUS = pathToFileURL(CORPUS_DIR.endsWith('/') ? CORPUS_DIR : `${CORPUS_DIR}/`);

function corpusLines(path: string): string[] {
  return readFileSync(new URL(path, CORPUS), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

function corpusJson(path: string): any {
  return JSON.parse(readFileSync(new URL(path, CORPUS), 'utf8'));
}

/** The frame must describe the raw line: its message is the line from messageOffset on. */
function assertConsistent(line: string, f: Frame): void {
  if (f.format === 'journal-json') assert.equal(f.messageOffset, -1);
  else assert.equal(line.slice(f.messageOffset), f.message, `message/offset disagree for ${line.slice(0, 80)}`);
}

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

// The elastic expected events were produced with year-less stamps given the year 2024.
const IN_2024 = { now: Date.UTC(2024, 11, 31, 12) };

describe('framing: elastic-integrations iptables corpus', () => {
  // Where the kernel's text starts in each line of test-iptables-raw.log, in order.
  const rawHeads = [
    '[wan-lan-default-D]IN=eth0 ',
    '[wan-lan-default-D]IN=eth0 ',
    '[wan-lan-default-D]IN=eth0 ',
    'DENY: IN=eth0 ',
    ...Array(10).fill('iptables DROP_INPUT: IN=eth0 '),
    'IN= OUT=lo ',
    'IN= OUT=enp0s3 ',
    '[LAN_LOCAL-default-A]IN=eth0.90 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    '[source-dest-default-D]IN=eth0 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    'IN=eno1 ',
    '[SOMETHING-1234-A] IN=abc.123 ',
    '[SOMETHING-1234-A] IN=abc.123 ',
  ];
  const ubiquitiHeads = [
    '[LAN_LOCAL-default-A]IN=eth0.90 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    '[source-dest-default-D]IN=eth0 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    '[WAN_OUT-2000-A]IN=eth0 ',
    // Truncated by the device: the kernel text starts mid-field, and the second line's starts with a space.
    'TTL=126 ID=15317 ',
    ' TTL=126 ID=51392 ',
    'L=126 ID=8698 ',
    '0 TTL=126 ID=15461 ',
    'L=126 ID=8702 ',
    'TL=126 ID=4622 ',
  ];

  for (const [file, heads] of [
    ['elastic-integrations-iptables/test-iptables-raw.log', rawHeads],
    ['elastic-integrations-iptables/test-ubiquiti.log', ubiquitiHeads],
  ] as const) {
    it(`frames every line of ${file} like the expected events`, () => {
      const lines = corpusLines(file);
      const expected: any[] = corpusJson(`${file}-expected.json`).expected;
      assert.equal(lines.length, heads.length);
      let matched = 0;
      lines.forEach((line, i) => {
        const f = frame(line, IN_2024);
        assertConsistent(line, f);
        assert.ok(f.message.startsWith(heads[i]), `line ${i + 1}: message ${JSON.stringify(f.message.slice(0, 40))}`);
        const ev = expected.find((e) => e.event.original === line);
        assert.ok(ev, `line ${i + 1} has an expected event`);
        matched++;
        assert.equal(iso(f.time), ev['@timestamp'], `line ${i + 1} time`);
        // ECS `message` is the line without its stamp: ours must be a tail of it, never more.
        assert.ok(ev.message.endsWith(f.message), `line ${i + 1}: message reaches into the envelope`);
        if (ev.observer?.name !== undefined) assert.equal(f.host, ev.observer.name, `line ${i + 1} host`);
        if (ev.log?.syslog?.priority !== undefined) assert.equal(f.priority, ev.log.syslog.priority);
        if (/ kernel: /.test(line)) assert.equal(f.program, 'kernel', `line ${i + 1} program`);
        assert.equal(f.yearInferred, /^(<\d+>)?[A-Z][a-z]{2} /.test(line) ? true : undefined);
      });
      assert.equal(matched, lines.length);
    });
  }

  it('reads the odd raw lines the way the expected events do, or says why not', () => {
    const lines = corpusLines('elastic-integrations-iptables/test-iptables-raw.log');
    // `Jan  8 03:37:09 DENY: IN=...`: no host and no tag; `DENY: ` is the nf_log prefix (expected: no observer).
    const deny = frame(lines[3], IN_2024);
    assert.equal(deny.format, 'bsd');
    assert.equal(deny.host, undefined);
    assert.equal(deny.program, undefined);
    assert.equal(deny.messageOffset, 16);
    // `Jun 28 04:35:30 Abc-A1 [SOMETHING-1234-A] IN=...`: the expected event has no observer.name because
    // Elastic's grok only takes a host before `kernel:`. We deliberately differ: RFC 3164 puts the HOSTNAME
    // right after the stamp, and this device (like UniFi's, in the crowdsec corpus) writes no tag at all.
    const abc = frame(lines[22], IN_2024);
    assert.equal(abc.host, 'Abc-A1');
    assert.equal(abc.program, undefined);
    // dmesg stamps inside syslog lines become `uptime`.
    assert.equal(frame(lines[14], IN_2024).uptime, 16571.459614);
    assert.equal(frame(lines[15], IN_2024).uptime, 307.757925);
    assert.equal(frame(lines[21], IN_2024).uptime, 4276041.728154);
    assert.equal(frame(lines[0], IN_2024).uptime, undefined);
  });

  it('reads `host user.info kernel:` (busybox syslogd on Ubiquiti) as host, priority and tag', () => {
    const line = corpusLines('elastic-integrations-iptables/test-ubiquiti.log')[5];
    const f = frame(line, IN_2024);
    assert.equal(f.host, 'My-Office-Gateway');
    assert.equal(f.program, 'kernel');
    // The expected event carries no log.syslog.priority for these lines; we deliberately report the one the
    // line spells out: user (1) * 8 + info (6).
    assert.equal(f.priority, 14);
    assert.equal(f.messageOffset, 52);
  });
});

describe('framing: crowdsec-hub corpus', () => {
  const scanNow = { now: Date.UTC(2026, 9, 1) };

  it('frames iptables-logs: kernel tag, dmesg stamp stripped, malformed lines still framed', () => {
    const lines = corpusLines('crowdsec-hub/iptables-logs/iptables-logs.log');
    const heads = ['IN=enp1s0 ', 'IN=enp.1s0 ', 'XX=enp1s0 ', 'IPTABLES-DROP: IN=lo '];
    const hosts = ['sd-126005', 'sd-126005', 'sd-126005', 'ubuntu-focal'];
    const uptimes = [50028442.088484, 50028442.088484, 50028442.088484, 203.842973];
    lines.forEach((line, i) => {
      const f = frame(line, scanNow);
      assertConsistent(line, f);
      assert.ok(f.message.startsWith(heads[i]), f.message.slice(0, 30));
      assert.equal(f.host, hosts[i]);
      assert.equal(f.program, 'kernel');
      assert.equal(f.uptime, uptimes[i]);
    });
    assert.equal(iso(frame(lines[3], scanNow).time), '2026-09-27T20:56:38.000Z');
  });

  it('frames iptables-scan-multi-port with the machine and timestamps CrowdSec expects', () => {
    const lines = corpusLines('crowdsec-hub/iptables-scan-multi-port/iptables-scan-multi-port.log');
    assert.equal(lines.length, 49);
    const assertText = readFileSync(new URL('crowdsec-hub/iptables-scan-multi-port/scenario.assert', CORPUS), 'utf8');
    // CrowdSec ran this in 2026 and gave the year-less Sep 30 lines that year.
    assert.match(assertText, /GetMeta\("machine"\) == "scw-d95986"/);
    assert.match(assertText, /GetMeta\("timestamp"\) == "2026-09-30T10:09:23Z"/);
    for (const line of lines) {
      const f = frame(line, scanNow);
      assertConsistent(line, f);
      assert.equal(f.program, 'kernel');
      assert.match(f.message, /^(IN=ens2 |\[UFW (AUDIT|BLOCK)\] IN=lo )/);
      if (f.host === 'scw-d95986') {
        assert.equal(iso(f.time), '2026-09-30T10:09:23.000Z');
        assert.ok(f.uptime! > 19955416 && f.uptime! < 19955417);
      } else {
        assert.equal(f.host, 'vm-1');
        assert.equal(iso(f.time), '2025-10-30T10:09:23.000Z'); // Oct 30 is after now + 1 day: last year
      }
    }
  });

  it('frames Proxmox pve-firewall.log lines at the prefix, with their zoned time', () => {
    const lines = corpusLines('crowdsec-hub/proxmox-iptables-logs/proxmox-iptables.log');
    const heads = ['policy DROP: IN=', 'ACCEPT: IN=', 'REJECT: IN=', 'REJECT: IN=', 'ACCEPT: IN=', 'PVEFW-reject: IN=',
      'REJECT: IN=', 'REJECT: OUT=', 'IN=fwbr101i0 ', 'DROP: IN='];
    assert.equal(lines.length, heads.length);
    lines.forEach((line, i) => {
      const f = frame(line); // zoned: no `now` needed
      assertConsistent(line, f);
      assert.equal(f.format, 'pve-firewall');
      assert.equal(f.program, 'pve-firewall'); // CrowdSec's parser.assert names the program the same
      assert.ok(f.message.startsWith(heads[i]), f.message.slice(0, 30));
      assert.equal(f.yearInferred, undefined);
    });
    assert.equal(iso(frame(lines[0]).time), '2022-06-20T11:09:14.000Z'); // 13:09:14 +0200
  });

  it('frames UniFi lines: tag-less, and with the host written twice', () => {
    const lines = corpusLines('crowdsec-hub/unifi-logs/unifi-logs.log');
    for (const i of [0, 1, 2]) {
      const f = frame(lines[i], IN_2024);
      assertConsistent(lines[i], f);
      assert.equal(f.host, 'UDMP-DTC');
      assert.match(f.message, /^\[WAN_LOCAL-[AD]-2147483647\] DESCR="\[WAN_LOCAL\]Block All Traffic" IN=eth8 /);
      assert.equal(iso(f.time), '2024-06-13T23:29:15.000Z');
    }
    const ssh = frame(lines[3], IN_2024);
    assert.equal(ssh.host, 'Dream-Machine-Pro');
    assert.equal(ssh.program, 'sshd');
    assert.equal(ssh.message, 'Failed keyboard-interactive/pam for invalid user asdasf from 192.168.1.2 port 5454 ssh2');
  });
});

describe('framing: logstash-patterns-core samples', () => {
  it('frames the third column of every sample line', () => {
    const rows = corpusLines('logstash-patterns-core/iptables-sample-lines.tsv')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.split('\t')[2]);
    const expected: [string, string | undefined, string | undefined, number | undefined][] = [
      ['SFW2-INext-DROP-DEFLT IN=ppp0 ', 'myth', 'kernel', undefined],
      ['SFW2-INext-ACC-TCP IN=eth0 ', 'black', 'kernel', 20474.050964],
      ['SuSE-FW-DROP-DEFAULT IN=ppp0 ', 'linux', 'kernel', undefined], // `Mar 8`: single-digit day, one space
      ['SFW2-IN-ACC-RELATED IN=eth1 ', 'IKCSWeb', 'kernel', undefined],
      ['SFW2-INext-ACC-RELATED IN=eth0 ', 'IKCS-Web', 'kernel', undefined],
      ['IN=enx503f560021dc ', undefined, undefined, undefined], // RFC 5424, every header field nil
      ['Shorewall:FORWARD:REJECT:IN=eth2 ', 'myHost', 'kernel', 3124658.791874],
      ['Shorewall:net2fw:DROP:IN=eth1 ', 'server', undefined, undefined], // colons without `: ` are no tag
    ];
    assert.equal(rows.length, expected.length);
    rows.forEach((line, i) => {
      const f = frame(line, IN_2024);
      assertConsistent(line, f);
      const [head, host, program, uptime] = expected[i];
      assert.ok(f.message.startsWith(head), `row ${i}: ${f.message.slice(0, 30)}`);
      assert.equal(f.host, host);
      assert.equal(f.program, program);
      assert.equal(f.uptime, uptime);
    });
    const r5424 = frame(rows[5]);
    assert.equal(r5424.format, 'rfc5424');
    assert.equal(r5424.priority, 174);
    assert.equal(iso(r5424.time), '2003-08-24T05:14:15.000Z');
    assert.equal(iso(frame(rows[2], IN_2024).time), '2024-03-08T22:35:42.000Z');
  });
});

describe('framing: wazuh-ruleset iptables.ini', () => {
  it('frames every `log N pass = ` line at the kernel text', () => {
    const lines = corpusLines('wazuh-ruleset/iptables.ini')
      .filter((l) => /^log \d+ pass = /.test(l))
      .map((l) => l.replace(/^log \d+ pass = /, ''));
    assert.ok(lines.length >= 40, `${lines.length} lines`);
    // An independent, simple reading of this one shape: stamp, host, `kernel: `, optional dmesg stamp.
    const shape = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) kernel: (?:\[ *(\d+\.\d+)\] )?/;
    for (const line of lines) {
      const m = shape.exec(line);
      assert.ok(m, line);
      const f = frame(line, IN_2024);
      assert.equal(f.format, 'bsd');
      assert.equal(f.host, m[1]);
      assert.equal(f.program, 'kernel');
      assert.equal(f.uptime, m[2] === undefined ? undefined : Number(m[2]));
      assert.equal(f.messageOffset, m[0].length);
      assert.match(f.message, /^(\[UFW (BLOCK|AUDIT)\] |DROP\(src wan\)|DROP |FIREWALL_OUT |IPTABLE |SFW2-\S+ |)IN=/);
    }
  });
});

describe('framing: journalctl -o json', () => {
  it('frames the real nftables kernel records', () => {
    const cases = [
      ['self-defending-portfolio-nft-journald/host-nft.json', 'k3s01', 1791093902251, 99288.166914],
      ['self-defending-portfolio-nft-journald/siem01-nft.json', 'siem01', 1791104444186, 25.687611],
    ] as const;
    for (const [file, host, time, uptime] of cases) {
      const lines = corpusLines(file);
      assert.equal(lines.length, 1);
      const f = frame(lines[0]);
      assert.equal(f.format, 'journal-json');
      assert.equal(f.host, host);
      assert.equal(f.program, 'kernel');
      assert.equal(f.priority, 6); // SYSLOG_FACILITY 0, PRIORITY 6
      assert.equal(f.time, time);
      assert.equal(f.uptime, uptime);
      assert.equal(f.messageOffset, -1);
      assert.ok(f.message.startsWith('nft-drop: IN=eth0 OUT= MAC=ff:ff:ff:ff:ff:ff:'), f.message);
      assert.equal(f.yearInferred, undefined);
    }
  });

  it('decodes MESSAGE given as bytes, repeated fields, null and missing facility', () => {
    const bytes = [...Buffer.from('DROP: IN=eth0 caf\u00e9 ')].concat([0xff]);
    const f = frame(JSON.stringify({ MESSAGE: bytes, __REALTIME_TIMESTAMP: '1000999', PRIORITY: '4', _TRANSPORT: 'kernel' }));
    assert.equal(f.message, 'DROP: IN=eth0 caf\u00e9 \ufffd');
    assert.equal(f.time, 1000);
    assert.equal(f.priority, 4); // kernel transport: facility kern
    const user = frame(JSON.stringify({ MESSAGE: ['first', 'second'], PRIORITY: '6', _COMM: 'ulogd' }));
    assert.equal(user.message, 'first');
    assert.equal(user.priority, 14); // no facility, not kernel: systemd forwards it as user
    assert.equal(user.program, 'ulogd');
    const nul = frame('{"MESSAGE":null,"__REALTIME_TIMESTAMP":"x","_SOURCE_REALTIME_TIMESTAMP":"1700000000000001"}');
    assert.equal(nul.message, '');
    assert.equal(nul.time, 1700000000000);
    assert.equal(frame('{"a":1}').format, 'bare');
    assert.equal(frame('{"MESSAGE": "x"').format, 'bare');
    assert.equal(frame('{"MESSAGE":[1,2,300]}').message, '');
  });
});

describe('framing: BSD syslog and journalctl short', () => {
  it('reads PRI, host, tag with pid, and leaves non-kernel messages alone', () => {
    const f = frame('<38>Mar 21 16:02:05 gw sshd[812]: [  12.000000] not a dmesg stamp', IN_2024);
    assert.equal(f.priority, 38);
    assert.equal(f.host, 'gw');
    assert.equal(f.program, 'sshd');
    assert.equal(f.message, '[  12.000000] not a dmesg stamp');
    assert.equal(f.uptime, undefined);
  });

  it('reads short-precise fractions and the zone offset option', () => {
    const f = frame('Mar 21 16:02:05.123456 gw kernel: IN=eth0', { now: Date.UTC(2024, 5, 1), utcOffsetMinutes: 60 });
    assert.equal(iso(f.time), '2024-03-21T15:02:05.123Z');
    assert.equal(f.message, 'IN=eth0');
    assert.equal(iso(frame('Mar 21 16:02:05.5 gw x', IN_2024).time), '2024-03-21T16:02:05.500Z');
  });

  it('reads `IN=` straight after a lone token as the prefix, and a tag with pid always as a tag', () => {
    const a = frame('Jan 29 00:00:28 SFW2-DROP IN=ppp0 OUT=', IN_2024);
    assert.equal(a.host, undefined);
    assert.equal(a.message, 'SFW2-DROP IN=ppp0 OUT=');
    const b = frame('Jan 29 00:00:28 gw ulogd[5]: IN=ppp0 OUT=', IN_2024);
    assert.equal(b.program, 'ulogd');
    assert.equal(b.message, 'IN=ppp0 OUT=');
    const c = frame('Jan 29 00:00:28 gw FINAL_REJECT: IN=ppp0 OUT=', IN_2024);
    assert.equal(c.host, 'gw');
    assert.equal(c.program, undefined);
    assert.equal(c.message, 'FINAL_REJECT: IN=ppp0 OUT=');
    const d = frame('Jan 29 00:00:28 gw kernel: [IPTABLES REJECT]: IN=ppp0', IN_2024);
    assert.equal(d.message, '[IPTABLES REJECT]: IN=ppp0');
  });

  it('leaves time unset without `now`, and rejects impossible stamps', () => {
    const f = frame('Mar 21 16:02:05 gw kernel: IN=eth0');
    assert.equal(f.format, 'bsd');
    assert.equal(f.time, undefined);
    assert.equal(f.yearInferred, undefined);
    assert.equal(f.host, 'gw');
    for (const bad of ['Mar 32 16:02:05 gw x', 'Feb 30 16:02:05 gw x', 'Mar 21 24:02:05 gw x', 'Mxr 21 16:02:05 gw x',
      'Mar 21 16:02:05x gw', 'Mar 21 16:02 gw']) {
      assert.equal(frame(bad, IN_2024).format, 'bare', bad);
    }
    // A PRI without a valid stamp: RFC 3164 says the rest is the message.
    const p = frame('<13>hello world');
    assert.equal(p.format, 'bsd');
    assert.equal(p.priority, 13);
    assert.equal(p.message, 'hello world');
    assert.equal(frame('<192>Mar 21 16:02:05 gw x').format, 'bare');
  });

  it('handles a stamp with nothing after it', () => {
    const f = frame('Mar 21 16:02:05', IN_2024);
    assert.equal(f.format, 'bsd');
    assert.equal(f.message, '');
    assert.equal(f.messageOffset, 15);
    assert.equal(frame('Mar 21 16:02:05 gw kernel:', IN_2024).message, '');
  });
});

describe('framing: year inference', () => {
  const at = (s: string) => Date.parse(s);
  const t = (line: string, now: number) => iso(frame(line, { now }).time);

  it('puts December lines read in January in the previous year', () => {
    assert.equal(t('Dec 31 23:59:59 h x', at('2025-01-02T00:00:00Z')), '2024-12-31T23:59:59.000Z');
    assert.equal(t('Jan  1 00:00:01 h x', at('2025-01-02T00:00:00Z')), '2025-01-01T00:00:01.000Z');
  });

  it('allows up to one day ahead of now, not more', () => {
    const now = at('2024-06-10T12:00:00Z');
    assert.equal(t('Jun 11 12:00:00 h x', now), '2024-06-11T12:00:00.000Z');
    assert.equal(t('Jun 11 12:00:01 h x', now), '2023-06-11T12:00:01.000Z');
    // A sender whose clock is slightly ahead across New Year lands in the next year.
    assert.equal(t('Jan  1 00:10:00 h x', at('2024-12-31T23:30:00Z')), '2025-01-01T00:10:00.000Z');
  });

  it('gives Feb 29 the nearest earlier leap year that fits', () => {
    assert.equal(t('Feb 29 10:00:00 h x', at('2025-03-01T00:00:00Z')), '2024-02-29T10:00:00.000Z');
    assert.equal(t('Feb 29 10:00:00 h x', at('2024-02-27T00:00:00Z')), '2020-02-29T10:00:00.000Z');
    assert.equal(t('Feb 29 10:00:00 h x', at('2024-02-28T12:00:00Z')), '2024-02-29T10:00:00.000Z');
    assert.equal(t('Feb 29 10:00:00 h x', at('2103-01-01T00:00:00Z')), '2096-02-29T10:00:00.000Z');
  });

  it('uses the year of `now` in the stamp zone', () => {
    // 2024-12-31T23:30Z is already 2025 at UTC+1, so a Jan 1 line is this year's there.
    const f = frame('Jan  1 00:10:00 h x', { now: at('2024-12-31T23:30:00Z'), utcOffsetMinutes: 60 });
    assert.equal(iso(f.time), '2024-12-31T23:10:00.000Z');
  });

  it('agrees with Date on calendar arithmetic', () => {
    for (const y of [1, 99, 100, 1900, 1969, 1970, 2000, 2024, 2100, 9999]) {
      for (const [m, d] of [[1, 1], [2, 28], [3, 1], [12, 31]]) {
        const ref = new Date(0);
        ref.setUTCFullYear(y, m - 1, d);
        assert.equal(daysFromCivil(y, m, d) * 86_400_000, ref.getTime(), `${y}-${m}-${d}`);
        assert.equal(yearOfEpoch(ref.getTime()), y);
      }
    }
  });
});

describe('framing: RFC 3339 and journalctl short-iso', () => {
  it('reads the zone forms', () => {
    const cases: [string, string][] = [
      ['2021-03-12T14:10:18Z h kernel: IN=', '2021-03-12T14:10:18.000Z'],
      ['2021-03-12T14:10:18+0000 h kernel: IN=', '2021-03-12T14:10:18.000Z'],
      ['2021-03-12T14:10:18.123456+01:00 h kernel: IN=', '2021-03-12T13:10:18.123Z'],
      ['2021-03-12T14:10:18-0530 h kernel: IN=', '2021-03-12T19:40:18.000Z'],
      // Zone-less (dmesg --time-format iso style): the utcOffsetMinutes option applies.
      ['2021-03-12 14:10:18,5 h kernel: IN=', '2021-03-12T12:10:18.500Z'],
    ];
    for (const [line, want] of cases) {
      const f = frame(line, { utcOffsetMinutes: 120 });
      assert.equal(f.format, 'rfc3339', line);
      assert.equal(iso(f.time), want, line);
      assert.equal(f.message, 'IN=');
      assert.equal(f.host, 'h');
      assert.equal(f.yearInferred, undefined);
    }
    assert.equal(frame('2021-02-29T14:10:18Z h x').format, 'bare');
    assert.equal(frame('2021-03-12T14:10:18Q h x').format, 'bare');
  });
});

describe('framing: RFC 5424', () => {
  it('reads every header field and skips structured data with escapes', () => {
    const line = '<4>1 2024-05-01T10:00:00.5Z fw.example kernel - NF [x@1 a="q\\"]" b="\\]"][y@2] \ufeff[  5.250000] DROP IN=eth0';
    const f = frame(line);
    assert.equal(f.format, 'rfc5424');
    assert.equal(f.priority, 4);
    assert.equal(iso(f.time), '2024-05-01T10:00:00.500Z');
    assert.equal(f.host, 'fw.example');
    assert.equal(f.program, 'kernel');
    assert.equal(f.uptime, 5.25);
    assert.equal(f.message, 'DROP IN=eth0');
    assertConsistent(line, f);
  });

  it('keeps a message-less record and rejects broken headers', () => {
    const f = frame('<165>1 - host app 12 ID47 -');
    assert.equal(f.format, 'rfc5424');
    assert.equal(f.time, undefined);
    assert.equal(f.program, 'app');
    assert.equal(f.message, '');
    assert.equal(frame('<165>1 - host app 12 ID47 [unterminated a="]').format, 'bare');
    assert.equal(frame('<165>1 - host app').format, 'bare');
  });
});

describe('framing: dmesg', () => {
  it('reads dmesg, dmesg -r, dmesg -T and journalctl short-monotonic', () => {
    const a = frame('[  297.790888] [UFW BLOCK] IN=eth0');
    assert.deepEqual([a.format, a.uptime, a.message, a.host], ['dmesg', 297.790888, '[UFW BLOCK] IN=eth0', undefined]);
    const b = frame('<4>[12.5] iptables DROP_INPUT: IN=eth0');
    assert.deepEqual([b.format, b.priority, b.uptime, b.message, b.host], ['dmesg', 4, 12.5, 'iptables DROP_INPUT: IN=eth0', undefined]);
    const c = frame('[Sun Mar 21 16:02:05 2021] IN=eth0', { utcOffsetMinutes: -60 });
    assert.deepEqual([c.format, iso(c.time), c.message], ['dmesg', '2021-03-21T17:02:05.000Z', 'IN=eth0']);
    const d = frame('[    4.000001] gw kernel: DROP IN=eth0');
    assert.deepEqual([d.host, d.program, d.uptime, d.message], ['gw', 'kernel', 4.000001, 'DROP IN=eth0']);
    assert.equal(frame('[abc] IN=').format, 'bare');
  });
});

describe('framing: bare lines and hostile input', () => {
  it('returns liblognorm inputs (no envelope) whole', () => {
    for (const row of corpusLines('liblognorm-iptables/v2-iptables-cases.jsonl')) {
      const { input } = JSON.parse(row);
      const f = frame(input);
      assert.equal(f.format, 'bare', input);
      assert.equal(f.message, input);
      assert.equal(f.messageOffset, 0);
    }
  });

  // A fixed seed keeps failures reproducible.
  function rng(seed: number): () => number {
    let x = seed >>> 0;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 4294967296;
    };
  }

  const TWO_MB = 2 * 1024 * 1024;
  const big: [string, string, Frame['format']][] = [
    ['letters', 'a'.repeat(TWO_MB), 'bare'],
    ['stamp then one token', 'Mar 21 16:02:05 ' + 'x'.repeat(TWO_MB), 'bsd'],
    ['stamp host then colons', 'Mar 21 16:02:05 h ' + 'k:'.repeat(TWO_MB / 2), 'bsd'],
    ['stamp host tag [ no ]', 'Mar 21 16:02:05 h k[' + '1'.repeat(TWO_MB), 'bsd'],
    ['pri and brackets', '<13>' + '['.repeat(TWO_MB), 'bsd'],
    ['5424 unterminated SD', '<13>1 - h a p m [x a="' + '\\"'.repeat(TWO_MB / 2), 'bare'],
    ['5424 many SD elements', '<13>1 - h a p m ' + '[x]'.repeat(TWO_MB / 3) + ' msg', 'rfc5424'],
    ['json nesting', '{"MESSAGE":' + '['.repeat(TWO_MB), 'bare'],
    ['json too deep for a journal record', '{"MESSAGE":[' + '['.repeat(5000) + ']'.repeat(5000) + ']}', 'bare'],
    ['dmesg spaces', '[' + ' '.repeat(TWO_MB) + '1.0] x', 'bare'],
    ['digits', '1'.repeat(TWO_MB), 'bare'],
    ['pve-like', '0 3 ' + 'C'.repeat(TWO_MB), 'bare'],
  ];
  for (const [name, line, format] of big) {
    it(`frames a 2 MB line quickly: ${name}`, () => {
      const start = performance.now();
      const f = frame(line, IN_2024);
      const ms = performance.now() - start;
      assert.equal(f.format, format);
      assertConsistent(line, f);
      assert.ok(ms < 250, `${ms.toFixed(1)} ms`);
    });
  }

  it('frames 2 MB of random bytes and random UTF-16 without throwing', () => {
    const r = rng(0x5eed);
    const bytes = Buffer.alloc(TWO_MB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
    const asLatin1 = bytes.toString('latin1');
    const asUtf8 = bytes.toString('utf8');
    const units: number[] = [];
    for (let i = 0; i < 65536; i++) units.push(Math.floor(r() * 65536));
    const utf16 = String.fromCharCode(...units);
    for (const line of [asLatin1, asUtf8, utf16]) assertConsistent(line, frame(line, IN_2024));
  });

  it('survives many short random lines built from envelope characters', () => {
    const r = rng(42);
    const alphabet = '<>[]{}0123456789 :.-+TZMarJnFebkernl="\\\ufeff\u0000\n';
    for (let n = 0; n < 20000; n++) {
      let line = '';
      const len = Math.floor(r() * 60);
      for (let i = 0; i < len; i++) line += alphabet[Math.floor(r() * alphabet.length)];
      const f = frame(line, IN_2024);
      assertConsistent(line, f);
      if (f.time !== undefined) assert.ok(Number.isFinite(f.time), line);
    }
  });

  it('frames every corpus line with offsets consistent with the raw line', () => {
    const files = [
      'elastic-beats-iptables/iptables.log', 'elastic-beats-iptables/ipv6.log', 'elastic-beats-iptables/icmp.log',
      'elastic-beats-iptables/ubiquiti.log', 'elastic-beats-iptables/geo.log',
    ];
    let n = 0;
    for (const file of files) {
      for (const line of corpusLines(file)) {
        const f = frame(line, IN_2024);
        assertConsistent(line, f);
        assert.notEqual(f.format, 'bare', line);
        assert.match(f.message, /^(\S*?: |\[[^\]]*\] ?|\S+ )?(\S+ )?IN=/, line);
        n++;
      }
    }
    assert.ok(n >= 25);
  });
});

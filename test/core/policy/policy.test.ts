import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Allowlist } from '../../../packages/core/src/policy/allowlist.js';
import { banDuration, DEFAULT_BAN_POLICY } from '../../../packages/core/src/policy/escalation.js';
import { decide } from '../../../packages/core/src/policy/decisions.js';
import type { Finding, PortScanFinding, SpoofFinding } from '../../../packages/core/src/detect/findings.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 28, 4, 0, 0);

function scan(source: string, last = NOW - 60_000): PortScanFinding {
  return {
    rule: 'port-scan',
    source,
    family: source.includes(':') ? 6 : 4,
    lines: 20,
    first: last - 30_000,
    last,
    interfaces: ['eth0'],
    why: { en: 'scan', ja: 'スキャン' },
    kinds: ['syn'],
    shapes: ['vertical'],
    ports: 20,
    hosts: 1,
    capped: false,
    portSample: [22, 80],
  };
}

function spoof(source: string): SpoofFinding {
  return {
    rule: 'spoofed-source',
    source,
    family: 4,
    lines: 1,
    first: NOW - 1000,
    last: NOW - 1000,
    interfaces: ['eth0'],
    why: { en: 'spoofed', ja: '偽装' },
    addressClass: 'private',
    range: '10.0.0.0/8',
    rangeName: { en: 'Private', ja: 'プライベート' },
  };
}

describe('policy: escalation', () => {
  it('doubles per offence and stops at the cap', () => {
    assert.equal(banDuration(1), HOUR);
    assert.equal(banDuration(2), 2 * HOUR);
    assert.equal(banDuration(4), 8 * HOUR);
    assert.equal(banDuration(9), 7 * 24 * HOUR);
    assert.equal(banDuration(100_000), DEFAULT_BAN_POLICY.maxMs);
  });

  it('is monotonic and never exceeds the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1000, max: 86_400_000 }), fc.double({ min: 1, max: 10, noNaN: true }), (n, timeMs, factor) => {
        const policy = { timeMs, factor, maxMs: timeMs * 50 };
        const a = banDuration(n, policy);
        const b = banDuration(n + 1, policy);
        return a <= b && b <= policy.maxMs && a >= Math.min(timeMs, policy.maxMs);
      }),
    );
  });
});

describe('policy: allow list', () => {
  it('covers CIDRs, single addresses, IPv6, and IPv4-mapped IPv6', () => {
    const allow = new Allowlist([
      { cidr: '203.0.113.0/24', why: 'config' },
      { cidr: '2001:db8::/48', why: 'config' },
      { cidr: '198.51.100.7', why: 'gateway' },
    ]);
    assert.equal(allow.covering('203.0.113.200')?.why, 'config');
    assert.equal(allow.covering('198.51.100.7')?.why, 'gateway');
    assert.equal(allow.covering('198.51.100.8'), undefined);
    assert.ok(allow.allows('2001:db8:0:1::5'));
    assert.ok(!allow.allows('2001:db8:1::5'));
    assert.ok(allow.allows('::ffff:203.0.113.9'));
    assert.ok(allow.allows('not an address'), 'what is not an address can never be blocked');
  });

  it('refuses an entry that is not an address, naming it', () => {
    assert.throws(() => new Allowlist([{ cidr: '10.0.0.0/33', why: 'config' }]), /'10\.0\.0\.0\/33' \(config\)/);
    assert.throws(() => new Allowlist([{ cidr: 'example.com', why: 'config' }]), /example\.com/);
  });
});

describe('policy: decisions', () => {
  const noAllow = new Allowlist([]);

  it('blocks a public scanner for the escalated time minus what already passed', () => {
    const out = decide({ findings: [scan('89.248.165.52')], now: NOW, offences: new Map([['89.248.165.52', 2]]), allow: noAllow });
    assert.equal(out.decisions.length, 1);
    const d = out.decisions[0];
    assert.deepEqual([d.kind, d.offence, d.remainingMs], ['block', 3, 4 * HOUR - 60_000]);
  });

  it('drops spoofed sources on the WAN only and never blocks a bogon scanner everywhere', () => {
    const out = decide({ findings: [scan('10.1.2.3'), spoof('10.1.2.3'), scan('192.0.2.9')], now: NOW, offences: new Map(), allow: noAllow });
    assert.deepEqual(
      out.decisions.map((d) => [d.address, d.kind]),
      [['10.1.2.3', 'spoof']],
    );
    assert.deepEqual(out.skipped.map((s) => [s.address, s.reason]).sort(), [
      ['10.1.2.3', 'bogon-not-on-wan'],
      ['192.0.2.9', 'bogon-not-on-wan'],
    ]);
  });

  it('blocks a special-purpose scanner that is a real neighbour (inside a directly connected network)', () => {
    const neighbours = new Allowlist([{ cidr: '192.0.2.0/24', why: 'connected' }]);
    const out = decide({ findings: [scan('192.0.2.9'), scan('10.1.2.3')], now: NOW, offences: new Map(), allow: noAllow, neighbours });
    assert.deepEqual(out.decisions.map((d) => [d.address, d.kind]), [['192.0.2.9', 'block']]);
    assert.deepEqual(out.skipped.map((s) => [s.address, s.reason]), [['10.1.2.3', 'bogon-not-on-wan']]);
  });

  it('skips findings whose ban would already be over', () => {
    const out = decide({ findings: [scan('89.248.165.52', NOW - 2 * HOUR)], now: NOW, offences: new Map(), allow: noAllow });
    assert.deepEqual(out.decisions, []);
    assert.equal(out.skipped[0].reason, 'expired');
  });

  it('never decides a ban on an allowed address, whatever the findings (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), octet, octet, octet).map((p) => p.join('.'));
    const v6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
    const addr = fc.oneof(v4, v6);
    const cidr = fc.oneof(
      fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, b]) => `${a}/${b}`),
      fc.tuple(v6, fc.integer({ min: 0, max: 128 })).map(([a, b]) => `${a}/${b}`),
      addr,
    );
    fc.assert(
      fc.property(fc.array(addr, { maxLength: 30 }), fc.array(cidr, { maxLength: 8 }), fc.boolean(), (sources, cidrs, spoofToo) => {
        let allow: Allowlist | undefined;
        try {
          allow = new Allowlist(cidrs.map((c) => ({ cidr: c, why: 'config' })));
        } catch {
          allow = undefined;
        }
        fc.pre(allow !== undefined); // generated entries are valid; a refused one would not test the property
        assert.ok(allow);
        const findings: Finding[] = sources.flatMap((s) => (spoofToo ? [scan(s), spoof(s)] : [scan(s)]));
        const out = decide({ findings, now: NOW, offences: new Map(), allow });
        return out.decisions.every((d) => !allow!.allows(d.address) && (d.kind === 'spoof' || d.finding.rule === 'port-scan'));
      }),
      { numRuns: 500 },
    );
  });
});

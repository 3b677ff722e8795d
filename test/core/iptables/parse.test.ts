import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintIptablesDocument } from '../../../packages/core/src/iptables/lint/index.js';
import type { IptablesLine } from '../../../packages/core/src/iptables/parse.js';
import { assembleIptablesDocument, guessIptablesFamily, parseIptablesDocument, parseIptablesLine, parseIptablesRule } from '../../../packages/core/src/iptables/parse.js';
import { quoteIptablesValue, tokenizeIptablesLine } from '../../../packages/core/src/iptables/tokenize.js';
import { codes, doc } from './helpers.js';

function slice(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

describe('iptables/tokenize', () => {
  it('splits at blanks and keeps spans', () => {
    const { words } = tokenizeIptablesLine('  -A  INPUT\t-j ACCEPT', 3);
    assert.deepEqual(words.map((w) => w.value), ['-A', 'INPUT', '-j', 'ACCEPT']);
    assert.deepEqual(words[1].span, { line: 3, start: 6, end: 11 });
  });

  it('reads double quotes with backslash escapes as iptables-save prints them', () => {
    const text = '--log-prefix "!#*~%&/()=?" --comment "\\"" --x "has space"';
    const { words, problems } = tokenizeIptablesLine(text, 0);
    assert.deepEqual(problems, []);
    assert.deepEqual(words.map((w) => w.value), ['--log-prefix', '!#*~%&/()=?', '--comment', '"', '--x', 'has space']);
    assert.equal(slice(text, words[1].span), '"!#*~%&/()=?"');
    assert.ok(words[1].quoted && !words[0].quoted);
  });

  it('reports an unclosed quote and keeps the rest as one word', () => {
    const { words, problems } = tokenizeIptablesLine('--comment "abc def', 0);
    assert.equal(words[1].value, 'abc def');
    assert.deepEqual(codes(problems), ['unterminated-quote']);
  });

  it('quotes values the way iptables-save does', () => {
    assert.equal(quoteIptablesValue('DROP: '), '"DROP: "');
    assert.equal(quoteIptablesValue('plain'), 'plain');
    assert.equal(quoteIptablesValue('a"b\\'), '"a\\"b\\\\"');
  });
});

describe('iptables/parse: lines', () => {
  it('classifies every kind of line with spans', () => {
    const kinds = ['# c', '', '*filter', ':INPUT ACCEPT [1:2]', '-A INPUT -j ACCEPT', 'COMMIT'].map((l, n) => parseIptablesLine(l, n).kind);
    assert.deepEqual(kinds, ['comment', 'blank', 'table', 'chain', 'rule', 'commit']);
  });

  it('reads a table header', () => {
    const l = parseIptablesLine('*nat', 0);
    assert.equal(l.kind, 'table');
    if (l.kind === 'table') assert.deepEqual(l.name?.span, { line: 0, start: 1, end: 4 });
  });

  it('reads chain headers, padded ones too, with counters', () => {
    const l = parseIptablesLine(':INPUT   ACCEPT [10:2000]', 5);
    assert.equal(l.kind, 'chain');
    if (l.kind !== 'chain') return;
    assert.equal(l.name?.value, 'INPUT');
    assert.equal(l.policy?.value, 'ACCEPT');
    assert.deepEqual(l.counters && { p: l.counters.packets, b: l.counters.bytes }, { p: '10', b: '2000' });
    assert.deepEqual(l.problems, []);
    const odd = parseIptablesLine(':DOS~Pro-t_ect - [0:0]', 0);
    assert.equal(odd.kind === 'chain' && odd.name?.value, 'DOS~Pro-t_ect');
    assert.deepEqual(codes(parseIptablesLine(':FOO', 0).problems), ['missing-policy']);
    assert.deepEqual(codes(parseIptablesLine(':FOO - [x:1]', 0).problems), ['invalid-counters']);
  });

  it('reads a rule with counters, command, matches, negation and target options', () => {
    const text = '[5:300] -A INPUT ! -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -m comment --comment "ssh in" -j LOG --log-prefix "SSH: "';
    const l = parseIptablesLine(text, 2);
    assert.equal(l.kind, 'rule');
    if (l.kind !== 'rule') return;
    const r = l.rule;
    assert.deepEqual(r.problems, []);
    assert.equal(r.counters?.packets, '5');
    assert.equal(r.command?.spec.name, '-A');
    assert.equal(r.command?.chain?.value, 'INPUT');
    assert.deepEqual(r.extensions.map((e) => `${e.kind}:${e.name?.value}`), ['match:tcp', 'match:comment', 'target:LOG']);
    const src = r.options.find((o) => o.canonical === '--source');
    assert.ok(src?.negation);
    assert.equal(slice(text, src.span), '! -s 10.0.0.0/8');
    const prefix = r.options.find((o) => o.canonical === '--log-prefix');
    assert.equal(prefix?.values[0].value, 'SSH: ');
    assert.equal(prefix?.owner, 2);
    assert.equal(r.target?.name?.value, 'LOG');
  });

  it('loads the protocol match implicitly (-p tcp --dport 22)', () => {
    const r = parseIptablesRule('-p tcp --dport 22 -j ACCEPT');
    assert.deepEqual(r.problems, []);
    assert.equal(r.extensions[0].implicit, true);
    assert.equal(r.options.find((o) => o.name.value === '--dport')?.canonical, '--dport');
  });

  it('reads --long=value and -pvalue forms', () => {
    const r = parseIptablesRule('--protocol=tcp --source=1.2.3.4 -ieth0 -jACCEPT');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.options.map((o) => `${o.canonical}=${o.values.map((v) => v.value).join(',')}`), ['--protocol=tcp', '--source=1.2.3.4', '--in-interface=eth0', '--jump=ACCEPT']);
  });

  it('takes two values where the option has two (--tcp-flags), and none for flags', () => {
    const r = parseIptablesRule('-p tcp -m tcp --tcp-flags SYN,ACK SYN --syn');
    assert.deepEqual(r.options.find((o) => o.canonical === '--tcp-flags')?.values.map((v) => v.value), ['SYN,ACK', 'SYN']);
    assert.deepEqual(r.options.find((o) => o.canonical === '--syn')?.values, []);
  });

  it('reports a missing value instead of taking the next option as one', () => {
    const r = parseIptablesRule('-j LOG --log-prefix --log-level 4');
    assert.deepEqual(codes(r.problems), ['missing-value']);
    assert.equal(r.options.find((o) => o.canonical === '--log-level')?.values[0].value, '4');
  });

  it('takes a negative number as a value (iptables does, then refuses it)', () => {
    const r = parseIptablesRule('-p tcp --sport -1');
    assert.equal(r.options.find((o) => o.canonical === '--sport')?.values[0].value, '-1');
  });

  it('reads the deprecated "--opt ! value" negation', () => {
    const r = parseIptablesRule('-s ! 1.2.3.4');
    const s = r.options[0];
    assert.equal(s.negationAfter, true);
    assert.equal(s.values[0].value, '1.2.3.4');
  });

  it('reads other commands: -N, -P, -I with a position, -X, -F', () => {
    const c = (t: string) => parseIptablesRule(t).command;
    assert.equal(c('-N mychain')?.chain?.value, 'mychain');
    assert.equal(c('-P INPUT DROP')?.policy?.value, 'DROP');
    assert.equal(c('-I INPUT 3 -j ACCEPT')?.number?.value, '3');
    assert.equal(c('-X')?.spec.name, '-X');
    assert.equal(c('--flush INPUT')?.chain?.value, 'INPUT');
  });

  it('reports stray words and a dangling !', () => {
    assert.deepEqual(codes(parseIptablesRule('-m state wrong').problems), ['unexpected-word']);
    assert.deepEqual(codes(parseIptablesRule('-p tcp !').problems), ['dangling-negation']);
    assert.deepEqual(codes(parseIptablesRule('! -m tcp').problems), ['invalid-negation']);
  });
});

describe('iptables/parse: documents', () => {
  it('groups lines into tables with their chains, rules and COMMIT', () => {
    const d = doc('# x', '*nat', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j ACCEPT', 'COMMIT', '', '*filter', ':INPUT DROP [0:0]', 'COMMIT');
    assert.deepEqual(d.tables.map((t) => [t.name?.value, t.chains.length, t.rules.length, t.commit?.line, t.startLine, t.endLine]), [
      ['nat', 1, 1, 4, 1, 4],
      ['filter', 1, 0, 8, 6, 8],
    ]);
    assert.deepEqual(d.outside, []);
  });

  it('re-assembles from re-parsed lines (incremental editing)', () => {
    const lines: IptablesLine[] = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j ACCEPT', 'COMMIT'].map((l, n) => parseIptablesLine(l, n));
    lines[2] = parseIptablesLine('-A INPUT -j DROP', 2);
    const d = assembleIptablesDocument(lines);
    assert.equal(d.tables[0].rules[0].rule.target?.name?.value, 'DROP');
  });

  it('keeps lines outside a table aside', () => {
    const d = doc('-A INPUT -j ACCEPT', '*filter', 'COMMIT', 'COMMIT');
    assert.deepEqual(d.outside.map((l) => l.kind), ['rule', 'commit']);
  });

  it('guesses the family from addresses and ICMPv6', () => {
    assert.equal(guessIptablesFamily(['-A INPUT -s 2001:db8::/32 -j ACCEPT']), 6);
    assert.equal(guessIptablesFamily(['-A INPUT -s 10.0.0.0/8 -j ACCEPT']), 4);
    assert.equal(guessIptablesFamily(['-A INPUT -j ACCEPT']), undefined);
    assert.equal(parseIptablesDocument('*filter\n-A INPUT -p ipv6-icmp -j ACCEPT\nCOMMIT', {}).family, 6);
  });

  it('handles CRLF line ends', () => {
    const d = parseIptablesDocument('*filter\r\n:INPUT ACCEPT [0:0]\r\nCOMMIT\r\n');
    assert.equal(d.tables[0].commit?.line, 2);
    assert.deepEqual(lintIptablesDocument(d), []);
  });
});

describe('iptables/parse: robustness', () => {
  it('never throws on arbitrary text, and linting it never throws either', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const d = parseIptablesDocument(s);
        lintIptablesDocument(d);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on rule-shaped noise', () => {
    const word = fc.constantFrom('-A', 'INPUT', '!', '-p', 'tcp', '--dport', '-m', 'limit', '-j', 'LOG', '"x y"', '--log-prefix', '[1:2]', '-g', ':', '*nat', 'COMMIT', '--x=1', '-ptcp', '"', '\\');
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 12 }), { maxLength: 8 }), (lines) => {
        const d = parseIptablesDocument(lines.map((l) => l.join(' ')).join('\n'));
        lintIptablesDocument(d);
      }),
      { numRuns: 500 },
    );
  });

  it('parses a 1 MB line quickly, with a bounded number of problems', () => {
    const big = `-A INPUT ${'x '.repeat(500_000)}`;
    const t0 = performance.now();
    const l = parseIptablesLine(big, 0);
    assert.ok(performance.now() - t0 < 2000);
    assert.ok(l.problems.length <= 51);
    const quoted = `-A INPUT -m comment --comment "${'a'.repeat(1_000_000)}"`;
    const q = parseIptablesLine(quoted, 0);
    assert.equal(q.kind === 'rule' && q.rule.options.at(-1)?.values[0].value.length, 1_000_000);
  });

  it('survives binary garbage and invalid UTF-8', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    const d = parseIptablesDocument(bytes.toString('utf8') + bytes.toString('latin1'));
    assert.ok(d.lines.length > 0);
    lintIptablesDocument(d);
  });
});

import assert from 'node:assert/strict';
import { describeTcpFlags, tcpFlagWords, TCP_FLAG_COMBINATIONS, TCP_FLAG_MEANINGS } from '../../../packages/core/src/net/tcp-flags.js';

describe('net/tcp-flags', () => {
  it('names the probes', () => {
    assert.equal(describeTcpFlags(['SYN']).probe, 'syn');
    assert.equal(describeTcpFlags([]).probe, 'null');
    assert.equal(describeTcpFlags(['FIN']).probe, 'fin');
    assert.equal(describeTcpFlags(['URG', 'PSH', 'FIN']).probe, 'xmas');
    assert.equal(describeTcpFlags(['FIN', 'URG', 'PSH']).probe, 'xmas');
    assert.equal(describeTcpFlags(['ACK']).probe, 'ack');
    assert.equal(describeTcpFlags(['ACK', 'FIN']).probe, 'maimon');
  });

  it('says what ordinary traffic is, without calling it a probe', () => {
    const synAck = describeTcpFlags(['ACK', 'SYN']);
    assert.equal(synAck.probe, undefined);
    assert.equal(synAck.meaning.en, 'Answer to a connection attempt: the port is open (SYN+ACK)');
    assert.equal(describeTcpFlags(['ACK', 'RST']).probe, undefined);
    assert.match(describeTcpFlags(['ACK', 'RST']).meaning.en, /closed port/);
    assert.equal(describeTcpFlags(['RST']).meaning.en, 'Reset: connection aborted (RST)');
    assert.equal(describeTcpFlags(['RST']).probe, undefined);
    assert.equal(describeTcpFlags(['ACK', 'PSH']).probe, undefined);
    assert.equal(describeTcpFlags(['ACK', 'PSH', 'FIN']).probe, undefined);
    assert.equal(describeTcpFlags(['URG', 'ACK', 'PSH']).meaning.en, 'Urgent data of an established connection (URG+ACK)');
    assert.equal(describeTcpFlags(['URG', 'ACK', 'PSH']).probe, undefined);
  });

  it('speaks Japanese', () => {
    assert.equal(describeTcpFlags(['SYN']).meaning.ja, '接続要求 (SYN)');
    assert.equal(describeTcpFlags([]).meaning.ja, 'フラグなし: NULL スキャンの探査パケット');
  });

  it('marks impossible combinations invalid', () => {
    for (const set of [
      ['SYN', 'FIN'], ['SYN', 'RST'], ['RST', 'FIN'], ['SYN', 'ACK', 'FIN'], ['URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'],
      ['PSH'], ['URG'], ['FIN', 'PSH'], ['FIN', 'URG'], ['SYN', 'PSH'], ['ECE'], ['CWR', 'ECE'], ['AE'],
    ]) {
      assert.equal(describeTcpFlags(set).probe, 'invalid', set.join(' '));
    }
    assert.match(describeTcpFlags(['SYN', 'FIN']).meaning.en, /Impossible/);
  });

  it('reads ECN flags in a handshake as negotiation, not hostility', () => {
    const syn = describeTcpFlags(['CWR', 'ECE', 'SYN']);
    assert.equal(syn.probe, 'syn');
    assert.equal(syn.meaning.en, 'Connection attempt (SYN), offering ECN');
    assert.equal(syn.meaning.ja, '接続要求 (SYN)、ECN 対応を提示');
    // From Elastic's ubiquiti sample: "ECE ACK SYN".
    const answer = describeTcpFlags(['ECE', 'ACK', 'SYN']);
    assert.equal(answer.probe, undefined);
    assert.equal(answer.meaning.en, 'Answer to a connection attempt: the port is open (SYN+ACK), accepting ECN');
    assert.equal(describeTcpFlags(['ECE', 'ACK']).meaning.en.endsWith('with an ECN congestion signal'), true);
    assert.equal(describeTcpFlags(['ECE', 'ACK']).probe, 'ack');
  });

  it('ignores order, repetition and words that are not flags', () => {
    assert.deepEqual(describeTcpFlags(['SYN', 'SYN', 'DF']), describeTcpFlags(['SYN']));
    assert.equal(describeTcpFlags(['SYN']), describeTcpFlags(['SYN'])); // shared, precomputed
    assert.deepEqual(tcpFlagWords(['FIN', 'SYN', 'ACK', 'ECE', 'x', 'ACK']), ['ECE', 'ACK', 'SYN', 'FIN']);
  });

  it('has both languages everywhere', () => {
    for (const c of TCP_FLAG_COMBINATIONS) assert.ok(c.meaning.en && c.meaning.ja);
    for (const t of Object.values(TCP_FLAG_MEANINGS)) assert.ok(t.en && t.ja);
    assert.equal(Object.keys(TCP_FLAG_MEANINGS).length, 9);
  });
});

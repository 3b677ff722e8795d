// The TCP flag word ACK shares its key with the ACK= number the kernel prints before WINDOW (with --log-tcp-sequence).
// The flag must decode as a flag, never as an invalid number. Found by the Wazuh and Logstash conformance lines.
import assert from 'node:assert/strict';
import { decodeLine } from '../../../packages/core/src/nflog/decode.js';
import { toEcs } from '../../../packages/core/src/nflog/ecs.js';
import { decodeFields } from '../../../packages/core/src/nflog/fields.js';

describe('decodeFields: the TCP ACK flag beside the ACK= number', () => {
  it('reads a bare ACK as a valid flag', () => {
    const d = decodeLine('IN= OUT=lo SRC=192.168.2.11 DST=192.168.2.11 LEN=52 TOS=0x10 PREC=0x00 TTL=64 ID=49546 DF PROTO=TCP SPT=43068 DPT=22 WINDOW=8192 RES=0x00 ACK URGP=0')!;
    const acks = decodeFields(d).filter((f) => f.key === 'ACK');
    assert.equal(acks.length, 1);
    assert.equal(acks[0].invalid, undefined);
    assert.equal(acks[0].value, true);
    assert.equal(acks[0].spec?.type, 'flag');
    assert.deepEqual(d.tcpFlags, ['ACK']);
    assert.deepEqual(toEcs(d).portcullis.invalid, []);
  });

  it('keeps the ACK= number a number and the ACK flag a flag on the same line', () => {
    const d = decodeLine('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK=7 WINDOW=10 RES=0x00 ACK PSH URGP=0')!;
    const acks = decodeFields(d).filter((f) => f.key === 'ACK').map((f) => [f.value, f.spec?.type, f.invalid]);
    assert.deepEqual(acks, [
      [7, 'uint', undefined],
      [true, 'flag', undefined],
    ]);
    assert.equal((toEcs(d).iptables as { tcp: { ack: number } }).tcp.ack, 7);
  });

  it('still marks an empty ACK= invalid', () => {
    const d = decodeLine('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=2 SEQ=5 ACK= WINDOW=10 RES=0x00 SYN URGP=0')!;
    const ack = decodeFields(d).find((f) => f.key === 'ACK')!;
    assert.match(ack.invalid ?? '', /not a number/);
  });
});

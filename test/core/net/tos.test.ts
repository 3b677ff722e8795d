import assert from 'node:assert/strict';
import {
  DSCP_CODEPOINTS,
  ECN_MEANINGS,
  KERNEL_PREC_FIELD,
  KERNEL_TOS_FIELD,
  PRECEDENCE_NAMES,
  decodeKernelTos,
  decodeTrafficClass,
} from '../../../packages/core/src/net/tos.js';

describe('net/tos', () => {
  it('decodes a whole traffic class byte', () => {
    assert.deepEqual(decodeTrafficClass(0), {
      dscp: 0, dscpName: 'CS0', dscpMeaning: { en: 'Default forwarding (best effort)', ja: '標準 (ベストエフォート)' },
      precedence: 0, precedenceName: { en: 'Routine', ja: '通常 (Routine)' }, ecn: ['Not-ECT'],
    });
    assert.equal(decodeTrafficClass(0xb8)?.dscpName, 'EF'); // 46 << 2
    assert.deepEqual(decodeTrafficClass(0xb8)?.ecn, ['Not-ECT']);
    assert.deepEqual(decodeTrafficClass(0xb9)?.ecn, ['ECT(1)']);
    assert.deepEqual(decodeTrafficClass(0xba)?.ecn, ['ECT(0)']);
    assert.deepEqual(decodeTrafficClass(0xbb)?.ecn, ['CE']);
    assert.equal(decodeTrafficClass(0x04)?.dscpName, 'LE');
    assert.equal(decodeTrafficClass(0x88)?.dscpName, 'AF41');
    assert.equal(decodeTrafficClass(0xb0)?.dscpName, 'VOICE-ADMIT');
    assert.equal(decodeTrafficClass(0xc0)?.dscpName, 'CS6');
    assert.equal(decodeTrafficClass(0xc0)?.precedenceName.en, 'Internetwork Control');
    assert.equal(decodeTrafficClass(0xfc)?.dscp, 63);
    assert.equal(decodeTrafficClass(0xfc)?.dscpName, undefined);
    assert.equal(decodeTrafficClass(256), undefined);
    assert.equal(decodeTrafficClass(-1), undefined);
  });

  it('decodes the kernel TOS= and PREC= pair, with ECN left ambiguous', () => {
    // Elastic's ubiquiti sample: TOS=0x1C PREC=0xE0, the wire byte 0xFC (seen in its MAC= tail "45:fc").
    const u = decodeKernelTos(0x1c, 0xe0);
    assert.equal(u?.dscp, 63);
    assert.equal(u?.precedence, 7);
    assert.equal(u?.precedenceName.en, 'Network Control');
    assert.deepEqual(u?.ecn, ['Not-ECT', 'ECT(1)']);
    assert.equal(decodeKernelTos(0x00, 0x00)?.dscpName, 'CS0');
    assert.equal(decodeKernelTos(0x18, 0xa0)?.dscpName, 'EF');
    assert.deepEqual(decodeKernelTos(0x1a, 0xa0)?.ecn, ['ECT(0)', 'CE']);
    assert.equal(decodeKernelTos(0x08, 0x20)?.dscpName, 'AF11');
    assert.equal(decodeKernelTos(0x00, 0xc0)?.dscpName, 'CS6');
    assert.equal(decodeKernelTos(0x00, 0x40)?.precedenceName.en, 'Immediate');
    assert.equal(decodeKernelTos(0x01, 0x00), undefined);
    assert.equal(decodeKernelTos(0x20, 0x00), undefined);
    assert.equal(decodeKernelTos(0x00, 0x10), undefined);
  });

  it('names the eight precedences by their PREC= value', () => {
    const names = [0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0].map((p) => decodeKernelTos(0, p)?.precedenceName.en);
    assert.deepEqual(names, ['Routine', 'Priority', 'Immediate', 'Flash', 'Flash Override', 'Critical', 'Internetwork Control', 'Network Control']);
    assert.equal(PRECEDENCE_NAMES.length, 8);
  });

  it('has the standard code points, both languages, and explains the kernel fields', () => {
    assert.deepEqual(DSCP_CODEPOINTS.map((c) => c.name), [
      'CS0', 'LE', 'CS1', 'AF11', 'AF12', 'AF13', 'CS2', 'AF21', 'AF22', 'AF23', 'CS3', 'AF31', 'AF32', 'AF33',
      'CS4', 'AF41', 'AF42', 'AF43', 'CS5', 'VOICE-ADMIT', 'EF', 'CS6', 'CS7',
    ]);
    for (const c of DSCP_CODEPOINTS) assert.ok(c.meaning.en && c.meaning.ja);
    for (const t of Object.values(ECN_MEANINGS)) assert.ok(t.en && t.ja);
    assert.match(KERNEL_TOS_FIELD.en, /0x1E/);
    assert.match(KERNEL_PREC_FIELD.en, /0xE0/);
  });
});

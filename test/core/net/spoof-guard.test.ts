import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyAddress } from '../../../packages/core/src/net/address-class.js';
import { spoofGuard } from '../../../packages/core/src/net/spoof-guard.js';
import { Allowlist } from '../../../packages/core/src/policy/allowlist.js';

const guard = spoofGuard();
const drop = new Allowlist(guard.drop.map((cidr) => ({ cidr, why: 'drop' })));
const exempt = new Allowlist(guard.exempt.map((cidr) => ({ cidr, why: 'exempt' })));
const dropped = (a: string): boolean => drop.allows(a) && !exempt.allows(a);

describe('core spoof guard ranges', () => {
  it('drops private, documentation and reserved sources, never public ones, link-local or the unspecified address', () => {
    for (const a of ['10.1.2.3', '192.168.1.1', '100.64.0.1', '198.51.100.7', '127.0.0.1', '240.0.0.1', 'fc00::1', '2001:db8::1', 'ff02::1']) {
      assert.equal(dropped(a), true, a);
    }
    for (const a of ['8.8.8.8', '89.248.165.52', '2a01:4f8::1', '2001::1', '2001:1::1', '192.88.99.1', 'fe80::1', '169.254.1.1', '0.0.0.0', '::']) {
      assert.equal(dropped(a), false, a);
    }
  });

  it('agrees with the address classes: dropped exactly when special-purpose and not link-local/unspecified (property)', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const v4 = fc.tuple(octet, octet, octet, octet).map((p) => p.join('.'));
    const v6 = fc
      .tuple(fc.constantFrom(0, 0x64, 0x2001, 0x2002, 0x2a01, 0xfc00, 0xfe80, 0xff02, 0x3fff), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }))
      .map(([h, g]) => [h, ...g].map((x) => x.toString(16)).join(':'));
    fc.assert(
      fc.property(fc.oneof(v4, v6), (a) => {
        const info = classifyAddress(a)!;
        const linkOrUnspecified = info.class === 'link-local' || info.class === 'unspecified';
        assert.equal(dropped(a), info.bogon && !linkOrUnspecified, `${a} (${info.class}, bogon ${info.bogon})`);
      }),
      { numRuns: 2000 },
    );
  });
});

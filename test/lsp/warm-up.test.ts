import assert from 'node:assert/strict';
import { readPlainLineEvent, registryRow } from '../../packages/core/src/index.js';
import { warmUpLog } from '../../packages/lsp/src/warm-up.js';

describe('lsp warm-up sample', () => {
  const lines = warmUpLog().split('\n');

  it('is all firewall lines of the plain shape, so the warm-up compiles the path real logs take', () => {
    assert.equal(lines.length, 4000);
    const now = Date.UTC(2026, 5, 1);
    for (const line of lines) {
      const e = readPlainLineEvent(line, { now });
      assert.ok(e, line);
      assert.ok(e.event.src, line);
    }
  });

  it('uses documentation and special-purpose addresses only', () => {
    const now = Date.UTC(2026, 5, 1);
    for (const line of lines) {
      const { src, dst } = readPlainLineEvent(line, { now })!.event;
      for (const a of [src, dst]) assert.notEqual(registryRow(a!), null, `${a} is a public address`);
    }
  });

  it('is the same text every time (nothing random between runs)', () => {
    assert.equal(warmUpLog(), lines.join('\n'));
  });
});

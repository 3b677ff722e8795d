import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, parseState, serializeState, StateError, StateStore } from '../../../packages/agent/src/state/store.js';
import { Detector } from '../../../packages/core/src/detect/pipeline.js';

/** The long-horizon scan counts in state.json: saved, loaded, and refused with the field named when damaged. */
describe('state: the long-horizon scan counts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-detect-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a detector snapshot survives a save and a load', async () => {
    const d = new Detector();
    for (let i = 0; i < 5; i++) d.push({ time: i * 600_000, src: '203.0.114.9', dst: '198.51.101.1', proto: 'TCP', dpt: 100 + i, tcpFlags: ['SYN'] });
    const state = emptyState();
    state.detect = d.snapshot();
    const store = new StateStore(dir, { warn: () => undefined });
    await store.save(state);
    const back = await new StateStore(dir, { warn: () => undefined }).load();
    assert.deepEqual(back.detect, state.detect);
    assert.equal(back.detect?.sources[0]?.[0], '203.0.114.9');
    assert.equal(back.detect?.sources[0]?.[3].length, 5);
  });

  it('a file without the field (written before it existed) loads with none', () => {
    const text = serializeState(emptyState(), 0);
    assert.ok(!text.includes('"detect"'));
    assert.equal(parseState(text, 'state.json').detect, undefined);
  });

  it('a damaged field is refused naming the file, the field and the problem', () => {
    const raw = JSON.parse(serializeState(emptyState(), 0)) as Record<string, unknown>;
    raw.detect = { version: 1, sources: [['203.0.114.9', 10, 5, [], [], 0]] };
    assert.throws(() => parseState(JSON.stringify(raw), '/var/lib/portcullis/state.json'), (err: Error) => {
      assert.ok(err instanceof StateError);
      assert.match(err.message, /^\/var\/lib\/portcullis\/state\.json: "detect" sources\[0\] has no valid first\/last times$/);
      return true;
    });
  });

  it('the store falls back to the previous good copy when the field is damaged', async () => {
    const store = new StateStore(dir, { warn: () => undefined });
    const good = emptyState();
    good.detect = { version: 1, sources: [['203.0.114.9', 1, 2, [[22, 1]], [], 0]] };
    await store.save(good);
    await store.save(good);
    writeFileSync(join(dir, 'state.json'), serializeState(emptyState(), 0).replace('}\n', ',"detect":{"version":1,"sources":"x"}}\n'));
    const warnings: string[] = [];
    const back = await new StateStore(dir, { warn: (m) => warnings.push(m) }).load();
    assert.deepEqual(back.detect, good.detect);
    assert.match(warnings[0] ?? '', /"detect" "sources" is not a list/);
  });
});

/**
 * This node's name: the one function both the fleet link (what is published) and `portcullis status` use.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { fleetStatus } from '../../../packages/agent/src/cli/fleet-status.js';
import { FleetLink } from '../../../packages/agent/src/share/fleet.js';
import { nodeName, type ShareSettings } from '../../../packages/agent/src/share/settings.js';

describe('fleet: the node name', () => {
  const share: ShareSettings = { redis: 'redis://127.0.0.1:1', prefix: 'p', publish: true, subscribe: true, trust: ['*'], timeoutMs: 100, streamMax: 10 };

  it('a host name is cleaned to what the stream carries; share.node wins', () => {
    assert.equal(nodeName({}, 'web 1.example.com'), 'web-1.example.com');
    assert.equal(nodeName({}, 'ä'.repeat(70)), '-'.repeat(64));
    assert.equal(nodeName({}, ''), 'node');
    assert.equal(nodeName({ node: 'edge-2' }, 'web 1'), 'edge-2');
  });

  it('status shows the name that is published', () => {
    const link = new FleetLink(share, { env: {}, maxBanMs: 86_400_000 });
    assert.equal(fleetStatus(share, undefined)?.node, link.report.node);
    assert.equal(link.report.node, nodeName({}, hostname()));
    assert.equal(fleetStatus({ ...share, node: 'edge-2' }, undefined)?.node, 'edge-2');
  });
});

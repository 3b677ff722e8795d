import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../../../packages/agent/src/backends/runner.js';
import { checkConfigText } from '../../../packages/agent/src/config/check.js';
import { ConfigError } from '../../../packages/agent/src/config/load.js';
import { readSystemFacts, type SystemFacts } from '../../../packages/agent/src/config/system.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

/**
 * A runner that answers with the output `ip` really printed in a namespace built like the one in
 * system.test.ts: wan0 198.51.100.10/24 + 2001:db8:1::10/64, wan1 192.0.2.10/24, multipath IPv4 default over both,
 * IPv6 default via fe80::1 on wan0, lan0 192.168.50.1/24 and a point-to-point 203.0.113.1 peer 203.0.113.2,
 * ppp9 down without addresses.
 */
export function capturedRunner(): Runner {
  return async (command, args) => {
    assert.equal(command, 'ip');
    const key = args.join(' ');
    if (key === '-4 -j route show default') return { stdout: fixture('netns-route4.json'), stderr: '' };
    if (key === '-6 -j route show default') return { stdout: fixture('netns-route6.json'), stderr: '' };
    if (key === '-j addr show') return { stdout: fixture('netns-addr.json'), stderr: '' };
    throw new Error(`unexpected ip ${key}`);
  };
}

export const labFacts = (): Promise<SystemFacts> => readSystemFacts(capturedRunner());

/** The config's error lines for `text` (as file c.yaml); [] when it is valid. */
export function configProblems(text: string): string[] {
  try {
    checkConfigText(text, 'c.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message.split('\n');
  }
  return [];
}

/** The `lists` and `abuseipdb` config sections: read, defaulted, and bad values named by file:line:column. */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { checkConfigText } from '../../../packages/agent/src/config/load.js';
import { configProblems } from '../config/helpers.js';
import { inlineKey } from '../../../packages/agent/src/abuseipdb/settings.js';

const problems = configProblems;

describe('config: lists and abuseipdb sections', () => {
  it('off by default: no list, no lookups, no reports', () => {
    const s = checkConfigText('', 'c.yaml');
    assert.deepEqual(s.lists, []);
    assert.equal(s.abuseipdb.check || s.abuseipdb.report, false);
    assert.equal(s.abuseipdb.cacheMs, 86_400_000);
  });

  it('reads lists of each source kind with refresh and expiry', () => {
    const s = checkConfigText(
      ['lists:', '  - {name: drop, url: "https://www.spamhaus.org/drop/drop.txt", refresh: 12h}', '  - {name: mine, file: /etc/portcullis/bl.txt, refresh: 10s, expire: 1m}', '  - {name: aipdb, abuseipdb: {confidence_minimum: 90}}'].join('\n'),
      'c.yaml',
    );
    assert.deepEqual(
      s.lists.map((l) => [l.name, l.source.type, l.refreshMs, l.expireMs]),
      [['drop', 'url', 43_200_000, 64_800_000], ['mine', 'file', 10_000, 60_000], ['aipdb', 'abuseipdb', 86_400_000, 129_600_000]],
    );
    assert.deepEqual(s.lists[2]!.source, { type: 'abuseipdb', confidenceMinimum: 90, limit: 10_000 });
  });

  it('names each problem by place: two sources, a duplicate name, a bad name, a too-frequent refresh, firewalld', () => {
    assert.deepEqual(
      problems(['backend: {type: firewalld}', 'lists:', '  - {name: a, url: "http://x/l", file: /l}', '  - {name: a, file: /l}', '  - {name: Bad-Name, file: /l}', '  - {name: b, url: "http://x/l", refresh: 5s}', '  - {name: c, url: "ftp://x/l"}'].join('\n')),
      [
        'c.yaml:3:3: lists: blocklists need backend ipset or nftables (the firewalld backend cannot hold them); remove lists or change backend.type',
        "c.yaml:3:5: lists[0]: list 'a' needs exactly one of url, file or abuseipdb (has url and file)",
        "c.yaml:4:12: lists[1].name: 'a' is already the name of another list",
        "c.yaml:5:12: lists[2].name: 'Bad-Name' cannot be a list name (a lower-case letter first, then lower-case letters, digits or _; at most 20 characters)",
        'c.yaml:6:43: lists[3].refresh: a list server should not be asked more than once a minute (at least 1m)',
        "c.yaml:7:20: lists[4].url: 'ftp://x/l' is not an http:// or https:// URL",
      ],
    );
    assert.deepEqual(problems('abuseipdb: {key_file: relative/key, base_url: "ftp://x"}'), [
      "c.yaml:1:23: abuseipdb.key_file: 'relative/key' is not an absolute path (cron and systemd start in /, so a relative one would be a surprise)",
    ]);
    assert.deepEqual(problems('abuseipdb: {base_url: "ftp://x"}'), ["c.yaml:1:23: abuseipdb.base_url: 'ftp://x' is not an http:// or https:// URL"]);
  });

  it('an inline key is kept but never shows in JSON or inspect output of the settings', () => {
    const key = 'f00dfeedf00dfeedf00dfeedf00dfeed-inline-SECRET';
    const s = checkConfigText(`abuseipdb: {key: ${key}, check: true}`, 'c.yaml');
    assert.equal(inlineKey(s.abuseipdb), key);
    assert.ok(!JSON.stringify(s).includes(key));
    assert.ok(!inspect(s, { depth: 10 }).includes(key));
  });
});

/**
 * The `lists` config section: named blocklists, each from a URL, a file, or AbuseIPDB's blacklist endpoint, each
 * with its refresh interval. Its schema node and reading live here; schema.ts and load.ts only hook them in.
 *
 * ```yaml
 * lists:
 *   - name: spamhaus_drop
 *     url: https://www.spamhaus.org/drop/drop.txt
 *     refresh: 12h
 *   - name: local
 *     file: /etc/portcullis/blocklist.txt
 *     refresh: 5m
 *   - name: abuseipdb
 *     abuseipdb: { confidence_minimum: 90, limit: 10000 }
 *     refresh: 24h
 * ```
 */
import type { SchemaNode } from '../config/schema.js';

const DURATION = '^([0-9]+|([0-9]+(\\.[0-9]+)?[smhdw])+)$';

export const LIST_DEFAULT_REFRESH = '24h';
/** Shortest refresh: a list server asked more often than this would rightly block us. */
const MIN_REFRESH_MS = 60_000;

export const LISTS_SCHEMA: SchemaNode = {
  type: 'array',
  description:
    'Blocklists to import (Spamhaus DROP, FireHOL netsets, AbuseIPDB’s blacklist, a file): each loaded into its own set, refreshed when due, its entries expiring a little after the next refresh. The allow list and the host’s LAN networks are cut out. Needs backend ipset or nftables.',
  items: {
    type: 'object',
    description: 'One list: name, exactly one of url, file or abuseipdb, and refresh.',
    additionalProperties: false,
    properties: {
      // name and url are checked by readLists, which can say what is wrong in words
      name: { type: 'string', description: 'Lower-case letters, digits and _, a letter first, at most 20 characters (it names the kernel sets).' },
      url: { type: 'string', description: 'An http(s) URL of the list.' },
      file: { type: 'string', description: 'An absolute path of the list.', pattern: '^/' },
      abuseipdb: {
        type: 'object',
        description: 'AbuseIPDB’s blacklist endpoint (uses the abuseipdb section’s key and base_url).',
        additionalProperties: false,
        properties: {
          confidence_minimum: { type: 'integer', description: 'Lowest confidence score listed (25-100).', minimum: 25, maximum: 100 },
          limit: { type: 'integer', description: 'Most addresses fetched.', minimum: 1, maximum: 500_000 },
        },
      },
      refresh: { type: ['integer', 'string'], minimum: 1, pattern: DURATION, description: 'How often the list is fetched again (default 24h).' },
      expire: { type: ['integer', 'string'], minimum: 1, pattern: DURATION, description: 'How long entries live without a successful refresh (default 1.5 × refresh).' },
    },
  },
  default: [],
};

export type ListSource = { readonly type: 'url'; readonly url: string } | { readonly type: 'file'; readonly path: string } | { readonly type: 'abuseipdb'; readonly confidenceMinimum: number; readonly limit: number };

export interface ListSettings {
  readonly name: string;
  readonly source: ListSource;
  readonly refreshMs: number;
  readonly expireMs: number;
}

export interface RawList {
  name?: string;
  url?: string;
  file?: string;
  abuseipdb?: { confidence_minimum?: number; limit?: number };
  refresh?: number | string;
  expire?: number | string;
}

type Seg = string | number;

export function readLists(
  raw: RawList[] | undefined,
  duration: (path: readonly Seg[], given: number | string | undefined, fallback: string) => number,
  issue: (path: readonly Seg[], message: string) => void,
): ListSettings[] {
  const out: ListSettings[] = [];
  const seen = new Set<string>();
  (raw ?? []).forEach((r, i) => {
    const at = (...p: Seg[]): Seg[] => ['lists', i, ...p];
    if (!r.name) return issue(at(), 'a list needs a name');
    if (!/^[a-z][a-z0-9_]{0,19}$/.test(r.name)) {
      return issue(at('name'), `'${r.name}' cannot be a list name (a lower-case letter first, then lower-case letters, digits or _; at most 20 characters)`);
    }
    if (seen.has(r.name)) return issue(at('name'), `'${r.name}' is already the name of another list`);
    seen.add(r.name);
    const given = [r.url !== undefined && 'url', r.file !== undefined && 'file', r.abuseipdb !== undefined && 'abuseipdb'].filter(Boolean);
    if (given.length !== 1) return issue(at(), `list '${r.name}' needs exactly one of url, file or abuseipdb${given.length ? ` (has ${given.join(' and ')})` : ''}`);
    const source: ListSource =
      r.url !== undefined
        ? { type: 'url', url: r.url }
        : r.file !== undefined
          ? { type: 'file', path: r.file }
          : { type: 'abuseipdb', confidenceMinimum: r.abuseipdb?.confidence_minimum ?? 100, limit: r.abuseipdb?.limit ?? 10_000 };
    if (source.type === 'url' && !isHttpUrl(source.url)) return issue(at('url'), `'${source.url}' is not an http:// or https:// URL`);
    const refreshMs = duration(at('refresh'), r.refresh, LIST_DEFAULT_REFRESH);
    if (refreshMs > 0 && refreshMs < MIN_REFRESH_MS && source.type !== 'file') issue(at('refresh'), 'a list server should not be asked more than once a minute (at least 1m)');
    const expireMs = r.expire !== undefined ? duration(at('expire'), r.expire, LIST_DEFAULT_REFRESH) : Math.round(refreshMs * 1.5);
    if (r.expire !== undefined && expireMs < refreshMs) issue(at('expire'), 'shorter than refresh: the list would lapse before each refresh');
    out.push({ name: r.name, source, refreshMs, expireMs });
  });
  return out;
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

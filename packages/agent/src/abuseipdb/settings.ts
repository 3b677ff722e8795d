/**
 * The `abuseipdb` config section: its schema node, its defaults and its reading, kept here so the shared config
 * files (schema.ts, load.ts) only hook it in. Off by default: nothing is asked of AbuseIPDB unless `check` or
 * `report` is switched on (and `portcullis check` works whenever a key can be found).
 *
 * The key is never part of the settings object that the rest of the agent passes around and may print: only where
 * to find it (the `key` text itself is kept in a non-enumerable property, so JSON.stringify and util.inspect of the
 * settings do not show it).
 */
import type { SchemaNode } from '../config/schema.js';
import { isHttpUrl } from '../lists/settings.js';
import { DEFAULT_BASE_URL } from './client.js';

export const ABUSEIPDB_DEFAULTS = {
  key: '',
  key_file: '',
  key_env: 'ABUSEIPDB_KEY',
  base_url: DEFAULT_BASE_URL,
  check: false,
  report: false,
  cache: '24h',
  max_age_days: 90,
  score_threshold: 75,
  ban_factor: 4,
  lookups_per_run: 20,
  timeout: '5s',
  report_lines: 3,
};

const DURATION = '^([0-9]+|([0-9]+(\\.[0-9]+)?[smhdw])+)$';
const D = ABUSEIPDB_DEFAULTS;

export const ABUSEIPDB_SCHEMA: SchemaNode = {
  type: 'object',
  description:
    'AbuseIPDB (API v2): look up sources before they are blocked, report confirmed scanners. Off unless check or report is true; the key is looked for in key, then key_file, then the environment variable key_env, and is never printed.',
  additionalProperties: false,
  properties: {
    key: { type: 'string', description: 'The API key itself (prefer key_file: a config file is often world-readable). Empty: not set.', default: D.key },
    // the patterns are schema.ts's optionalPath and envName, written out: that module imports this one
    key_file: { type: 'string', description: 'A file holding the API key (first line; mode 0600). An absolute path; empty: not set.', pattern: '^(/.*)?$', default: D.key_file },
    key_env: { type: 'string', description: 'The name of an environment variable holding the API key.', pattern: '^([A-Za-z_][A-Za-z0-9_]*)?$', default: D.key_env },
    base_url: { type: 'string', description: 'The API base URL (a local test server, a proxy).', default: D.base_url },
    check: { type: 'boolean', description: 'run looks up the sources it is about to block (within lookups_per_run); a score at or above score_threshold makes the ban ban_factor times longer.', default: D.check },
    report: { type: 'boolean', description: 'run reports confirmed scanners with public addresses (category 14, Port Scan) with a few redacted log lines; spoofed sources never.', default: D.report },
    cache: { type: ['integer', 'string'], minimum: 1, pattern: DURATION, description: 'How long a lookup is kept in the state and reused.', default: D.cache },
    max_age_days: { type: 'integer', minimum: 1, maximum: 365, description: 'Reports older than this many days do not count (the maxAgeInDays of a check).', default: D.max_age_days },
    score_threshold: { type: 'integer', minimum: 0, maximum: 100, description: 'A confidence score at or above this lengthens the ban.', default: D.score_threshold },
    ban_factor: { type: 'number', minimum: 1, maximum: 100, description: 'How many times longer the ban of a high-score source lasts (still at most ban.max).', default: D.ban_factor },
    lookups_per_run: { type: 'integer', minimum: 0, maximum: 1000, description: 'Lookups a run may make (cached answers are free); the rest wait for the next run.', default: D.lookups_per_run },
    timeout: { type: ['integer', 'string'], minimum: 1, pattern: DURATION, description: 'Longest wait for one answer; a slow AbuseIPDB is skipped, never waited for.', default: D.timeout },
    report_lines: { type: 'integer', minimum: 0, maximum: 10, description: 'Log lines quoted in a report (the host’s addresses, names and MACs replaced).', default: D.report_lines },
  },
};

export interface AbuseIpdbSettings {
  readonly keyFile?: string;
  readonly keyEnv: string;
  readonly baseUrl: string;
  readonly check: boolean;
  readonly report: boolean;
  readonly cacheMs: number;
  readonly maxAgeDays: number;
  readonly scoreThreshold: number;
  readonly banFactor: number;
  readonly lookupsPerRun: number;
  readonly timeoutMs: number;
  readonly reportLines: number;
}

/** The key written in the config, if any: kept off the enumerable fields (see the module comment). */
export function inlineKey(s: AbuseIpdbSettings): string | undefined {
  return (s as unknown as { [KEY]?: string })[KEY];
}

const KEY = Symbol('abuseipdb key');

export interface RawAbuseIpdb {
  key?: string;
  key_file?: string;
  key_env?: string;
  base_url?: string;
  check?: boolean;
  report?: boolean;
  cache?: number | string;
  max_age_days?: number;
  score_threshold?: number;
  ban_factor?: number;
  lookups_per_run?: number;
  timeout?: number | string;
  report_lines?: number;
}

type Seg = string | number;

/** From the validated YAML to settings; `duration` and `issue` are the loader's (they know the file's positions). */
export function readAbuseIpdb(
  raw: RawAbuseIpdb | undefined,
  duration: (path: readonly Seg[], given: number | string | undefined, fallback: string) => number,
  issue: (path: readonly Seg[], message: string) => void,
): AbuseIpdbSettings {
  const r = raw ?? {};
  const baseUrl = r.base_url ?? D.base_url;
  if (!isHttpUrl(baseUrl)) issue(['abuseipdb', 'base_url'], `'${baseUrl}' is not an http:// or https:// URL`);
  const settings: AbuseIpdbSettings = {
    ...(r.key_file ? { keyFile: r.key_file } : {}),
    keyEnv: r.key_env ?? D.key_env,
    baseUrl,
    check: r.check ?? D.check,
    report: r.report ?? D.report,
    cacheMs: duration(['abuseipdb', 'cache'], r.cache, D.cache),
    maxAgeDays: r.max_age_days ?? D.max_age_days,
    scoreThreshold: r.score_threshold ?? D.score_threshold,
    banFactor: r.ban_factor ?? D.ban_factor,
    lookupsPerRun: r.lookups_per_run ?? D.lookups_per_run,
    timeoutMs: duration(['abuseipdb', 'timeout'], r.timeout, D.timeout),
    reportLines: r.report_lines ?? D.report_lines,
  };
  if (r.key) Object.defineProperty(settings, KEY, { value: r.key, enumerable: false });
  return settings;
}

import { MAX_DOCUMENT_CHARS } from './limits.js';
import { chooseLang, NOISE_REASONS, parseDuration, type DetectConfig, type Lang, type NoiseReason } from '@portcullis/core';

/**
 * The `portcullis` settings section. The detection keys are the agent's config keys (`detect.scan.ports`,
 * `detect.scan.window: 60s`, `wan: [eth0]`), so a user copies them between config.yaml and the editor unchanged.
 */
export interface ServerSettings {
  /** 'en' | 'ja', or undefined to follow the client's locale. */
  readonly language?: Lang;
  readonly wan?: readonly string[];
  readonly detect: DetectConfig;
  readonly spoofEnabled: boolean;
  /** Whole-document features (diagnostics, outline) stop past this many characters; hover always works. */
  readonly maxDocumentChars: number;
  /** A country .mmdb to use instead of the shipped DB-IP Lite one; undefined: the shipped one. */
  readonly geoDatabase?: string;
  /** AbuseIPDB lookups in hovers (the agent's `abuseipdb.key` and `abuseipdb.base_url`); no key, no lookups. */
  readonly abuseipdb: { readonly key?: string; readonly baseUrl?: string };
}

export const DEFAULT_SETTINGS: ServerSettings = Object.freeze({ detect: {}, spoofEnabled: true, maxDocumentChars: MAX_DOCUMENT_CHARS, abuseipdb: {} });

/** The agent's duration syntax (core's parseDuration); zero is no duration for a setting. */
function duration(value: unknown): number | undefined {
  return parseDuration(value) || undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function count(v: unknown, min: number): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 4096 ? v : undefined;
}

function strings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Reads the section as the client sends it. Bad values are dropped (the default applies) rather than refused:
 * an editor setting with a typo must not stop the server, and core would throw on nonsense thresholds.
 */
export function readSettings(section: unknown): ServerSettings {
  const s = obj(section);
  const detect = obj(s.detect);
  const scan = obj(detect.scan);
  const spoof = obj(detect.spoof);
  const noise = obj(detect.noise);
  const large = obj(s.largeFiles);
  const abuse = obj(s.abuseipdb);
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const mb = typeof large.maxMegabytes === 'number' && large.maxMegabytes >= 1 && large.maxMegabytes <= 2048 ? large.maxMegabytes : undefined;
  const language = s.language === 'en' || s.language === 'ja' ? s.language : undefined;
  const reasons = strings(noise.reasons)?.filter((r): r is NoiseReason => (NOISE_REASONS as readonly string[]).includes(r));
  return {
    ...(language ? { language } : {}),
    ...(strings(s.wan) ? { wan: strings(s.wan) } : {}),
    ...(typeof obj(s.geo).database === 'string' && obj(s.geo).database !== '' ? { geoDatabase: obj(s.geo).database as string } : {}),
    spoofEnabled: spoof.enabled !== false,
    abuseipdb: defined({ key: text(abuse.key), baseUrl: text(abuse.base_url) }),
    maxDocumentChars: mb !== undefined ? Math.round(mb * 1024 * 1024) : MAX_DOCUMENT_CHARS,
    detect: {
      scan: defined({
        ports: count(scan.ports, 1),
        hosts: count(scan.hosts, 1),
        windowMs: duration(scan.window),
        stealth: count(scan.stealth, 0),
        slowPorts: count(scan.slow_ports, 0),
        slowWindowMs: duration(scan.slow_window),
        lateReplies: typeof scan.late_replies === 'boolean' ? scan.late_replies : undefined,
      }),
      spoof: defined({ idleMs: duration(spoof.idle) }),
      noise: defined({
        reasons,
        broadcast: strings(noise.broadcast),
        guessBroadcast: typeof noise.guess_broadcast === 'boolean' ? noise.guess_broadcast : undefined,
      }),
    },
  };
}

/** initializationOptions may carry the section itself or `{ portcullis: {...} }`. */
export function sectionOf(options: unknown): unknown {
  const o = obj(options);
  return 'portcullis' in o ? o.portcullis : o;
}

/** The setting wins; otherwise the client's locale (`ja`, `ja-JP`); otherwise English. */
export function resolveLang(settings: ServerSettings, locale: string | undefined): Lang {
  return chooseLang(settings.language, locale);
}

/** The detector's configuration: the settings' thresholds and the WAN interfaces. */
export function detectConfig(settings: ServerSettings): DetectConfig {
  return { ...settings.detect, spoof: { ...settings.detect.spoof, ...(settings.wan ? { wan: settings.wan } : {}) } };
}

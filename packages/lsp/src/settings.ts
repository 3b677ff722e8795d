import { NOISE_REASONS, type DetectConfig, type Lang, type NoiseReason } from '@portcullis/core';

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
}

export const DEFAULT_SETTINGS: ServerSettings = Object.freeze({ detect: {}, spoofEnabled: true });

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * The agent's duration syntax (`90`, `90s`, `1h30m`) in milliseconds. The agent's parser lives in the agent
 * package, which the server does not depend on; this is the same grammar, kept small.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000 || undefined;
  if (!/^([0-9]+(\.[0-9]+)?[smhdw])+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_S[m[2]] * 1000;
  return Math.round(ms / 1000) * 1000 || undefined;
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
  const language = s.language === 'en' || s.language === 'ja' ? s.language : undefined;
  const reasons = strings(noise.reasons)?.filter((r): r is NoiseReason => (NOISE_REASONS as readonly string[]).includes(r));
  return {
    ...(language ? { language } : {}),
    ...(strings(s.wan) ? { wan: strings(s.wan) } : {}),
    spoofEnabled: spoof.enabled !== false,
    detect: {
      scan: defined({
        ports: count(scan.ports, 1),
        hosts: count(scan.hosts, 1),
        windowMs: parseDuration(scan.window),
        stealth: count(scan.stealth, 0),
        slowPorts: count(scan.slow_ports, 0),
        slowWindowMs: parseDuration(scan.slow_window),
        lateReplies: typeof scan.late_replies === 'boolean' ? scan.late_replies : undefined,
      }),
      spoof: defined({ idleMs: parseDuration(spoof.idle) }),
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
  if (settings.language) return settings.language;
  return locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** The detector's configuration: the settings' thresholds and the WAN interfaces. */
export function detectConfig(settings: ServerSettings): DetectConfig {
  return { ...settings.detect, spoof: { ...settings.detect.spoof, ...(settings.wan ? { wan: settings.wan } : {}) } };
}

/**
 * The checked settings of a config file, kept between runs so that a cron run whose config has not changed loads
 * neither the yaml package nor the schema's validator (check.ts: some 440 kB of code, about 45 ms of an idle run's
 * start on two cores, plus the parse).
 *
 * An entry answers only for the exact input that made it: it holds the CLI's build (version and a hash of the
 * bundle), the config path as given (messages and `file` name it) and the file's whole text, which the loader reads
 * anyway, and all three must equal this run's, so an edit within one mtime tick or a file swapped for another of the
 * same size is still a miss. What it holds is believed only if the entry is ours (owned by this user, writable by no
 * one else, not a symlink), parses, and its payload matches its checksum; anything else is a miss, never an error:
 * the config is then checked as if there were no cache, and the entry rewritten. Comparing the text itself instead
 * of a digest of it spares a hit the hashing of the whole file; the checksum is only against damage,
 * since a forged entry would need our user's rights, with which the config itself could be changed.
 *
 * It is used only where a directory was given (`PORTCULLIS_CACHE_DIR`, or systemd's `CACHE_DIRECTORY` from the
 * unit's `CacheDirectory=portcullis`) and only by the bundled CLI (the build identity is set by build.mjs): the
 * state directory cannot hold it, since where that is comes from the config itself.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { FileSettings } from './settings.js';

export interface SettingsCache {
  /** Where entries live; made (mode 0700) on first write. */
  readonly dir: string;
  /** The CLI build that made and may read the entries. */
  readonly build: string;
}

declare const __PORTCULLIS_BUILD__: string | undefined;

/**
 * The bundle's identity, `version+sha256` (build.mjs puts it in); undefined outside the bundle (tests, tsc's output),
 * where no code hash vouches for what an entry was made by, so there is no cache.
 */
export const BUILD_ID: string | undefined = typeof __PORTCULLIS_BUILD__ === 'string' ? __PORTCULLIS_BUILD__ : undefined;

/** Raised when an entry's layout changes, so entries of an older layout are misses even within one build's tests. */
const FORMAT = 1;
/** A config's settings are a few kB; anything far larger is not one of our entries. */
const MAX_BYTES = 1 << 20;

/** The cache the environment asks for, or none; `build` defaults to the bundle's own identity. */
export function settingsCacheFrom(env: Readonly<Record<string, string | undefined>>, build = BUILD_ID): SettingsCache | undefined {
  // systemd passes every CacheDirectory= of the unit, colon-separated; the first is the unit's own
  const dir = env.PORTCULLIS_CACHE_DIR || env.CACHE_DIRECTORY?.split(':')[0];
  if (build === undefined || !dir || !isAbsolute(dir)) return undefined;
  return { dir, build };
}

/** FNV-1a over the UTF-16 code units, as 8 hex digits: a checksum and a file name, not a defence (see above). */
function fnv1a(text: string, seed = 0x811c9dc5): string {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** One entry per config path: a changed file overwrites its entry instead of leaving old ones behind. */
function entryPath(cache: SettingsCache, file: string): string {
  return join(cache.dir, `portcullis-config-${fnv1a(file)}${fnv1a(file, 0x2f1f3a5b)}.json`);
}

interface Entry {
  readonly format: number;
  readonly build: string;
  readonly file: string;
  readonly text: string;
  /** `checkConfigText`'s answer as JSON, and its checksum. */
  readonly settings: string;
  readonly sum: string;
}

/** The settings `checkConfigText(text, file)` returned when this build last checked this exact text, or undefined. */
export function cachedSettings(cache: SettingsCache, file: string, text: string): FileSettings | undefined {
  let raw: string;
  try {
    const fd = openSync(entryPath(cache, file), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = fstatSync(fd);
      // someone else's file (or one others may write) says nothing about what we checked
      if (!st.isFile() || st.size > MAX_BYTES || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) return undefined;
      // entries are only ever replaced by rename, so this one does not change while it is read
      raw = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const entry = JSON.parse(raw) as Partial<Entry> | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.settings !== 'string') return undefined;
    if (entry.format !== FORMAT || entry.build !== cache.build || entry.file !== file || entry.text !== text) return undefined;
    if (entry.sum !== fnv1a(entry.settings)) return undefined;
    const settings = JSON.parse(entry.settings) as unknown;
    return settings !== null && typeof settings === 'object' && !Array.isArray(settings) ? (settings as FileSettings) : undefined;
  } catch {
    return undefined; // missing, unreadable, torn or not JSON: a miss
  }
}

/**
 * Keeps what `checkConfigText(text, file)` returned, for the next run. Best effort: a cache that cannot be written
 * costs the next run its parse, nothing else, so every failure is swallowed. Written to a fresh file and renamed
 * over the entry, so a reader sees the old entry or the new one; not fsynced, since a torn entry after a crash fails
 * its checks and is only a miss. Mode 0600 in a 0700 directory: an entry holds what the config holds (a Redis
 * password written into share.redis, say).
 */
export function saveSettings(cache: SettingsCache, file: string, text: string, settings: FileSettings): void {
  const json = JSON.stringify(settings);
  // settings that JSON would not give back exactly (an undefined member, a non-finite number) are not kept at all
  if (!isDeepStrictEqual(JSON.parse(json), settings)) return;
  const entry: Entry = { format: FORMAT, build: cache.build, file, text, settings: json, sum: fnv1a(json) };
  const target = entryPath(cache, file);
  const temp = `${target}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    // 'wx': never through a file or link someone left at that name
    writeFileSync(temp, JSON.stringify(entry), { flag: 'wx', mode: 0o600 });
    renameSync(temp, target);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      /* never made */
    }
  }
}

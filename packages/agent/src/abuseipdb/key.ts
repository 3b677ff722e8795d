/**
 * Where the API key comes from, in order: the config's `key`, the file `key_file`, the environment variable
 * `key_env`. The key itself only ever goes into the `Key` request header; messages name where it was looked for,
 * never what it is.
 */
import { readFile } from 'node:fs/promises';
import { inlineKey, type AbuseIpdbSettings } from './settings.js';

export async function resolveKey(s: AbuseIpdbSettings, env: Readonly<Record<string, string | undefined>>): Promise<{ key?: string; problem?: string }> {
  const inline = inlineKey(s);
  if (inline) return { key: inline.trim() };
  if (s.keyFile) {
    try {
      const key = (await readFile(s.keyFile, 'utf8')).split('\n')[0]?.trim();
      if (key) return { key };
      return { problem: `abuseipdb.key_file ${s.keyFile} is empty` };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { problem: `abuseipdb.key_file ${s.keyFile}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot be read'}` };
    }
  }
  const fromEnv = env[s.keyEnv]?.trim();
  if (fromEnv) return { key: fromEnv };
  return { problem: `no AbuseIPDB key: set abuseipdb.key_file in the config or the environment variable ${s.keyEnv}` };
}

import { internAddressAt } from '../net/address-intern.js';
import { sourceKey } from './source-key.js';

/**
 * Which of `parts` a raw log line goes to when the lines of one log are counted on several threads: by its first
 * (top-level) SRC, as the detectors key it (an IPv6 address by its /64), so all of a source's lines meet on one
 * thread and its episodes are cut where one pass cuts them. Lines without a source go to part 0. Cheap enough to
 * ask of every line: one search, and a dotted quad is read in place.
 */
export function sourcePart(line: string, parts: number): number {
  if (parts <= 1) return 0;
  const at = line.indexOf('SRC=');
  if (at < 0) return 0;
  let end = line.indexOf(' ', at + 4);
  if (end < 0) end = line.length;
  const address = internAddressAt(line, at + 4, end) ?? line.slice(at + 4, end);
  const key = sourceKey(address);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % parts;
}

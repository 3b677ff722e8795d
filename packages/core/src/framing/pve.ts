import { newFrame, setMessage } from './blank.js';
import { clockAt, digits, isDigit, monthAt, SPACE, twoDigits } from './chars.js';
import type { Frame } from './types.js';
import { daysInMonth, epochOf } from './year.js';

const CHAIN_MAX = 64;

/**
 * Proxmox VE's /var/log/pve-firewall.log, written by pvefw-logger rather than syslog:
 * `VMID LEVEL CHAIN 20/Jun/2022:13:09:14 +0200 PREFIX IN=...`. The chain and VM id stay in the raw line
 * (before `messageOffset`); `program` is `pve-firewall`, the name CrowdSec's parsers also give this source.
 */
export function framePve(s: string): Frame | undefined {
  let p = 0;
  while (p < 10 && isDigit(s.charCodeAt(p))) p++;
  if (p === 0 || s.charCodeAt(p) !== SPACE) return undefined;
  const levelStart = ++p;
  while (p - levelStart < 2 && isDigit(s.charCodeAt(p))) p++;
  if (p === levelStart || s.charCodeAt(p) !== SPACE) return undefined;
  const chainStart = ++p;
  const limit = Math.min(s.length, chainStart + CHAIN_MAX);
  while (p < limit && s.charCodeAt(p) > SPACE) p++;
  if (p === chainStart || s.charCodeAt(p) !== SPACE) return undefined;
  p++;
  // dd/Mon/yyyy:HH:MM:SS +zzzz
  const day = twoDigits(s, p);
  const month = monthAt(s, p + 3);
  const year = digits(s, p + 7, 4);
  if (s.charCodeAt(p + 2) !== 0x2f || s.charCodeAt(p + 6) !== 0x2f || s.charCodeAt(p + 11) !== 0x3a) return undefined;
  if (month === 0 || year < 0 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const clock = clockAt(s, p + 12);
  if (clock < 0 || s.charCodeAt(p + 20) !== SPACE) return undefined;
  const sign = s.charCodeAt(p + 21);
  const zh = twoDigits(s, p + 22);
  const zm = twoDigits(s, p + 24);
  if ((sign !== 0x2b && sign !== 0x2d) || zh < 0 || zh > 23 || zm < 0 || zm > 59) return undefined;
  p += 26;
  if (p < s.length && s.charCodeAt(p) !== SPACE) return undefined;
  const f = newFrame('pve-firewall', '', 0);
  f.time = epochOf(year, month, day, clock, (sign === 0x2d ? -1 : 1) * (zh * 60 + zm) * 60_000);
  f.program = 'pve-firewall';
  return setMessage(f, s, Math.min(p + 1, s.length));
}

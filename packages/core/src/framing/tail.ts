import { setMessage } from './blank.js';
import { isHostChar, SPACE } from './chars.js';
import { uptimeAt, type StampScratch } from './dmesg.js';
import { priFromNames } from './pri.js';
import type { Frame } from './types.js';

const HOST_MAX = 255; // RFC 5424 HOSTNAME limit; RFC 3164 hosts are shorter.
const TAG_MAX = 128; // RFC 3164 says 32; systemd and rsyslog allow longer identifiers.
const PID_MAX = 32;

const scratch: StampScratch = { end: 0, uptime: 0, time: 0 };

/**
 * Reads what follows a syslog timestamp (BSD or RFC 3339): `HOST [HOST] [facility.severity] TAG[PID]: ` and a
 * dmesg stamp, each optional, and points the message at what is left. `pos` is just after the timestamp's space.
 */
export function readSyslogTail(s: string, pos: number, f: Frame): Frame {
  const len = s.length;
  let p = pos;

  const hostEnd = hostTokenEnd(s, p);
  // A lone token right before `IN=` is the nf_log prefix of a host-less, tag-less line (`Jan 29 00:00:28
  // SFW2-DROP IN=...`), not a host: every nf_log message starts `PREFIX IN=`.
  if (hostEnd > p && !s.startsWith('IN=', hostEnd + 1)) {
    f.host = s.slice(p, hostEnd);
    p = hostEnd + 1;
    // UniFi OS repeats the host (`UDMP-DTC UDMP-DTC [WAN_LOCAL-D-...]`).
    const n = hostEnd - pos;
    if (s.startsWith(f.host, p) && s.charCodeAt(p + n) === SPACE) p += n + 1;
    // busybox syslogd (Ubiquiti) writes `host user.info kernel: `.
    const sp = s.indexOf(' ', p);
    // Most lines have `kernel:` or `prog[pid]:` here; a trailing colon rules the names out without a lookup.
    if (sp > 0 && sp - p <= 20 && s.charCodeAt(sp - 1) !== 0x3a) {
      const pri = priFromNames(s, p, sp);
      if (pri >= 0) {
        if (f.priority === undefined) f.priority = pri;
        p = sp + 1;
      }
    }
  }

  p = readTag(s, p, f);
  if (p < len && (f.program === undefined || f.program === 'kernel') && uptimeAt(s, p, scratch)) {
    f.uptime = scratch.uptime;
    p = scratch.end;
  }
  return setMessage(f, s, p);
}

/** End of a host token at `p` (the index of the space after it), or -1 when the text there is not a host. */
function hostTokenEnd(s: string, p: number): number {
  let i = p;
  const max = Math.min(s.length, p + HOST_MAX);
  while (i < max && isHostChar(s.charCodeAt(i))) i++;
  // `kernel:` and `DENY:` end with a colon: a tag or a prefix, not a host (IPv6 hosts never end with one).
  if (i === p || s.charCodeAt(i) !== SPACE || s.charCodeAt(i - 1) === 0x3a) return -1;
  return i;
}

/** Reads `TAG: ` or `TAG[PID]: ` at `p` into `f.program`; returns where the message starts. */
function readTag(s: string, p: number, f: Frame): number {
  const max = Math.min(s.length, p + TAG_MAX);
  let i = p;
  for (; i < max; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3a || c === 0x5b || c <= SPACE) break;
  }
  if (i === p) return p;
  const tagEnd = i;
  let hasPid = false;
  if (s.charCodeAt(i) === 0x5b) {
    const close = s.indexOf(']', i + 1);
    if (close < 0 || close - i > PID_MAX) return p;
    hasPid = true;
    i = close + 1;
  }
  if (s.charCodeAt(i) !== 0x3a) return p;
  // `Shorewall:net2fw:DROP:IN=` has colons but no `: `: a message, not a tag.
  if (i + 1 < s.length && s.charCodeAt(i + 1) !== SPACE) return p;
  const msg = Math.min(i + 2, s.length);
  const isKernel = tagEnd - p === 6 && s.startsWith('kernel', p);
  // `DENY: IN=...` right after the stamp is a host-less line whose nf_log prefix ends in a colon; the kernel
  // itself and anything with a [pid] are real tags.
  if (!isKernel && !hasPid && s.startsWith('IN=', msg)) return p;
  f.program = isKernel ? 'kernel' : s.slice(p, tagEnd);
  return msg;
}

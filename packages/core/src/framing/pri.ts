import { isDigit } from './chars.js';

/**
 * Reads a syslog `<PRI>` at `pos` (1 to 3 digits, at most 191 = local7.debug). Returns the PRI and stores the
 * index after `>` in `out.end`; returns -1 when there is no valid PRI.
 */
export function priAt(s: string, pos: number, out: { end: number }): number {
  if (s.charCodeAt(pos) !== 0x3c) return -1;
  let v = 0;
  let i = pos + 1;
  while (i - pos <= 3 && isDigit(s.charCodeAt(i))) {
    v = v * 10 + (s.charCodeAt(i) - 0x30);
    i++;
  }
  if (i === pos + 1 || s.charCodeAt(i) !== 0x3e || v > 191) return -1;
  out.end = i + 1;
  return v;
}

const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, security: 13, console: 14, 'solaris-cron': 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const SEVERITIES: Record<string, number> = {
  emerg: 0, panic: 0, alert: 1, crit: 2, err: 3, error: 3, warning: 4, warn: 4, notice: 5, info: 6, debug: 7,
};

/**
 * PRI from a `facility.severity` token such as `user.info` (busybox syslogd and Ubiquiti firmware write it after
 * the host), or -1 when the token is not one.
 */
export function priFromNames(s: string, start: number, end: number): number {
  // The longest valid token is `solaris-cron.warning`; anything longer is not worth a slice.
  if (end - start > 20 || end - start < 6) return -1;
  let dot = start;
  while (dot < end && s.charCodeAt(dot) !== 0x2e) dot++;
  if (dot === end) return -1;
  const fac = Object.hasOwn(FACILITIES, s.slice(start, dot)) ? FACILITIES[s.slice(start, dot)] : undefined;
  const sevName = s.slice(dot + 1, end);
  const sev = Object.hasOwn(SEVERITIES, sevName) ? SEVERITIES[sevName] : undefined;
  if (fac === undefined || sev === undefined) return -1;
  return fac * 8 + sev;
}

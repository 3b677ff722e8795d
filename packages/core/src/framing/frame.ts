import { newFrame } from './blank.js';
import { isDigit } from './chars.js';
import { frameDmesg } from './dmesg.js';
import { frameJournalJson } from './journald.js';
import { priAt } from './pri.js';
import { framePve } from './pve.js';
import { frameRfc3339 } from './rfc3339.js';
import { frameRfc5424, isRfc5424At } from './rfc5424.js';
import { frameBsd } from './syslog.js';
import type { Frame, FrameOptions } from './types.js';

export type { Frame, FrameFormat, FrameOptions } from './types.js';

const pri = { end: 0 };

/**
 * Finds the envelope of one raw log line and returns where its message starts, with what the envelope said
 * (time, host, priority, program, dmesg uptime). Never throws: a line in no known envelope, including binary
 * garbage, comes back as format `bare` with the whole line as its message. Pure: the clock and zone come in
 * through `options`.
 */
export function frame(line: string, options?: FrameOptions): Frame {
  const now = options?.now;
  const offsetMin = options?.utcOffsetMinutes;
  const nowMs = typeof now === 'number' && Number.isFinite(now) ? now : NaN;
  const offsetMs = typeof offsetMin === 'number' && Number.isFinite(offsetMin) ? offsetMin * 60_000 : 0;
  return detect(line, nowMs, offsetMs) ?? newFrame('bare', line, 0);
}

function detect(s: string, now: number, offsetMs: number): Frame | undefined {
  const c = s.charCodeAt(0);
  if (c === 0x3c) {
    const priority = priAt(s, 0, pri);
    if (priority < 0) return undefined;
    const p = pri.end;
    const d = s.charCodeAt(p);
    if (isRfc5424At(s, p)) return frameRfc5424(s, p, priority, offsetMs);
    if (isDigit(d)) return frameRfc3339(s, p, priority, offsetMs) ?? priOnly(s, p, priority);
    if (d === 0x5b) return frameDmesg(s, p, priority, offsetMs) ?? priOnly(s, p, priority);
    return frameBsd(s, p, priority, now, offsetMs) ?? priOnly(s, p, priority);
  }
  if (isDigit(c)) return frameRfc3339(s, 0, undefined, offsetMs) ?? framePve(s);
  if (c === 0x5b) return frameDmesg(s, 0, undefined, offsetMs);
  if (c === 0x7b) return frameJournalJson(s);
  return frameBsd(s, 0, undefined, now, offsetMs);
}

/** RFC 3164 section 4.3.2: a valid PRI without a valid timestamp makes everything after it the message. */
function priOnly(s: string, p: number, priority: number): Frame {
  const f = newFrame('bsd', s.slice(p), p);
  f.priority = priority;
  return f;
}

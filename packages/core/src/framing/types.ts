/** Which envelope a line arrived in. */
export type FrameFormat =
  | 'bsd' // `Mar 21 16:02:05 host prog: ...`, optionally `<PRI>`-led; also journalctl -o short / short-precise
  | 'rfc3339' // `2021-03-12T14:10:18Z host prog: ...`, optionally `<PRI>`-led; also journalctl -o short-iso
  | 'rfc5424' // `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`
  | 'dmesg' // `[  297.790888] ...` alone
  | 'journal-json' // one `journalctl -o json` record per line
  | 'pve-firewall' // Proxmox VE `/var/log/pve-firewall.log`: `VMID LEVEL CHAIN dd/Mon/yyyy:HH:MM:SS +zzzz ...`
  | 'bare'; // no envelope recognised: the whole line is the message

export interface Frame {
  format: FrameFormat;
  /** Wall-clock time in epoch milliseconds (UTC), when the envelope carries one. */
  time?: number;
  /** True when the envelope had no year and one was inferred. */
  yearInferred?: boolean;
  host?: string;
  /** Syslog PRI (facility * 8 + severity). */
  priority?: number;
  /** Program / tag / SYSLOG_IDENTIFIER, e.g. `kernel`. */
  program?: string;
  /** Seconds since boot from a dmesg stamp `[  297.790888]`, also when it sits inside a syslog line. */
  uptime?: number;
  /** The message: what follows the envelope and any dmesg stamp. */
  message: string;
  /** Offset of `message` inside the raw line; -1 when it is not a substring (journald JSON). */
  messageOffset: number;
}

export interface FrameOptions {
  /**
   * Epoch milliseconds of "now" as the caller knows it (core never reads a clock). A year-less stamp gets the
   * latest year that does not put it more than a day after this instant. Without it, year-less stamps get
   * no year and `time` stays undefined.
   */
  now?: number;
  /** Minutes east of UTC assumed for stamps without a zone (BSD, journal short). Default 0. */
  utcOffsetMinutes?: number;
}

/**
 * A short made-up log the diagnostics thread runs its pass over when it starts. The thread starts with the server and
 * then waits while the editor sends the first document, which for a 100k-line log is a third of a second of the
 * main thread parsing JSON. Spent on this sample instead, that wait compiles the decoder and the detectors to
 * optimised code, so the first real pass does not run its first tens of thousands of lines in the interpreter (on
 * a 100k-line log the first pass took about 1.7 s cold and 0.9 s once the code was hot). Only documentation
 * addresses (RFC 5737, RFC 3849); the shapes are the common ones: BSD syslog, RFC 3339 and dmesg stamps, TCP SYN,
 * UDP, ICMP, IPv6, a vertical scan, the memo's IGMP noise, and the prefixes of iptables, ufw and firewalld.
 */
export function warmUpLog(lines = 4000): string {
  let seed = 0x2545f491;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out: string[] = [];
  const base = Date.UTC(2026, 2, 21, 16, 0, 0);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const prefixes = ['[IPTABLES REJECT]: ', '[UFW BLOCK] ', 'FINAL_REJECT: ', 'filter_IN_public_REJECT: '];
  for (let i = 0; i < lines; i++) {
    const d = new Date(base + i * 250);
    const hms = d.toISOString().slice(11, 19);
    const day = String(d.getUTCDate()).padStart(2, ' ');
    const prefix = prefixes[next(prefixes.length)]!;
    const scanner = i % 50 < 20;
    const src = scanner ? '192.0.2.66' : `${['192.0.2', '198.51.100', '203.0.113'][next(3)]}.${1 + next(250)}`;
    const dst = `203.0.113.${1 + next(20)}`;
    const shape = scanner ? 0 : next(10);
    let packet: string;
    if (shape < 6 || scanner) {
      const dpt = scanner ? 1 + ((i * 7) % 1024) : [22, 80, 443, 3389, 8080][next(5)]!;
      packet =
        `SRC=${src} DST=${dst} LEN=40 TOS=0x00 PREC=0x00 TTL=${40 + next(200)} ID=${next(65536)} PROTO=TCP ` +
        `SPT=${1024 + next(60000)} DPT=${dpt} WINDOW=${next(65536)} RES=0x00 SYN URGP=0 `;
    } else if (shape === 6) {
      packet = `SRC=${src} DST=${dst} LEN=78 TOS=0x00 PREC=0x00 TTL=52 ID=${next(65536)} PROTO=UDP SPT=${1024 + next(60000)} DPT=${[53, 123, 161, 1900][next(4)]} LEN=58 `;
    } else if (shape === 7) {
      packet = `SRC=${src} DST=${dst} LEN=84 TOS=0x00 PREC=0x00 TTL=54 ID=${next(65536)} DF PROTO=ICMP TYPE=8 CODE=0 ID=${next(65536)} SEQ=${next(100)} `;
    } else if (shape === 8) {
      packet =
        `SRC=2001:0db8:0000:0000:0000:0000:0000:${(1 + next(4000)).toString(16).padStart(4, '0')} DST=2001:0db8:0000:0001:0000:0000:0000:0001 ` +
        `LEN=80 TC=0 HOPLIMIT=${50 + next(10)} FLOWLBL=${next(1 << 20)} PROTO=TCP SPT=${1024 + next(60000)} DPT=443 WINDOW=64800 RES=0x00 SYN URGP=0 `;
    } else {
      packet = 'SRC=0.0.0.0 DST=224.0.0.1 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 DF PROTO=2 ';
    }
    const message = `${prefix}IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 ${packet}`;
    const stamp = i % 3;
    out.push(
      stamp === 0
        ? `${months[d.getUTCMonth()]} ${day} ${hms} gate kernel: ${message}`
        : stamp === 1
          ? `${d.toISOString().replace('Z', '+00:00')} gate kernel: ${message}`
          : `[${(i / 4).toFixed(6).padStart(12, ' ')}] ${message}`,
    );
  }
  return out.join('\n');
}

import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  classifyAddress,
  countryTallies,
  isPortScan,
  isSpoof,
  noiseReasonText,
  scanKindName,
  type DetectConfig,
  type DetectStats,
  type Finding,
  type GeoLookup,
  type Lang,
  type NoiseReason,
  type SummaryResult,
} from '@portcullis/core';
import { UsageError } from './errors.js';
import { openGeoOrWarn } from './geo.js';
import { countInThreads, countLines } from './scan-count.js';
import type { Io } from './main.js';
import { langOption, parseOptions, positiveInt, timeOptions } from './options.js';
import { write } from './output.js';


const IFACE = /^[A-Za-z0-9_.:@-]{1,15}$/;

export async function scanCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, {
    json: { type: 'boolean' },
    lang: { type: 'string' },
    wan: { type: 'string' },
    ports: { type: 'string' },
    hosts: { type: 'string' },
    window: { type: 'string' },
    year: { type: 'string' },
    'utc-offset': { type: 'string' },
    'no-geo': { type: 'boolean' },
    threads: { type: 'string' },
  });
  const lang = langOption(values.lang, io);
  const time = timeOptions(values, io);
  let wan: string[] | undefined;
  if (values.wan !== undefined) {
    wan = values.wan.split(',').filter(Boolean);
    const bad = wan.find((w) => !IFACE.test(w));
    if (bad !== undefined || wan.length === 0) throw new UsageError(`--wan: '${bad ?? values.wan}' is not an interface name`);
  }
  const detect: DetectConfig = {
    scan: {
      ports: positiveInt('ports', values.ports, 10),
      hosts: positiveInt('hosts', values.hosts, 10),
      windowMs: positiveInt('window', values.window, 60) * 1000,
    },
    spoof: wan ? { wan } : {},
  };
  const asked = values.threads === undefined || values.threads === 'auto' ? undefined : positiveInt('threads', values.threads, 1);
  if (asked !== undefined && asked > 16) throw new UsageError(`--threads: '${values.threads}' is more than 16`);
  const geo: GeoLookup | undefined = values['no-geo'] ? undefined : await openGeoOrWarn(io);
  const threads = await threadsFor(positionals, asked);
  // findings come merged, one per rule and source (scan-count.ts)
  const { summary, findings, stats } =
    threads > 1 ? await countInThreads(positionals, threads, detect, time) : await countLines(positionals, io.stdin, detect, time);
  const totals = summary.result(10, 0);
  if (values.json) {
    const country = (a: string): string | undefined => (classifyAddress(a)?.class === 'public' ? geo?.(a)?.country : undefined);
    const report = {
      files: positionals.length ? positionals : ['-'],
      lines: totals.lines,
      firewall_lines: totals.firewall,
      unparsed: totals.other,
      truncated: totals.truncated,
      noise: stats.noise,
      noise_by_reason: stats.noiseByReason,
      first: iso(totals.first),
      last: iso(totals.last),
      scanners: findings.filter(isPortScan).map((f) => ({
        ip: f.source,
        // IPv6 sources are counted per /64: which one, and how many of its addresses were heard
        network: f.network,
        addresses: f.addresses,
        ports: f.ports,
        hosts: f.hosts,
        types: f.kinds,
        shapes: f.shapes,
        first: iso(f.first),
        last: iso(f.last),
        lines: f.lines,
        interfaces: f.interfaces,
        port_sample: f.portSample,
        country: country(f.source),
        why: f.why,
      })),
      spoofed: findings.filter(isSpoof).map((f) => ({
        ip: f.source,
        class: f.addressClass,
        range: f.range,
        interface: f.interfaces[0],
        interfaces: f.interfaces,
        lines: f.lines,
        first: iso(f.first),
        last: iso(f.last),
        why: f.why,
      })),
      top_ports: totals.ports.map(({ key: port, lines }) => ({ port, lines })),
      top_sources: totals.sources.map(({ key: ip, lines }) => ({ ip, lines, class: classifyAddress(ip)?.class, country: country(ip) })),
      countries: countryTallies(summary.sourceTallies(), country, 20).map(({ key: code, lines }) => ({ country: code, lines })),
    };
    await write(io.stdout, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    await write(io.stdout, formatReport(positionals, totals, findings, stats, lang, geo));
  }
  return 0;
}

/** Below this much input one thread is quicker than starting more (each reads every line to find its own). */
const THREADS_FROM_BYTES = 64 * 1024 * 1024;

/**
 * How many threads count the input: as asked (--threads N), else one per core, at most 4, when every input is a
 * regular file and together they are large; standard input is read once, on one thread. A file that cannot be
 * read is left to the reader, which names it.
 */
async function threadsFor(names: readonly string[], asked: number | undefined): Promise<number> {
  if (names.length === 0 || names.includes('-')) return 1;
  let bytes = 0;
  for (const name of names) {
    const s = await stat(name).catch(() => undefined);
    if (!s?.isFile()) return 1;
    bytes += s.size;
  }
  if (asked !== undefined) return asked;
  return bytes >= THREADS_FROM_BYTES ? Math.min(4, availableParallelism()) : 1;
}

function iso(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString();
}

function when(t: number | undefined): string {
  return t === undefined ? '?' : new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

const W = {
  title: { en: 'Portcullis scan report', ja: 'Portcullis スキャン報告' },
  lines: {
    en: (t: SummaryResult) => `${t.lines} lines: ${t.firewall} firewall lines, ${t.other} other lines, ${t.truncated} cut short`,
    ja: (t: SummaryResult) => `${t.lines} 行: ファイアウォール行 ${t.firewall}、それ以外 ${t.other}、途中で切れた行 ${t.truncated}`,
  },
  period: { en: 'period (UTC)', ja: '期間 (UTC)' },
  scanners: { en: 'Port scanners', ja: 'ポートスキャン' },
  spoofed: { en: 'Spoofed sources (bogon addresses arriving from the Internet: drop on that interface, never block)', ja: '送信元偽装 (インターネット側から届いた偽装アドレス: そのインターフェースで破棄し、ブロックはしない)' },
  none: { en: '  none', ja: '  なし' },
  noise: { en: 'Harmless noise ignored', ja: '無視した無害な通信' },
  busiest: { en: 'Busiest sources', ja: '送信元の多い順' },
  ports: { en: 'ports', ja: 'ポート' },
  reach: {
    en: (p: number, h: number, l: number) => `${p} port${p === 1 ? '' : 's'} on ${h} host${h === 1 ? '' : 's'}, ${l} line${l === 1 ? '' : 's'}`,
    ja: (p: number, h: number, l: number) => `${h} ホストの ${p} ポート、${l} 行`,
  },
  linesWord: { en: 'lines', ja: '行' },
  network: {
    en: (net: string, n: number) => `[${net}: ${n} addresses, one scanner]`,
    ja: (net: string, n: number) => `[${net}: ${n} 個のアドレス、同一のスキャナー]`,
  },
  on: { en: 'on', ja: 'インターフェース' },
  attribution: { en: 'Countries: IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0', ja: '国情報: DB-IP (https://db-ip.com) による IP 位置情報、CC BY 4.0' },
};

function formatReport(
  files: readonly string[],
  totals: SummaryResult,
  findings: readonly Finding[],
  stats: DetectStats,
  lang: Lang,
  geo: GeoLookup | undefined,
): string {
  const out: string[] = [];
  const where = (a: string): string => {
    const info = classifyAddress(a);
    const country = info?.class === 'public' ? geo?.(a)?.country : undefined;
    return [country, info && info.class !== 'public' ? info.name[lang] : undefined].filter(Boolean).join(', ');
  };
  out.push(`${W.title[lang]} — ${files.length ? files.join(', ') : '-'}`);
  out.push(`  ${W.lines[lang](totals)}`);
  if (totals.first !== undefined) out.push(`  ${W.period[lang]}: ${when(totals.first)} → ${when(totals.last)}`);
  out.push('');
  const scans = findings.filter(isPortScan);
  out.push(`${W.scanners[lang]} (${scans.length})`);
  if (!scans.length) out.push(W.none[lang]);
  for (const f of scans) {
    const kinds = f.kinds.map((k) => scanKindName(k)[lang]).join(', ');
    const place = where(f.source);
    const net = f.network !== undefined && (f.addresses ?? 1) > 1 ? `  ${W.network[lang](f.network, f.addresses ?? 1)}` : '';
    out.push(`  ${f.source}${place ? `  (${place})` : ''}${net}  ${abuseLink(f.source)}`);
    out.push(`    ${W.reach[lang](f.ports, f.hosts, f.lines)}; ${kinds}; ${f.shapes.join(', ')}; ${W.on[lang]} ${f.interfaces.join(',') || '-'}`);
    out.push(`    ${when(f.first)} → ${when(f.last)}`);
    if (f.portSample.length) out.push(`    ${W.ports[lang]}: ${f.portSample.join(' ')}${f.ports > f.portSample.length ? ' …' : ''}`);
    out.push(`    ${f.why[lang]}`);
  }
  out.push('');
  const spoofs = findings.filter((f) => !isPortScan(f));
  out.push(`${W.spoofed[lang]} (${spoofs.length})`);
  if (!spoofs.length) out.push(W.none[lang]);
  for (const f of spoofs) {
    out.push(`  ${f.source}  ${W.on[lang]} ${f.interfaces.join(',')}, ${f.lines} ${W.linesWord[lang]}, ${when(f.first)}${f.last !== f.first ? ` → ${when(f.last)}` : ''}`);
    out.push(`    ${f.why[lang]}`);
  }
  out.push('');
  out.push(`${W.noise[lang]} (${stats.noise})`);
  const noise = (Object.entries(stats.noiseByReason) as [NoiseReason, number][]).filter(([, n]) => n > 0);
  if (!noise.length) out.push(W.none[lang]);
  for (const [reason, n] of noise) out.push(`  ${String(n).padStart(6)}  ${noiseReasonText(reason)[lang]}`);
  out.push('');
  out.push(W.busiest[lang]);
  for (const { key: src, lines: n } of totals.sources) {
    const place = where(src);
    out.push(`  ${String(n).padStart(6)}  ${src}${place ? `  (${place})` : ''}`);
  }
  if (geo) out.push('', W.attribution[lang]);
  return `${out.join('\n')}\n`;
}

/** Where a reader can check the source's reputation by hand (the lookup itself is the AbuseIPDB issue's). */
function abuseLink(address: string): string {
  return classifyAddress(address)?.class === 'public' ? `https://www.abuseipdb.com/check/${address}` : '';
}

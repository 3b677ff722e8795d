import {
  ADDRESS_CLASS_NAMES,
  classifyAddress,
  countryName,
  countryTallies,
  DBIP_ATTRIBUTION,
  isPortScan,
  LogSummary,
  mergeFindings,
  scanKindName,
  type Finding,
  type GeoLookup,
  type Lang,
  type SummaryResult,
} from '@portcullis/core';
import type { CachedDocument } from './documents.js';
import { makeDetector } from './diagnostics.js';
import type { LogReport, ReportFinding, ReportSource } from './protocol.js';
import type { ServerSettings } from './settings.js';

/** What the worker thread works out from the text; the main thread adds countries (it holds the database). */
export interface ReportCounts {
  readonly summary: SummaryResult;
  /** Every tallied source, for the per-country totals. */
  readonly tallies: readonly [string, number][];
  readonly findings: readonly Finding[];
  readonly noise: number;
}

/** One pass over the document's lines, reusing the facts the diagnostics pass keeps per line. */
export function countReport(doc: CachedDocument, settings: ServerSettings, top: number): ReportCounts {
  const detector = makeDetector(settings);
  const summary = new LogSummary();
  const findings: Finding[] = [];
  // a text ending in a newline has no last line after it (wc -l and the agent's reader agree)
  const n = doc.lineCount > 0 && doc.lines[doc.lineCount - 1] === '' ? doc.lineCount - 1 : doc.lineCount;
  for (let i = 0; i < n; i++) {
    const f = doc.factsAt(i);
    if (!f) {
      summary.other();
      continue;
    }
    summary.add(f.event, f.truncated);
    for (const x of detector.push(f.event)) findings.push(x);
  }
  findings.push(...detector.flush());
  const kept = mergeFindings(findings).filter((f) => isPortScan(f) || settings.spoofEnabled);
  return { summary: summary.result(top), tallies: [...summary.sourceTallies()], findings: kept, noise: detector.stats.noise };
}

/** The report as the client gets it: names in its language, countries where the database knows them. */
export function finishReport(uri: string, counts: ReportCounts, lang: Lang, geo: GeoLookup | undefined): LogReport {
  const countryOf = (a: string): string | undefined => (geo && classifyAddress(a)?.class === 'public' ? geo(a)?.country : undefined);
  const source = (address: string, lines: number): ReportSource => {
    const info = classifyAddress(address);
    const country = countryOf(address);
    return {
      address,
      lines,
      ...(info && { class: info.class, className: ADDRESS_CLASS_NAMES[info.class][lang] }),
      ...(country && { country, countryName: countryName(country, lang) }),
    };
  };
  const finding = (f: Finding): ReportFinding => ({
    ...source(f.source, f.lines),
    rule: f.rule,
    ports: isPortScan(f) ? f.ports : 0,
    hosts: isPortScan(f) ? f.hosts : 0,
    kinds: isPortScan(f) ? f.kinds.map((k) => scanKindName(k)[lang]) : [],
    interfaces: f.interfaces,
    first: f.first,
    last: f.last,
    why: f.why[lang],
  });
  const s = counts.summary;
  const countries = geo ? countryTallies(counts.tallies, countryOf, 20).map((t) => ({ ...t, name: countryName(t.key, lang) })) : [];
  return {
    uri,
    lines: s.lines,
    firewall: s.firewall,
    truncated: s.truncated,
    noise: counts.noise,
    ...(s.first !== undefined && { first: s.first, last: s.last }),
    scans: counts.findings.filter(isPortScan).map(finding),
    spoofed: counts.findings.filter((f) => !isPortScan(f)).map(finding),
    sources: s.sources.map((t) => source(t.key, t.lines)),
    ports: s.ports,
    countries,
    timeline: s.timeline,
    ...(geo && { attribution: DBIP_ATTRIBUTION }),
  };
}

/**
 * Requests this server adds to LSP, for clients that want more than the standard features (the VS Code extension's
 * report). Types only, so a client can import them without starting a server.
 */

/** `portcullis/report`: the whole-log report of an open document. */
export const REPORT_REQUEST = 'portcullis/report';

export interface ReportParams {
  readonly uri: string;
  /** How many sources and ports to list (default 15, at most 100). */
  readonly top?: number;
}

export interface ReportSource {
  readonly address: string;
  readonly lines: number;
  /** Address class (`public`, `private`, ...) and its name in the requested language. */
  readonly class?: string;
  readonly className?: string;
  /** ISO 3166-1 alpha-2 and its name, for public addresses when the country database is loaded. */
  readonly country?: string;
  readonly countryName?: string;
}

export interface ReportFinding extends ReportSource {
  readonly rule: 'port-scan' | 'spoofed-source';
  readonly ports: number;
  readonly hosts: number;
  /** Scan types, named in the requested language. */
  readonly kinds: readonly string[];
  readonly interfaces: readonly string[];
  readonly first: number;
  readonly last: number;
  readonly why: string;
}

export interface LogReport {
  readonly uri: string;
  readonly lines: number;
  readonly firewall: number;
  readonly truncated: number;
  readonly noise: number;
  readonly first?: number;
  readonly last?: number;
  readonly scans: readonly ReportFinding[];
  readonly spoofed: readonly ReportFinding[];
  readonly sources: readonly ReportSource[];
  readonly ports: readonly { readonly key: string; readonly lines: number }[];
  readonly countries: readonly { readonly key: string; readonly name: string; readonly lines: number }[];
  /** Lines per equal slice of first..last. */
  readonly timeline: readonly number[];
  /** The credit the country data requires, when countries are shown. */
  readonly attribution?: string;
}

/**
 * What a run does after its bans are in the kernel: AbuseIPDB (look up, lengthen, report) and the blocklists
 * (refresh what is due). One entry point so runOnce calls a single function, and one place that decides the order:
 * both come after the local bans, so neither a slow AbuseIPDB nor a slow list server delays a ban, and neither
 * ever throws: every failure is a note. A dry run skips both (it must not report, fetch or write state).
 */
import { hostname } from 'node:os';
import type { Decision } from '@portcullis/core';
import type { Backend, Ban } from '../backends/backend.js';
import type { AgentConfig } from '../config/load.js';
import { ownAddresses } from '../config/system.js';
import type { IntelDeps, IntelResult } from '../abuseipdb/enrich.js';
import { resolveKey } from '../abuseipdb/key.js';
import { refreshLists, type ListOutcome, type ListsDeps } from '../lists/refresh.js';
import type { BanRecord } from '../state/store.js';

export interface AfterBansDeps {
  readonly abuseipdb?: IntelDeps;
  readonly lists?: ListsDeps;
}

export interface AfterBansInput {
  readonly stateDir: string;
  readonly backend: Backend;
  readonly now: number;
  readonly applied: readonly Ban[];
  /** The decisions behind this run's new bans. */
  readonly decisions: readonly Decision[];
  readonly maxBanMs: number;
  readonly linesOf: (address: string) => readonly string[];
  readonly readOnly?: boolean;
  readonly warn?: (line: string) => void;
}

export interface AfterBansSummary {
  readonly abuseipdb?: IntelResult;
  readonly lists?: ListOutcome[];
  readonly notes: string[];
}

/** `bans`: the state's records, whose `until` follows a ban that AbuseIPDB's score lengthened. */
export async function afterBans(deps: AfterBansDeps, input: AfterBansInput, bans: BanRecord[]): Promise<AfterBansSummary> {
  const notes: string[] = [];
  if (!deps.abuseipdb && !deps.lists) return { notes };
  if (input.readOnly) return { notes: deps.abuseipdb || deps.lists?.lists.length ? ['dry run: AbuseIPDB and the blocklists were left alone'] : [] };
  let abuseipdb: IntelResult | undefined;
  let lists: ListOutcome[] | undefined;
  if (deps.abuseipdb) {
    try {
      // loaded only when configured: most runs have AbuseIPDB off
      const { abuseIpdbAfterBans } = await import('../abuseipdb/enrich.js');
      abuseipdb = await abuseIpdbAfterBans(deps.abuseipdb, input);
      notes.push(...abuseipdb.notes);
      for (const [address, ms] of abuseipdb.lengthened) {
        const i = bans.findIndex((b) => b.kind === 'block' && b.address === address);
        if (i >= 0) bans[i] = { ...bans[i]!, until: input.now + ms };
      }
    } catch (err) {
      notes.push(`abuseipdb: skipped: ${(err as Error).message}`);
    }
  }
  if (deps.lists) {
    try {
      const r = await refreshLists(deps.lists, input);
      lists = r.outcomes;
      notes.push(...r.notes);
    } catch (err) {
      notes.push(`lists: not refreshed: ${(err as Error).message}`);
    }
  }
  return { ...(abuseipdb && { abuseipdb }), ...(lists && { lists }), notes };
}

/** From the config: what afterBans needs (the key resolved once; lists exempt the allow list and the LAN). */
export async function afterBansDeps(cfg: AgentConfig, env: Readonly<Record<string, string | undefined>>): Promise<AfterBansDeps> {
  const a = cfg.abuseipdb;
  const needKey = a.check || a.report || cfg.lists.some((l) => l.source.type === 'abuseipdb');
  const { key, problem } = needKey ? await resolveKey(a, env) : {};
  const host = hostname();
  const abuseipdb: IntelDeps | undefined =
    a.check || a.report ? { settings: a, ...(key ? { key } : { keyProblem: problem }), ownAddresses: ownAddresses(cfg.facts), hostNames: [host, host.split('.')[0]!] } : undefined;
  const wanNets = new Set(cfg.connected);
  // even with no list configured: a list taken out of the config must have its sets removed (a cheap look when none)
  const lists: ListsDeps = {
    lists: cfg.lists,
    exempt: [...cfg.neverBlock.map((e) => e.cidr), ...cfg.neighbours.filter((n) => !wanNets.has(n))],
    fetch: { abuseipdb: { baseUrl: a.baseUrl, ...(key ? { key } : {}) } },
  };
  return { ...(abuseipdb && { abuseipdb }), lists };
}

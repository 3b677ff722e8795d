import { NOISE_REASONS } from '@portcullis/core';
import { toDetectConfig } from '../config/loader.js';
import { writeMetricsFile, type Sample } from '../metrics.js';
import { runOnce, type RunSummary } from '../run/run-once.js';
import { afterBansDeps } from '../run/intel.js';
import { CONFIG_OPTIONS, isTerminal, setUp, stateDeps } from './agent-setup.js';
import { ProgressBar } from './progress.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';
import { parseOptions } from './options.js';

/** `portcullis run`: one pass of the agent (see runOnce). Silent on success unless --verbose or on a terminal. */
export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(argv, { ...CONFIG_OPTIONS, metrics: { type: 'string' } });
  if (positionals.length) throw new UsageError(`run reads the sources of its config, not '${positionals[0]}' (to look at a file: portcullis scan FILE)`);
  const setup = await setUp(values, io);
  const { cfg, say } = setup;
  const started = Date.now();
  const bar = isTerminal(io.stderr) ? new ProgressBar(io.stderr) : undefined;
  let summary: RunSummary;
  // the fleet's code (and node:tls with it) loads only when the config shares bans
  const fleetSetup = cfg.share ? await import('./fleet-setup.js') : undefined;
  const fleet = fleetSetup?.fleetLink(setup, io);
  try {
    summary = await runOnce({
      ...stateDeps(setup),
      sources: cfg.sources,
      neighbours: cfg.neighbours,
      detect: toDetectConfig(cfg),
      ban: cfg.ban,
      startAt: cfg.start,
      progress: bar && ((source, file, offset) => bar.update(source, file, offset)),
      fleet,
      intel: await afterBansDeps(cfg, io.env),
    });
  } catch (err) {
    bar?.end();
    if (values.metrics) await writeMetricsFile(values.metrics, runInfo(started, false)).catch(() => undefined);
    throw err;
  } finally {
    await fleet?.close();
  }
  bar?.end();
  if (values.metrics) await writeMetricsFile(values.metrics, runSamples(summary, started));
  report(summary, say, values.verbose === true);
  return fleetSetup ? fleetSetup.reportFleet(summary.fleet, setup, values.verbose === true) : 0;
}

function report(s: RunSummary, say: (line: string) => void, verbose: boolean): void {
  if (verbose) for (const n of s.notes) say(n);
  const byKey = new Map(s.decisions.map((d) => [`${d.kind} ${d.address}`, d]));
  for (const b of s.applied) {
    const d = byKey.get(`${b.kind} ${b.address}`);
    say(`${b.kind === 'spoof' ? 'dropped on WAN' : 'blocked'} ${b.address} for ${b.seconds}s${d ? ` (offence ${d.offence}): ${d.why.en}` : ''}`);
  }
  if (verbose) for (const k of s.skipped) say(`not blocked: ${k.address}: ${k.why.en}`);
  const a = s.intel?.abuseipdb;
  if (a) {
    for (const [address, score] of a.scores) {
      const longer = a.lengthened.get(address);
      say(`AbuseIPDB ${address}: score ${score}%${longer ? `; blocked ${Math.round(longer / 1000)}s instead` : ''}`);
    }
    for (const address of a.reported) say(`reported ${address} to AbuseIPDB (Port Scan)`);
  }
  // AbuseIPDB's and the lists' notes (what was skipped, a list kept past a failed fetch) whenever the run talks
  if (!verbose) for (const n of s.intel?.notes ?? []) say(n);
  for (const l of s.intel?.lists ?? []) if (verbose || l.action === 'fetched') say(`list ${l.name}: ${l.action}${l.entries !== undefined ? `, ${l.entries} entries` : ''}`);
  const parts = [
    `${s.lines} new line(s), ${s.firewallLines} from the firewall`,
    s.carried ? `${s.carried} carried over from the last run` : '',
    `${s.stats.noise} noise`,
    `${s.findings.length} finding(s)`,
    `${s.applied.length} ban(s) applied`,
    s.alreadyBanned ? `${s.alreadyBanned} already banned` : '',
    s.restored ? `${s.restored} restored into the kernel` : '',
    s.removed ? `${s.removed} expired removed` : '',
    `${s.active.block + s.active.spoof} active`,
  ];
  say(parts.filter(Boolean).join('; '));
}

/** Written after every run, failed or not: what an alert on a stuck or failing agent watches. */
function runInfo(started: number, ok: boolean): Sample[] {
  return [
    { name: 'portcullis_last_run_success', help: 'Whether the last run finished without error (1) or not (0).', value: ok ? 1 : 0 },
    { name: 'portcullis_last_run_timestamp_seconds', help: 'When the last run ended (Unix time).', value: Date.now() / 1000 },
    { name: 'portcullis_last_run_duration_seconds', help: 'How long the last run took.', value: (Date.now() - started) / 1000 },
  ];
}

function runSamples(s: RunSummary, started: number): Sample[] {
  const samples = runInfo(started, true);
  const add = (name: string, help: string, value: number, labels?: Record<string, string>): void => {
    samples.push({ name, help, value, labels });
  };
  add('portcullis_lines_read', 'Log lines read by the last run.', s.lines);
  add('portcullis_firewall_lines', 'Kernel firewall lines among them.', s.firewallLines);
  for (const r of NOISE_REASONS) add('portcullis_noise_lines', 'Firewall lines counted as harmless noise, by reason.', s.stats.noiseByReason[r], { reason: r });
  for (const rule of ['port-scan', 'spoofed-source']) {
    add('portcullis_findings', 'Findings of the last run, by rule.', s.findings.filter((f) => f.rule === rule).length, { rule });
  }
  for (const kind of ['block', 'spoof'] as const) {
    add('portcullis_bans_applied', 'Bans the last run applied, by kind.', s.applied.filter((b) => b.kind === kind).length, { kind });
  }
  for (const kind of ['block', 'spoof'] as const) add('portcullis_bans_active', 'Bans on record after the last run, by kind.', s.active[kind], { kind });
  add('portcullis_bans_restored', 'Bans the kernel had lost and the last run put back.', s.restored);
  add('portcullis_findings_not_banned', 'Findings that made no ban (allowed, special-purpose, already over).', s.skipped.length);
  if (s.fleet) {
    const f = s.fleet;
    add('portcullis_fleet_up', 'Whether the last run reached the fleet\'s Redis (1) or not (0).', f.problem ? 0 : 1);
    add('portcullis_fleet_published', 'Bans and unbans the last run sent to the fleet.', f.published);
    add('portcullis_fleet_applied', 'Bans of other nodes the last run applied.', f.applied);
    add('portcullis_fleet_lifted', 'Bans the last run lifted because another node lifted them.', f.lifted);
    add('portcullis_fleet_refused', 'Fleet entries the last run refused as malformed or hostile.', f.skipped);
    add('portcullis_fleet_outbox', 'Bans and unbans waiting to be sent to the fleet.', f.waiting);
  }
  return samples;
}

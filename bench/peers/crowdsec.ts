/**
 * CrowdSec (Debian's `crowdsec` 1.4.6) in replay mode, offline, as /work/shared/recipes/peers.md describes: a
 * private config directory with the shipped hub's syslog and iptables parsers and its `iptables-scan-multi_ports`
 * scenario, a local API of its own (the replay posts its alerts there), then `crowdsec -dsn file://LOG -no-api`.
 * Shared by bench/compare.ts (speed) and bench/detect/run.ts (detection quality). Never touches a firewall: there
 * is no bouncer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export const CROWDSEC_HUB = '/usr/share/crowdsec/hub';
const PORT = 18089;

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function crowdsecMissing(): string | undefined {
  return onPath('crowdsec') && onPath('cscli') && existsSync(CROWDSEC_HUB) ? undefined : 'not installed (apt-get install crowdsec, per the peers recipe)';
}

/** The replay's command line for one log (run it between start() and stop()). */
export function crowdsecReplayCommand(dir: string, log: string): string[] {
  return ['crowdsec', '-c', join(dir, 'config.yaml'), '-dsn', `file://${log}`, '-type', 'syslog', '-no-api'];
}

/** The sources CrowdSec's scenario fired for, from the replay's own log lines. */
export function crowdsecFlagged(output: string): string[] {
  const flagged = new Set<string>();
  for (const m of output.matchAll(/Ip (\S+) performed 'crowdsecurity\/iptables-scan-multi_ports'/g)) flagged.add(m[1]!);
  return [...flagged];
}

/** A fresh config directory and its local API; `stop` ends the API. */
export async function startCrowdsec(dir: string): Promise<{ stop(): Promise<void> }> {
  setUp(dir);
  const lapi = spawn('crowdsec', ['-c', join(dir, 'config.yaml'), '-no-cs', '-no-capi'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (lapi.exitCode !== null) return;
    lapi.kill('SIGTERM');
    await new Promise((r) => lapi.once('exit', r));
  };
  try {
    await waitForPort(PORT, lapi);
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}

function setUp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['parsers/s00-raw', 'parsers/s01-parse', 'parsers/s02-enrich', 'scenarios', 'data']) mkdirSync(join(dir, d), { recursive: true });
  const link = (from: string, to: string): void => symlinkSync(join(CROWDSEC_HUB, from), join(dir, to));
  link('parsers/s00-raw/crowdsecurity/syslog-logs.yaml', 'parsers/s00-raw/syslog-logs.yaml');
  link('parsers/s01-parse/crowdsecurity/iptables-logs.yaml', 'parsers/s01-parse/iptables-logs.yaml');
  link('parsers/s02-enrich/crowdsecurity/dateparse-enrich.yaml', 'parsers/s02-enrich/dateparse-enrich.yaml');
  link('parsers/s02-enrich/crowdsecurity/whitelists.yaml', 'parsers/s02-enrich/whitelists.yaml');
  link('scenarios/crowdsecurity/iptables-scan-multi_ports.yaml', 'scenarios/iptables-scan-multi_ports.yaml');
  symlinkSync('/etc/crowdsec/patterns', join(dir, 'patterns'));
  writeFileSync(join(dir, 'acquis.yaml'), '\n');
  writeFileSync(join(dir, 'simulation.yaml'), 'simulation: off\n');
  writeFileSync(
    join(dir, 'profiles.yaml'),
    'name: default_ip_remediation\nfilters:\n - Alert.Remediation == true && Alert.GetScope() == "Ip"\ndecisions:\n - type: ban\n   duration: 4h\non_success: break\n',
  );
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'common:',
      '  daemonize: false',
      '  log_media: stdout',
      '  log_level: info',
      '  working_dir: .',
      'config_paths:',
      `  config_dir: ${dir}/`,
      `  data_dir: ${dir}/data/`,
      `  simulation_path: ${dir}/simulation.yaml`,
      `  hub_dir: ${CROWDSEC_HUB}/`,
      `  index_path: ${CROWDSEC_HUB}/.index.json`,
      `  notification_dir: ${dir}/notifications/`,
      '  plugin_dir: /usr/lib/crowdsec/plugins/',
      'crowdsec_service:',
      `  acquisition_path: ${dir}/acquis.yaml`,
      '  parser_routines: 1',
      'db_config:',
      '  log_level: info',
      '  type: sqlite',
      '  use_wal: true',
      `  db_path: ${dir}/data/crowdsec.db`,
      'api:',
      '  client:',
      `    credentials_path: ${dir}/local_api_credentials.yaml`,
      '  server:',
      '    log_level: info',
      `    listen_uri: 127.0.0.1:${PORT}`,
      `    profiles_path: ${dir}/profiles.yaml`,
      '    trusted_ips:',
      '      - 127.0.0.1',
      'prometheus:',
      '  enabled: false',
      '',
    ].join('\n'),
  );
  // --branch master: otherwise cscli asks the network which hub version to use
  const add = spawnSync(
    'cscli',
    ['--branch', 'master', '-c', join(dir, 'config.yaml'), 'machines', 'add', 'bench', '--password', 'bench-only-local', '-f', join(dir, 'local_api_credentials.yaml')],
    { encoding: 'utf8' },
  );
  if (add.status !== 0) throw new Error(`cscli machines add: ${add.stderr}`);
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`crowdsec local API exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`crowdsec local API not listening on 127.0.0.1:${port} after 20 s`);
}

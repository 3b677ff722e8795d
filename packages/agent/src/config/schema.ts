import { NOISE_REASONS } from '@portcullis/core';
import { HOST_PORT_PATTERN, NODE_PATTERN, PREFIX_PATTERN, SENTINEL_NAME_PATTERN, SERVER_NAME_PATTERN, SHARE_DEFAULTS, USER_PATTERN } from '../share/settings.js';
import { ABUSEIPDB_DEFAULTS, ABUSEIPDB_SCHEMA } from '../abuseipdb/settings.js';
import { LISTS_SCHEMA } from '../lists/settings.js';

/**
 * The configuration's JSON Schema (draft-07) as a TypeScript value.
 *
 * Why a TS object and not a JSON file read at run time: `tsc -b` only copies a .json file into dist when it is
 * imported, and Node 20 prints an ExperimentalWarning for `import ... with { type: 'json' }` (a cron job must stay
 * silent on success); reading `new URL('./schema.json', import.meta.url)` would need a build step that copies it.
 * As code it is compiled into dist like everything else and can never go missing. `schema.json` next to this file
 * is generated from it for editors (yaml-language-server) and for people; a test keeps the two identical.
 *
 * Why draft-07: it is ajv's default dialect and the one editors' YAML/JSON tooling supports best.
 *
 * Defaults live in `CONFIG_DEFAULTS` and are copied into the schema's `default` keywords, so the documentation,
 * the schema and the loader cannot disagree. Defaults that depend on the machine (`sources`, `wan`) are described
 * in words: the loader resolves them at run time (see system.ts).
 */

export const BACKEND_TYPES = ['ipset', 'nftables', 'firewalld', 'dry-run'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

export const START_POSITIONS = ['end', 'beginning'] as const;
export type StartPosition = (typeof START_POSITIONS)[number];

/** ipset's largest timeout (seconds); the agent gives every backend at most this and re-applies longer bans. */
export const IPSET_MAX_TIMEOUT_S = 2_147_483;

/** Longest duration accepted anywhere: past ten years a value is a typo, and ms arithmetic stays exact. */
export const MAX_DURATION_S = 3650 * 86_400;

/** Where the loader looks when no `--config` is given. */
export const DEFAULT_CONFIG_PATH = '/etc/portcullis/config.yaml';

/**
 * The scan thresholds are bounded by core's window size per source (`maxTargetsPerSource`, 4096): a threshold
 * above it could never be reached and core refuses it.
 */
const MAX_THRESHOLD = 4096;

/** Defaults, as written in the YAML file (durations as text). */
export const CONFIG_DEFAULTS = {
  allow: [] as string[],
  detect: {
    scan: {
      ports: 10,
      hosts: 10,
      window: '60s',
      stealth: 3,
      slow_ports: 20,
      slow_window: '1h',
      late_replies: true,
      max_sources: 50_000,
      long_ports: 12,
      long_hosts: 32,
      long_window: '24h',
      max_long_sources: 200_000,
    },
    spoof: { enabled: true, guard: false, idle: '1h' },
    noise: { reasons: [...NOISE_REASONS] as string[], broadcast: [] as string[], guess_broadcast: true },
  },
  ban: { time: '1h', increment: 2, max: '7d' },
  backend: {
    type: 'nftables' as BackendType,
    table: 'portcullis',
    sets: {
      block_v4: 'portcullis_block4',
      block_v6: 'portcullis_block6',
      spoof_v4: 'portcullis_spoof4',
      spoof_v6: 'portcullis_spoof6',
      guard_v4: 'portcullis_guard4',
      guard_v6: 'portcullis_guard6',
    },
  },
  state: '/var/lib/portcullis',
  start: 'end' as StartPosition,
  // empty strings and lists: not set (no URL, Sentinel or Cluster: sharing is off; no node name: the host name)
  share: { redis: '', sentinel: { master: '', nodes: [] as string[] }, cluster: [] as string[], user: '', password_file: '', password_env: '', tls: { ca_file: '', cert_file: '', key_file: '', servername: '' }, node: '', ...SHARE_DEFAULTS },
  // sections of their own modules (abuseipdb/settings.ts, lists/settings.ts): off by default
  abuseipdb: ABUSEIPDB_DEFAULTS,
  lists: [] as unknown[],
} as const;

/** A JSON Schema node, only as far as this file uses it. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean;
  items?: SchemaNode;
  enum?: readonly (string | number)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
  examples?: unknown[];
}

/**
 * Value kinds used in several places. Inlined rather than `$ref`ed: draft-07 ignores every keyword beside a `$ref`,
 * so an editor would lose the description and default of each key. The loader tells them apart by their pattern.
 */
export const PATTERNS = {
  duration: '^([0-9]+|([0-9]+(\\.[0-9]+)?[smhdw])+)$',
  // the kernel's IFNAMSIZ is 16 with the NUL: 15 characters, no slash, colon or white space, not . or ..
  interface: '^(?!\\.\\.?$)[^\\s/:]{1,15}$',
  source: '^(journald|/.+)$',
  // ipset names are at most 31 characters; nft identifiers start with a letter or underscore
  setName: '^[A-Za-z_][A-Za-z0-9_.-]{0,30}$',
  table: '^[A-Za-z_][A-Za-z0-9_]{0,30}$',
  absolutePath: '^/',
  optionalPath: '^(/.*)?$',
  envName: '^([A-Za-z_][A-Za-z0-9_]*)?$',
  node: NODE_PATTERN,
  optionalNode: `^(${NODE_PATTERN.slice(1, -1)})?$`,
  prefix: PREFIX_PATTERN,
  trust: `^(\\*|${NODE_PATTERN.slice(1, -1)})$`,
  hostPort: HOST_PORT_PATTERN,
  sentinelName: SENTINEL_NAME_PATTERN,
  redisUser: USER_PATTERN,
  serverName: SERVER_NAME_PATTERN,
} as const;

export type PatternKind = keyof typeof PATTERNS;

const KINDS: Record<'duration' | 'interface' | 'source' | 'setName', SchemaNode> = {
  duration: { type: ['integer', 'string'], minimum: 1, pattern: PATTERNS.duration },
  interface: { type: 'string', pattern: PATTERNS.interface },
  source: { type: 'string', pattern: PATTERNS.source },
  setName: { type: 'string', pattern: PATTERNS.setName },
};

const ref = (kind: keyof typeof KINDS, description: string, def?: unknown): SchemaNode =>
  def === undefined ? { ...KINDS[kind], description } : { ...KINDS[kind], description, default: def };

const int = (description: string, minimum: number, maximum: number, def: number): SchemaNode => ({
  type: 'integer',
  description,
  minimum,
  maximum,
  default: def,
});

const bool = (description: string, def: boolean): SchemaNode => ({ type: 'boolean', description, default: def });

const section = (description: string, properties: Record<string, SchemaNode>): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
});

const D = CONFIG_DEFAULTS;

const setName = (what: string, def: string): SchemaNode => ref('setName', `Name of the ${what} set.`, def);

export const CONFIG_SCHEMA: SchemaNode = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Portcullis agent configuration (/etc/portcullis/config.yaml)',
  description:
    'Every key is optional; a key left out, or given no value, takes its default. Durations are whole seconds (90) or a number with a unit s, m, h, d, w (90s, 15m, 2h, 7d, 1h30m).',
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      type: 'array',
      description:
        'Where the firewall lines are read: absolute paths of log files, or the word journald (the kernel messages of the systemd journal). Default: /var/log/kern.log if it exists (Debian, Ubuntu with rsyslog), else /var/log/messages (RHEL, Fedora, SUSE with rsyslog), else journald when the journal is present.',
      items: ref('source', 'A log file (absolute path) or journald.'),
      minItems: 1,
      uniqueItems: true,
      examples: [['/var/log/kern.log'], ['journald']],
    },
    wan: {
      type: 'array',
      description:
        'Interfaces that face the Internet: spoofed sources are detected and dropped on these only. Default: the interfaces that carry the default routes (ip route show default, IPv4 and IPv6), found at each run. An empty list means no WAN interface (the spoof rule then finds nothing).',
      items: ref('interface', 'An interface name as the kernel logs it in IN=.'),
      uniqueItems: true,
      examples: [['eth0'], ['enp1s0', 'ppp0']],
    },
    allow: {
      type: 'array',
      description:
        'Addresses and CIDRs never blocked, whatever the logs say. The host’s own addresses, its default gateways and the SSH client of a run started by hand are always added.',
      items: { type: 'string', description: 'An IPv4 or IPv6 address or CIDR.', minLength: 1 },
      uniqueItems: true,
      default: D.allow,
      examples: [['203.0.113.0/24', '2001:db8::/32']],
    },
    detect: section('What counts as a scanner, a spoofed source, or noise.', {
      scan: section('The port-scan rule.', {
        ports: int('Vertical scan: distinct destination ports from one source within window.', 1, MAX_THRESHOLD, D.detect.scan.ports),
        hosts: int('Horizontal scan: distinct destination hosts on one port (or pinged) within window.', 1, MAX_THRESHOLD, D.detect.scan.hosts),
        window: ref('duration', 'The window for ports, hosts and stealth.', D.detect.scan.window),
        stealth: int(
          'NULL, FIN and Xmas probes (no working TCP stack sends them): this many distinct targets within window are a scan on their own. 0 turns the rule off.',
          0,
          MAX_THRESHOLD,
          D.detect.scan.stealth,
        ),
        slow_ports: int(
          'Slow scan: distinct destination ports within slow_window (catches scans that rate-limited logging spreads out). 0 turns the rule off.',
          0,
          MAX_THRESHOLD,
          D.detect.scan.slow_ports,
        ),
        slow_window: ref('duration', 'The window for slow_ports.', D.detect.scan.slow_window),
        late_replies: bool(
          'Treat UDP and TCP ACK packets from a service port (< 1024) to an unprivileged port as late replies of a forgotten connection, not probes.',
          D.detect.scan.late_replies,
        ),
        long_ports: int(
          'Patient scan: distinct destination ports from one source within long_window (a probe every few minutes for hours; ordinary sources touch 1 to 3 ports). Kept across runs in the state. 0 turns the count off.',
          0,
          MAX_THRESHOLD,
          D.detect.scan.long_ports,
        ),
        long_hosts: int(
          'Patient sweep: distinct destination hosts from one source within long_window. 0 turns the count off.',
          0,
          MAX_THRESHOLD,
          D.detect.scan.long_hosts,
        ),
        long_window: ref('duration', 'The window for long_ports and long_hosts.', D.detect.scan.long_window),
        max_long_sources: int(
          'Sources followed by the long-window counts at once; the least recently heard is dropped beyond this (bounds memory; the state keeps the 20,000 with the most ports).',
          1000,
          10_000_000,
          D.detect.scan.max_long_sources,
        ),
        max_sources: int(
          'Sources tracked at once; the least recently heard is dropped beyond this (bounds memory).',
          100,
          10_000_000,
          D.detect.scan.max_sources,
        ),
      }),
      spoof: section('The spoofed-source rule: a special-purpose source address arriving on a WAN interface.', {
        enabled: bool('Detect and drop spoofed sources (on the WAN interfaces only).', D.detect.spoof.enabled),
        guard: bool(
          'A standing anti-spoofing guard: drop every special-purpose source range on the WAN interfaces, before any log line is seen.',
          D.detect.spoof.guard,
        ),
        idle: ref('duration', 'A spoofed source silent this long starts a new finding.', D.detect.spoof.idle),
      }),
      noise: section('Harmless chatter: counted and reported, never blocked.', {
        reasons: {
          type: 'array',
          description: 'Which kinds of chatter count as noise. Default: all of them; an empty list turns noise off.',
          items: { type: 'string', enum: [...NOISE_REASONS] },
          uniqueItems: true,
          default: D.detect.noise.reasons,
        },
        broadcast: {
          type: 'array',
          description:
            'Directed-broadcast addresses (e.g. 192.168.1.255) treated as broadcast, in addition to those of the host’s own networks (found with ip addr).',
          items: { type: 'string', description: 'An IPv4 address.', minLength: 1 },
          uniqueItems: true,
          default: D.detect.noise.broadcast,
        },
        guess_broadcast: bool(
          'Treat any IPv4 destination ending in .255 as a subnet broadcast (wrong only for a unicast host numbered .255 in a network larger than /24).',
          D.detect.noise.guess_broadcast,
        ),
      }),
    }),
    ban: section('How long a block lasts.', {
      time: ref('duration', 'A first offence is blocked this long.', D.ban.time),
      increment: {
        type: 'number',
        description: 'Each further offence multiplies the time by this (2 doubles it; 1 keeps it the same).',
        minimum: 1,
        maximum: 100,
        default: D.ban.increment,
      },
      max: ref('duration', 'No block lasts longer than this. Must not be shorter than time.', D.ban.max),
    }),
    backend: section('How blocks reach the kernel.', {
      type: {
        type: 'string',
        description:
          'ipset (hash:ip sets with timeouts, hooked into iptables), nftables (table inet <table>, sets with timeouts), firewalld, or dry-run (prints the commands, changes nothing).',
        enum: [...BACKEND_TYPES],
        default: D.backend.type,
      },
      table: {
        type: 'string',
        description: 'nftables: the name of the inet table holding the sets and hooks.',
        pattern: PATTERNS.table,
        default: D.backend.table,
      },
      sets: section('Set names (ipset and nftables; firewalld names its own). All must differ.', {
        block_v4: setName('IPv4 block', D.backend.sets.block_v4),
        block_v6: setName('IPv6 block', D.backend.sets.block_v6),
        spoof_v4: setName('IPv4 spoofed-source (WAN only)', D.backend.sets.spoof_v4),
        spoof_v6: setName('IPv6 spoofed-source (WAN only)', D.backend.sets.spoof_v6),
        guard_v4: setName('IPv4 anti-spoofing guard', D.backend.sets.guard_v4),
        guard_v6: setName('IPv6 anti-spoofing guard', D.backend.sets.guard_v6),
      }),
    }),
    state: {
      type: 'string',
      description: 'Directory of the agent’s state (active bans, offences, read positions, the lock). An absolute path.',
      pattern: PATTERNS.absolutePath,
      default: D.state,
    },
    start: {
      type: 'string',
      description:
        'Where the first run starts in a log that already exists: end (only lines written from now on) or beginning (the whole file, which may ban for old scans).',
      enum: [...START_POSITIONS],
      default: D.start,
    },
    share: section('Sharing bans across servers through Redis or Valkey. Off unless redis, sentinel or cluster is set (one of them).', {
      redis: {
        type: 'string',
        description:
          'One server: redis://user:password@host:6379/0, or rediss:// for TLS. Empty: sharing is off (unless sentinel or cluster is set). The password may instead come from password_file or password_env; it is never printed.',
        default: D.share.redis,
        examples: ['redis://portcullis@redis.example.net:6379/0'],
      },
      sentinel: section('Redis Sentinel: ask these sentinels which server is the master now (instead of redis).', {
        master: {
          type: 'string',
          description: 'The name the sentinels watch the master under (sentinel monitor NAME ...). Empty: no Sentinel.',
          pattern: PATTERNS.sentinelName,
          default: D.share.sentinel.master,
        },
        nodes: {
          type: 'array',
          description: 'The sentinels, host:port (usually port 26379); one that answers is enough.',
          items: { type: 'string', description: 'host:port, or [IPv6]:port.', pattern: PATTERNS.hostPort },
          uniqueItems: true,
          default: D.share.sentinel.nodes,
        },
      }),
      cluster: {
        type: 'array',
        description: 'Redis Cluster: some of its nodes, host:port, to learn the others from (instead of redis). Empty: no Cluster.',
        items: { type: 'string', description: 'host:port, or [IPv6]:port.', pattern: PATTERNS.hostPort },
        uniqueItems: true,
        default: D.share.cluster,
      },
      user: {
        type: 'string',
        description: 'The ACL user on the Redis servers (with sentinel or cluster; with redis it may be in the URL, and this wins). Empty: the URL’s, else the default user.',
        pattern: PATTERNS.redisUser,
        default: D.share.user,
      },
      password_file: {
        type: 'string',
        description: 'A file whose first line is the Redis password (wins over password_env and the URL). An absolute path; empty: none.',
        pattern: PATTERNS.optionalPath,
        default: D.share.password_file,
      },
      password_env: {
        type: 'string',
        description: 'The name of an environment variable holding the Redis password (wins over the URL). Empty: none.',
        pattern: PATTERNS.envName,
        default: D.share.password_env,
      },
      tls: section('TLS for a rediss:// URL in redis (not for sentinel or cluster): whom to trust, which client certificate to show. Empty: the system’s CAs, no client certificate.', {
        ca_file: {
          type: 'string',
          description: 'PEM file of the CA certificates to trust instead of the system’s (a private CA). An absolute path; empty: the system’s.',
          pattern: PATTERNS.optionalPath,
          default: D.share.tls.ca_file,
        },
        cert_file: {
          type: 'string',
          description: 'PEM client certificate to present (for a server with tls-auth-clients yes); needs key_file. An absolute path; empty: none.',
          pattern: PATTERNS.optionalPath,
          default: D.share.tls.cert_file,
        },
        key_file: {
          type: 'string',
          description: 'PEM private key of cert_file, unencrypted (mode 0600). An absolute path; empty: none.',
          pattern: PATTERNS.optionalPath,
          default: D.share.tls.key_file,
        },
        servername: {
          type: 'string',
          description: 'The DNS name the server’s certificate must carry (also sent as SNI), when it is not the URL’s host. Empty: the URL’s host.',
          pattern: PATTERNS.serverName,
          default: D.share.tls.servername,
        },
      }),
      prefix: {
        type: 'string',
        description: 'Key prefix: the keys are {prefix}:stream and {prefix}:live (one Cluster slot). Servers sharing bans use the same prefix.',
        pattern: PATTERNS.prefix,
        default: D.share.prefix,
      },
      node: {
        type: 'string',
        description: 'This server’s name in the fleet (what other servers’ trust lists name). Empty: the host name.',
        pattern: PATTERNS.optionalNode,
        default: D.share.node,
      },
      publish: bool('Send this server’s new bans and unbans to the fleet.', D.share.publish),
      subscribe: bool('Apply the bans and unbans of the other servers.', D.share.subscribe),
      trust: {
        type: 'array',
        description: 'Whose bans are applied here: node names, or * for every node.',
        items: { type: 'string', description: 'A node name, or * for every node.', pattern: PATTERNS.trust },
        uniqueItems: true,
        default: D.share.trust,
      },
      timeout: ref('duration', 'Connect and command timeout: past it, the run goes on without the fleet and says so.', D.share.timeout),
      stream_max: int('The stream’s cap (XADD MAXLEN ~): entries kept for servers that read late.', 1000, 100_000_000, D.share.stream_max),
    }),
    abuseipdb: ABUSEIPDB_SCHEMA,
    lists: LISTS_SCHEMA,
  },
};

import type { Text } from '../i18n/text.js';

/**
 * The iptables side of the one source of truth: tables with their built-in chains, the rule's own options, every
 * match (`-m NAME`) and target (`-j NAME`) of iptables 1.8 with its options. The parser reads it for arities, the
 * linter for value kinds and constraints, the language server for hover and completion. Adding an option is one
 * entry here. Breadth over prose: a valid name missing here would be flagged unknown, a terse description only
 * makes a hover shorter.
 */

export type IptablesFamily = 4 | 6;

/** What an option's value is, so one validator per kind serves every option (values.ts). */
export type IptablesValueKind =
  | 'none' // a flag
  | 'uint' // decimal or 0x-hex within min..max
  | 'uint-range' // n, n:m, :m, n:, : (colon ranges, iptables' own syntax)
  | 'u64' // 64-bit counters (quota, connbytes)
  | 'u64-range'
  | 'dash-range' // n or n-m (owner uid/gid, names allowed)
  | 'port' // number or service name
  | 'port-range' // port, port:port, :port, port:, :
  | 'port-list' // multiport: up to 15 ports, a range counts two
  | 'address' // address[/mask], a comma list allowed where noted by `list`
  | 'prefix' // address/length, the length required (DNPT/SNPT)
  | 'address-range' // a-b (iprange)
  | 'nat-to' // addr[-addr][:port[-port][/base]] (SNAT/DNAT)
  | 'nat-ports' // port[-port] (MASQUERADE, REDIRECT --to-ports)
  | 'interface' // up to 15 characters, `+` wildcard at the end
  | 'mac' // six hex octets
  | 'mark' // value[/mask], 32 bits each
  | 'tos' // value[/mask] 8 bits, or a symbolic TOS name
  | 'string'
  | 'enum'
  | 'enum-list' // comma-separated enum values
  | 'tcp-flags' // two lists: mask, then flags that must be set
  | 'sctp-chunks' // all|any|only and a chunk list
  | 'limit-rate' // N[/second|minute|hour|day] (any prefix of the unit)
  | 'hashlimit-rate' // limit-rate, or N(b|kb|mb)/s
  | 'hashlimit-burst' // N, or N(b|kb|mb)
  | 'protocol' // name or 0-255
  | 'icmp-type' // name or type[/code[:code]]
  | 'icmpv6-type'
  | 'log-level' // 0-7 or a syslog level name
  | 'reject-with' // per family
  | 'probability' // 0.0-1.0
  | 'time-of-day' // hh:mm[:ss]
  | 'date' // YYYY[-MM[-DD[Thh[:mm[:ss]]]]]
  | 'weekdays'
  | 'monthdays'
  | 'set-flags' // set name, then src/dst list (ipset)
  | 'dscp-class'
  | 'counters' // -c: pkts,bytes or pkts bytes
  | 'label' // connlabel: bit number or a name from connlabel.conf
  | 'rateest-rate' // 8bit, 5kbit, 1mbps ...
  | 'interval' // 250.0ms, 1s, 4us
  | 'tcp-options' // TCPOPTSTRIP: names or numbers 2-255
  | 'ct-events' // CT --ctevents list
  | 'ip6-header-list' // ipv6header --header list
  | 'ip6-opts' // dst/hbh: type[:len],...
  | 'any'; // accepted as written

export interface IptablesValueSpec {
  readonly kind: IptablesValueKind;
  /** How many words follow the option: 0 for flags, 2 for --tcp-flags and --match-set. */
  readonly args: 0 | 1 | 2;
  /** The value may be left out (`--rateest-bps` alone). */
  readonly optional?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly values?: readonly string[];
  readonly caseInsensitive?: boolean;
  /** `-s`/`-d` take comma-separated lists. */
  readonly list?: boolean;
}

export interface IptablesOptionSpec {
  /** Long form as iptables-save prints it: '--dport'. The rule's own options also have a short form ('-p'). */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly value: IptablesValueSpec;
  /** `!` may precede the option. */
  readonly invert?: boolean;
  /** May be given more than once in one match (most options may not). */
  readonly repeat?: boolean;
  readonly family?: IptablesFamily;
  /** Every one of these must also be given in the same match or target. */
  readonly requires?: readonly string[];
  /** At least one of these must also be given. */
  readonly requiresAny?: readonly string[];
  /** Must come after one of these (iptables parses some options relative to an earlier one). */
  readonly after?: readonly string[];
  /** The rule's `-p` must be one of these. */
  readonly protocols?: readonly string[];
  /** Built-in chains where the option is allowed. */
  readonly chains?: readonly string[];
  readonly description: Text;
}

export type IptablesExtensionKind = 'match' | 'target';

export interface IptablesExtensionSpec {
  readonly kind: IptablesExtensionKind;
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Only in this family (libipt_ = 4, libip6t_ = 6); absent for libxt_ (both). */
  readonly family?: IptablesFamily;
  readonly options: readonly IptablesOptionSpec[];
  /** Each group: at least one of its options must be given. */
  readonly required?: readonly (readonly string[])[];
  /** Each group: at most one of its options may be given. */
  readonly exclusive?: readonly (readonly string[])[];
  /** The rule's `-p` must be one of these. */
  readonly protocols?: readonly string[];
  /** Tables where the extension is allowed; absent for any table. */
  readonly tables?: readonly string[];
  /** Built-in chains (netfilter hooks) where it is allowed; absent for any. */
  readonly chains?: readonly string[];
  /** Targets: the packet's fate is decided here, so later rules of the chain never see it. */
  readonly terminal?: boolean;
  /** Matches that never filter (comment): a rule with only these is unconditional. */
  readonly matchesAll?: boolean;
  /** Third-party (xtables-addons): options are not known here, so they are not checked. */
  readonly loose?: boolean;
  /** An option that starts a new element where options may be given again (policy --next). */
  readonly resetOption?: string;
  readonly description: Text;
}

export interface IptablesTableSpec {
  readonly name: string;
  readonly chains: readonly string[];
  readonly description: Text;
}

export interface IptablesCommandSpec {
  /** Canonical short form: '-A'. */
  readonly name: string;
  readonly long: string;
  /** Words after the command: a chain, an optional rule number, a policy, a new name. */
  readonly operands: readonly ('chain' | 'chain?' | 'number' | 'number?' | 'policy' | 'newname')[];
  /** A rule specification follows (matches, target). */
  readonly rulespec: boolean;
  readonly description: Text;
}

const t = (en: string, ja: string): Text => Object.freeze({ en, ja });

// ---------------------------------------------------------------------------------------------------------------
// Tables, chains, policies, commands

export const IPTABLES_TABLES: readonly IptablesTableSpec[] = Object.freeze([
  { name: 'filter', chains: ['INPUT', 'FORWARD', 'OUTPUT'], description: t('the default table: accept or drop packets', '既定のテーブル: パケットの許可・破棄') },
  { name: 'nat', chains: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], description: t('address translation, consulted for the first packet of a connection', 'アドレス変換 (接続の最初のパケットで参照)') },
  { name: 'mangle', chains: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], description: t('packet alteration: marks, TOS/DSCP, TTL', 'パケットの書き換え: マーク・TOS/DSCP・TTL') },
  { name: 'raw', chains: ['PREROUTING', 'OUTPUT'], description: t('before connection tracking: exemptions (NOTRACK/CT)', 'コネクション追跡の前: 追跡除外 (NOTRACK/CT)') },
  { name: 'security', chains: ['INPUT', 'FORWARD', 'OUTPUT'], description: t('mandatory access control (SELinux SECMARK)', '強制アクセス制御 (SELinux SECMARK)') },
]);

export const IPTABLES_BUILTIN_CHAINS: Readonly<Record<string, Text>> = Object.freeze({
  PREROUTING: t('packets as they arrive, before routing', '到着直後、ルーティング前のパケット'),
  INPUT: t('packets addressed to this host', 'このホスト宛てのパケット'),
  FORWARD: t('packets routed through this host', 'このホストを経由して転送されるパケット'),
  OUTPUT: t('packets sent by this host', 'このホストが送信するパケット'),
  POSTROUTING: t('packets about to leave, after routing', 'ルーティング後、送出直前のパケット'),
});

export interface IptablesPolicySpec {
  readonly name: string;
  readonly description: Text;
}

/** Built-in chains take ACCEPT or DROP; user chains have none, printed as `-`. */
export const IPTABLES_POLICIES: readonly IptablesPolicySpec[] = Object.freeze([
  { name: 'ACCEPT', description: t('packets that reach the end of the chain are accepted', 'チェインの最後まで来たパケットを許可する') },
  { name: 'DROP', description: t('packets that reach the end of the chain are dropped silently', 'チェインの最後まで来たパケットを黙って破棄する') },
]);

export const IPTABLES_USER_CHAIN_POLICY = '-';

export const IPTABLES_COMMANDS: readonly IptablesCommandSpec[] = Object.freeze([
  { name: '-A', long: '--append', operands: ['chain'], rulespec: true, description: t('append a rule to the end of a chain', 'チェインの末尾にルールを追加') },
  { name: '-I', long: '--insert', operands: ['chain', 'number?'], rulespec: true, description: t('insert a rule (at the top, or at a position)', 'ルールを挿入 (先頭または指定位置)') },
  { name: '-D', long: '--delete', operands: ['chain', 'number?'], rulespec: true, description: t('delete a rule (by specification or number)', 'ルールを削除 (指定内容または番号)') },
  { name: '-R', long: '--replace', operands: ['chain', 'number'], rulespec: true, description: t('replace the rule at a position', '指定位置のルールを置換') },
  { name: '-C', long: '--check', operands: ['chain'], rulespec: true, description: t('check whether a rule exists', 'ルールの存在を確認') },
  { name: '-N', long: '--new-chain', operands: ['chain'], rulespec: false, description: t('create a user chain', 'ユーザー定義チェインを作成') },
  { name: '-X', long: '--delete-chain', operands: ['chain?'], rulespec: false, description: t('delete a user chain (all if none named)', 'ユーザー定義チェインを削除') },
  { name: '-P', long: '--policy', operands: ['chain', 'policy'], rulespec: false, description: t('set the policy of a built-in chain', '組み込みチェインのポリシーを設定') },
  { name: '-F', long: '--flush', operands: ['chain?'], rulespec: false, description: t('delete every rule of a chain (or of all chains)', 'チェインの全ルールを削除') },
  { name: '-Z', long: '--zero', operands: ['chain?', 'number?'], rulespec: false, description: t('reset packet and byte counters', 'パケット・バイトカウンタをゼロにする') },
  { name: '-E', long: '--rename-chain', operands: ['chain', 'newname'], rulespec: false, description: t('rename a user chain', 'ユーザー定義チェインの名前を変更') },
]);

// ---------------------------------------------------------------------------------------------------------------
// Value spec shorthands: one call per kind keeps the tables below readable.

type V = IptablesValueSpec;
const flag: V = { kind: 'none', args: 0 };
const uint = (min: number, max: number): V => ({ kind: 'uint', args: 1, min, max });
const u8 = uint(0, 255);
const u16 = uint(0, 65535);
const u32 = uint(0, 4294967295);
const urange = (max: number): V => ({ kind: 'uint-range', args: 1, min: 0, max });
const u64: V = { kind: 'u64', args: 1 };
const port: V = { kind: 'port', args: 1 };
const portRange: V = { kind: 'port-range', args: 1 };
const portList: V = { kind: 'port-list', args: 1 };
const addr: V = { kind: 'address', args: 1 };
const addrList: V = { kind: 'address', args: 1, list: true };
const prefix: V = { kind: 'prefix', args: 1 };
const iface: V = { kind: 'interface', args: 1 };
const mark: V = { kind: 'mark', args: 1 };
const str = (maxLength?: number, minLength?: number): V => ({ kind: 'string', args: 1, ...(maxLength !== undefined ? { maxLength } : {}), ...(minLength !== undefined ? { minLength } : {}) });
const oneOf = (values: readonly string[], caseInsensitive = false): V => ({ kind: 'enum', args: 1, values, caseInsensitive });
const listOf = (values: readonly string[], caseInsensitive = false): V => ({ kind: 'enum-list', args: 1, values, caseInsensitive });
const kind = (k: IptablesValueKind, args: 0 | 1 | 2 = 1): V => ({ kind: k, args });
const any: V = { kind: 'any', args: 1 };

interface OptExtra {
  aliases?: readonly string[];
  invert?: boolean;
  repeat?: boolean;
  family?: IptablesFamily;
  requires?: readonly string[];
  requiresAny?: readonly string[];
  after?: readonly string[];
  protocols?: readonly string[];
  chains?: readonly string[];
}

function o(name: string, value: V, en: string, ja: string, extra: OptExtra = {}): IptablesOptionSpec {
  return Object.freeze({ name, value, description: t(en, ja), ...extra });
}
/** An invertible option: most match options are. */
function oi(name: string, value: V, en: string, ja: string, extra: OptExtra = {}): IptablesOptionSpec {
  return o(name, value, en, ja, { invert: true, ...extra });
}

type ExtExtra = Partial<Omit<IptablesExtensionSpec, 'kind' | 'name' | 'options' | 'description'>>;

function m(name: string, en: string, ja: string, options: readonly IptablesOptionSpec[], extra: ExtExtra = {}): IptablesExtensionSpec {
  return Object.freeze({ kind: 'match', name, options: Object.freeze(options), description: t(en, ja), ...extra });
}
function j(name: string, en: string, ja: string, options: readonly IptablesOptionSpec[], extra: ExtExtra = {}): IptablesExtensionSpec {
  return Object.freeze({ kind: 'target', name, options: Object.freeze(options), description: t(en, ja), ...extra });
}

// ---------------------------------------------------------------------------------------------------------------
// Enumerations shared by several extensions

export const IPTABLES_LOG_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  emerg: 0,
  panic: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warn: 4,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
});

/** The kernel's LOG prefix buffer is 30 bytes with its NUL: iptables refuses longer prefixes. */
export const IPTABLES_LOG_PREFIX_MAX = 29;
/** NFLOG carries up to 64 bytes of prefix. */
export const IPTABLES_NFLOG_PREFIX_MAX = 64;

export const IPTABLES_REJECT_WITH: Readonly<Record<IptablesFamily, readonly string[]>> = Object.freeze({
  4: [
    'icmp-net-unreachable', 'net-unreach', 'icmp-host-unreachable', 'host-unreach', 'icmp-port-unreachable', 'port-unreach',
    'icmp-proto-unreachable', 'proto-unreach', 'icmp-net-prohibited', 'net-prohib', 'icmp-host-prohibited', 'host-prohib',
    'icmp-admin-prohibited', 'admin-prohib', 'tcp-reset', 'tcp-rst',
  ],
  6: [
    'icmp6-no-route', 'no-route', 'icmp6-adm-prohibited', 'adm-prohibited', 'icmp6-addr-unreachable', 'addr-unreach',
    'icmp6-port-unreachable', 'port-unreach', 'icmp6-policy-fail', 'policy-fail', 'icmp6-reject-route', 'reject-route',
    'tcp-reset', 'tcp-rst',
  ],
});

export const IPTABLES_ICMP_TYPES: Readonly<Record<string, string>> = Object.freeze({
  any: '',
  'echo-reply': '0',
  'destination-unreachable': '3',
  'network-unreachable': '3/0',
  'host-unreachable': '3/1',
  'protocol-unreachable': '3/2',
  'port-unreachable': '3/3',
  'fragmentation-needed': '3/4',
  'source-route-failed': '3/5',
  'network-unknown': '3/6',
  'host-unknown': '3/7',
  'network-prohibited': '3/9',
  'host-prohibited': '3/10',
  'TOS-network-unreachable': '3/11',
  'TOS-host-unreachable': '3/12',
  'communication-prohibited': '3/13',
  'host-precedence-violation': '3/14',
  'precedence-cutoff': '3/15',
  'source-quench': '4',
  redirect: '5',
  'network-redirect': '5/0',
  'host-redirect': '5/1',
  'TOS-network-redirect': '5/2',
  'TOS-host-redirect': '5/3',
  'echo-request': '8',
  'router-advertisement': '9',
  'router-solicitation': '10',
  'time-exceeded': '11',
  'ttl-zero-during-transit': '11/0',
  'ttl-zero-during-reassembly': '11/1',
  'parameter-problem': '12',
  'ip-header-bad': '12/0',
  'required-option-missing': '12/1',
  'timestamp-request': '13',
  'timestamp-reply': '14',
  'address-mask-request': '17',
  'address-mask-reply': '18',
});

export const IPTABLES_ICMPV6_TYPES: Readonly<Record<string, string>> = Object.freeze({
  'destination-unreachable': '1',
  'no-route': '1/0',
  'communication-prohibited': '1/1',
  'beyond-scope': '1/2',
  'address-unreachable': '1/3',
  'port-unreachable': '1/4',
  'failed-policy': '1/5',
  'reject-route': '1/6',
  'packet-too-big': '2',
  'time-exceeded': '3',
  'ttl-zero-during-transit': '3/0',
  'ttl-zero-during-reassembly': '3/1',
  'parameter-problem': '4',
  'bad-header': '4/0',
  'unknown-header-type': '4/1',
  'unknown-option': '4/2',
  'echo-request': '128',
  'echo-reply': '129',
  'mld-listener-query': '130',
  'mld-listener-report': '131',
  'mld-listener-done': '132',
  'mld-listener-reduction': '132',
  'router-solicitation': '133',
  'router-advertisement': '134',
  'neighbour-solicitation': '135',
  'neighbor-solicitation': '135',
  'neighbour-advertisement': '136',
  'neighbor-advertisement': '136',
  redirect: '137',
});

/** Names `-p` knows without /etc/protocols (xtables_chain_protos), plus common /etc/protocols aliases. */
export const IPTABLES_PROTOCOL_NAMES: Readonly<Record<string, number>> = Object.freeze({
  all: 0,
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ipencap: 4,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  ospf: 89,
  ipip: 94,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  'ipv6-mh': 135,
  mh: 135,
  'mobility-header': 135,
  udplite: 136,
  dccp: 33,
});

export const IPTABLES_CT_STATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
export const IPTABLES_TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ALL', 'NONE'] as const;
const ADDR_TYPES = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];
export const IPTABLES_DSCP_CLASSES = ['CS0', 'CS1', 'CS2', 'CS3', 'CS4', 'CS5', 'CS6', 'CS7', 'BE', 'AF11', 'AF12', 'AF13', 'AF21', 'AF22', 'AF23', 'AF31', 'AF32', 'AF33', 'AF41', 'AF42', 'AF43', 'EF'] as const;
export const IPTABLES_TOS_NAMES: Readonly<Record<string, number>> = Object.freeze({
  'Minimize-Delay': 0x10,
  'Maximize-Throughput': 0x08,
  'Maximize-Reliability': 0x04,
  'Minimize-Cost': 0x02,
  'Normal-Service': 0x00,
});
export const IPTABLES_SCTP_CHUNKS = [
  'DATA', 'INIT', 'INIT_ACK', 'SACK', 'HEARTBEAT', 'HEARTBEAT_ACK', 'ABORT', 'SHUTDOWN', 'SHUTDOWN_ACK', 'ERROR',
  'COOKIE_ECHO', 'COOKIE_ACK', 'ECN_ECNE', 'ECN_CWR', 'SHUTDOWN_COMPLETE', 'ASCONF', 'ASCONF_ACK', 'FORWARD_TSN',
  'I_DATA', 'RE_CONFIG', 'PAD', 'I_FORWARD_TSN', 'ALL', 'NONE',
] as const;
const DCCP_TYPES = ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID'];
const PKT_TYPES = ['unicast', 'broadcast', 'multicast', 'host', 'otherhost', 'outgoing', 'loopback', 'fastroute'];
/** Protocols that have ports: NAT port ranges and multiport need one of them. */
export const IPTABLES_PORT_PROTOCOLS = ['tcp', 'udp', 'sctp', 'dccp', 'udplite'] as const;

const PORT_PROTOS = IPTABLES_PORT_PROTOCOLS;
const NF_INPUT_SIDE = ['PREROUTING', 'INPUT', 'FORWARD'];
const NF_OUTPUT_SIDE = ['FORWARD', 'OUTPUT', 'POSTROUTING'];
const LOCAL_OUT = ['OUTPUT', 'POSTROUTING'];

// ---------------------------------------------------------------------------------------------------------------
// The rule's own options (no -m needed)

export const IPTABLES_RULE_OPTIONS: readonly (IptablesOptionSpec & { readonly short?: string })[] = Object.freeze([
  { ...oi('--protocol', kind('protocol'), 'protocol: a name, a number, or all', 'プロトコル: 名前・番号・all', { aliases: ['--proto'] }), short: '-p' },
  { ...oi('--source', addrList, 'source address[/mask], comma list allowed', '送信元アドレス[/マスク] (カンマ区切り可)', { aliases: ['--src'] }), short: '-s' },
  { ...oi('--destination', addrList, 'destination address[/mask], comma list allowed', '宛先アドレス[/マスク] (カンマ区切り可)', { aliases: ['--dst'] }), short: '-d' },
  { ...oi('--in-interface', iface, 'interface the packet came in on (+ is a wildcard)', '受信インターフェース (+ はワイルドカード)', { chains: NF_INPUT_SIDE }), short: '-i' },
  { ...oi('--out-interface', iface, 'interface the packet goes out on (+ is a wildcard)', '送信インターフェース (+ はワイルドカード)', { chains: NF_OUTPUT_SIDE }), short: '-o' },
  { ...oi('--fragment', flag, 'second and later IPv4 fragments only', 'IPv4 の 2 番目以降のフラグメントのみ', { family: 4 }), short: '-f' },
  { ...o('--match', kind('any'), 'load a match extension', 'マッチ拡張を読み込む'), short: '-m' },
  { ...o('--jump', kind('any'), 'target: what to do with a matching packet', 'ターゲット: 一致したパケットの扱い'), short: '-j' },
  { ...o('--goto', kind('any'), 'continue in a user chain without returning here', '戻らずにユーザー定義チェインへ移る'), short: '-g' },
  { ...o('--set-counters', kind('counters'), 'initial packet and byte counters', 'パケット・バイトカウンタの初期値'), short: '-c' },
  { ...o('--table', kind('any'), 'table the command applies to', 'コマンドの対象テーブル'), short: '-t' },
  { ...o('--ipv4', flag, 'this rule is for IPv4 only', 'IPv4 専用のルール'), short: '-4' },
  { ...o('--ipv6', flag, 'this rule is for IPv6 only', 'IPv6 専用のルール'), short: '-6' },
]);

// ---------------------------------------------------------------------------------------------------------------
// Matches

const portOpts = (proto: string): IptablesOptionSpec[] => [
  oi('--source-port', portRange, `${proto} source port or range (a:b)`, `${proto} 送信元ポートまたは範囲 (a:b)`, { aliases: ['--sport'] }),
  oi('--destination-port', portRange, `${proto} destination port or range (a:b)`, `${proto} 宛先ポートまたは範囲 (a:b)`, { aliases: ['--dport'] }),
];

/** The canonical long names iptables-save prints (--sport, --dport) come first; aliases resolve to them. */
function savedPortOpts(proto: string): IptablesOptionSpec[] {
  return portOpts(proto).map((p) => Object.freeze({ ...p, name: p.aliases![0], aliases: [p.name] }));
}

const SPI = urange(4294967295);

export const IPTABLES_MATCHES: readonly IptablesExtensionSpec[] = Object.freeze([
  m('tcp', 'TCP ports and flags', 'TCP のポートとフラグ', [
    ...savedPortOpts('TCP'),
    oi('--tcp-flags', kind('tcp-flags', 2), 'flags to examine, then those that must be set (SYN,ACK SYN)', '調べるフラグと、立っているべきフラグ (SYN,ACK SYN)'),
    oi('--syn', flag, 'SYN set and ACK, RST, FIN clear: a connection request', 'SYN のみ (接続要求)'),
    oi('--tcp-option', uint(0, 255), 'a TCP option is present', 'TCP オプションの有無'),
  ], { protocols: ['tcp'], exclusive: [['--syn', '--tcp-flags']] }),
  m('udp', 'UDP ports', 'UDP のポート', savedPortOpts('UDP'), { protocols: ['udp', 'udplite'] }),
  m('sctp', 'SCTP ports and chunk types', 'SCTP のポートとチャンク種別', [
    ...savedPortOpts('SCTP'),
    oi('--chunk-types', kind('sctp-chunks', 2), 'all|any|only and the chunk types', 'all|any|only とチャンク種別'),
  ], { protocols: ['sctp'] }),
  m('dccp', 'DCCP ports, packet types and options', 'DCCP のポート・パケット種別・オプション', [
    ...savedPortOpts('DCCP'),
    oi('--dccp-types', listOf(DCCP_TYPES, true), 'DCCP packet types', 'DCCP パケット種別'),
    oi('--dccp-option', uint(0, 255), 'a DCCP option is present', 'DCCP オプションの有無'),
  ], { protocols: ['dccp'] }),
  m('icmp', 'ICMP type and code', 'ICMP のタイプとコード', [
    oi('--icmp-type', kind('icmp-type'), 'type[/code] or a name (echo-request)', 'タイプ[/コード] または名前 (echo-request)'),
  ], { family: 4, protocols: ['icmp'], required: [['--icmp-type']] }),
  m('icmp6', 'ICMPv6 type and code', 'ICMPv6 のタイプとコード', [
    oi('--icmpv6-type', kind('icmpv6-type'), 'type[/code] or a name (neighbour-solicitation)', 'タイプ[/コード] または名前 (neighbour-solicitation)'),
  ], { family: 6, protocols: ['icmpv6', 'ipv6-icmp'], required: [['--icmpv6-type']] }),
  m('esp', 'IPsec ESP SPI', 'IPsec ESP の SPI', [oi('--espspi', SPI, 'SPI or range', 'SPI または範囲')], { protocols: ['esp'] }),
  m('ah', 'IPsec AH SPI', 'IPsec AH の SPI', [oi('--ahspi', SPI, 'SPI or range', 'SPI または範囲')], { family: 4, protocols: ['ah'] }),
  m('ah', 'IPsec AH header', 'IPsec AH ヘッダ', [
    oi('--ahspi', SPI, 'SPI or range', 'SPI または範囲'),
    oi('--ahlen', u32, 'AH header length', 'AH ヘッダ長'),
    o('--ahres', flag, 'reserved field is zero', '予約フィールドが 0'),
  ], { family: 6 }),
  m('ipcomp', 'IPComp compression parameter index', 'IPComp の CPI', [
    oi('--ipcompspi', SPI, 'CPI or range', 'CPI または範囲'),
    o('--compres', flag, 'reserved field is non-zero', '予約フィールドが 0 以外'),
  ], { protocols: ['ipcomp'] }),
  m('mh', 'IPv6 mobility header type', 'IPv6 モビリティヘッダの種別', [oi('--mh-type', kind('any'), 'type or range (name or number)', '種別または範囲 (名前または番号)')], {
    family: 6,
    protocols: ['mobility-header', 'ipv6-mh', 'mh', '135'],
  }),
  m('multiport', 'up to 15 ports or ranges', '最大 15 個のポートまたは範囲', [
    oi('--source-ports', portList, 'source ports (a,b,c:d)', '送信元ポート (a,b,c:d)', { aliases: ['--sports'] }),
    oi('--destination-ports', portList, 'destination ports (a,b,c:d)', '宛先ポート (a,b,c:d)', { aliases: ['--dports'] }),
    oi('--ports', portList, 'source or destination ports', '送信元または宛先ポート'),
  ], { protocols: PORT_PROTOS, required: [['--source-ports', '--destination-ports', '--ports']], exclusive: [['--source-ports', '--destination-ports', '--ports']] }),
  m('state', 'connection tracking state (older form of conntrack --ctstate)', 'コネクション追跡状態 (conntrack --ctstate の旧形式)', [
    oi('--state', listOf(['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED']), 'INVALID,NEW,ESTABLISHED,RELATED,UNTRACKED', 'INVALID,NEW,ESTABLISHED,RELATED,UNTRACKED'),
  ], { required: [['--state']] }),
  m('conntrack', 'connection tracking state and tuple', 'コネクション追跡の状態とタプル', [
    oi('--ctstate', listOf(IPTABLES_CT_STATES), 'connection states', '接続状態'),
    oi('--ctproto', { kind: 'protocol', args: 1, min: 1 }, 'layer-4 protocol of the connection', '接続のレイヤ 4 プロトコル'),
    oi('--ctorigsrc', addr, 'original source address', '元の送信元アドレス'),
    oi('--ctorigdst', addr, 'original destination address', '元の宛先アドレス'),
    oi('--ctreplsrc', addr, 'reply source address', '応答の送信元アドレス'),
    oi('--ctrepldst', addr, 'reply destination address', '応答の宛先アドレス'),
    oi('--ctorigsrcport', portRange, 'original source port', '元の送信元ポート'),
    oi('--ctorigdstport', portRange, 'original destination port', '元の宛先ポート'),
    oi('--ctreplsrcport', portRange, 'reply source port', '応答の送信元ポート'),
    oi('--ctrepldstport', portRange, 'reply destination port', '応答の宛先ポート'),
    oi('--ctstatus', listOf(['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']), 'connection status bits', '接続ステータス'),
    oi('--ctexpire', urange(4294967295), 'remaining lifetime in seconds', '残り寿命 (秒)'),
    o('--ctdir', oneOf(['ORIGINAL', 'REPLY']), 'packet direction', 'パケットの方向'),
  ], { required: [['--ctstate', '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport', '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctstatus', '--ctexpire', '--ctdir']] }),
  m('limit', 'rate limit with a token bucket', 'トークンバケットによる流量制限', [
    o('--limit', kind('limit-rate'), 'average rate: N/second, /minute, /hour or /day (default 3/hour)', '平均レート: N/second・/minute・/hour・/day (既定 3/hour)'),
    o('--limit-burst', uint(1, 10000), 'burst before the limit applies (default 5)', '制限前に許すバースト数 (既定 5)'),
  ], {}),
  m('hashlimit', 'rate limit per address, port or network', 'アドレス・ポート・ネットワークごとの流量制限', [
    o('--hashlimit-upto', kind('hashlimit-rate'), 'match while below the rate', 'レート以下の間一致'),
    o('--hashlimit-above', kind('hashlimit-rate'), 'match above the rate', 'レートを超えたら一致'),
    o('--hashlimit', kind('hashlimit-rate'), 'older form of --hashlimit-upto', '--hashlimit-upto の旧形式'),
    o('--hashlimit-burst', kind('hashlimit-burst'), 'burst size', 'バーストサイズ'),
    o('--hashlimit-mode', listOf(['srcip', 'srcport', 'dstip', 'dstport']), 'what to group by: srcip,srcport,dstip,dstport', 'グループ化の単位: srcip,srcport,dstip,dstport'),
    o('--hashlimit-srcmask', uint(0, 128), 'source prefix length to group by', 'グループ化する送信元プレフィックス長'),
    o('--hashlimit-dstmask', uint(0, 128), 'destination prefix length to group by', 'グループ化する宛先プレフィックス長'),
    o('--hashlimit-name', str(255, 1), 'name of the table (/proc/net/ipt_hashlimit/NAME)', 'テーブル名 (/proc/net/ipt_hashlimit/NAME)'),
    o('--hashlimit-htable-size', u32, 'number of buckets', 'バケット数'),
    o('--hashlimit-htable-max', u32, 'maximum entries', '最大エントリ数'),
    o('--hashlimit-htable-expire', u32, 'entry lifetime in ms', 'エントリの寿命 (ミリ秒)'),
    o('--hashlimit-htable-gcinterval', u32, 'garbage collection interval in ms', 'ガベージコレクション間隔 (ミリ秒)'),
    o('--hashlimit-rate-match', flag, 'match on the measured rate', '計測レートで一致'),
    o('--hashlimit-rate-interval', uint(1, 4294967295), 'rate sampling interval in seconds', 'レート計測間隔 (秒)'),
  ], { required: [['--hashlimit-upto', '--hashlimit-above', '--hashlimit'], ['--hashlimit-name']], exclusive: [['--hashlimit-upto', '--hashlimit-above', '--hashlimit']] }),
  m('comment', 'a comment shown in listings; matches every packet', 'ルール一覧に表示されるコメント (常に一致)', [o('--comment', str(255), 'up to 255 characters', '最大 255 文字')], {
    required: [['--comment']],
    matchesAll: true,
  }),
  m('addrtype', 'address type (LOCAL, BROADCAST, ...)', 'アドレス種別 (LOCAL・BROADCAST など)', [
    oi('--src-type', listOf(ADDR_TYPES), 'source address type', '送信元アドレス種別'),
    oi('--dst-type', listOf(ADDR_TYPES), 'destination address type', '宛先アドレス種別'),
    o('--limit-iface-in', flag, 'look up on the input interface only', '受信インターフェースのみで判定', { chains: ['PREROUTING', 'INPUT', 'FORWARD'] }),
    o('--limit-iface-out', flag, 'look up on the output interface only', '送信インターフェースのみで判定', { chains: ['POSTROUTING', 'OUTPUT', 'FORWARD'] }),
  ], { required: [['--src-type', '--dst-type']], exclusive: [['--limit-iface-in', '--limit-iface-out']] }),
  m('iprange', 'an arbitrary address range', '任意のアドレス範囲', [
    oi('--src-range', kind('address-range'), 'source range a-b', '送信元範囲 a-b'),
    oi('--dst-range', kind('address-range'), 'destination range a-b', '宛先範囲 a-b'),
  ], { required: [['--src-range', '--dst-range']] }),
  m('mac', 'source MAC address', '送信元 MAC アドレス', [oi('--mac-source', kind('mac'), 'XX:XX:XX:XX:XX:XX', 'XX:XX:XX:XX:XX:XX')], {
    required: [['--mac-source']],
    chains: ['PREROUTING', 'INPUT', 'FORWARD'],
  }),
  m('mark', 'packet mark (nfmark)', 'パケットマーク (nfmark)', [oi('--mark', mark, 'value[/mask]', '値[/マスク]')], { required: [['--mark']] }),
  m('connmark', 'connection mark', 'コネクションマーク', [oi('--mark', mark, 'value[/mask]', '値[/マスク]')], { required: [['--mark']] }),
  m('connlimit', 'number of connections per address or network', 'アドレス・ネットワークごとの接続数', [
    o('--connlimit-upto', u32, 'match while at most this many', 'この数以下なら一致'),
    o('--connlimit-above', u32, 'match above this many', 'この数を超えたら一致'),
    o('--connlimit-mask', uint(0, 128), 'group by prefix length', 'グループ化するプレフィックス長'),
    o('--connlimit-saddr', flag, 'count per source (default)', '送信元ごとに数える (既定)'),
    o('--connlimit-daddr', flag, 'count per destination', '宛先ごとに数える'),
  ], { required: [['--connlimit-upto', '--connlimit-above']], exclusive: [['--connlimit-upto', '--connlimit-above'], ['--connlimit-saddr', '--connlimit-daddr']] }),
  m('connbytes', 'bytes or packets a connection has transferred', '接続の転送済みバイト数・パケット数', [
    oi('--connbytes', kind('u64-range'), 'from[:to]', '下限[:上限]'),
    o('--connbytes-dir', oneOf(['original', 'reply', 'both']), 'original, reply or both', 'original・reply・both'),
    o('--connbytes-mode', oneOf(['packets', 'bytes', 'avgpkt']), 'packets, bytes or avgpkt', 'packets・bytes・avgpkt'),
  ], { required: [['--connbytes'], ['--connbytes-dir'], ['--connbytes-mode']] }),
  m('connlabel', 'connection labels', 'コネクションラベル', [
    oi('--label', kind('label'), 'label name or bit number (0-127)', 'ラベル名またはビット番号 (0-127)'),
    o('--set', flag, 'set the label if absent', 'ラベルがなければ付ける'),
  ], { required: [['--label']] }),
  m('helper', 'connection tracking helper', 'コネクション追跡ヘルパー', [oi('--helper', str(29), 'helper name (ftp, sip-5060)', 'ヘルパー名 (ftp・sip-5060)')], { required: [['--helper']] }),
  m('length', 'layer-3 payload length', 'レイヤ 3 ペイロード長', [oi('--length', urange(65535), 'length or range', '長さまたは範囲')], { required: [['--length']] }),
  m('ttl', 'IPv4 time to live', 'IPv4 の TTL', [
    oi('--ttl-eq', u8, 'TTL equals', 'TTL が等しい'),
    o('--ttl-gt', u8, 'TTL greater than', 'TTL がより大きい'),
    o('--ttl-lt', u8, 'TTL less than', 'TTL がより小さい'),
  ], { family: 4, required: [['--ttl-eq', '--ttl-gt', '--ttl-lt']], exclusive: [['--ttl-eq', '--ttl-gt', '--ttl-lt']] }),
  m('hl', 'IPv6 hop limit', 'IPv6 のホップリミット', [
    oi('--hl-eq', u8, 'hop limit equals', 'ホップリミットが等しい'),
    o('--hl-gt', u8, 'hop limit greater than', 'ホップリミットがより大きい'),
    o('--hl-lt', u8, 'hop limit less than', 'ホップリミットがより小さい'),
  ], { family: 6, required: [['--hl-eq', '--hl-gt', '--hl-lt']], exclusive: [['--hl-eq', '--hl-gt', '--hl-lt']] }),
  m('tos', 'IPv4 TOS / IPv6 traffic class field', 'IPv4 TOS / IPv6 トラフィッククラス', [oi('--tos', kind('tos'), 'value[/mask] or a name (Minimize-Delay)', '値[/マスク] または名前 (Minimize-Delay)')], { required: [['--tos']] }),
  m('dscp', 'DSCP field', 'DSCP フィールド', [
    oi('--dscp', uint(0, 63), 'DSCP value 0-63', 'DSCP 値 0-63'),
    oi('--dscp-class', kind('dscp-class'), 'DiffServ class (EF, AF41, CS1)', 'DiffServ クラス (EF・AF41・CS1)'),
  ], { required: [['--dscp', '--dscp-class']], exclusive: [['--dscp', '--dscp-class']] }),
  m('ecn', 'ECN bits of IP and TCP', 'IP と TCP の ECN ビット', [
    oi('--ecn-tcp-cwr', flag, 'TCP CWR set', 'TCP CWR が立っている', { protocols: ['tcp'] }),
    oi('--ecn-tcp-ece', flag, 'TCP ECE set', 'TCP ECE が立っている', { protocols: ['tcp'] }),
    oi('--ecn-ip-ect', uint(0, 3), 'IP ECT codepoint 0-3', 'IP ECT コードポイント 0-3'),
  ], { required: [['--ecn-tcp-cwr', '--ecn-tcp-ece', '--ecn-ip-ect']] }),
  m('owner', 'local socket owner (locally generated packets)', 'ローカルソケットの所有者 (自ホスト発のパケット)', [
    oi('--uid-owner', kind('dash-range'), 'user name, id or range', 'ユーザー名・ID・範囲'),
    oi('--gid-owner', kind('dash-range'), 'group name, id or range', 'グループ名・ID・範囲'),
    o('--suppl-groups', flag, 'also match supplementary groups (after --gid-owner)', '補助グループも対象 (--gid-owner の後に)', { after: ['--gid-owner'] }),
    oi('--socket-exists', flag, 'the packet has a socket', 'ソケットがある'),
  ], { chains: ['OUTPUT', 'POSTROUTING'], required: [['--uid-owner', '--gid-owner', '--socket-exists']] }),
  m('pkttype', 'link-layer packet type', 'リンク層のパケット種別', [oi('--pkt-type', oneOf(PKT_TYPES, true), 'unicast, broadcast or multicast', 'unicast・broadcast・multicast')], { required: [['--pkt-type']] }),
  m('physdev', 'bridge port', 'ブリッジのポート', [
    oi('--physdev-in', iface, 'bridge port the packet came in on', '受信ブリッジポート'),
    oi('--physdev-out', iface, 'bridge port the packet goes out on', '送信ブリッジポート'),
    oi('--physdev-is-in', flag, 'came in through a bridge port', 'ブリッジポートから受信'),
    oi('--physdev-is-out', flag, 'goes out through a bridge port', 'ブリッジポートへ送信'),
    oi('--physdev-is-bridged', flag, 'is being bridged', 'ブリッジされている'),
  ], { required: [['--physdev-in', '--physdev-out', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged']] }),
  m('recent', 'dynamic list of recently seen addresses', '最近見たアドレスの動的リスト', [
    oi('--set', flag, 'add the address to the list', 'リストにアドレスを追加'),
    oi('--rcheck', flag, 'is the address in the list', 'リストにあるか確認'),
    oi('--update', flag, 'like --rcheck, and refresh its time', '--rcheck と同じく確認し時刻を更新'),
    oi('--remove', flag, 'remove the address from the list', 'リストから削除'),
    o('--seconds', u32, 'seen within this many seconds (with --rcheck/--update)', 'この秒数以内に見たもの'),
    o('--reap', flag, 'purge entries older than --seconds', '--seconds より古いエントリを削除', { requires: ['--seconds'] }),
    o('--hitcount', uint(0, 65535), 'seen at least this many times (kernel limit ip_pkt_list_tot)', 'この回数以上見たもの (カーネル上限 ip_pkt_list_tot)'),
    o('--rttl', flag, 'the TTL must match too (with --rcheck/--update)', 'TTL も一致すること', { requiresAny: ['--rcheck', '--update'] }),
    o('--name', str(199, 1), 'list name (default DEFAULT)', 'リスト名 (既定 DEFAULT)'),
    o('--mask', addr, 'netmask applied to the address', 'アドレスに適用するネットマスク'),
    o('--rsource', flag, 'use the source address (default)', '送信元アドレスを使う (既定)'),
    o('--rdest', flag, 'use the destination address', '宛先アドレスを使う'),
  ], { required: [['--set', '--rcheck', '--update', '--remove']], exclusive: [['--set', '--rcheck', '--update', '--remove'], ['--rsource', '--rdest']] }),
  m('string', 'a pattern in the payload', 'ペイロード中のパターン', [
    o('--algo', oneOf(['bm', 'kmp']), 'bm or kmp', 'bm または kmp'),
    o('--from', u16, 'start offset', '検索開始オフセット'),
    o('--to', u16, 'end offset', '検索終了オフセット'),
    oi('--string', str(128, 1), 'text to look for (max 128)', '探す文字列 (最大 128)'),
    oi('--hex-string', str(), 'bytes |00 0a| mixed with text', '|00 0a| 形式を含むバイト列'),
    o('--icase', flag, 'ignore case', '大文字小文字を区別しない'),
  ], { required: [['--algo'], ['--string', '--hex-string']], exclusive: [['--string', '--hex-string']] }),
  m('tcpmss', 'TCP MSS option value', 'TCP MSS オプションの値', [oi('--mss', urange(65535), 'MSS or range', 'MSS または範囲')], { protocols: ['tcp'], required: [['--mss']] }),
  m('time', 'time of day, weekday, date', '時刻・曜日・日付', [
    o('--datestart', kind('date'), 'from YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', '開始日時'),
    o('--datestop', kind('date'), 'until YYYY[-MM[-DD[Thh[:mm[:ss]]]]]', '終了日時'),
    o('--timestart', kind('time-of-day'), 'from hh:mm[:ss]', '開始時刻 hh:mm[:ss]'),
    o('--timestop', kind('time-of-day'), 'until hh:mm[:ss]', '終了時刻 hh:mm[:ss]'),
    oi('--monthdays', kind('monthdays'), 'days of the month 1-31', '日 (1-31)'),
    oi('--weekdays', kind('weekdays'), 'Mon,Tue,... or 1-7', '曜日 (Mon,Tue,... または 1-7)'),
    o('--contiguous', flag, 'timestop before timestart spans midnight as one range', '日付をまたぐ時間帯を一続きとして扱う'),
    o('--kerneltz', flag, 'use the kernel time zone, not UTC', 'UTC ではなくカーネルのタイムゾーン'),
    o('--localtz', flag, 'deprecated: same as --kerneltz', '非推奨: --kerneltz と同じ'),
    o('--utc', flag, 'times are UTC (default)', 'UTC で解釈 (既定)'),
  ], { exclusive: [['--kerneltz', '--utc', '--localtz']] }),
  m('set', 'address/port in an ipset', 'ipset に含まれるアドレス・ポート', [
    oi('--match-set', kind('set-flags', 2), 'set name and src/dst flags', 'セット名と src/dst フラグ'),
    o('--set', kind('set-flags', 2), 'older name of --match-set', '--match-set の旧名'),
    o('--return-nomatch', flag, 'invert nomatch entries', 'nomatch エントリを反転'),
    o('--update-counters', flag, 'update set counters (default)', 'セットのカウンタを更新 (既定)'),
    o('--no-update-counters', flag, 'do not update set counters', 'セットのカウンタを更新しない'),
    o('--update-subcounters', flag, 'update member counters', 'メンバーのカウンタを更新'),
    o('--no-update-subcounters', flag, 'do not update member counters', 'メンバーのカウンタを更新しない'),
    oi('--packets-eq', u64, 'member packet counter equals', 'パケット数が等しい'),
    o('--packets-lt', u64, 'member packet counter below', 'パケット数がより小さい'),
    o('--packets-gt', u64, 'member packet counter above', 'パケット数がより大きい'),
    oi('--bytes-eq', u64, 'member byte counter equals', 'バイト数が等しい'),
    o('--bytes-lt', u64, 'member byte counter below', 'バイト数がより小さい'),
    o('--bytes-gt', u64, 'member byte counter above', 'バイト数がより大きい'),
  ], { required: [['--match-set', '--set']] }),
  m('policy', 'IPsec policy the packet went through', 'パケットが通った IPsec ポリシー', [
    o('--dir', oneOf(['in', 'out']), 'in (decapsulation) or out (encapsulation)', 'in (復号) または out (暗号化)'),
    o('--pol', oneOf(['none', 'ipsec']), 'none or ipsec', 'none または ipsec'),
    o('--strict', flag, 'the policy must match exactly, element by element', '要素ごとに完全一致', { requiresAny: ['--reqid', '--spi', '--proto', '--mode', '--tunnel-src', '--tunnel-dst'] }),
    oi('--reqid', u32, 'reqid of the SA', 'SA の reqid'),
    oi('--spi', u32, 'SPI of the SA', 'SA の SPI'),
    oi('--proto', oneOf(['ah', 'esp', 'ipcomp']), 'ah, esp or ipcomp', 'ah・esp・ipcomp'),
    oi('--mode', oneOf(['tunnel', 'transport']), 'tunnel or transport', 'tunnel または transport'),
    oi('--tunnel-src', addr, 'tunnel source (with --mode tunnel)', 'トンネル送信元 (--mode tunnel と共に)', { requires: ['--mode'] }),
    oi('--tunnel-dst', addr, 'tunnel destination (with --mode tunnel)', 'トンネル宛先 (--mode tunnel と共に)', { requires: ['--mode'] }),
    o('--next', flag, 'start the next policy element (with --strict)', '次のポリシー要素を開始 (--strict と共に)', { requires: ['--strict'] }),
  ], { required: [['--dir'], ['--pol']], resetOption: '--next' }),
  m('quota', 'byte quota', 'バイト数の割り当て', [oi('--quota', u64, 'bytes', 'バイト数')], { required: [['--quota']] }),
  m('statistic', 'random or every-nth packet', 'ランダムまたは n 個ごとのパケット', [
    o('--mode', oneOf(['random', 'nth']), 'random or nth', 'random または nth'),
    oi('--probability', kind('probability'), 'probability 0.0-1.0 (random mode)', '確率 0.0-1.0 (random モード)', { requires: ['--mode'] }),
    oi('--every', uint(1, 4294967295), 'every n-th packet (nth mode)', 'n 個ごと (nth モード)', { requires: ['--mode', '--packet'] }),
    o('--packet', u32, 'initial counter 0..n-1 (nth mode)', 'カウンタ初期値 0..n-1 (nth モード)', { requires: ['--mode', '--every'] }),
  ], { required: [['--mode']], exclusive: [['--probability', '--every'], ['--probability', '--packet']] }),
  m('cpu', 'CPU handling the packet', 'パケットを処理する CPU', [oi('--cpu', u32, 'CPU number', 'CPU 番号')], { required: [['--cpu']] }),
  m('devgroup', 'interface group', 'インターフェースグループ', [
    oi('--src-group', mark, 'input interface group', '受信インターフェースのグループ'),
    oi('--dst-group', mark, 'output interface group', '送信インターフェースのグループ'),
  ], { required: [['--src-group', '--dst-group']] }),
  m('cgroup', 'control group of the local socket', 'ローカルソケットの cgroup', [
    oi('--path', str(4095), 'cgroup2 path', 'cgroup2 パス'),
    oi('--cgroup', u32, 'net_cls classid', 'net_cls クラス ID'),
  ], { required: [['--path', '--cgroup']], exclusive: [['--path', '--cgroup']] }),
  m('cluster', 'node of a load-sharing cluster', '負荷分散クラスタのノード', [
    o('--cluster-total-nodes', uint(1, 32), 'number of nodes', 'ノード数'),
    oi('--cluster-local-node', uint(1, 32), 'this node number', 'このノードの番号'),
    oi('--cluster-local-nodemask', u32, 'this node as a mask', 'このノードのマスク'),
    o('--cluster-hash-seed', u32, 'hash seed (same on all nodes)', 'ハッシュシード (全ノード共通)'),
  ], { required: [['--cluster-total-nodes'], ['--cluster-local-node', '--cluster-local-nodemask'], ['--cluster-hash-seed']], exclusive: [['--cluster-local-node', '--cluster-local-nodemask']] }),
  m('rpfilter', 'reverse path filter (source reachable by the input interface)', '逆経路フィルタ', [
    o('--loose', flag, 'any interface may reach the source', 'どのインターフェース経由でもよい'),
    o('--validmark', flag, 'use the packet mark for the lookup', '経路検索にパケットマークを使う'),
    o('--accept-local', flag, 'accept local source addresses', 'ローカルの送信元アドレスを許可'),
    o('--invert', flag, 'match failed lookups', '検索に失敗したものに一致'),
  ], { tables: ['raw', 'mangle'], chains: ['PREROUTING'] }),
  m('socket', 'an open local socket for the packet', 'パケットに対応するローカルソケット', [
    o('--transparent', flag, 'the socket is transparent', '透過ソケット'),
    o('--nowildcard', flag, 'ignore sockets bound to any address', 'ワイルドカード束縛を無視'),
    o('--restore-skmark', flag, 'copy the socket mark to the packet', 'ソケットのマークをパケットへ'),
  ], { chains: ['PREROUTING', 'INPUT'] }),
  m('u32', 'tests on 32-bit words of the packet', 'パケットの 32 ビット語の検査', [oi('--u32', str(), 'tests, e.g. "0>>22&0x3C@0>>16=0x1"', '検査式')], { required: [['--u32']] }),
  m('bpf', 'a BPF program', 'BPF プログラム', [
    o('--bytecode', str(), 'program as nfbpf_compile prints it', 'nfbpf_compile の出力形式'),
    o('--object-pinned', str(), 'path of a pinned eBPF object', '固定された eBPF オブジェクトのパス'),
  ], { required: [['--bytecode', '--object-pinned']], exclusive: [['--bytecode', '--object-pinned']] }),
  m('nfacct', 'extended accounting object', '拡張アカウンティングオブジェクト', [o('--nfacct-name', str(31, 1), 'object name', 'オブジェクト名')], { required: [['--nfacct-name']] }),
  m('osf', 'passive OS fingerprint of a TCP SYN', 'TCP SYN による受動的 OS 識別', [
    oi('--genre', str(31, 1), 'OS genre (Linux, Windows)', 'OS の種類'),
    o('--ttl', oneOf(['0', '1', '2']), 'TTL check: 0 exact, 1 less, 2 none', 'TTL 検査: 0 完全・1 以下・2 なし'),
    o('--log', oneOf(['0', '1', '2']), 'log: 0 all, 1 first, 2 unknown', 'ログ: 0 全部・1 最初・2 不明'),
  ], { protocols: ['tcp'], required: [['--genre']] }),
  m('realm', 'routing realm', 'ルーティングレルム', [oi('--realm', kind('any'), 'value[/mask] or name from rt_realms', '値[/マスク] または rt_realms の名前')], { family: 4, required: [['--realm']] }),
  m('rateest', 'rate estimator comparison', 'レート推定値の比較', [
    o('--rateest-delta', flag, 'compare with a delta', '差分で比較'),
    o('--rateest', str(15, 1), 'estimator name', '推定器名'),
    o('--rateest1', str(15, 1), 'first estimator', '1 つ目の推定器'),
    o('--rateest2', str(15, 1), 'second estimator', '2 つ目の推定器'),
    { ...o('--rateest-bps', kind('rateest-rate'), 'bytes per second', '毎秒バイト数'), value: { kind: 'rateest-rate', args: 1, optional: true } },
    { ...o('--rateest-pps', u32, 'packets per second', '毎秒パケット数'), value: { kind: 'uint', args: 1, min: 0, max: 4294967295, optional: true } },
    o('--rateest-bps1', kind('rateest-rate'), 'bytes per second of the first', '1 つ目の毎秒バイト数'),
    o('--rateest-bps2', kind('rateest-rate'), 'bytes per second of the second', '2 つ目の毎秒バイト数'),
    o('--rateest-pps1', u32, 'packets per second of the first', '1 つ目の毎秒パケット数'),
    o('--rateest-pps2', u32, 'packets per second of the second', '2 つ目の毎秒パケット数'),
    oi('--rateest-lt', flag, 'less than', 'より小さい'),
    oi('--rateest-gt', flag, 'greater than', 'より大きい'),
    oi('--rateest-eq', flag, 'equal', '等しい'),
  ], { required: [['--rateest', '--rateest1']], exclusive: [['--rateest-lt', '--rateest-gt', '--rateest-eq']] }),
  m('ipvs', 'IPVS connection properties', 'IPVS 接続の属性', [
    oi('--ipvs', flag, 'the packet belongs to an IPVS connection', 'IPVS 接続に属する'),
    oi('--vproto', kind('protocol'), 'virtual service protocol', '仮想サービスのプロトコル'),
    oi('--vaddr', addr, 'virtual service address[/mask]', '仮想サービスのアドレス'),
    oi('--vport', port, 'virtual service port', '仮想サービスのポート'),
    o('--vdir', oneOf(['ORIGINAL', 'REPLY']), 'flow direction', 'フローの方向'),
    oi('--vmethod', oneOf(['GATE', 'IPIP', 'MASQ']), 'forwarding method', '転送方式'),
    oi('--vportctl', port, 'port of the controlling connection', '制御接続のポート'),
  ]),
  m('l2tp', 'L2TP tunnel and session ids', 'L2TP のトンネル・セッション ID', [
    o('--tunnel-id', u32, 'tunnel id', 'トンネル ID'),
    o('--session-id', u32, 'session id', 'セッション ID'),
    o('--type', oneOf(['control', 'data']), 'control or data', 'control または data'),
    o('--pversion', oneOf(['2', '3']), 'L2TP version', 'L2TP バージョン'),
  ]),
  // IPv6 extension headers (libip6t_)
  m('dst', 'IPv6 destination options header', 'IPv6 宛先オプションヘッダ', [
    oi('--dst-len', u32, 'header length', 'ヘッダ長'),
    o('--dst-opts', kind('ip6-opts'), 'type[:length],...', 'タイプ[:長さ],...'),
  ], { family: 6 }),
  m('hbh', 'IPv6 hop-by-hop options header', 'IPv6 ホップバイホップオプションヘッダ', [
    oi('--hbh-len', u32, 'header length', 'ヘッダ長'),
    o('--hbh-opts', kind('ip6-opts'), 'type[:length],...', 'タイプ[:長さ],...'),
  ], { family: 6 }),
  m('frag', 'IPv6 fragment header', 'IPv6 フラグメントヘッダ', [
    oi('--fragid', urange(4294967295), 'identification or range', '識別子または範囲'),
    oi('--fraglen', u32, 'header length', 'ヘッダ長'),
    o('--fragres', flag, 'reserved fields are zero', '予約フィールドが 0'),
    o('--fragfirst', flag, 'first fragment', '最初のフラグメント'),
    o('--fragmore', flag, 'more fragments follow', '後続フラグメントあり'),
    o('--fraglast', flag, 'last fragment', '最後のフラグメント'),
  ], { family: 6, exclusive: [['--fragmore', '--fraglast']] }),
  m('rt', 'IPv6 routing header', 'IPv6 ルーティングヘッダ', [
    oi('--rt-type', u8, 'routing type', 'ルーティング種別'),
    oi('--rt-segsleft', urange(4294967295), 'segments left or range', '残りセグメント数または範囲'),
    oi('--rt-len', u32, 'header length', 'ヘッダ長'),
    o('--rt-0-res', flag, 'type 0 reserved field', 'タイプ 0 の予約フィールド'),
    o('--rt-0-addrs', kind('any'), 'type 0 addresses', 'タイプ 0 のアドレス'),
    o('--rt-0-not-strict', flag, 'addresses need not be exact', 'アドレスの厳密一致を要求しない'),
  ], { family: 6 }),
  m('ipv6header', 'which IPv6 extension headers are present', 'IPv6 拡張ヘッダの有無', [
    oi('--header', kind('ip6-header-list'), 'headers (hop-by-hop, dst, route, frag, auth, esp, none, prot)', 'ヘッダ (hop-by-hop・dst・route・frag・auth・esp・none・prot)'),
    o('--soft', flag, 'match if any of them is present', 'いずれかがあれば一致'),
  ], { family: 6, required: [['--header']] }),
  m('eui64', 'source address built from the MAC (EUI-64)', '送信元アドレスが MAC 由来 (EUI-64)', [], { family: 6, chains: ['PREROUTING', 'INPUT', 'FORWARD'] }),
  m('srh', 'IPv6 segment routing header', 'IPv6 セグメントルーティングヘッダ', [
    oi('--srh-next-hdr', u8, 'next header', '次ヘッダ'),
    oi('--srh-hdr-len-eq', u8, 'length equals', '長さが等しい'),
    oi('--srh-hdr-len-gt', u8, 'length greater', '長さがより大きい'),
    oi('--srh-hdr-len-lt', u8, 'length less', '長さがより小さい'),
    oi('--srh-segs-left-eq', u8, 'segments left equals', '残りセグメント数が等しい'),
    oi('--srh-segs-left-gt', u8, 'segments left greater', '残りセグメント数がより大きい'),
    oi('--srh-segs-left-lt', u8, 'segments left less', '残りセグメント数がより小さい'),
    oi('--srh-last-entry-eq', u8, 'last entry equals', '最終エントリが等しい'),
    oi('--srh-last-entry-gt', u8, 'last entry greater', '最終エントリがより大きい'),
    oi('--srh-last-entry-lt', u8, 'last entry less', '最終エントリがより小さい'),
    oi('--srh-tag', u16, 'tag', 'タグ'),
    oi('--srh-psid', prefix, 'previous SID prefix', '前の SID プレフィックス'),
    oi('--srh-nsid', prefix, 'next SID prefix', '次の SID プレフィックス'),
    oi('--srh-lsid', prefix, 'last SID prefix', '最後の SID プレフィックス'),
  ], { family: 6 }),
]);

// ---------------------------------------------------------------------------------------------------------------
// Targets

const NAT = ['nat'];
const MANGLE = ['mangle'];

export const IPTABLES_TARGETS: readonly IptablesExtensionSpec[] = Object.freeze([
  j('ACCEPT', 'let the packet through', 'パケットを通す', [], { terminal: true }),
  j('DROP', 'discard the packet silently', 'パケットを黙って破棄', [], { terminal: true }),
  j('RETURN', 'go back to the calling chain (or apply the policy)', '呼び出し元チェインへ戻る (またはポリシーを適用)', [], { terminal: true }),
  j('QUEUE', 'pass the packet to userspace (queue 0)', 'パケットをユーザー空間へ渡す (キュー 0)', [], { terminal: true }),
  j('REJECT', 'drop the packet and send an error back', 'パケットを破棄してエラーを返す', [
    o('--reject-with', kind('reject-with'), 'ICMP/ICMPv6 error or tcp-reset', '返す ICMP/ICMPv6 エラーまたは tcp-reset'),
  ], { terminal: true, chains: ['INPUT', 'FORWARD', 'OUTPUT'] }),
  j('LOG', 'write the packet headers to the kernel log', 'パケットヘッダをカーネルログへ書く', [
    o('--log-level', kind('log-level'), 'syslog level 0-7 or name (default warning)', 'syslog レベル 0-7 または名前 (既定 warning)'),
    o('--log-prefix', str(IPTABLES_LOG_PREFIX_MAX, 1), 'text before the fields, up to 29 characters; end it with a space', 'フィールドの前の文字列 (最大 29 文字、末尾は空白に)'),
    o('--log-tcp-sequence', flag, 'log TCP sequence numbers (readable by users of the log)', 'TCP シーケンス番号を記録'),
    o('--log-tcp-options', flag, 'log TCP options', 'TCP オプションを記録'),
    o('--log-ip-options', flag, 'log IP options', 'IP オプションを記録'),
    o('--log-uid', flag, 'log the user id of the local socket', 'ローカルソケットのユーザー ID を記録'),
    o('--log-macdecode', flag, 'decode the MAC header', 'MAC ヘッダをデコード'),
  ]),
  j('NFLOG', 'pass the packet to a netlink log group (ulogd)', 'パケットを netlink ロググループへ渡す (ulogd)', [
    o('--nflog-group', u16, 'netlink group 0-65535', 'netlink グループ 0-65535'),
    o('--nflog-prefix', str(), 'prefix, up to 64 characters', 'プレフィックス (最大 64 文字)'),
    o('--nflog-range', u32, 'deprecated: bytes to copy (use --nflog-size)', '非推奨: コピーするバイト数 (--nflog-size を使う)'),
    o('--nflog-size', u32, 'bytes of the packet to copy', 'コピーするバイト数'),
    o('--nflog-threshold', uint(1, 65535), 'packets to queue before sending', '送信前にためるパケット数'),
  ], { exclusive: [['--nflog-range', '--nflog-size']] }),
  j('ULOG', 'obsolete userspace logging (use NFLOG)', '廃止されたユーザー空間ログ (NFLOG を使う)', [
    o('--ulog-nlgroup', uint(1, 32), 'netlink group', 'netlink グループ'),
    o('--ulog-prefix', str(31), 'prefix', 'プレフィックス'),
    o('--ulog-cprange', u32, 'bytes to copy', 'コピーするバイト数'),
    o('--ulog-qthreshold', uint(1, 50), 'queue threshold', 'キューのしきい値'),
  ], { family: 4 }),
  j('NFQUEUE', 'pass the packet to a userspace queue', 'パケットをユーザー空間のキューへ渡す', [
    o('--queue-num', u16, 'queue number', 'キュー番号'),
    o('--queue-balance', kind('any'), 'spread over queues from:to', 'キュー範囲 from:to に分散'),
    o('--queue-bypass', flag, 'accept when no program listens', '受信プログラムがなければ通す'),
    o('--fail-open', flag, 'accept when the queue is full', 'キューが満杯なら通す'),
    o('--queue-cpu-fanout', flag, 'pick the queue by CPU', 'CPU でキューを選ぶ', { requires: ['--queue-balance'] }),
  ], { terminal: true, exclusive: [['--queue-num', '--queue-balance']] }),
  j('MARK', 'set the packet mark', 'パケットマークを設定', [
    o('--set-xmark', mark, 'value[/mask]: zero the mask bits, then XOR the value', '値[/マスク]: マスクのビットを消して値を XOR'),
    o('--set-mark', mark, 'value[/mask]: zero the mask bits, then OR the value', '値[/マスク]: マスクのビットを消して値を OR'),
    o('--and-mark', mark, 'AND with the value', '値と AND'),
    o('--or-mark', mark, 'OR with the value', '値と OR'),
    o('--xor-mark', mark, 'XOR with the value', '値と XOR'),
  ], { required: [['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark']], exclusive: [['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark']] }),
  j('CONNMARK', 'set or copy the connection mark', 'コネクションマークの設定・コピー', [
    o('--set-xmark', mark, 'value[/mask] on the connection', '接続に値[/マスク]'),
    o('--set-mark', mark, 'value[/mask] on the connection', '接続に値[/マスク]'),
    o('--and-mark', mark, 'AND the connection mark', '接続マークと AND'),
    o('--or-mark', mark, 'OR the connection mark', '接続マークと OR'),
    o('--xor-mark', mark, 'XOR the connection mark', '接続マークと XOR'),
    o('--save-mark', flag, 'copy the packet mark to the connection', 'パケットマークを接続へコピー'),
    o('--restore-mark', flag, 'copy the connection mark to the packet', '接続マークをパケットへコピー'),
    o('--nfmask', mark, 'mask on the packet mark', 'パケットマークのマスク'),
    o('--ctmask', mark, 'mask on the connection mark', '接続マークのマスク'),
    o('--mask', mark, 'both masks', '両方のマスク'),
    o('--left-shift-mark', uint(0, 31), 'shift left', '左シフト'),
    o('--right-shift-mark', uint(0, 31), 'shift right', '右シフト'),
  ], { required: [['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark', '--save-mark', '--restore-mark']], exclusive: [['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark', '--save-mark', '--restore-mark']] }),
  j('CONNSECMARK', 'copy the security mark between packet and connection', 'セキュリティマークをパケットと接続の間でコピー', [
    o('--save', flag, 'packet to connection', 'パケットから接続へ'),
    o('--restore', flag, 'connection to packet', '接続からパケットへ'),
  ], { tables: ['mangle', 'security'], required: [['--save', '--restore']], exclusive: [['--save', '--restore']] }),
  j('SECMARK', 'set the SELinux security context', 'SELinux セキュリティコンテキストを設定', [o('--selctx', str(255, 1), 'security context', 'セキュリティコンテキスト')], {
    tables: ['mangle', 'security'],
    required: [['--selctx']],
  }),
  j('MASQUERADE', 'source NAT to the address of the outgoing interface', '送信インターフェースのアドレスへ送信元 NAT', [
    o('--to-ports', kind('nat-ports'), 'source port or range (with -p tcp/udp/...)', '送信元ポートまたは範囲 (-p tcp/udp などと共に)', { protocols: PORT_PROTOS }),
    o('--random', flag, 'randomise the port', 'ポートをランダム化'),
    o('--random-fully', flag, 'fully randomise the port', 'ポートを完全にランダム化'),
  ], { terminal: true, tables: NAT, chains: ['POSTROUTING'] }),
  j('SNAT', 'rewrite the source address', '送信元アドレスを書き換える', [
    o('--to-source', kind('nat-to'), 'address[-address][:port[-port]]', 'アドレス[-アドレス][:ポート[-ポート]]', { aliases: ['--to'] }),
    o('--random', flag, 'randomise the port', 'ポートをランダム化'),
    o('--random-fully', flag, 'fully randomise the port', 'ポートを完全にランダム化'),
    o('--persistent', flag, 'same address for a client across connections', '同じクライアントには同じアドレス'),
  ], { terminal: true, tables: NAT, chains: ['POSTROUTING', 'INPUT'], required: [['--to-source']] }),
  j('DNAT', 'rewrite the destination address', '宛先アドレスを書き換える', [
    o('--to-destination', kind('nat-to'), 'address[-address][:port[-port[/base]]]', 'アドレス[-アドレス][:ポート[-ポート[/基点]]]', { aliases: ['--to'] }),
    o('--random', flag, 'randomise the port', 'ポートをランダム化'),
    o('--persistent', flag, 'same address for a client across connections', '同じクライアントには同じアドレス'),
  ], { terminal: true, tables: NAT, chains: ['PREROUTING', 'OUTPUT'], required: [['--to-destination']] }),
  j('REDIRECT', 'deliver to this host (a local port)', 'このホスト (ローカルポート) へ転送', [
    o('--to-ports', kind('nat-ports'), 'port or range (with -p tcp/udp/...)', 'ポートまたは範囲 (-p tcp/udp などと共に)', { protocols: PORT_PROTOS }),
    o('--random', flag, 'randomise the port', 'ポートをランダム化'),
  ], { terminal: true, tables: NAT, chains: ['PREROUTING', 'OUTPUT'] }),
  j('NETMAP', 'map a whole network onto another (1:1 NAT)', 'ネットワーク全体を別のネットワークへ対応付け (1:1 NAT)', [o('--to', addr, 'address/prefix', 'アドレス/プレフィックス')], {
    terminal: true,
    tables: NAT,
    required: [['--to']],
  }),
  j('DNPT', 'IPv6 destination prefix translation', 'IPv6 宛先プレフィックス変換', [
    o('--src-pfx', prefix, 'prefix to translate from', '変換元プレフィックス'),
    o('--dst-pfx', prefix, 'prefix to translate to', '変換先プレフィックス'),
  ], { family: 6, tables: MANGLE, chains: ['PREROUTING'], required: [['--src-pfx'], ['--dst-pfx']] }),
  j('SNPT', 'IPv6 source prefix translation', 'IPv6 送信元プレフィックス変換', [
    o('--src-pfx', prefix, 'prefix to translate from', '変換元プレフィックス'),
    o('--dst-pfx', prefix, 'prefix to translate to', '変換先プレフィックス'),
  ], { family: 6, tables: MANGLE, chains: ['INPUT', 'POSTROUTING'], required: [['--src-pfx'], ['--dst-pfx']] }),
  j('CT', 'connection tracking settings for the packet', 'パケットのコネクション追跡設定', [
    o('--notrack', flag, 'do not track', '追跡しない'),
    o('--helper', str(15, 1), 'helper to use (ftp, pptp)', '使うヘルパー (ftp・pptp)'),
    o('--ctevents', kind('ct-events'), 'events to report', '通知するイベント'),
    o('--expevents', listOf(['new']), 'expectation events', '期待接続イベント'),
    o('--zone', u16, 'zone id', 'ゾーン ID'),
    o('--zone-orig', u16, 'zone id, original direction', 'ゾーン ID (元方向)'),
    o('--zone-reply', u16, 'zone id, reply direction', 'ゾーン ID (応答方向)'),
    o('--timeout', str(31, 1), 'timeout policy name', 'タイムアウトポリシー名'),
  ], { tables: ['raw'], chains: ['PREROUTING', 'OUTPUT'] }),
  j('NOTRACK', 'do not track this connection', 'この接続を追跡しない', [], { tables: ['raw'], chains: ['PREROUTING', 'OUTPUT'] }),
  j('TRACE', 'trace the packet through the rules', 'ルールを通るパケットを追跡', [], { tables: ['raw'], chains: ['PREROUTING', 'OUTPUT'] }),
  j('TCPMSS', 'rewrite the MSS of TCP SYN packets', 'TCP SYN の MSS を書き換える', [
    o('--set-mss', u16, 'set the MSS to this value', 'MSS をこの値に'),
    o('--clamp-mss-to-pmtu', flag, 'clamp the MSS to the path MTU minus 40 (60 for IPv6)', 'MSS を経路 MTU - 40 (IPv6 は 60) に制限'),
  ], { protocols: ['tcp'], required: [['--set-mss', '--clamp-mss-to-pmtu']], exclusive: [['--set-mss', '--clamp-mss-to-pmtu']] }),
  j('TCPOPTSTRIP', 'remove TCP options', 'TCP オプションを取り除く', [o('--strip-options', kind('tcp-options'), 'options by name or number', '名前または番号で指定')], {
    protocols: ['tcp'],
    tables: MANGLE,
  }),
  j('TTL', 'change the IPv4 TTL', 'IPv4 の TTL を変更', [
    o('--ttl-set', u8, 'set to', 'この値に設定'),
    o('--ttl-dec', uint(1, 255), 'decrease by', 'この値だけ減らす'),
    o('--ttl-inc', uint(1, 255), 'increase by', 'この値だけ増やす'),
  ], { family: 4, tables: MANGLE, required: [['--ttl-set', '--ttl-dec', '--ttl-inc']], exclusive: [['--ttl-set', '--ttl-dec', '--ttl-inc']] }),
  j('HL', 'change the IPv6 hop limit', 'IPv6 のホップリミットを変更', [
    o('--hl-set', u8, 'set to', 'この値に設定'),
    o('--hl-dec', uint(1, 255), 'decrease by', 'この値だけ減らす'),
    o('--hl-inc', uint(1, 255), 'increase by', 'この値だけ増やす'),
  ], { family: 6, tables: MANGLE, required: [['--hl-set', '--hl-dec', '--hl-inc']], exclusive: [['--hl-set', '--hl-dec', '--hl-inc']] }),
  j('TOS', 'change the TOS / traffic class field', 'TOS / トラフィッククラスを変更', [
    o('--set-tos', kind('tos'), 'value[/mask] or a name', '値[/マスク] または名前'),
    o('--and-tos', u8, 'AND with', 'AND する値'),
    o('--or-tos', u8, 'OR with', 'OR する値'),
    o('--xor-tos', u8, 'XOR with', 'XOR する値'),
  ], { tables: MANGLE, required: [['--set-tos', '--and-tos', '--or-tos', '--xor-tos']], exclusive: [['--set-tos', '--and-tos', '--or-tos', '--xor-tos']] }),
  j('DSCP', 'set the DSCP field', 'DSCP フィールドを設定', [
    o('--set-dscp', uint(0, 63), 'value 0-63', '値 0-63'),
    o('--set-dscp-class', kind('dscp-class'), 'DiffServ class', 'DiffServ クラス'),
  ], { tables: MANGLE, required: [['--set-dscp', '--set-dscp-class']], exclusive: [['--set-dscp', '--set-dscp-class']] }),
  j('ECN', 'clear ECN bits', 'ECN ビットを消す', [
    o('--ecn-tcp-remove', flag, 'remove ECN bits from the TCP header', 'TCP ヘッダの ECN ビットを消す'),
  ], { family: 4, tables: MANGLE, protocols: ['tcp'], required: [['--ecn-tcp-remove']] }),
  j('CHECKSUM', 'fill in a missing checksum (old DHCP clients)', '未計算のチェックサムを埋める (古い DHCP クライアント向け)', [o('--checksum-fill', flag, 'compute the checksum', 'チェックサムを計算')], {
    tables: MANGLE,
    required: [['--checksum-fill']],
  }),
  j('CLASSIFY', 'set the traffic control class', 'トラフィック制御クラスを設定', [o('--set-class', kind('any'), 'major:minor (hex)', 'メジャー:マイナー (16 進)')], {
    tables: MANGLE,
    chains: ['FORWARD', 'OUTPUT', 'POSTROUTING'],
    required: [['--set-class']],
  }),
  j('HMARK', 'set the mark from a hash of the packet', 'パケットのハッシュからマークを設定', [
    o('--hmark-tuple', listOf(['src', 'dst', 'sport', 'dport', 'spi', 'proto', 'ct']), 'fields to hash', 'ハッシュするフィールド'),
    o('--hmark-mod', uint(1, 4294967295), 'modulus', '剰余の法'),
    o('--hmark-offset', u32, 'offset added', '加算するオフセット'),
    o('--hmark-src-prefix', uint(0, 128), 'source prefix length', '送信元プレフィックス長'),
    o('--hmark-dst-prefix', uint(0, 128), 'destination prefix length', '宛先プレフィックス長'),
    o('--hmark-sport-mask', uint(0, 0xffff), 'source port mask', '送信元ポートマスク'),
    o('--hmark-dport-mask', uint(0, 0xffff), 'destination port mask', '宛先ポートマスク'),
    o('--hmark-spi-mask', u32, 'SPI mask', 'SPI マスク'),
    o('--hmark-proto-mask', uint(0, 0xffff), 'protocol mask', 'プロトコルマスク'),
    o('--hmark-rnd', u32, 'random seed', '乱数シード'),
  ], { required: [['--hmark-mod']], exclusive: [['--hmark-spi-mask', '--hmark-sport-mask'], ['--hmark-spi-mask', '--hmark-dport-mask']] }),
  j('IDLETIMER', 'a timer that fires when no packet came for a while', '一定時間パケットがないと通知するタイマー', [
    o('--timeout', uint(1, 4294967295), 'seconds', '秒'),
    o('--label', str(27, 1), 'timer name', 'タイマー名'),
    o('--alarm', flag, 'use an alarm timer (wakes the system)', 'アラームタイマーを使う'),
  ], { required: [['--timeout'], ['--label']] }),
  j('LED', 'blink an LED', 'LED を点滅', [
    o('--led-trigger-id', str(26, 1), 'trigger name (netfilter-NAME)', 'トリガー名'),
    o('--led-delay', kind('any'), 'ms or inf', 'ミリ秒または inf'),
    o('--led-always-blink', flag, 'blink even when already on', '点灯中でも点滅'),
  ], { required: [['--led-trigger-id']] }),
  j('AUDIT', 'write an audit record', '監査レコードを書く', [o('--type', oneOf(['accept', 'drop', 'reject']), 'accept, drop or reject', 'accept・drop・reject')], { required: [['--type']] }),
  j('RATEEST', 'measure the rate of matching packets', '一致したパケットのレートを計測', [
    o('--rateest-name', str(15, 1), 'estimator name', '推定器名'),
    o('--rateest-interval', kind('interval'), 'sampling interval (250ms)', '計測間隔 (250ms)'),
    o('--rateest-ewmalog', kind('interval'), 'averaging time constant', '平均化の時定数'),
  ], { required: [['--rateest-name'], ['--rateest-interval'], ['--rateest-ewmalog']] }),
  j('SET', 'add to or remove from an ipset', 'ipset への追加・削除', [
    o('--add-set', kind('set-flags', 2), 'set name and src/dst flags', 'セット名と src/dst フラグ'),
    o('--del-set', kind('set-flags', 2), 'set name and src/dst flags', 'セット名と src/dst フラグ'),
    o('--map-set', kind('set-flags', 2), 'set name and src/dst flags', 'セット名と src/dst フラグ'),
    o('--timeout', u32, 'entry timeout in seconds', 'エントリのタイムアウト (秒)'),
    o('--exist', flag, 'refresh the timeout of an existing entry', '既存エントリのタイムアウトを更新'),
    o('--map-mark', flag, 'map the mark', 'マークを対応付け'),
    o('--map-prio', flag, 'map the priority', '優先度を対応付け'),
    o('--map-queue', flag, 'map the queue', 'キューを対応付け'),
  ], { required: [['--add-set', '--del-set', '--map-set']] }),
  j('SYNPROXY', 'answer TCP SYNs on behalf of the server', 'サーバーの代わりに TCP SYN に応答', [
    o('--mss', u16, 'MSS to announce', '通知する MSS'),
    o('--wscale', uint(0, 14), 'window scale to announce', '通知するウィンドウスケール'),
    o('--sack-perm', flag, 'announce SACK', 'SACK を通知'),
    o('--timestamp', flag, 'announce timestamps', 'タイムスタンプを通知'),
    o('--ecn', flag, 'announce ECN', 'ECN を通知'),
  ], { terminal: true, protocols: ['tcp'] }),
  j('TEE', 'send a copy to a gateway', 'ゲートウェイへ複製を送る', [
    o('--gateway', addr, 'gateway address', 'ゲートウェイのアドレス'),
    o('--oif', iface, 'interface to use', '使うインターフェース'),
  ], { required: [['--gateway']] }),
  j('TPROXY', 'transparent proxy to a local socket', 'ローカルソケットへの透過プロキシ', [
    o('--on-port', port, 'local port', 'ローカルポート'),
    o('--on-ip', addr, 'local address', 'ローカルアドレス'),
    o('--tproxy-mark', mark, 'mark to set value[/mask]', '設定するマーク 値[/マスク]'),
  ], { terminal: true, tables: MANGLE, chains: ['PREROUTING'], protocols: ['tcp', 'udp'], required: [['--on-port']] }),
  j('CLUSTERIP', 'deprecated cluster IP (removed from recent kernels)', '非推奨のクラスタ IP (最近のカーネルでは削除)', [
    o('--new', flag, 'create a cluster IP', 'クラスタ IP を作成'),
    o('--hashmode', oneOf(['sourceip', 'sourceip-sourceport', 'sourceip-sourceport-destport']), 'hash mode', 'ハッシュ方式'),
    o('--clustermac', kind('mac'), 'multicast MAC', 'マルチキャスト MAC'),
    o('--total-nodes', u16, 'number of nodes', 'ノード数'),
    o('--local-node', u16, 'this node', 'このノード'),
    o('--hash-init', u32, 'hash seed', 'ハッシュシード'),
  ], { family: 4 }),
  j('MIRROR', 'obsolete: send the packet back', '廃止: パケットを送り返す', [], { family: 4, terminal: true }),
]);

/** Common xtables-addons extensions: known by name so a system with them installed is not flagged, options unchecked. */
const ADDONS_MATCHES = ['geoip', 'ipp2p', 'psd', 'condition', 'fuzzy', 'iface', 'ipv4options', 'lscan', 'pknock', 'quota2', 'dhcpmac', 'gradm'];
const ADDONS_TARGETS = ['TARPIT', 'DELUDE', 'CHAOS', 'ECHO', 'LOGMARK', 'SYSRQ', 'STEAL', 'DHCPMAC', 'DNETMAP', 'ACCOUNT', 'IPMARK', 'PROTO'];
const TERMINAL_ADDONS = new Set(['TARPIT', 'DELUDE', 'CHAOS', 'STEAL', 'ECHO']);

export const IPTABLES_ADDON_EXTENSIONS: readonly IptablesExtensionSpec[] = Object.freeze([
  ...ADDONS_MATCHES.map((n) => m(n, 'xtables-addons match (options not checked)', 'xtables-addons のマッチ (オプション未検査)', [], { loose: true })),
  ...ADDONS_TARGETS.map((n) =>
    j(n, 'xtables-addons target (options not checked)', 'xtables-addons のターゲット (オプション未検査)', [], { loose: true, terminal: TERMINAL_ADDONS.has(n) }),
  ),
]);

// ---------------------------------------------------------------------------------------------------------------
// Lookups

function index(list: readonly IptablesExtensionSpec[]): Map<string, IptablesExtensionSpec[]> {
  const map = new Map<string, IptablesExtensionSpec[]>();
  for (const e of list)
    for (const n of [e.name, ...(e.aliases ?? [])]) {
      const prev = map.get(n);
      if (prev) prev.push(e);
      else map.set(n, [e]);
    }
  return map;
}

const MATCHES = index([...IPTABLES_MATCHES, ...IPTABLES_ADDON_EXTENSIONS.filter((e) => e.kind === 'match')]);
const TARGETS = index([...IPTABLES_TARGETS, ...IPTABLES_ADDON_EXTENSIONS.filter((e) => e.kind === 'target')]);

function pick(list: IptablesExtensionSpec[] | undefined, family: IptablesFamily | undefined): IptablesExtensionSpec | undefined {
  if (!list) return undefined;
  if (family !== undefined) return list.find((e) => e.family === family) ?? list.find((e) => e.family === undefined);
  // Family unknown: a family-neutral entry first, else the first one (IPv4 is listed first).
  return list.find((e) => e.family === undefined) ?? list[0];
}

/** The match `-m NAME` loads (names are case-sensitive, as in iptables). */
export function iptablesMatch(name: string, family?: IptablesFamily): IptablesExtensionSpec | undefined {
  return pick(MATCHES.get(name), family);
}

/** Whether a match exists, for any family: lets the linter tell "wrong family" from "unknown". */
export function iptablesMatchFamilies(name: string): IptablesFamily[] {
  const list = MATCHES.get(name) ?? [];
  return list.some((e) => e.family === undefined) ? [4, 6] : list.map((e) => e.family as IptablesFamily);
}

export function iptablesTarget(name: string, family?: IptablesFamily): IptablesExtensionSpec | undefined {
  return pick(TARGETS.get(name), family);
}

export function iptablesTargetFamilies(name: string): IptablesFamily[] {
  const list = TARGETS.get(name) ?? [];
  return list.some((e) => e.family === undefined) ? [4, 6] : list.map((e) => e.family as IptablesFamily);
}

/** The match a protocol loads implicitly: `-p tcp --dport 22` works without `-m tcp`. */
export function iptablesImplicitMatch(protocol: string, family?: IptablesFamily): IptablesExtensionSpec | undefined {
  const p = protocol.toLowerCase();
  const name =
    p === 'icmpv6' || p === 'ipv6-icmp' || p === '58' ? 'icmp6' : p === '6' ? 'tcp' : p === '17' ? 'udp' : p === '1' ? 'icmp' : p === 'udplite' ? 'udp' : p;
  return iptablesMatch(name, family);
}

export function iptablesTable(name: string): IptablesTableSpec | undefined {
  return IPTABLES_TABLES.find((x) => x.name === name);
}

export function isIptablesBuiltinChain(table: string, chain: string): boolean {
  return iptablesTable(table)?.chains.includes(chain) ?? Object.prototype.hasOwnProperty.call(IPTABLES_BUILTIN_CHAINS, chain);
}

/** Find an option of an extension by its long name or an alias. */
export function iptablesExtensionOption(ext: IptablesExtensionSpec, name: string): IptablesOptionSpec | undefined {
  return ext.options.find((op) => op.name === name || (op.aliases?.includes(name) ?? false));
}

const RULE_OPTION_BY_NAME = new Map<string, IptablesOptionSpec & { readonly short?: string }>();
for (const op of IPTABLES_RULE_OPTIONS) for (const n of [op.name, ...(op.aliases ?? []), ...(op.short ? [op.short] : [])]) RULE_OPTION_BY_NAME.set(n, op);

/** The rule's own option by short (-p) or long (--protocol) name. */
export function iptablesRuleOption(name: string): (IptablesOptionSpec & { readonly short?: string }) | undefined {
  return RULE_OPTION_BY_NAME.get(name);
}

const COMMAND_BY_NAME = new Map<string, IptablesCommandSpec>();
for (const c of IPTABLES_COMMANDS) {
  COMMAND_BY_NAME.set(c.name, c);
  COMMAND_BY_NAME.set(c.long, c);
}

export function iptablesCommand(name: string): IptablesCommandSpec | undefined {
  return COMMAND_BY_NAME.get(name);
}

/** Resolve a protocol name or number to its number; undefined if iptables would not know it. */
export function iptablesProtocolNumber(text: string, lookupKeyword?: (keyword: string) => number | undefined): number | undefined {
  const lower = text.toLowerCase();
  if (/^[0-9]{1,3}$/.test(lower)) {
    const n = Number(lower);
    return n <= 255 ? n : undefined;
  }
  if (Object.prototype.hasOwnProperty.call(IPTABLES_PROTOCOL_NAMES, lower)) return IPTABLES_PROTOCOL_NAMES[lower];
  return lookupKeyword?.(lower);
}

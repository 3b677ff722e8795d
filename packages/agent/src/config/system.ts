import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { addressBytes, parseAddress } from '@portcullis/core';
import { spawnRunner, type Runner } from '../backends/runner.js';
import { formatBytes, maskBytes, parseCidr } from './values.js';

/**
 * Facts about this machine that the configuration's defaults need: which interfaces face the Internet (the ones
 * carrying default routes), the host's own addresses and networks, its gateways. All read from iproute2's JSON
 * output (`ip -j`), through a `Runner` so tests run the real `ip` inside a namespace they made, or feed captured
 * output. Nothing here changes anything.
 *
 * Not /proc: /proc/net/route shows only the first next hop of a multipath route, /proc/net/ipv6_route mixes every
 * routing table (wg-quick's `default dev wg0 table 51820` would look like a WAN), and no file gives an IPv4
 * address's peer or broadcast. What it costs is the processes, so one `ip -b` asks all three questions.
 */

export interface DefaultRoute {
  readonly family: 4 | 6;
  /** The outgoing interface; absent for routes without one (blackhole, unreachable). */
  readonly dev?: string;
  /** Canonical gateway address; absent for a device route (`default dev ppp0`). */
  readonly gateway?: string;
  readonly metric?: number;
}

export interface HostAddress {
  readonly ifname: string;
  readonly family: 4 | 6;
  /** This host's own address (iproute2's `local`), canonical. */
  readonly address: string;
  readonly prefixlen: number;
  /** The attached network as a CIDR: the local prefix, or the peer's for a point-to-point address. */
  readonly network: string;
  /** IPv4 directed broadcast, when the interface has one. */
  readonly broadcast?: string;
  /** `global`, `link`, `host`, `site`. */
  readonly scope: string;
}

export interface SystemFacts {
  readonly routes: readonly DefaultRoute[];
  readonly addresses: readonly HostAddress[];
  /** Every interface name, with or without addresses. */
  readonly interfaces: readonly string[];
  /** Why a fact is missing (a command failed, unparseable output): sentences for the config's notes. */
  readonly problems: readonly string[];
}

/** iproute2's JSON, only the fields read here; everything is optional because versions and route types differ. */
interface IpRouteJson {
  dst?: unknown;
  type?: unknown;
  gateway?: unknown;
  via?: { family?: unknown; host?: unknown };
  dev?: unknown;
  metric?: unknown;
  /** Printed only for a table other than main. */
  table?: unknown;
  nexthops?: IpRouteJson[];
}

interface IpAddrInfoJson {
  family?: unknown;
  local?: unknown;
  address?: unknown;
  prefixlen?: unknown;
  broadcast?: unknown;
  scope?: unknown;
}

interface IpLinkJson {
  ifname?: unknown;
  addr_info?: IpAddrInfoJson[];
}

function parseJsonArray(text: string, what: string): unknown[] {
  // `ip -j` prints nothing at all (not `[]`) on some versions when there is nothing to show
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what}: the output is not JSON`);
  }
  if (!Array.isArray(value)) throw new Error(`${what}: the output is not a JSON list`);
  return value;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Default routes from `ip [-6] -j route show default`. A multipath route (`nexthops`) gives one entry per next hop;
 * `unreachable`/`blackhole`/`prohibit` defaults lead nowhere and are left out. `family` is the table's, given by
 * the caller, because an IPv4 route may have an IPv6 next hop (`via inet6 fe80::1`, RFC 5549).
 */
export function parseDefaultRoutes(text: string, family: 4 | 6): DefaultRoute[] {
  const out: DefaultRoute[] = [];
  for (const item of parseJsonArray(text, `ip -${family} route`)) {
    if (typeof item !== 'object' || item === null) continue;
    const r = item as IpRouteJson;
    // the main table's only (`table all` lists policy routing's too, with their table named)
    if (r.table !== undefined && r.table !== 'main') continue;
    if (r.dst !== undefined && r.dst !== 'default' && r.dst !== '0.0.0.0/0' && r.dst !== '::/0') continue;
    if (r.type !== undefined && r.type !== 'unicast') continue;
    const metric = typeof r.metric === 'number' ? r.metric : undefined;
    const hops = Array.isArray(r.nexthops) && r.nexthops.length > 0 ? r.nexthops : [r];
    for (const hop of hops) {
      const dev = str(hop.dev);
      const gwText = str(hop.gateway) ?? str(hop.via?.host);
      const gateway = gwText === undefined ? undefined : parseAddress(gwText)?.address;
      if (dev === undefined && gateway === undefined) continue;
      out.push({ family, ...(dev !== undefined && { dev }), ...(gateway !== undefined && { gateway }), ...(metric !== undefined && { metric }) });
    }
  }
  return out;
}

/** Every interface's name from `ip -j addr show` (or `ip -j link`), addresses or not. */
export function parseInterfaceNames(text: string): string[] {
  const out: string[] = [];
  for (const item of parseJsonArray(text, 'ip addr')) {
    const name = typeof item === 'object' && item !== null ? str((item as IpLinkJson).ifname) : undefined;
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The host's addresses from `ip -j addr show`, with the network each one attaches to. */
export function parseAddresses(text: string): HostAddress[] {
  const out: HostAddress[] = [];
  for (const item of parseJsonArray(text, 'ip addr')) {
    if (typeof item !== 'object' || item === null) continue;
    const link = item as IpLinkJson;
    const ifname = str(link.ifname);
    if (ifname === undefined || !Array.isArray(link.addr_info)) continue;
    for (const a of link.addr_info) {
      const family = a.family === 'inet' ? 4 : a.family === 'inet6' ? 6 : undefined;
      const local = str(a.local);
      const parsed = local === undefined ? undefined : parseAddress(local);
      if (family === undefined || !parsed || parsed.family !== family) continue;
      const width = family === 4 ? 32 : 128;
      const prefixlen = typeof a.prefixlen === 'number' && a.prefixlen >= 0 && a.prefixlen <= width ? a.prefixlen : width;
      // point-to-point (`local A peer B/32`): iproute2 puts the peer in `address`; the network is the peer's
      const peer = str(a.address);
      const network = networkOf(peer !== undefined && peer !== local ? peer : parsed.address, prefixlen) ?? `${parsed.address}/${width}`;
      const broadcast = family === 4 ? str(a.broadcast) : undefined;
      out.push({
        ifname,
        family,
        address: parsed.address,
        prefixlen,
        network,
        ...(broadcast !== undefined && parseAddress(broadcast) && { broadcast }),
        scope: str(a.scope) ?? 'global',
      });
    }
  }
  return out;
}

function networkOf(address: string, bits: number): string | undefined {
  const b = addressBytes(address);
  if (!b) return undefined;
  const net = formatBytes(b.family, maskBytes(b.bytes, bits));
  return net === undefined ? undefined : `${net}/${bits}`;
}

/**
 * The same facts from Node's own view of the interfaces, for when `ip` is missing (a minimal container): own
 * addresses must never be lost, since they keep the host from blocking itself. Routes have no such fallback.
 */
export function addressesFromNode(ifaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): HostAddress[] {
  const out: HostAddress[] = [];
  for (const [ifname, list] of Object.entries(ifaces)) {
    for (const a of list ?? []) {
      const parsed = parseAddress(a.address.split('%')[0]);
      if (!parsed) continue;
      const bits = a.cidr ? Number(a.cidr.slice(a.cidr.lastIndexOf('/') + 1)) : parsed.family === 4 ? 32 : 128;
      const network = (a.cidr && parseCidr(a.cidr)?.cidr) || networkOf(parsed.address, bits) || parsed.address;
      out.push({
        ifname,
        family: parsed.family,
        address: parsed.address,
        prefixlen: bits,
        network: network.includes('/') ? network : `${network}/${bits}`,
        scope: a.internal ? 'host' : parsed.address.startsWith('fe80:') ? 'link' : 'global',
      });
    }
  }
  return out;
}

export interface ReadFactsOptions {
  /** Fallback for the addresses when `ip addr` fails; default: Node's `os.networkInterfaces()`. */
  readonly nodeAddresses?: () => HostAddress[];
}

/**
 * The three questions as one `ip -j -b -` (a batch has no per-line -4/-6, so IPv6's defaults are asked as `table
 * all ::/0` and the other tables' dropped). Its answer is one JSON list per line; undefined when it is anything
 * else (an iproute2 that prints nothing for an empty answer, a failure): readSystemFacts then asks one by one.
 */
const FACTS_BATCH = 'route show default\nroute show table all ::/0\naddr show\n';

async function batchFacts(run: Runner): Promise<SystemFacts | undefined> {
  try {
    const lines = (await run('ip', ['-j', '-b', '-'], FACTS_BATCH)).stdout.split('\n').filter((l) => l.trim() !== '');
    if (lines.length !== 3) return undefined;
    const routes = [...parseDefaultRoutes(lines[0]!, 4), ...parseDefaultRoutes(lines[1]!, 6)];
    return { routes, addresses: parseAddresses(lines[2]!), interfaces: parseInterfaceNames(lines[2]!), problems: [] };
  } catch {
    return undefined;
  }
}

/**
 * Asks `ip` (argument arrays, no shell) in one batch, or else in three commands, and parses the answers. A failing
 * command becomes a problem sentence, not an exception: a run can go on without a default route, and the loader
 * says what it assumed.
 */
export async function readSystemFacts(run: Runner = spawnRunner({ timeoutMs: 5000 }), options: ReadFactsOptions = {}): Promise<SystemFacts> {
  const batch = await batchFacts(run);
  if (batch) return batch;
  const problems: string[] = [];
  // the three commands are independent: run them together (each is a fork+exec, a few ms to tens of ms)
  const routeArgs = ([4, 6] as const).map((family) => [`-${family}`, '-j', 'route', 'show', 'default']);
  const [r4, r6, addr] = await Promise.allSettled([run('ip', routeArgs[0]), run('ip', routeArgs[1]), run('ip', ['-j', 'addr', 'show'])]);
  const routes: DefaultRoute[] = [];
  ([[4, r4], [6, r6]] as const).forEach(([family, r], i) => {
    try {
      if (r.status === 'rejected') throw r.reason;
      routes.push(...parseDefaultRoutes(r.value.stdout, family));
    } catch (err) {
      problems.push(`could not read the IPv${family} default routes (ip ${routeArgs[i].join(' ')}): ${messageOf(err)}`);
    }
  });
  let addresses: HostAddress[];
  let interfaces: string[];
  try {
    if (addr.status === 'rejected') throw addr.reason;
    addresses = parseAddresses(addr.value.stdout);
    interfaces = parseInterfaceNames(addr.value.stdout);
  } catch (err) {
    problems.push(`could not read the host's addresses with ip -j addr show (${messageOf(err)}); used Node's list of interfaces instead`);
    addresses = (options.nodeAddresses ?? addressesFromNode)();
    interfaces = unique(addresses.map((a) => a.ifname));
  }
  return { routes, addresses, interfaces, problems };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The interfaces carrying default routes, IPv4 ones first, each once, in the kernel's order. */
export function wanInterfaces(facts: SystemFacts): string[] {
  return unique(facts.routes.flatMap((r) => (r.dev === undefined ? [] : [r.dev])));
}

/** The default gateways (never blocked: blocking the gateway cuts the host off). */
export function defaultGateways(facts: SystemFacts): string[] {
  return unique(facts.routes.flatMap((r) => (r.gateway === undefined ? [] : [r.gateway])));
}

/** Networks attached to the given interfaces (for the spoof rule: a WAN neighbour with a private address is real). */
export function connectedNetworks(facts: SystemFacts, interfaces: readonly string[]): string[] {
  const wanted = new Set(interfaces);
  // link-local and host-scope networks say nothing about neighbours core does not already know
  return unique(facts.addresses.filter((a) => wanted.has(a.ifname) && (a.scope === 'global' || a.scope === 'site')).map((a) => a.network));
}

/** The host's own addresses. */
export function ownAddresses(facts: SystemFacts): string[] {
  return unique(facts.addresses.map((a) => a.address));
}

/** IPv4 directed-broadcast addresses of the host's networks (noise, never a scan target). */
export function broadcastAddresses(facts: SystemFacts): string[] {
  return unique(facts.addresses.flatMap((a) => (a.broadcast === undefined ? [] : [a.broadcast])));
}

/** The client address of an interactive SSH session (`SSH_CONNECTION=client port server port`). */
export function sshClient(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const first = env.SSH_CONNECTION?.trim().split(/\s+/)[0];
  return first ? parseAddress(first)?.address : undefined;
}

export interface SourcesDefault {
  readonly sources: string[];
  /** One sentence: what was found, for the notes. */
  readonly why: string;
}

/**
 * Where the kernel's lines are on this machine. rsyslog's files first: a file cursor is cheaper than journalctl,
 * and where rsyslog runs it reads the journal anyway. Only one file: on older Debian the kernel's warnings reach
 * both kern.log and messages, and reading both would count every line twice.
 */
export function defaultSources(exists: (path: string) => boolean = existsSync): SourcesDefault {
  if (exists('/var/log/kern.log')) return { sources: ['/var/log/kern.log'], why: '/var/log/kern.log exists (rsyslog, Debian/Ubuntu layout)' };
  if (exists('/var/log/messages')) return { sources: ['/var/log/messages'], why: '/var/log/messages exists (rsyslog, RHEL/SUSE layout)' };
  if (exists('/run/systemd/journal') || exists('/var/log/journal')) return { sources: ['journald'], why: 'no kern.log or messages file, but the systemd journal is present' };
  return {
    sources: ['/var/log/kern.log'],
    why: 'found neither /var/log/kern.log, /var/log/messages nor the systemd journal; assumed /var/log/kern.log (set sources)',
  };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

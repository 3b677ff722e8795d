/**
 * The fleet in `portcullis status`: from the state alone (status never waits on the network): the Redis it talks
 * to (password masked), this node's name, what was published, received and refused, the outbox, the last contact
 * or problem, and the nodes heard from.
 */
import { formatDuration } from '../config/values.js';
import type { FleetState } from '../share/fleet-state.js';
import { nodeName, redactUrl, type ShareSettings } from '../share/settings.js';

export interface FleetStatus {
  redis: string;
  node: string;
  publish: boolean;
  subscribe: boolean;
  trust: readonly string[];
  published: number;
  received: number;
  skipped: number;
  outbox: number;
  cursor: string | null;
  last_contact: string | null;
  last_problem: { at: string; text: string } | null;
  nodes: Array<{ node: string; last_seen: string }>;
}

export function fleetStatus(share: ShareSettings | undefined, f: FleetState | undefined): FleetStatus | null {
  if (!share) return null;
  return {
    redis: redactUrl(share.redis),
    node: nodeName(share),
    publish: share.publish,
    subscribe: share.subscribe,
    trust: share.trust,
    published: f?.published ?? 0,
    received: f?.received ?? 0,
    skipped: f?.skipped ?? 0,
    outbox: f?.outbox.length ?? 0,
    cursor: f?.cursor ?? null,
    last_contact: f?.lastContact !== undefined ? new Date(f.lastContact).toISOString() : null,
    last_problem: f?.lastProblem ? { at: new Date(f.lastProblem.at).toISOString(), text: f.lastProblem.text } : null,
    nodes: [...(f?.nodes ?? [])].sort((a, b) => b[1] - a[1]).map(([node, at]) => ({ node, last_seen: new Date(at).toISOString() })),
  };
}

export function fleetLines(s: FleetStatus | null, now: number): string[] {
  if (!s) return ['fleet:    off (no share.redis)'];
  const ago = (iso: string): string => `${formatDuration(Math.max(0, now - Date.parse(iso)))} ago`;
  const out = [
    `fleet:    ${s.redis} as node ${s.node}${s.publish ? '' : ', not publishing'}${s.subscribe ? '' : ', not applying others’ bans'}`,
    `fleet:    ${s.published} published, ${s.received} received, ${s.skipped} refused${s.outbox ? `; ${s.outbox} waiting in the outbox` : ''}`,
    `fleet:    last contact ${s.last_contact ? `${s.last_contact} (${ago(s.last_contact)})` : 'never'}`,
  ];
  if (s.last_problem) out.push(`fleet:    last problem ${s.last_problem.at}: ${s.last_problem.text}`);
  const shown = s.nodes.slice(0, 10).map((n) => `${n.node} (${ago(n.last_seen)})`);
  out.push(`fleet:    nodes seen: ${s.nodes.length ? `${shown.join(', ')}${s.nodes.length > 10 ? `, and ${s.nodes.length - 10} more` : ''}` : 'none yet'}`);
  return out;
}

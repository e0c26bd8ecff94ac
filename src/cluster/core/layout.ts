// Pure layout arithmetic: each agent's slice of the host port range and the cluster's range of service
// ports (kept across restarts, never overlapping another cluster's), and each agent's share of the host.
import { AGENT_PORT_BASE, PORTS_PER_AGENT } from '../../agent/config.js';
import { UserError } from '../../common/errors.js';
import { SERVICE_PORT_MAX, SERVICE_PORT_MIN, SERVICE_PORTS_PER_CLUSTER } from '../../common/limits.js';
import type { Range } from '../../master/core/v1.js';

/** Inclusive, like Mesos ranges. */
export type PortRange = Range;

const HIGHEST_PORT = 65_535;

function overlaps(a: PortRange, b: PortRange): boolean {
  return a.begin <= b.end && b.begin <= a.end;
}

export interface SliceRequest {
  count: number;
  /** The slice each owner had the last time this cluster ran (index i → owner i). */
  previous: readonly (PortRange | undefined)[];
  /** Slices other clusters hold. */
  taken: readonly PortRange[];
}

/** Where slices are cut: `size` ports each from `base` on, none past `last`; `what(i)` names owner i in errors. */
interface SliceSpace {
  base: number;
  size: number;
  last: number;
  what(i: number): string;
}

/** One slice per owner; an owner keeps its previous slice while no other cluster holds it. */
function portSlices(space: SliceSpace, request: SliceRequest): PortRange[] {
  const sliceAt = (k: number): PortRange => ({
    begin: space.base + k * space.size,
    end: space.base + (k + 1) * space.size - 1,
  });
  const claimed: PortRange[] = [...request.taken];
  const free = (r: PortRange): boolean => !claimed.some((c) => overlaps(c, r));
  const kept = request.previous.slice(0, request.count).map((r) => (r !== undefined && free(r) ? r : undefined));
  claimed.push(...kept.filter((r): r is PortRange => r !== undefined));
  const slices: PortRange[] = [];
  let k = 0;
  for (let i = 0; i < request.count; i++) {
    const keep = kept[i];
    if (keep !== undefined) {
      slices.push(keep);
      continue;
    }
    while (!free(sliceAt(k)) && sliceAt(k).end <= space.last) k++;
    const slice = sliceAt(k);
    if (slice.end > space.last)
      throw new UserError(`no free ${space.what(i)} left (other clusters in this home hold them)`);
    claimed.push(slice);
    slices.push(slice);
  }
  return slices;
}

/**
 * One slice of PORTS_PER_AGENT ports per agent (agent-1 31000–31499, agent-2 31500–31999, … when
 * nothing else claims them). An agent keeps its previous slice while no other cluster holds it.
 */
export function agentPortSlices(request: SliceRequest): PortRange[] {
  const what = (i: number): string => `slice of ${PORTS_PER_AGENT} host ports for agent-${i + 1}`;
  return portSlices({ base: AGENT_PORT_BASE, size: PORTS_PER_AGENT, last: HIGHEST_PORT, what }, request);
}

/**
 * The cluster's own range of SERVICE_PORTS_PER_CLUSTER service ports within Marathon's 10000–20000
 * (10000–10999 when nothing else claims it), so load balancers of clusters side by side never contend
 * for a port. A cluster keeps its previous range while no other cluster holds it.
 */
export function servicePortRange(request: { previous: PortRange | undefined; taken: readonly PortRange[] }): PortRange {
  const what = (): string => `range of ${SERVICE_PORTS_PER_CLUSTER} service ports`;
  const space = { base: SERVICE_PORT_MIN, size: SERVICE_PORTS_PER_CLUSTER, last: SERVICE_PORT_MAX, what };
  const [range] = portSlices(space, { count: 1, previous: [request.previous], taken: request.taken });
  if (range === undefined) throw new Error('no service port range');
  return range;
}

/** What the host offers, as Mesos would detect it for a single agent. */
export interface HostResources {
  cpus: number;
  memMb: number;
  diskMb: number;
}

/** Mesos keeps 3 decimal digits of scalars. */
function share(total: number, parts: number): number {
  return Math.floor((total / parts) * 1000) / 1000;
}

/** Mesos --resources text for one of `agents` agents sharing the host evenly, with its port slice. */
export function agentResourceText(host: HostResources, agents: number, ports: PortRange): string {
  const cpus = share(host.cpus, agents);
  const mem = Math.floor(host.memMb / agents);
  const disk = Math.floor(host.diskMb / agents);
  return `cpus:${cpus};mem:${mem};disk:${disk};ports:[${ports.begin}-${ports.end}]`;
}

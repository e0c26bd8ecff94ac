// Pure layout arithmetic for masters and agents: each agent's slice of the host port range (kept
// across restarts, never overlapping another cluster's) and its share of the host's cpus, mem and disk.
import { AGENT_PORT_BASE, PORTS_PER_AGENT } from '../../agent/config.js';
import { UserError } from '../../common/errors.js';
import type { Range } from '../../master/core/v1.js';

/** Inclusive, like Mesos ranges. */
export type PortRange = Range;

const HIGHEST_PORT = 65_535;

function overlaps(a: PortRange, b: PortRange): boolean {
  return a.begin <= b.end && b.begin <= a.end;
}

function sliceAt(k: number): PortRange {
  const begin = AGENT_PORT_BASE + k * PORTS_PER_AGENT;
  return { begin, end: begin + PORTS_PER_AGENT - 1 };
}

export interface SliceRequest {
  count: number;
  /** The slice each agent had the last time this cluster ran (index i → agent i + 1). */
  previous: readonly (PortRange | undefined)[];
  /** Slices other clusters hold. */
  taken: readonly PortRange[];
}

/**
 * One slice of PORTS_PER_AGENT ports per agent (agent-1 31000–31499, agent-2 31500–31999, … when
 * nothing else claims them). An agent keeps its previous slice while no other cluster holds it.
 */
export function agentPortSlices(request: SliceRequest): PortRange[] {
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
    while (!free(sliceAt(k))) k++;
    const slice = sliceAt(k);
    if (slice.end > HIGHEST_PORT)
      throw new UserError(
        `no free slice of ${PORTS_PER_AGENT} host ports left for agent-${i + 1} (other clusters in this home hold them)`,
      );
    claimed.push(slice);
    slices.push(slice);
  }
  return slices;
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

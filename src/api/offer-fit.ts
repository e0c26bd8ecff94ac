// Which queued task requests one offer can take, and the TaskInfos that launch them: cpus, mem and the
// lowest free host ports of the offer, requests in queue order. Pure.
import {
  containsResources,
  resourcesFromV1,
  resourcesToV1,
  subtractResources,
  type Resources,
} from '../master/core/resources.js';
import type { ContainerInfo, Offer, Range, TaskInfo } from '../master/core/v1.js';

export interface DockerRequest {
  image: string;
  /** Mesos's default is HOST; BRIDGE maps the task's host ports to `containerPorts`. */
  network?: 'HOST' | 'BRIDGE';
  containerPorts?: number[];
}

export interface TaskRequest {
  name: string;
  /** Run by `sh -c`; in a Docker container when `docker` is set (empty: the image's own command). */
  command: string;
  cpus: number;
  mem: number;
  /** How many host ports the task needs (it gets them as PORT0…; BRIDGE maps them to containerPorts). */
  ports?: number;
  docker?: DockerRequest;
  /** Only on this agent. */
  agentId?: string;
}

export interface QueuedTask {
  id: string;
  request: TaskRequest;
}

export interface Placement {
  id: string;
  info: TaskInfo;
  ports: number[];
}

/** The queued tasks `offer` fits, first come first served, each with the resources it takes. */
export function placeTasks(offer: Offer, queue: readonly QueuedTask[]): Placement[] {
  let left = resourcesFromV1(offer.resources);
  const placements: Placement[] = [];
  for (const { id, request } of queue) {
    if (request.agentId !== undefined && request.agentId !== offer.agent_id.value) continue;
    const ports = lowestPorts(left.ranges['ports'] ?? [], request.ports ?? 0);
    if (ports === null) continue;
    const wanted: Resources = {
      scalars: { cpus: request.cpus, mem: request.mem },
      ranges: ports.length === 0 ? {} : { ports: ports.map((p) => ({ begin: p, end: p })) },
    };
    if (!containsResources(left, wanted)) continue;
    left = subtractResources(left, wanted);
    placements.push({ id, ports, info: taskInfo(offer, id, request, { wanted, ports }) });
  }
  return placements;
}

function lowestPorts(ranges: readonly Range[], count: number): number[] | null {
  const ports: number[] = [];
  for (const r of ranges) for (let p = r.begin; p <= r.end && ports.length < count; p++) ports.push(p);
  return ports.length === count ? ports : null;
}

function taskInfo(
  offer: Offer,
  id: string,
  request: TaskRequest,
  taken: { wanted: Resources; ports: number[] },
): TaskInfo {
  const base = {
    name: request.name,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: resourcesToV1(taken.wanted, offer.allocation_info.role),
  };
  if (request.docker === undefined) return { ...base, command: { value: request.command, shell: true } };
  const command = request.command === '' ? { shell: false } : { value: request.command, shell: true };
  return { ...base, command, container: dockerContainer(request.docker, taken.ports) };
}

function dockerContainer(docker: DockerRequest, ports: number[]): ContainerInfo {
  const network = docker.network ?? 'HOST';
  const mappings =
    network === 'BRIDGE'
      ? (docker.containerPorts ?? []).flatMap((containerPort, i) => {
          const hostPort = ports[i];
          return hostPort === undefined
            ? []
            : [{ host_port: hostPort, container_port: containerPort, protocol: 'tcp' }];
        })
      : [];
  return {
    type: 'DOCKER',
    docker: {
      image: docker.image,
      network,
      ...(mappings.length === 0 ? {} : { port_mappings: mappings }),
      force_pull_image: false,
    },
  };
}

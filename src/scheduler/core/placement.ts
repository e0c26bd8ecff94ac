// One instance on one offer: roles, constraints, cpus/mem/disk/gpus and host ports checked in Marathon's
// order, and the Mesos TaskInfo that launches it with what it takes out of the offer.
import { toHostname } from '../../common/marathon-ids.js';
import { normalizeRanges, subtractRanges } from '../../master/core/resources.js';
import type {
  CommandInfo,
  ContainerInfo,
  Offer,
  PortMapping as MesosPortMapping,
  Range,
  Resource,
  TaskInfo,
} from '../../master/core/v1.js';
import type { AppDefinition, Container, HealthCheck } from './app-types.js';
import { type PlacedInstance, offerMeetsConstraints } from './constraints.js';
import type { AppVersion, DeclineReason } from './model.js';
import { type PortRequest, networkMode, portRequests } from './service-ports.js';
import { taskEnvironment } from './task-env.js';

export interface PlaceRequest {
  app: AppVersion;
  instanceId: string;
  taskId: string;
  /** The offer with what earlier placements in this round left. */
  offer: Offer;
  placed: readonly PlacedInstance[];
}

export type PlaceResult =
  | {
      ok: true;
      taskInfo: TaskInfo;
      hostPorts: number[] /** The same offer minus what this task takes. */;
      remaining: Offer;
    }
  | { ok: false; reason: DeclineReason };

/** Mesos's ContainerInfo.mesos (a MESOS container's image), which the shared v1 type does not name. */
type MesosContainerInfo = ContainerInfo & { mesos?: { image: { type: 'DOCKER'; docker: { name: string } } } };

/** What is taken from an offer so far and what is left of it. */
interface Pool {
  left: Resource[];
  used: Resource[];
}

type Accepts = (r: Resource) => boolean;

const SCALARS: readonly { name: string; amount: (app: AppDefinition) => number; reason: DeclineReason }[] = [
  { name: 'cpus', amount: (app) => app.cpus, reason: 'InsufficientCpus' },
  { name: 'mem', amount: (app) => app.mem, reason: 'InsufficientMemory' },
  { name: 'disk', amount: (app) => app.disk, reason: 'InsufficientDisk' },
  { name: 'gpus', amount: (app) => app.gpus, reason: 'InsufficientGpus' },
];

const NANOS_PER_SECOND = 1_000_000_000;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// ---- taking resources out of an offer ----

function takeScalar(pool: Pool, name: string, amount: number, accepts: Accepts): Pool | null {
  let need = round3(amount);
  const left: Resource[] = [];
  const used = [...pool.used];
  for (const r of pool.left) {
    if (need <= 0 || r.name !== name || r.type !== 'SCALAR' || !accepts(r)) {
      left.push(r);
      continue;
    }
    const have = r.scalar?.value ?? 0;
    const take = Math.min(have, need);
    need = round3(need - take);
    if (take > 0) used.push({ ...r, scalar: { value: take } });
    if (round3(have - take) > 0) left.push({ ...r, scalar: { value: round3(have - take) } });
  }
  return need > 0 ? null : { left, used };
}

const isPorts = (r: Resource): boolean => r.name === 'ports' && r.type === 'RANGES';

function takePorts(pool: Pool, ports: readonly number[], accepts: Accepts): Pool {
  const wanted = new Set(ports);
  const left: Resource[] = [];
  const used = [...pool.used];
  for (const r of pool.left) {
    const ranges = r.ranges?.range ?? [];
    const mine =
      isPorts(r) && accepts(r) ? [...wanted].filter((p) => ranges.some((x) => x.begin <= p && p <= x.end)) : [];
    if (mine.length === 0) {
      left.push(r);
      continue;
    }
    for (const p of mine) wanted.delete(p);
    const cut = normalizeRanges(mine.map((p) => ({ begin: p, end: p })));
    used.push({ ...r, ranges: { range: cut } });
    const rest = subtractRanges(ranges, cut);
    if (rest.length > 0) left.push({ ...r, ranges: { range: rest } });
  }
  return { left, used };
}

function lowestFreePorts(free: readonly Range[], taken: ReadonlySet<number>, count: number): number[] | null {
  const ports: number[] = [];
  for (const r of free) {
    for (let p = r.begin; p <= r.end && ports.length < count; p++) if (!taken.has(p)) ports.push(p);
  }
  return ports.length === count ? ports : null;
}

/** Per request its host port (undefined: none); fixed ones must be free, dynamic ones are the lowest free. */
function pickHostPorts(requests: readonly PortRequest[], free: readonly Range[]): (number | undefined)[] | null {
  const fixed = requests.flatMap((r) => (r.hostPort !== undefined && r.hostPort !== 0 ? [r.hostPort] : []));
  const inOffer = fixed.every((p) => free.some((r) => r.begin <= p && p <= r.end));
  if (!inOffer || new Set(fixed).size !== fixed.length) return null;
  const dynamic = lowestFreePorts(free, new Set(fixed), requests.filter((r) => r.hostPort === 0).length);
  if (dynamic === null) return null;
  let next = 0;
  return requests.map((r) => (r.hostPort === undefined ? undefined : r.hostPort !== 0 ? r.hostPort : dynamic[next++]));
}

type Taken = { ok: true; pool: Pool; ports: (number | undefined)[] } | { ok: false; reason: DeclineReason };

function takeResources(app: AppDefinition, offer: Offer, accepts: Accepts): Taken {
  let pool: Pool = { left: offer.resources, used: [] };
  for (const { name, amount, reason } of SCALARS) {
    const need = amount(app);
    if (need <= 0) continue;
    const next = takeScalar(pool, name, need, accepts);
    if (next === null) return { ok: false, reason };
    pool = next;
  }
  const free = normalizeRanges(pool.left.filter((r) => isPorts(r) && accepts(r)).flatMap((r) => r.ranges?.range ?? []));
  const ports = pickHostPorts(portRequests(app), free);
  if (ports === null) return { ok: false, reason: 'InsufficientPorts' };
  const hostPorts = ports.filter((p): p is number => p !== undefined);
  return { ok: true, pool: takePorts(pool, hostPorts, accepts), ports };
}

// ---- the TaskInfo ----

function commandLine(app: AppDefinition): Pick<CommandInfo, 'value' | 'shell' | 'arguments'> {
  if (app.cmd !== undefined) return { shell: true, value: app.cmd };
  if (app.args === undefined) return { shell: false };
  // The command executor runs `value` with `arguments` as argv; an image brings its own entrypoint.
  const value = app.container?.docker === undefined ? app.args[0] : undefined;
  return { shell: false, ...opt('value', value), arguments: app.args };
}

function commandInfo(app: AppDefinition, env: Record<string, string>): CommandInfo {
  const uris = app.fetch.map((f) => ({
    value: f.uri,
    executable: f.executable,
    extract: f.extract,
    cache: f.cache,
    ...opt('output_file', f.destPath),
  }));
  return {
    ...commandLine(app),
    environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) },
    ...(uris.length > 0 ? { uris } : {}),
    ...opt('user', app.user),
  };
}

/** Docker port mappings: one per host port and protocol; containerPort 0 is the host port. */
function portMappings(requests: readonly PortRequest[], ports: readonly (number | undefined)[]): MesosPortMapping[] {
  return requests.flatMap((r, i) => {
    const hostPort = ports[i];
    if (hostPort === undefined) return [];
    const containerPort = r.declared === 0 ? hostPort : r.declared;
    return r.protocol.split(',').map((protocol) => ({ host_port: hostPort, container_port: containerPort, protocol }));
  });
}

function networkInfos(app: AppDefinition, mappings: MesosPortMapping[]): Record<string, unknown>[] | undefined {
  const network = app.networks[0];
  switch (network?.mode ?? 'host') {
    case 'host':
      return undefined;
    case 'container/bridge':
      return app.container?.type === 'MESOS' ? [{ name: 'mesos-bridge', port_mappings: mappings }] : undefined;
    case 'container':
      return network?.name === undefined ? undefined : [{ name: network.name, port_mappings: mappings }];
  }
}

const DOCKER_NETWORK = { host: 'HOST', 'container/bridge': 'BRIDGE', container: 'USER' } as const;

function containerInfo(
  app: AppDefinition,
  container: Container,
  ports: readonly (number | undefined)[],
): MesosContainerInfo {
  const mappings = networkMode(app) === 'host' ? [] : portMappings(portRequests(app), ports);
  const volumes = container.volumes.map((v) => ({
    container_path: v.containerPath,
    host_path: v.hostPath,
    mode: v.mode,
  }));
  const common = { ...(volumes.length > 0 ? { volumes } : {}), ...opt('network_infos', networkInfos(app, mappings)) };
  const docker = container.docker;
  switch (container.type) {
    case 'DOCKER':
      return {
        type: 'DOCKER',
        docker: {
          image: docker?.image ?? '',
          network: DOCKER_NETWORK[networkMode(app)],
          ...(mappings.length > 0 ? { port_mappings: mappings } : {}),
          privileged: docker?.privileged ?? false,
          ...(docker !== undefined && docker.parameters.length > 0 ? { parameters: docker.parameters } : {}),
          force_pull_image: docker?.forcePullImage ?? false,
        },
        ...common,
      };
    case 'MESOS':
      return {
        type: 'MESOS',
        ...(docker === undefined ? {} : { mesos: { image: { type: 'DOCKER', docker: { name: docker.image } } } }),
        ...common,
      };
  }
}

/** The port a Mesos check probes: `port`, else portIndex's host port (BRIDGE/container networking: the container port). */
function checkPort(app: AppDefinition, check: HealthCheck, ports: readonly (number | undefined)[]): number | undefined {
  if (check.port !== undefined) return check.port;
  const index = check.portIndex ?? 0;
  const request = portRequests(app)[index];
  if (networkMode(app) === 'host' || request === undefined || request.declared === 0) return ports[index];
  return request.declared;
}

/** A Mesos HealthCheck for a check the agent runs; undefined for the checks Marathon runs itself. */
function mesosHealthCheck(
  app: AppDefinition,
  check: HealthCheck,
  ports: readonly (number | undefined)[],
): Record<string, unknown> | undefined {
  const timing = {
    delay_seconds: check.delaySeconds,
    interval_seconds: check.intervalSeconds,
    timeout_seconds: check.timeoutSeconds,
    consecutive_failures: check.maxConsecutiveFailures,
    grace_period_seconds: check.gracePeriodSeconds,
  };
  const port = checkPort(app, check, ports);
  switch (check.protocol) {
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS': {
      const scheme = check.protocol === 'MESOS_HTTPS' ? 'https' : 'http';
      return port === undefined
        ? undefined
        : { type: 'HTTP', http: { port, path: check.path ?? '/', scheme }, ...timing };
    }
    case 'MESOS_TCP':
      return port === undefined ? undefined : { type: 'TCP', tcp: { port }, ...timing };
    case 'COMMAND':
      return { type: 'COMMAND', command: { value: check.command?.value ?? '' }, ...timing };
    case 'HTTP':
    case 'HTTPS':
    case 'TCP':
      return undefined;
  }
}

/** DiscoveryInfo: the app's hostname-style name and its ports (host port, or container port without one). */
function discovery(app: AppDefinition, ports: readonly (number | undefined)[]): Record<string, unknown> {
  const entries = portRequests(app).flatMap((r, i) => {
    const number = ports[i] ?? (r.declared === 0 ? undefined : r.declared);
    if (number === undefined) return [];
    const labels = Object.entries(r.labels).map(([key, value]) => ({ key, value }));
    return r.protocol.split(',').map((protocol) => ({
      number,
      ...opt('name', r.name),
      protocol,
      ...(labels.length > 0 ? { labels: { labels } } : {}),
    }));
  });
  return { visibility: 'FRAMEWORK', name: toHostname(app.id), ports: { ports: entries } };
}

function taskInfo(req: PlaceRequest, resources: Resource[], ports: readonly (number | undefined)[]): TaskInfo {
  const { app, offer, taskId } = req;
  const hostPorts = ports.filter((p): p is number => p !== undefined);
  const env = taskEnvironment({ app, taskId, host: offer.hostname, hostPorts });
  const labels = Object.entries(app.labels).map(([key, value]) => ({ key, value }));
  const grace = app.taskKillGracePeriodSeconds;
  const check = app.healthChecks.map((c) => mesosHealthCheck(app, c, ports)).find((c) => c !== undefined);
  return {
    name: toHostname(app.id),
    task_id: { value: taskId },
    agent_id: offer.agent_id,
    resources,
    command: commandInfo(app, env),
    ...(app.container === undefined ? {} : { container: containerInfo(app, app.container, ports) }),
    ...opt('health_check', check),
    ...(grace === undefined ? {} : { kill_policy: { grace_period: { nanoseconds: grace * NANOS_PER_SECOND } } }),
    ...(labels.length > 0 ? { labels: { labels } } : {}),
    discovery: discovery(app, ports),
  };
}

/** Places one instance of `req.app` on `req.offer`, or says why the offer does not fit. */
export function placeInstance(req: PlaceRequest): PlaceResult {
  const { app, offer } = req;
  const roles = app.acceptedResourceRoles ?? ['*'];
  const accepts: Accepts = (r) => roles.includes(r.role ?? '*');
  if (!offer.resources.some(accepts)) return { ok: false, reason: 'UnfulfilledRole' };
  if (!offerMeetsConstraints(app, offer, req.placed)) return { ok: false, reason: 'UnfulfilledConstraint' };
  const taken = takeResources(app, offer, accepts);
  if (!taken.ok) return taken;
  return {
    ok: true,
    taskInfo: taskInfo(req, taken.pool.used, taken.ports),
    hostPorts: taken.ports.filter((p): p is number => p !== undefined),
    remaining: { ...offer, resources: taken.pool.left },
  };
}

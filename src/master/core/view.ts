// Read-only views of the leading master's state in the v0 JSON shapes of /master/state,
// /master/state-summary, /master/frameworks, /master/slaves, /master/tasks, /master/roles and
// /metrics/snapshot (a standby's too: every master/* key, at zero).
import type { RoleJson, RolesJson } from '../../api/mesos.js';
import type { BuildInfo } from '../../common/build-info.js';
import type { MasterView } from './master.js';
import {
  addResources,
  EMPTY_RESOURCES,
  attributesToV0,
  resourcesFromV1,
  resourcesToV0,
  resourcesToV1,
  scalarOf,
  sumResources,
  type Resources,
} from './resources.js';
import {
  agentOffered,
  agentUsed,
  clusterTotal,
  COUNTERS,
  newState,
  frameworkOffered,
  frameworkRoles,
  frameworkUsed,
  type AgentRecord,
  type FrameworkRecord,
  type MasterState,
  type OfferRecord,
  type TaskRecord,
} from './state.js';
import { isTerminalState, type AgentInfo, type TaskState } from './v1.js';

/** What the shell knows about this master process beyond the core's state. */
export interface MasterIdentity extends BuildInfo {
  /** When the master process started (ms). */
  startedAt: number;
  flags: Record<string, string>;
  cluster?: string;
}

export interface TasksQuery {
  frameworkId?: string;
  taskId?: string;
  /** Mesos default 100. */
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

type Json = Record<string, unknown>;

const DEFAULT_TASKS_LIMIT = 100;
const SUMMARY_STATES: readonly TaskState[] = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_KILLED',
  'TASK_FAILED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_UNREACHABLE',
];

const secs = (ms: number): number => ms / 1000;

function allTasks(fw: FrameworkRecord): TaskRecord[] {
  return [...fw.tasks.values(), ...fw.unreachableTasks.values(), ...fw.completedTasks];
}

/** The role a task's resources are allocated to (multi-role frameworks say it), else its framework's first. */
function taskRole(fw: FrameworkRecord, rec: TaskRecord): string {
  const allocated = rec.task.resources.find((r) => r.allocation_info !== undefined)?.allocation_info?.role;
  return allocated ?? frameworkRoles(fw.info)[0] ?? '*';
}

function taskJson(fw: FrameworkRecord, rec: TaskRecord): Json {
  const t = rec.task;
  return {
    id: t.task_id.value,
    name: t.name,
    framework_id: t.framework_id.value,
    executor_id: t.executor_id?.value ?? '',
    slave_id: t.agent_id.value,
    state: t.state,
    resources: resourcesToV0(rec.resources),
    role: taskRole(fw, rec),
    statuses: t.statuses.map((st) => ({
      state: st.state,
      timestamp: st.timestamp ?? 0,
      labels: st.labels?.labels,
      container_status: st.container_status,
      healthy: st.healthy,
    })),
    user: t.user,
    labels: t.labels?.labels,
    discovery: t.discovery,
    container: t.container,
    health_check: t.health_check,
  };
}

function offerJson(offer: OfferRecord): Json {
  return {
    id: offer.id,
    framework_id: offer.frameworkId,
    allocation_info: { role: offer.role },
    slave_id: offer.agentId,
    resources: resourcesToV0(offer.resources),
  };
}

function frameworkSummary(s: MasterState, fw: FrameworkRecord): Json {
  const connected = fw.streamId !== null;
  return {
    id: fw.id,
    name: fw.info.name,
    used_resources: resourcesToV0(frameworkUsed(fw)),
    offered_resources: resourcesToV0(frameworkOffered(s, fw.id)),
    capabilities: (fw.info.capabilities ?? []).map((c) => c.type),
    hostname: fw.info.hostname ?? '',
    webui_url: fw.info.webui_url ?? '',
    active: connected,
    connected,
    recovered: fw.recovered,
  };
}

function frameworkJson(s: MasterState, fw: FrameworkRecord): Json {
  const multiRole = (fw.info.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE');
  const roles = frameworkRoles(fw.info);
  return {
    ...frameworkSummary(s, fw),
    user: fw.info.user,
    failover_timeout: fw.info.failover_timeout ?? 0,
    checkpoint: fw.info.checkpoint ?? false,
    registered_time: secs(fw.registeredAt),
    unregistered_time: fw.unregisteredAt === null ? 0 : secs(fw.unregisteredAt),
    principal: fw.info.principal,
    resources: resourcesToV0(addResources(frameworkUsed(fw), frameworkOffered(s, fw.id))),
    reregistered_time: fw.reregisteredAt === null ? undefined : secs(fw.reregisteredAt),
    ...(multiRole ? { roles } : { role: roles[0] }),
    tasks: [...fw.tasks.values()].map((rec) => taskJson(fw, rec)),
    unreachable_tasks: [...fw.unreachableTasks.values()].map((rec) => taskJson(fw, rec)),
    completed_tasks: fw.completedTasks.map((rec) => taskJson(fw, rec)),
    offers: [...s.offers.values()].filter((o) => o.frameworkId === fw.id).map(offerJson),
    executors: [],
    labels: fw.info.labels?.labels,
    offer_constraints: {},
  };
}

function agentJson(s: MasterState, a: AgentRecord): Json {
  return {
    id: a.id,
    hostname: a.info.hostname,
    port: a.info.port,
    attributes: attributesToV0(a.info.attributes ?? []),
    pid: a.pid,
    registered_time: secs(a.registeredAt),
    reregistered_time: a.reregisteredAt === null ? undefined : secs(a.reregisteredAt),
    resources: resourcesToV0(a.total),
    used_resources: resourcesToV0(agentUsed(s, a.id)),
    offered_resources: resourcesToV0(agentOffered(s, a.id)),
    reserved_resources: {},
    unreserved_resources: resourcesToV0(a.total),
    active: a.connection !== null,
    deactivated: false,
    version: a.version,
    capabilities: [],
  };
}

function recoveredAgentJson(info: AgentInfo): Json {
  return {
    id: info.id?.value,
    hostname: info.hostname,
    port: info.port,
    attributes: attributesToV0(info.attributes ?? []),
    resources: resourcesToV0(resourcesFromV1(info.resources)),
  };
}

function stateCounts(recs: readonly TaskRecord[]): Record<string, number> {
  return Object.fromEntries(SUMMARY_STATES.map((state) => [state, recs.filter((r) => r.task.state === state).length]));
}

const byFramework = (s: MasterState): FrameworkRecord[] => [...s.frameworks.values()];

/** `/master/state`. */
export function stateJson(view: MasterView, identity: MasterIdentity): Json {
  const { state: s, options } = view;
  const info = options.masterInfo;
  const agents = [...s.agents.values()];
  return {
    version: identity.version,
    build_date: identity.build_date,
    build_time: identity.build_time,
    build_user: identity.build_user,
    start_time: secs(identity.startedAt),
    elected_time: secs(s.electedAt),
    id: info.id,
    pid: info.pid,
    hostname: info.hostname,
    capabilities: (info.capabilities ?? []).map((c) => c.type),
    activated_slaves: agents.filter((a) => a.connection !== null).length,
    deactivated_slaves: agents.filter((a) => a.connection === null).length,
    unreachable_slaves: s.unreachable.size,
    leader: info.pid,
    leader_info: { id: info.id, pid: info.pid, port: info.port, hostname: info.hostname },
    cluster: identity.cluster,
    log_dir: identity.flags['log_dir'],
    flags: identity.flags,
    slaves: agents.map((a) => agentJson(s, a)),
    recovered_slaves: [...s.recovered.values()].map(recoveredAgentJson),
    frameworks: byFramework(s).map((fw) => frameworkJson(s, fw)),
    completed_frameworks: s.completedFrameworks.map((fw) => frameworkJson(s, fw)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

/** `/master/state-summary`: agents and frameworks with task counts per state. */
export function stateSummaryJson(view: MasterView, identity: MasterIdentity): Json {
  const s = view.state;
  const placed = byFramework(s).flatMap((fw) => allTasks(fw).map((rec) => ({ fw, rec })));
  const slaves = [...s.agents.values()].map((a) => {
    const here = placed.filter((p) => p.rec.task.agent_id.value === a.id);
    return {
      ...agentJson(s, a),
      ...stateCounts(here.map((p) => p.rec)),
      framework_ids: [...new Set(here.map((p) => p.fw.id))],
    };
  });
  const frameworks = byFramework(s).map((fw) => ({
    ...frameworkSummary(s, fw),
    ...stateCounts(allTasks(fw)),
    slave_ids: [...new Set([...fw.tasks.values()].map((rec) => rec.task.agent_id.value))],
  }));
  return { hostname: view.options.masterInfo.hostname, cluster: identity.cluster, slaves, frameworks };
}

/** `/master/frameworks?framework_id=`. */
export function frameworksJson(view: MasterView, query: { frameworkId?: string } = {}): Json {
  const s = view.state;
  const wanted = (fw: FrameworkRecord): boolean => query.frameworkId === undefined || fw.id === query.frameworkId;
  return {
    frameworks: byFramework(s)
      .filter(wanted)
      .map((fw) => frameworkJson(s, fw)),
    completed_frameworks: s.completedFrameworks.filter(wanted).map((fw) => frameworkJson(s, fw)),
    unregistered_frameworks: [],
  };
}

/** `/master/slaves?slave_id=`. */
export function slavesJson(view: MasterView, query: { slaveId?: string } = {}): Json {
  const s = view.state;
  const slaves = [...s.agents.values()]
    .filter((a) => query.slaveId === undefined || a.id === query.slaveId)
    .map((a) => ({
      ...agentJson(s, a),
      reserved_resources_full: {},
      unreserved_resources_full: resourcesToV1(a.total),
      used_resources_full: resourcesToV1(agentUsed(s, a.id)),
      offered_resources_full: resourcesToV1(agentOffered(s, a.id)),
    }));
  return { slaves, recovered_slaves: [...s.recovered.values()].map(recoveredAgentJson) };
}

/** `/master/tasks`: active, unreachable and completed tasks, ordered by when they started. */
export function tasksJson(view: MasterView, query: TasksQuery = {}): Json {
  const s = view.state;
  const started = (rec: TaskRecord): number => rec.task.statuses[0]?.timestamp ?? 0;
  const direction = query.order === 'asc' ? 1 : -1;
  const offset = query.offset ?? 0;
  const tasks = [...byFramework(s), ...s.completedFrameworks]
    .filter((fw) => query.frameworkId === undefined || fw.id === query.frameworkId)
    .flatMap((fw) => allTasks(fw).map((rec) => ({ fw, rec })))
    .filter(({ rec }) => query.taskId === undefined || rec.task.task_id.value === query.taskId)
    .sort((a, b) => direction * (started(a.rec) - started(b.rec)))
    .slice(offset, offset + (query.limit ?? DEFAULT_TASKS_LIMIT))
    .map(({ fw, rec }) => taskJson(fw, rec));
  return { tasks };
}

function resourceMetrics(s: MasterState): Record<string, number> {
  const total = clusterTotal(s);
  const used = sumResources([...s.agents.keys()].map((id) => agentUsed(s, id)));
  const offeredOrUsed = addResources(used, sumResources([...s.offers.values()].map((o) => o.resources)));
  const out: Record<string, number> = {};
  for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
    const t = scalarOf(total, name);
    out[`master/${name}_total`] = t;
    out[`master/${name}_used`] = scalarOf(used, name);
    out[`master/${name}_percent`] = t > 0 ? scalarOf(used, name) / t : 0;
    if (name !== 'gpus') {
      out[`allocator/mesos/resources/${name}/total`] = t;
      out[`allocator/mesos/resources/${name}/offered_or_allocated`] = scalarOf(offeredOrUsed, name);
    }
  }
  return out;
}

/** The master/* and allocator/* keys of `/metrics/snapshot` from one state. */
function metricsOf(s: MasterState, o: { elected: boolean; uptimeSecs: number }): Record<string, number> {
  const agents = [...s.agents.values()];
  const frameworks = byFramework(s);
  const active = frameworks.flatMap((fw) => [...fw.tasks.values()]);
  const inState = (state: TaskState): number => active.filter((r) => r.task.state === state).length;
  const connectedAgents = agents.filter((a) => a.connection !== null).length;
  const connectedFrameworks = frameworks.filter((fw) => fw.streamId !== null).length;
  return {
    'master/elected': o.elected ? 1 : 0,
    'master/uptime_secs': o.uptimeSecs,
    'master/slaves_active': connectedAgents,
    'master/slaves_inactive': agents.length - connectedAgents,
    'master/slaves_connected': connectedAgents,
    'master/slaves_disconnected': agents.length - connectedAgents,
    'master/slaves_unreachable': s.unreachable.size,
    'master/frameworks_active': connectedFrameworks,
    'master/frameworks_inactive': frameworks.length - connectedFrameworks,
    'master/frameworks_connected': connectedFrameworks,
    'master/frameworks_disconnected': frameworks.length - connectedFrameworks,
    'master/outstanding_offers': s.offers.size,
    'master/tasks_staging': inState('TASK_STAGING'),
    'master/tasks_starting': inState('TASK_STARTING'),
    'master/tasks_running': inState('TASK_RUNNING'),
    'master/tasks_killing': inState('TASK_KILLING'),
    'master/tasks_unreachable': frameworks.reduce((n, fw) => n + fw.unreachableTasks.size, 0),
    ...Object.fromEntries(COUNTERS.map((c) => [c, s.counters[c]])),
    ...resourceMetrics(s),
  };
}

/** The leading master's `/metrics/snapshot`. */
export function metricsSnapshot(view: MasterView, options: { now: number; startedAt: number }): Record<string, number> {
  return metricsOf(view.state, { elected: true, uptimeSecs: secs(options.now - options.startedAt) });
}

/** A standby's `/metrics/snapshot`: Mesos creates every master/* metric on every master, so all are there, at zero. */
export function standbyMetrics(options: { now: number; startedAt: number }): Record<string, number> {
  return metricsOf(newState(options.now), { elected: false, uptimeSecs: secs(options.now - options.startedAt) });
}

// ---- /master/roles ----

/** Mesos's ResourceQuantities JSON: the scalars held, by name. */
function quantities(r: Resources): Record<string, number> {
  return Object.fromEntries(Object.entries(r.scalars).filter(([, v]) => v > 0));
}

/** Every role in use (`*` always): the frameworks' roles and those tasks and offers are allocated to. */
function knownRoles(s: MasterState): string[] {
  const roles = new Set(['*']);
  for (const fw of byFramework(s)) {
    for (const role of frameworkRoles(fw.info)) roles.add(role);
    for (const rec of fw.tasks.values()) roles.add(taskRole(fw, rec));
  }
  for (const offer of s.offers.values()) roles.add(offer.role);
  return [...roles].sort();
}

function roleJson(s: MasterState, name: string): RoleJson {
  const frameworks = byFramework(s);
  const allocated = sumResources(
    frameworks.flatMap((fw) =>
      [...fw.tasks.values()]
        .filter((rec) => !isTerminalState(rec.task.state) && taskRole(fw, rec) === name)
        .map((rec) => rec.resources),
    ),
  );
  const offered = sumResources([...s.offers.values()].filter((o) => o.role === name).map((o) => o.resources));
  return {
    name,
    weight: 1,
    quota: { role: name, guarantee: {}, limit: {}, consumed: quantities(allocated) },
    resources: resourcesToV0(addResources(allocated, offered)),
    allocated: resourcesToV0(allocated),
    offered: resourcesToV0(offered),
    reserved: resourcesToV0(EMPTY_RESOURCES),
    frameworks: frameworks.filter((fw) => frameworkRoles(fw.info).includes(name)).map((fw) => fw.id),
  };
}

/** `/master/roles`: weight 1 and no quota or reservations (this master sets none), what each role holds. */
export function rolesJson(view: MasterView): RolesJson {
  return { roles: knownRoles(view.state).map((name) => roleJson(view.state, name)) };
}

// The agent's read-only endpoint bodies computed from its core: `/slave(1)/state` (v0 JSON as Mesos
// renders it), `/slave(1)/monitor/statistics` from the usage its shell measured, and the slave/* metrics.
import type { BuildInfo } from '../../common/build-info.js';
import type { ExecutorStatisticsJson, ResourceStatisticsJson } from '../../api/agent.js';
import {
  EMPTY_RESOURCES,
  attributesToV0,
  resourcesFromV1,
  resourcesToV0,
  scalarOf,
  sumResources,
  type Resources,
} from '../../master/core/resources.js';
import { isTerminalState, type FrameworkInfo, type TaskState } from '../../master/core/v1.js';
import type { AgentView } from './agent.js';
import type { AgentTask } from './protocol.js';
import { AGENT_COUNTERS, describeMaster, frameworkIdOf } from './state.js';

export interface StateExtras {
  /** Seconds since the epoch. */
  startTime: number;
  /** `slave(1)@ip:port`. */
  pid: string;
  flags: Record<string, string>;
  build: BuildInfo;
}

/** What the shell measured of one running container (fields it could not measure are left out). */
export type ContainerUsage = Partial<
  Pick<ResourceStatisticsJson, 'cpus_user_time_secs' | 'cpus_system_time_secs' | 'mem_rss_bytes' | 'disk_used_bytes'>
>;

const MB = 1024 * 1024;

function used(tasks: Iterable<AgentTask>): Resources {
  const active = [...tasks].filter((t) => !isTerminalState(t.state));
  return active.length === 0 ? EMPTY_RESOURCES : sumResources(active.map((t) => resourcesFromV1(t.info.resources)));
}

/** The role the task's resources are allocated to (a multi-role framework's tasks say it), else the framework's. */
function taskRole(task: AgentTask): string {
  const allocated = task.info.resources.find((r) => r.allocation_info !== undefined)?.allocation_info?.role;
  return allocated ?? task.framework.roles?.[0] ?? task.framework.role ?? '*';
}

function taskJson(task: AgentTask, agentId: string): Record<string, unknown> {
  const { info } = task;
  return {
    id: info.task_id.value,
    name: info.name,
    framework_id: frameworkIdOf(task),
    executor_id: '',
    slave_id: agentId,
    state: task.state,
    resources: resourcesToV0(resourcesFromV1(info.resources)),
    role: taskRole(task),
    statuses: task.statuses.map((st) => ({
      state: st.state,
      timestamp: st.timestamp,
      ...(st.container_status === undefined ? {} : { container_status: st.container_status }),
    })),
    ...(info.labels === undefined ? {} : { labels: info.labels.labels }),
    ...(info.discovery === undefined ? {} : { discovery: info.discovery }),
    ...(info.container === undefined ? {} : { container: info.container }),
  };
}

/** Command tasks run under an executor with the task's id; the state shows one executor per task. */
function executorJson(task: AgentTask, agentId: string): Record<string, unknown> {
  const id = task.info.task_id.value;
  const terminal = isTerminalState(task.state);
  return {
    id,
    name: executorName(task),
    source: id,
    container: task.containerId,
    directory: task.sandbox,
    resources: resourcesToV0(resourcesFromV1(task.info.resources)),
    role: taskRole(task),
    tasks: terminal ? [] : [taskJson(task, agentId)],
    queued_tasks: [],
    completed_tasks: terminal ? [taskJson(task, agentId)] : [],
  };
}

/** Mesos's name of a command task's executor. */
function executorName(task: AgentTask): string {
  return `Command Executor (Task: ${task.info.task_id.value}) (Command: ${describeCommand(task)})`;
}

function describeCommand(task: AgentTask): string {
  const command = task.info.command;
  if (task.containerizer === 'docker') return `docker ${task.info.container?.docker?.image ?? ''}`;
  if (command?.shell === false) return [command.value ?? '', ...(command.arguments ?? []).slice(1)].join(' ');
  return `sh -c '${command?.value ?? ''}'`;
}

function frameworkJson(info: FrameworkInfo, tasks: AgentTask[], agentId: string): Record<string, unknown> {
  const live = tasks.filter((t) => !isTerminalState(t.state));
  const done = tasks.filter((t) => isTerminalState(t.state));
  return {
    id: info.id?.value ?? '',
    name: info.name,
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? '',
    ...(info.principal === undefined ? {} : { principal: info.principal }),
    ...(info.roles === undefined ? { role: info.role ?? '*' } : { roles: info.roles }),
    executors: live.map((t) => executorJson(t, agentId)),
    completed_executors: done.map((t) => executorJson(t, agentId)),
  };
}

function byFramework(tasks: Iterable<AgentTask>): Map<string, { info: FrameworkInfo; tasks: AgentTask[] }> {
  const groups = new Map<string, { info: FrameworkInfo; tasks: AgentTask[] }>();
  for (const task of tasks) {
    const id = frameworkIdOf(task);
    const group = groups.get(id) ?? { info: task.framework, tasks: [] };
    group.tasks.push(task);
    groups.set(id, group);
  }
  return groups;
}

/** `/slave(1)/state`. */
export function agentState(view: AgentView, extras: StateExtras): Record<string, unknown> {
  const { state: s, options } = view;
  const agentId = s.agentId ?? '';
  const total = resourcesFromV1(options.agentInfo.resources);
  const inUse = used(s.tasks.values());
  const groups = byFramework([...s.completed, ...s.tasks.values()]);
  const frameworks = [...groups.values()].map((g) => frameworkJson(g.info, g.tasks, agentId));
  return {
    ...extras.build,
    start_time: extras.startTime,
    id: agentId,
    pid: extras.pid,
    hostname: options.agentInfo.hostname,
    capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
    resources: resourcesToV0(total),
    reserved_resources: {},
    unreserved_resources: resourcesToV0(total),
    reserved_resources_full: {},
    unreserved_resources_full: options.agentInfo.resources,
    reserved_resources_allocated: {},
    unreserved_resources_allocated: resourcesToV0(inUse),
    attributes: attributesToV0(options.agentInfo.attributes ?? []),
    ...(s.link.master === null ? {} : { master_hostname: s.link.master.hostname ?? describeMaster(s.link.master) }),
    ...(extras.flags['log_dir'] === undefined ? {} : { log_dir: extras.flags['log_dir'] }),
    flags: extras.flags,
    frameworks,
    completed_frameworks: [],
  };
}

const TASK_GAUGES: [string, TaskState][] = [
  ['slave/tasks_staging', 'TASK_STAGING'],
  ['slave/tasks_starting', 'TASK_STARTING'],
  ['slave/tasks_running', 'TASK_RUNNING'],
  ['slave/tasks_killing', 'TASK_KILLING'],
];

/** The slave/* keys of `/metrics/snapshot`. */
export function agentMetrics(view: AgentView, uptimeSecs: number): Record<string, number> {
  const { state: s, options } = view;
  const total = resourcesFromV1(options.agentInfo.resources);
  const inUse = used(s.tasks.values());
  const tasks = [...s.tasks.values()];
  const out: Record<string, number> = {
    'slave/registered': s.link.phase === 'registered' ? 1 : 0,
    'slave/uptime_secs': uptimeSecs,
    'slave/executors_running': tasks.filter((t) => t.handle !== null && !isTerminalState(t.state)).length,
  };
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    const t = scalarOf(total, name);
    const u = scalarOf(inUse, name);
    out[`slave/${name}_total`] = t;
    out[`slave/${name}_used`] = u;
    out[`slave/${name}_percent`] = t === 0 ? 0 : u / t;
  }
  for (const [key, state] of TASK_GAUGES) out[key] = tasks.filter((t) => t.state === state).length;
  for (const counter of AGENT_COUNTERS) out[counter] = s.counters[counter];
  return out;
}

/** The tasks whose containers run: what the shell measures for `/slave(1)/monitor/statistics`. */
export function monitoredTasks(view: AgentView): AgentTask[] {
  return [...view.state.tasks.values()].filter((t) => t.handle !== null && !isTerminalState(t.state));
}

function statisticsOf(task: AgentTask, usage: ContainerUsage, timestamp: number): ResourceStatisticsJson {
  const resources = resourcesFromV1(task.info.resources);
  return {
    timestamp,
    ...(usage.cpus_user_time_secs === undefined ? {} : { cpus_user_time_secs: usage.cpus_user_time_secs }),
    ...(usage.cpus_system_time_secs === undefined ? {} : { cpus_system_time_secs: usage.cpus_system_time_secs }),
    cpus_limit: scalarOf(resources, 'cpus'),
    mem_limit_bytes: scalarOf(resources, 'mem') * MB,
    ...(usage.mem_rss_bytes === undefined ? {} : { mem_rss_bytes: usage.mem_rss_bytes }),
    disk_limit_bytes: scalarOf(resources, 'disk') * MB,
    ...(usage.disk_used_bytes === undefined ? {} : { disk_used_bytes: usage.disk_used_bytes }),
  };
}

/** `/slave(1)/monitor/statistics`: one entry per running executor, with its limits and the usage measured at `now`. */
export function monitorStatistics(
  view: AgentView,
  usage: ReadonlyMap<string, ContainerUsage>,
  now: number,
): ExecutorStatisticsJson[] {
  return monitoredTasks(view).map((task) => ({
    executor_id: task.info.task_id.value,
    executor_name: executorName(task),
    framework_id: frameworkIdOf(task),
    source: task.info.task_id.value,
    statistics: statisticsOf(task, usage.get(task.containerId) ?? {}, now / 1000),
  }));
}

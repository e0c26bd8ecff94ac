// The parts of the master's and agents' v0 JSON the page shows (/master/state, /master/roles,
// /master/maintenance/schedule, /slave(1)/state, /slave(1)/monitor/statistics, /files/*), and what it
// derives from them: task counts, resource sums, CPU rates, agent URLs, sandbox paths.

export interface Resources {
  cpus: number;
  mem: number;
  disk: number;
}

export interface TaskStatusJson {
  state: string;
  timestamp: number;
}

export interface TaskJson {
  id: string;
  name: string;
  framework_id: string;
  slave_id: string;
  state: string;
  statuses: TaskStatusJson[];
}

export interface FrameworkJson {
  id: string;
  name: string;
  user: string;
  webui_url: string;
  registered_time: number;
  resources: Resources;
  tasks: TaskJson[];
  unreachable_tasks: TaskJson[];
  completed_tasks: TaskJson[];
}

export interface AgentJson {
  id: string;
  hostname: string;
  pid: string;
  active: boolean;
  registered_time: number;
  attributes: Record<string, string | number>;
  resources: Resources;
  used_resources: Resources;
  offered_resources: Resources;
}

export interface MasterState {
  version: string;
  /** Seconds since the epoch. */
  build_time: number;
  build_user: string;
  log_dir?: string;
  start_time: number;
  elected_time: number;
  cluster?: string;
  leader_info: { hostname: string; port: number };
  slaves: AgentJson[];
  frameworks: FrameworkJson[];
  completed_frameworks: FrameworkJson[];
}

interface ExecutorJson {
  id: string;
  directory: string;
  tasks: { id: string }[];
  completed_tasks: { id: string }[];
}

export interface AgentState {
  frameworks: { id: string; executors: ExecutorJson[]; completed_executors: ExecutorJson[] }[];
}

/** One running executor of an agent's /slave(1)/monitor/statistics. */
export interface ExecutorStatistics {
  executor_id: string;
  executor_name: string;
  framework_id: string;
  statistics: {
    /** Seconds since the epoch. */
    timestamp: number;
    cpus_user_time_secs?: number;
    cpus_system_time_secs?: number;
    cpus_limit: number;
    mem_rss_bytes?: number;
    mem_limit_bytes: number;
    disk_used_bytes?: number;
    disk_limit_bytes: number;
  };
}

export interface RoleJson {
  name: string;
  weight: number;
  frameworks: string[];
  allocated: Resources;
  offered: Resources;
  reserved: Resources;
}

export interface MachineId {
  hostname?: string;
  ip?: string;
}

export interface MaintenanceSchedule {
  windows?: {
    machine_ids: MachineId[];
    unavailability: { start: { nanoseconds: number }; duration?: { nanoseconds: number } };
  }[];
}

export interface MaintenanceStatus {
  draining_machines?: { id: MachineId }[];
  down_machines?: MachineId[];
}

/** One machine as one string, to compare the schedule's with the status's. */
export function machineKey(id: MachineId): string {
  return `${id.hostname ?? ''}/${id.ip ?? ''}`;
}

export interface FileInfo {
  path: string;
  size: number;
  mtime: number;
  mode: string;
}

export interface FileChunk {
  offset: number;
  data: string;
}

/** The states the summary counts, in Mesos's order. */
export const COUNTED_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_KILLED',
  'TASK_FAILED',
  'TASK_LOST',
] as const;

export const RESOURCE_NAMES = ['cpus', 'mem', 'disk'] as const satisfies readonly (keyof Resources)[];

/** A task with the framework that launched it; `active` unless it is one of the completed ones. */
export interface TaskRow {
  task: TaskJson;
  framework: FrameworkJson;
  active: boolean;
}

export function taskRows(state: MasterState): TaskRow[] {
  return [...state.frameworks, ...state.completed_frameworks].flatMap((framework) => [
    ...[...framework.tasks, ...framework.unreachable_tasks].map((task) => ({ task, framework, active: true })),
    ...framework.completed_tasks.map((task) => ({ task, framework, active: false })),
  ]);
}

export function countByState(rows: readonly TaskRow[]): Map<string, number> {
  const counts = new Map<string, number>(COUNTED_STATES.map((s) => [s, 0]));
  for (const { task } of rows) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return counts;
}

export function sumResources(list: readonly Resources[]): Resources {
  const total: Resources = { cpus: 0, mem: 0, disk: 0 };
  for (const r of list) for (const name of RESOURCE_NAMES) total[name] += r[name];
  return total;
}

/** When a task started: its first status (the master records TASK_STAGING first). */
export function startedAt(task: TaskJson): number | null {
  return task.statuses[0]?.timestamp ?? null;
}

/** `host:port` of an agent, from its pid `slave(1)@host:port` (agents of one machine share a hostname). */
export function agentAddress(agent: AgentJson): string {
  return agent.pid.slice(agent.pid.indexOf('@') + 1);
}

/** `http://host:port` of an agent. */
export function agentUrl(agent: AgentJson): string {
  return `${window.location.protocol}//${agentAddress(agent)}`;
}

/** The sandbox directory of a task on its agent: the `directory` of the executor that ran it. */
export function sandboxOf(state: AgentState, taskId: string): string | null {
  const executors = state.frameworks.flatMap((f) => [...f.executors, ...f.completed_executors]);
  const runs = (e: ExecutorJson): boolean => [...e.tasks, ...e.completed_tasks].some((t) => t.id === taskId);
  return executors.find(runs)?.directory ?? null;
}

/** CPU seconds an executor has used so far, or null when its agent cannot measure them. */
function cpuSeconds(s: ExecutorStatistics['statistics']): number | null {
  const { cpus_user_time_secs: user, cpus_system_time_secs: system } = s;
  return user === undefined || system === undefined ? null : user + system;
}

/** CPUs an executor used between two samples (Mesos's UI: its CPU seconds over the seconds in between). */
export function cpusUsed(
  before: ExecutorStatistics['statistics'],
  after: ExecutorStatistics['statistics'],
): number | null {
  const [was, is] = [cpuSeconds(before), cpuSeconds(after)];
  const elapsed = after.timestamp - before.timestamp;
  return was === null || is === null || elapsed <= 0 ? null : Math.max(0, (is - was) / elapsed);
}

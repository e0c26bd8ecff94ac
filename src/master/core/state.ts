// The leading master's in-memory state (agents, frameworks, tasks, offers, filters, counters) and the
// per-input context handlers write effects into; derived quantities (used, offered, free) are computed.
import type { MaintenanceWindowJson } from '../../api/mesos.js';
import type { MasterIds } from './ids.js';
import type { CallStatus, MasterCoreOptions, MasterOutput, MasterToAgent, Registry } from './protocol.js';
import { addResources, resourcesFromV1, subtractResources, sumResources, type Resources } from './resources.js';
import { isTerminalState, type AgentInfo, type Event, type FrameworkInfo, type Task } from './v1.js';

export interface AgentRecord {
  id: string;
  /** With `id` set. */
  info: AgentInfo;
  pid: string;
  version: string;
  /** The agent link's current connection; null while disconnected. */
  connection: string | null;
  total: Resources;
  registeredAt: number;
  reregisteredAt: number | null;
  lastPingAt: number;
  pongPending: boolean;
  missedPings: number;
}

export interface TaskRecord {
  task: Task;
  resources: Resources;
}

export interface FilterRecord {
  role: string;
  agentId: string;
  refused: Resources;
  expiresAt: number;
}

export interface FrameworkRecord {
  id: string;
  /** With `id` set. */
  info: FrameworkInfo;
  /** The open SUBSCRIBE stream; null while disconnected. */
  streamId: string | null;
  /** Learned from a re-registering agent and not subscribed since. */
  recovered: boolean;
  registeredAt: number;
  reregisteredAt: number | null;
  unregisteredAt: number | null;
  failoverDeadline: number | null;
  lastHeartbeatAt: number;
  suppressedRoles: Set<string>;
  filters: FilterRecord[];
  tasks: Map<string, TaskRecord>;
  unreachableTasks: Map<string, TaskRecord>;
  completedTasks: TaskRecord[];
}

export interface OfferRecord {
  id: string;
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
}

/** Counters, named by their /metrics/snapshot keys. */
export const COUNTERS = [
  'master/slave_registrations',
  'master/slave_reregistrations',
  'master/slave_removals',
  'master/slave_unreachable_completed',
  'master/recovery_slave_removals',
  'master/valid_status_updates',
  'master/invalid_status_updates',
  'master/tasks_finished',
  'master/tasks_failed',
  'master/tasks_killed',
  'master/tasks_error',
  'master/tasks_lost',
  'master/tasks_dropped',
  'master/tasks_gone',
  'master/tasks_gone_by_operator',
  'allocator/mesos/allocation_runs',
] as const;
export type Counter = (typeof COUNTERS)[number];

export interface MasterState {
  electedAt: number;
  agents: Map<string, AgentRecord>;
  /** Agent-link connection → agent id. */
  connections: Map<string, string>;
  /** Admitted agents known from the registry that have not re-registered with this master yet. */
  recovered: Map<string, AgentInfo>;
  recoveryDeadline: number | null;
  /** Agent id → when it was marked unreachable. */
  unreachable: Map<string, number>;
  frameworks: Map<string, FrameworkRecord>;
  completedFrameworks: FrameworkRecord[];
  offers: Map<string, OfferRecord>;
  /** The maintenance schedule, as operators set it (kept in the registry). */
  maintenance: MaintenanceWindowJson[];
  nextAllocationAt: number;
  allocationPending: boolean;
  counters: Record<Counter, number>;
}

/** What one `handle` call works with. */
export interface Ctx {
  readonly s: MasterState;
  readonly options: MasterCoreOptions;
  readonly ids: MasterIds;
  readonly now: number;
  readonly out: MasterOutput[];
}

// ---- effects ----

export function log(ctx: Ctx, message: string): void {
  ctx.out.push({ kind: 'log', level: 'info', message });
}

export function warn(ctx: Ctx, message: string): void {
  ctx.out.push({ kind: 'log', level: 'warn', message });
}

export function sendToAgent(ctx: Ctx, agent: AgentRecord, message: MasterToAgent): boolean {
  if (agent.connection === null) return false;
  ctx.out.push({ kind: 'toAgent', agentId: agent.id, connection: agent.connection, message });
  return true;
}

export function sendEvent(ctx: Ctx, fw: FrameworkRecord, event: Event): boolean {
  if (fw.streamId === null) return false;
  ctx.out.push({ kind: 'toFramework', frameworkId: fw.id, streamId: fw.streamId, event });
  return true;
}

export function answer(ctx: Ctx, status: CallStatus, message?: string): void {
  ctx.out.push({ kind: 'callAnswer', status, ...(message === undefined ? {} : { message }) });
}

function registryOf(s: MasterState): Registry {
  return {
    admitted: [...[...s.agents.values()].map((a) => a.info), ...s.recovered.values()],
    unreachable: [...s.unreachable].map(([id, at]) => ({ id: { value: id }, timestamp: { nanoseconds: at * 1e6 } })),
    ...(s.maintenance.length === 0 ? {} : { schedule: s.maintenance }),
  };
}

export function persistRegistry(ctx: Ctx): void {
  ctx.out.push({ kind: 'persistRegistry', registry: registryOf(ctx.s) });
}

// ---- names in log lines ----

export function describeAgent(agent: AgentRecord): string {
  return `${agent.id} at ${agent.pid} (${agent.info.hostname})`;
}

export function describeFramework(fw: FrameworkRecord): string {
  return `${fw.id} (${fw.info.name})`;
}

/** As Mesos prints durations: 10mins, 15secs, 250ms. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}mins`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}secs`;
  return `${ms}ms`;
}

// ---- bounded collections (the oldest entries go first) ----

export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

// ---- lookups and derived resources ----

export function taskRecord(task: Task): TaskRecord {
  return { task, resources: resourcesFromV1(task.resources) };
}

export function isPartitionAware(fw: FrameworkRecord): boolean {
  return (fw.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
}

export function frameworkRoles(info: FrameworkInfo): string[] {
  if (info.roles !== undefined && info.roles.length > 0) return info.roles;
  return [info.role ?? '*'];
}

export function isCompletedFramework(s: MasterState, id: string): boolean {
  return s.completedFrameworks.some((fw) => fw.id === id);
}

export function agentOf(s: MasterState, connection: string): AgentRecord | undefined {
  const id = s.connections.get(connection);
  return id === undefined ? undefined : s.agents.get(id);
}

/** Non-terminal tasks on an agent, with their frameworks. */
export function* activeTasksOn(s: MasterState, agentId: string): Generator<[FrameworkRecord, TaskRecord]> {
  for (const fw of s.frameworks.values()) {
    for (const rec of fw.tasks.values()) {
      if (rec.task.agent_id.value === agentId) yield [fw, rec];
    }
  }
}

const holds = (rec: TaskRecord): boolean => !isTerminalState(rec.task.state);

export function agentUsed(s: MasterState, agentId: string): Resources {
  return sumResources([...activeTasksOn(s, agentId)].filter(([, rec]) => holds(rec)).map(([, rec]) => rec.resources));
}

export function agentOffered(s: MasterState, agentId: string): Resources {
  return sumResources([...s.offers.values()].filter((o) => o.agentId === agentId).map((o) => o.resources));
}

export function agentFree(s: MasterState, agent: AgentRecord): Resources {
  return subtractResources(agent.total, addResources(agentUsed(s, agent.id), agentOffered(s, agent.id)));
}

export function frameworkUsed(fw: FrameworkRecord): Resources {
  return sumResources([...fw.tasks.values()].filter(holds).map((rec) => rec.resources));
}

export function frameworkOffered(s: MasterState, frameworkId: string): Resources {
  return sumResources([...s.offers.values()].filter((o) => o.frameworkId === frameworkId).map((o) => o.resources));
}

export function clusterTotal(s: MasterState): Resources {
  return sumResources([...s.agents.values()].map((a) => a.total));
}

export function newState(now: number): MasterState {
  return {
    electedAt: now,
    agents: new Map(),
    connections: new Map(),
    recovered: new Map(),
    recoveryDeadline: null,
    unreachable: new Map(),
    frameworks: new Map(),
    completedFrameworks: [],
    offers: new Map(),
    maintenance: [],
    nextAllocationAt: now,
    allocationPending: false,
    counters: Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>,
  };
}

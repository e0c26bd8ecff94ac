// Builds the dashboard's snapshot from what the supervisor and the cluster's APIs answer: the status,
// the leading master's state (used resources, tasks per agent), the Marathon apps with their tasks,
// the members' connection counts and the timeline, with each event's `minicluster events` line. Pure.
import type { AgentJson, MasterStateJson, ResourcesJson } from '../../api/mesos.js';
import type { AppInfoJson, Json, TaskJson as MarathonTaskJson } from '../../api/marathon.js';
import { waitReason } from '../../api/wait-reasons.js';
import { MAX_DASHBOARD_EVENTS } from '../../common/limits.js';
import type {
  AgentCard,
  AppCard,
  AppTask,
  ChartSeries,
  DashboardElections,
  DashboardSnapshot,
  MemberCard,
  ResourceAmounts,
  TimelineLine,
} from '../../ui/dashboard/model.js';
import { describeEvent, type TimelineEvent } from '../core/timeline.js';
import type { AgentStatus, ClusterStatus, EnsembleMemberStatus } from '../status.js';

export interface SnapshotInput {
  status: ClusterStatus;
  /** The leading master's `/master/state`; null while no master leads or it does not answer. */
  masterState: MasterStateJson | null;
  /** The last state a leading master answered, for the agents while none does. */
  lastMasterState: MasterStateJson | null;
  /** `/v2/queue?embed=lastUnusedOffers`; null while the scheduler does not answer. */
  queue: Json[] | null;
  /** `/v2/apps?embed=apps.tasks`; null while the scheduler does not answer. */
  apps: AppInfoJson[] | null;
  /** Client connections per member name, from `srvr`. */
  connections: ReadonlyMap<string, number>;
  /** The timeline, oldest first (only the newest MAX_DASHBOARD_EVENTS are kept). */
  events: readonly TimelineEvent[];
  chart: ChartSeries;
  elections: DashboardElections;
  now: number;
}

export function buildSnapshot(input: SnapshotInput): DashboardSnapshot {
  const { status } = input;
  return {
    cluster: { name: status.name, profile: status.profile, phase: status.phase },
    at: input.now,
    members: status.ensemble.map((m) => memberCard(m, input.connections)),
    masters: status.masters.map(({ name, url, role, state }) => ({ name, url, role, state })),
    agents: status.agents.map((a) =>
      input.masterState === null
        ? { ...agentCard(a, input.lastMasterState), stale: true }
        : agentCard(a, input.masterState),
    ),
    schedulers: status.schedulers.map(({ name, url, role, state, subscribed }) => ({
      name,
      url,
      role,
      state,
      subscribed,
    })),
    marathon: status.marathon,
    events: timelineLines(input.events),
    apps: input.apps === null ? null : input.apps.map((a) => appCard(a, status, input.queue)),
    chart: input.chart,
    elections: input.elections,
  };
}

function memberCard(m: EnsembleMemberStatus, connections: ReadonlyMap<string, number>): MemberCard {
  return {
    name: m.name,
    kind: m.kind,
    role: m.role,
    state: m.state,
    zxid: m.zxid,
    connections: connections.get(m.name) ?? null,
  };
}

/** The newest events first, each with its one-line text. */
export function timelineLines(events: readonly TimelineEvent[]): TimelineLine[] {
  return events
    .slice(-MAX_DASHBOARD_EVENTS)
    .reverse()
    .map((e) => ({ seq: e.seq, at: e.at, type: e.type, text: describeEvent(e) }));
}

function agentCard(a: AgentStatus, state: MasterStateJson | null): AgentCard {
  const registered = a.id === null ? undefined : state?.slaves.find((s) => s.id === a.id);
  return {
    name: a.name,
    url: a.url,
    state: a.state,
    registered: a.registered,
    master: a.master,
    used: registered === undefined ? null : amounts(registered.used_resources),
    total: registered === undefined ? null : amounts(registered.resources),
    tasks: registered === undefined || state === null ? [] : agentTasks(state, registered),
    stale: false,
  };
}

function agentTasks(state: MasterStateJson, agent: AgentJson): AgentCard['tasks'] {
  return state.frameworks
    .flatMap((f) => f.tasks)
    .filter((t) => t.slave_id === agent.id)
    .map((t) => ({
      id: t.id,
      name: t.name,
      state: t.state,
      endpoints: portsIn(t.resources['ports']).map((p) => `${agent.hostname}:${p}`),
    }));
}

function amounts(r: ResourcesJson): ResourceAmounts {
  const num = (v: number | string | undefined): number => (typeof v === 'number' ? v : 0);
  return { cpus: num(r['cpus']), mem: num(r['mem']), ports: countPorts(r['ports']) };
}

/** The ranges of Mesos's v0 text `[31000-31002, 31010-31010]`. */
function rangesIn(text: number | string | undefined): [number, number][] {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/(\d+)-(\d+)/g)].map((m): [number, number] => [Number(m[1]), Number(m[2])]);
}

export function countPorts(text: number | string | undefined): number {
  return rangesIn(text).reduce((sum, [begin, end]) => sum + Math.max(0, end - begin + 1), 0);
}

/** Every port of a v0 ranges text (a task's few ports, not an agent's whole slice). */
export function portsIn(text: number | string | undefined): number[] {
  return rangesIn(text).flatMap(([begin, end]) =>
    Array.from({ length: Math.max(0, end - begin + 1) }, (_, i) => begin + i),
  );
}

function appCard(app: AppInfoJson, status: ClusterStatus, queue: Json[] | null): AppCard {
  const unserved = status.schedulers.flatMap((s) => s.unservedPorts).filter((u) => u.appId === app.id);
  const queued = queue?.find((q) => (q['app'] as { id?: unknown } | undefined)?.id === app.id);
  return {
    id: app.id,
    instances: app.instances,
    running: app.tasksRunning ?? 0,
    healthy: app.tasksHealthy ?? 0,
    staged: app.tasksStaged ?? 0,
    healthChecks: Array.isArray(app['healthChecks']) ? app['healthChecks'].length : 0,
    deploying: (app.deployments ?? []).length > 0,
    waiting: queued === undefined ? null : (waitReason(app.id, queued, app)?.reason ?? null),
    tasks: (app.tasks ?? []).map(appTask),
    unservedPorts: unserved.map(({ servicePort, reason }) => ({ servicePort, reason })),
  };
}

function appTask(task: MarathonTaskJson): AppTask {
  const results = Array.isArray(task['healthCheckResults'])
    ? (task['healthCheckResults'] as { alive?: unknown }[])
    : [];
  return {
    id: task.id,
    state: task.state,
    endpoints: task.ports.map((p) => `${task.host}:${p}`),
    healthy: results.length === 0 ? null : results.every((r) => r.alive === true),
  };
}

// Agents in the leading master: registration (admitted to the registry), re-registration with their
// tasks (after failover, disconnection or unreachability), pings, status updates, becoming unreachable.
import { MAX_UNREACHABLE_AGENTS } from '../../common/limits.js';
import { removeOffers } from './allocator.js';
import { newFramework } from './frameworks.js';
import type { MasterInput, Registry, StatusUpdate } from './protocol.js';
import { formatResources, resourcesFromV1 } from './resources.js';
import {
  activeTasksOn,
  agentOf,
  describeAgent,
  formatDuration,
  isCompletedFramework,
  isPartitionAware,
  log,
  persistRegistry,
  sendEvent,
  sendToAgent,
  setBounded,
  taskRecord,
  warn,
  type AgentRecord,
  type Ctx,
  type FrameworkRecord,
} from './state.js';
import { applyStatus, forwardUpdate, masterStatus, removeTask, transitionTask } from './tasks.js';
import { isTerminalState, type FrameworkInfo, type Task } from './v1.js';

type Register = Extract<MasterInput, { kind: 'agentRegister' }>;
type Reregister = Extract<MasterInput, { kind: 'agentReregister' }>;

/** A new leading master: admitted agents must re-register within agentReregisterTimeoutMs. */
export function recoverRegistry(ctx: Ctx, registry: Registry): void {
  const { s } = ctx;
  for (const info of registry.admitted) if (info.id !== undefined) s.recovered.set(info.id.value, info);
  for (const u of registry.unreachable) s.unreachable.set(u.id.value, u.timestamp.nanoseconds / 1e6);
  s.maintenance = registry.schedule ?? [];
  if (s.recovered.size > 0) s.recoveryDeadline = ctx.now + ctx.options.agentReregisterTimeoutMs;
  const allowing = formatDuration(ctx.options.agentReregisterTimeoutMs);
  log(ctx, `Recovered ${s.recovered.size} agents from the registry; allowing ${allowing} for agents to reregister`);
}

function bind(ctx: Ctx, agent: AgentRecord, connection: string): void {
  if (agent.connection !== null) ctx.s.connections.delete(agent.connection);
  agent.connection = connection;
  ctx.s.connections.set(connection, agent.id);
}

function ping(ctx: Ctx, agent: AgentRecord): void {
  sendToAgent(ctx, agent, { type: 'PING' });
  agent.lastPingAt = ctx.now;
  agent.pongPending = true;
}

function admit(ctx: Ctx, id: string, m: Register | Reregister): AgentRecord {
  const agent: AgentRecord = {
    id,
    info: { ...m.agent, id: { value: id } },
    pid: m.pid,
    version: m.version,
    connection: null,
    total: resourcesFromV1(m.agent.resources),
    registeredAt: ctx.now,
    reregisteredAt: null,
    lastPingAt: ctx.now,
    pongPending: false,
    missedPings: 0,
  };
  ctx.s.agents.set(id, agent);
  bind(ctx, agent, m.connection);
  return agent;
}

export function registerAgent(ctx: Ctx, m: Register): void {
  const existing = agentOf(ctx.s, m.connection);
  const agent = existing ?? admit(ctx, ctx.ids.agent(), m);
  if (existing === undefined) {
    ctx.s.counters['master/slave_registrations']++;
    persistRegistry(ctx);
    log(ctx, `Registered agent ${describeAgent(agent)} with ${formatResources(agent.total)}`);
    ctx.s.allocationPending = true;
  }
  sendToAgent(ctx, agent, { type: 'REGISTERED', agent_id: { value: agent.id }, master_info: ctx.options.masterInfo });
  ping(ctx, agent);
}

export function reregisterAgent(ctx: Ctx, m: Reregister): void {
  const { s } = ctx;
  const id = m.agent.id?.value;
  if (id === undefined) {
    warn(ctx, `Ignoring reregister agent message from ${m.pid} (${m.agent.hostname}) without an agent id`);
    return;
  }
  log(ctx, `Received reregister agent message from agent ${id} at ${m.pid} (${m.agent.hostname})`);
  const wasUnreachable = s.unreachable.delete(id);
  const wasRecovered = s.recovered.delete(id);
  const existing = s.agents.get(id);
  const agent = existing ?? admit(ctx, id, m);
  if (existing !== undefined) refresh(ctx, existing, m);
  agent.reregisteredAt = ctx.now;
  agent.missedPings = 0;
  if (existing === undefined && !wasRecovered) persistRegistry(ctx);
  addReportedTasks(ctx, agent, m, { announce: wasUnreachable });
  s.counters['master/slave_reregistrations']++;
  sendToAgent(ctx, agent, { type: 'REREGISTERED', agent_id: { value: id }, master_info: ctx.options.masterInfo });
  log(ctx, `Re-registered agent ${describeAgent(agent)} with ${formatResources(agent.total)}`);
  ping(ctx, agent);
  s.allocationPending = true;
}

/** An agent this master already has comes back (e.g. after a disconnection): tasks it lost are dropped. */
function refresh(ctx: Ctx, agent: AgentRecord, m: Reregister): void {
  agent.info = { ...m.agent, id: { value: agent.id } };
  agent.pid = m.pid;
  agent.version = m.version;
  agent.total = resourcesFromV1(m.agent.resources);
  bind(ctx, agent, m.connection);
  const reported = new Set(m.tasks.map((t) => `${t.framework_id.value}/${t.task_id.value}`));
  for (const [fw, rec] of [...activeTasksOn(ctx.s, agent.id)]) {
    if (reported.has(`${fw.id}/${rec.task.task_id.value}`) || isTerminalState(rec.task.state)) continue;
    const state = isPartitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST';
    transitionTask(ctx, fw, rec, {
      state,
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: task unknown to the agent',
    });
    removeTask(fw, rec, 'completed');
  }
}

function frameworkFor(ctx: Ctx, id: string, infos: readonly FrameworkInfo[]): FrameworkRecord {
  const known = ctx.s.frameworks.get(id);
  if (known !== undefined) return known;
  const info = infos.find((i) => i.id?.value === id) ?? { user: '', name: '' };
  log(ctx, `Recovering framework ${id} (${info.name}) from a reregistering agent`);
  return newFramework(ctx, id, info, { recovered: true });
}

/**
 * Tasks the agent runs that this master does not know yet. Tasks of removed frameworks are shut down;
 * after unreachability each task's real state is re-sent (REASON_AGENT_REREGISTERED).
 */
function addReportedTasks(ctx: Ctx, agent: AgentRecord, m: Reregister, options: { announce: boolean }): void {
  const shutdown = new Set<string>();
  for (const reported of m.tasks) {
    const fwId = reported.framework_id.value;
    if (isCompletedFramework(ctx.s, fwId)) {
      shutdown.add(fwId);
      continue;
    }
    const fw = frameworkFor(ctx, fwId, m.frameworks);
    if (!adoptTask(ctx, fw, agent, reported) || !options.announce) continue;
    const status = masterStatus(ctx, reported, {
      state: reported.state,
      reason: 'REASON_AGENT_REREGISTERED',
      message: 'Agent reregistered',
    });
    forwardUpdate(ctx, fw, status);
  }
  for (const fwId of shutdown) {
    log(ctx, `Shutting down framework ${fwId} on agent ${agent.id}: the framework was removed`);
    sendToAgent(ctx, agent, { type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: fwId } });
  }
}

function adoptTask(ctx: Ctx, fw: FrameworkRecord, agent: AgentRecord, reported: Task): boolean {
  const id = reported.task_id.value;
  const known = fw.tasks.get(id);
  if (known !== undefined) {
    if (known.task.agent_id.value !== agent.id)
      warn(
        ctx,
        `Agent ${agent.id} reports task ${id} of framework ${fw.id} that runs on agent ${known.task.agent_id.value}`,
      );
    return false;
  }
  fw.unreachableTasks.delete(id);
  fw.tasks.set(id, taskRecord({ ...reported, agent_id: { value: agent.id }, statuses: reported.statuses ?? [] }));
  return true;
}

export function agentPong(ctx: Ctx, connection: string): void {
  const agent = agentOf(ctx.s, connection);
  if (agent === undefined) return;
  agent.pongPending = false;
  agent.missedPings = 0;
}

/** The link broke: offers go, tasks of non-checkpointing frameworks are lost; pings keep counting. */
export function agentDisconnected(ctx: Ctx, connection: string): void {
  const agent = agentOf(ctx.s, connection);
  if (agent === undefined) return;
  ctx.s.connections.delete(connection);
  agent.connection = null;
  log(ctx, `Agent ${describeAgent(agent)} disconnected`);
  removeOffers(ctx, (o) => o.agentId === agent.id, { rescind: true });
  for (const [fw, rec] of [...activeTasksOn(ctx.s, agent.id)]) {
    if (fw.info.checkpoint === true) continue;
    if (!isTerminalState(rec.task.state)) {
      const state = isPartitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST';
      transitionTask(ctx, fw, rec, { state, reason: 'REASON_AGENT_DISCONNECTED', message: 'Agent disconnected' });
    }
    removeTask(fw, rec, 'completed');
  }
}

export function statusUpdate(ctx: Ctx, connection: string, update: StatusUpdate): void {
  const { s } = ctx;
  const { status } = update;
  const taskId = status.task_id.value;
  const what = `${status.state} (Status UUID: ${status.uuid ?? 'none'}) for task ${taskId} of framework ${update.framework_id.value}`;
  const agent = agentOf(s, connection);
  if (agent === undefined) {
    warn(ctx, `Ignoring status update ${what} from an agent that is not registered`);
    s.counters['master/invalid_status_updates']++;
    return;
  }
  log(ctx, `Status update ${what} from agent ${agent.id}`);
  const fw = s.frameworks.get(update.framework_id.value);
  if (fw === undefined) warn(ctx, `Dropping update ${what} for unknown framework`);
  else forwardUpdate(ctx, fw, { ...status, agent_id: { value: agent.id } });
  const rec = fw?.tasks.get(taskId);
  if (fw === undefined || rec === undefined || rec.task.agent_id.value !== agent.id) {
    warn(ctx, `Could not lookup task for status update ${what} from agent ${agent.id}`);
    s.counters['master/invalid_status_updates']++;
    return;
  }
  s.counters['master/valid_status_updates']++;
  applyStatus(ctx, rec, status, update.latest_state);
  if (isTerminalState(rec.task.state) && status.uuid === undefined) removeTask(fw, rec, 'completed');
}

/** Registry first, then every task becomes TASK_UNREACHABLE (partition-aware) or TASK_LOST, then FAILURE. */
function markUnreachable(ctx: Ctx, agent: AgentRecord, why: string): void {
  const { s } = ctx;
  s.agents.delete(agent.id);
  if (agent.connection !== null) s.connections.delete(agent.connection);
  addUnreachable(ctx, agent.id);
  s.counters['master/slave_removals']++;
  s.counters['master/slave_unreachable_completed']++;
  persistRegistry(ctx);
  warn(ctx, `Marking agent ${describeAgent(agent)} unreachable: ${why}`);
  removeOffers(ctx, (o) => o.agentId === agent.id, { rescind: true });
  for (const [fw, rec] of [...activeTasksOn(s, agent.id)]) {
    const partitionAware = isPartitionAware(fw);
    if (!isTerminalState(rec.task.state)) {
      const state = partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      const message = `Agent ${agent.id} is unreachable: ${why}`;
      transitionTask(ctx, fw, rec, { state, reason: 'REASON_AGENT_REMOVED', message, unreachableAt: ctx.now });
    }
    removeTask(fw, rec, partitionAware && !isTerminalState(rec.task.state) ? 'unreachable' : 'completed');
  }
  for (const fw of s.frameworks.values())
    sendEvent(ctx, fw, { type: 'FAILURE', failure: { agent_id: { value: agent.id } } });
  s.allocationPending = true;
}

function addUnreachable(ctx: Ctx, id: string): void {
  setBounded(ctx.s.unreachable, id, ctx.now, MAX_UNREACHABLE_AGENTS);
}

function checkHealth(ctx: Ctx, agent: AgentRecord): void {
  if (ctx.now - agent.lastPingAt < ctx.options.agentPingTimeoutMs) return;
  if (agent.pongPending) agent.missedPings++;
  if (agent.missedPings >= ctx.options.maxAgentPingTimeouts) {
    markUnreachable(ctx, agent, 'health check timed out');
    return;
  }
  ping(ctx, agent);
}

/** After failover, admitted agents that did not come back in time become unreachable. */
function checkRecovery(ctx: Ctx): void {
  const { s } = ctx;
  if (s.recoveryDeadline === null || ctx.now < s.recoveryDeadline) return;
  s.recoveryDeadline = null;
  if (s.recovered.size === 0) return;
  const within = formatDuration(ctx.options.agentReregisterTimeoutMs);
  for (const [id, info] of s.recovered) {
    warn(
      ctx,
      `Marking agent ${id} (${info.hostname}) unreachable: did not reregister within ${within} after master failover`,
    );
    addUnreachable(ctx, id);
    s.counters['master/recovery_slave_removals']++;
  }
  s.recovered.clear();
  persistRegistry(ctx);
}

/** On every tick: pings, ping timeouts, the re-registration deadline after failover. */
export function checkAgents(ctx: Ctx): void {
  for (const agent of [...ctx.s.agents.values()]) checkHealth(ctx, agent);
  checkRecovery(ctx);
}

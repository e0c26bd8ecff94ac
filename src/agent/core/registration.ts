// The link to the leading master: detect → connect → REGISTER (REREGISTER with tasks once it has an id)
// → registered → pings; a new leader, a broken link or missing pings start over, with backoff.
import type { MasterToAgent } from '../../master/core/protocol.js';
import type { FrameworkInfo, MasterInfo, Task } from '../../master/core/v1.js';
import type { AgentTask } from './protocol.js';
import { describeMaster, frameworkIdOf, log, send, warn, type Ctx } from './state.js';
import { flushUpdates } from './updates.js';

type Registered = Extract<MasterToAgent, { type: 'REGISTERED' | 'REREGISTERED' }>;

export function leaderDetected(ctx: Ctx, master: MasterInfo | null): void {
  const { link } = ctx.s;
  if (master === null) {
    if (link.master !== null) warn(ctx, 'Lost leading master');
    dropLink(ctx);
    link.master = null;
    link.phase = 'detecting';
    link.nextAttemptAt = null;
    return;
  }
  if (master.id === link.master?.id && link.connection !== null) return;
  if (master.id !== link.master?.id) {
    log(ctx, `New master detected at ${describeMaster(master)}`);
    link.backoff = ctx.options.ticks.registrationBackoffMin;
  }
  dropLink(ctx);
  link.master = master;
  link.connection = `link-${++link.connections}`;
  link.phase = 'connecting';
  link.nextAttemptAt = null;
  ctx.out.push({ kind: 'connect', connection: link.connection, master });
}

export function connected(ctx: Ctx, connection: string): void {
  const { link } = ctx.s;
  if (connection !== link.connection || link.phase !== 'connecting') return;
  link.phase = 'registering';
  sendRegistration(ctx);
}

export function disconnected(ctx: Ctx, connection: string): void {
  const { link } = ctx.s;
  if (connection !== link.connection) return;
  warn(
    ctx,
    `Disconnected from master ${link.master === null ? '' : describeMaster(link.master)}; detecting the leader again`,
  );
  link.connection = null;
  waitThenDetect(ctx);
}

export function registeredWith(ctx: Ctx, m: Registered): void {
  const { s } = ctx;
  const { link } = s;
  if (link.phase !== 'registering') return;
  const id = m.agent_id.value;
  if (s.agentId !== id) {
    if (s.agentId !== null) warn(ctx, `The master gave this agent the new id ${id} (it was ${s.agentId})`);
    s.agentId = id;
    ctx.out.push({ kind: 'persistAgentId', agentId: id });
  }
  link.phase = 'registered';
  link.lastPingAt = s.tick;
  link.nextAttemptAt = null;
  link.backoff = ctx.options.ticks.registrationBackoffMin;
  const master = describeMaster(m.master_info);
  log(
    ctx,
    m.type === 'REGISTERED'
      ? `Registered with master ${master}; given agent ID ${id}`
      : `Re-registered with master ${master}`,
  );
  flushUpdates(ctx);
}

export function pinged(ctx: Ctx): void {
  ctx.s.link.lastPingAt = ctx.s.tick;
  send(ctx, { type: 'PONG' });
}

/** On every tick: registration retries, the ping deadline, detection after a broken link. */
export function checkLink(ctx: Ctx): void {
  const { link, tick } = ctx.s;
  if (link.phase === 'registered' && tick - link.lastPingAt > ctx.options.ticks.masterPingTimeout) {
    warn(ctx, `No pings from master received within ${ctx.options.ticks.masterPingTimeout} ticks`);
    dropLink(ctx);
    waitThenDetect(ctx);
    return;
  }
  if (link.nextAttemptAt === null || tick < link.nextAttemptAt) return;
  if (link.phase === 'registering') sendRegistration(ctx);
  else if (link.phase === 'detecting') {
    link.nextAttemptAt = tick + nextBackoff(ctx);
    ctx.out.push({ kind: 'detect' });
  }
}

function waitThenDetect(ctx: Ctx): void {
  const { link } = ctx.s;
  link.phase = 'detecting';
  link.nextAttemptAt = ctx.s.tick + nextBackoff(ctx);
}

/** The current backoff; the next one is twice as long (up to the maximum). */
function nextBackoff(ctx: Ctx): number {
  const { link } = ctx.s;
  const { registrationBackoffMin, registrationBackoffMax } = ctx.options.ticks;
  const current = Math.max(link.backoff, registrationBackoffMin);
  link.backoff = Math.min(2 * current, registrationBackoffMax);
  return current;
}

function dropLink(ctx: Ctx): void {
  const { link } = ctx.s;
  if (link.connection !== null) ctx.out.push({ kind: 'disconnect', connection: link.connection });
  link.connection = null;
}

function sendRegistration(ctx: Ctx): void {
  const { s, options } = ctx;
  s.link.nextAttemptAt = s.tick + nextBackoff(ctx);
  if (s.agentId === null) {
    send(ctx, { type: 'REGISTER', agent: options.agentInfo, version: options.version });
    return;
  }
  const tasks = [...s.tasks.values()];
  send(ctx, {
    type: 'REREGISTER',
    agent: { ...options.agentInfo, id: { value: s.agentId } },
    version: options.version,
    tasks: tasks.map((t) => reportedTask(t, s.agentId ?? '')),
    frameworks: frameworksOf(tasks),
  });
}

/** A task as re-registration reports it: newest state, history and the update in flight. */
function reportedTask(task: AgentTask, agentId: string): Task {
  const head = task.pending[0];
  return {
    name: task.info.name,
    task_id: task.info.task_id,
    framework_id: { value: frameworkIdOf(task) },
    executor_id: task.info.task_id,
    agent_id: { value: agentId },
    state: task.state,
    resources: task.info.resources,
    statuses: task.statuses.map(({ data: _data, ...status }) => status),
    ...(head === undefined ? {} : { status_update_state: head.state, status_update_uuid: head.uuid ?? '' }),
    ...(task.info.labels === undefined ? {} : { labels: task.info.labels }),
    ...(task.info.discovery === undefined ? {} : { discovery: task.info.discovery }),
    ...(task.info.container === undefined ? {} : { container: task.info.container }),
    ...(task.info.kill_policy === undefined ? {} : { kill_policy: task.info.kill_policy }),
  };
}

function frameworksOf(tasks: readonly AgentTask[]): FrameworkInfo[] {
  const byId = new Map(tasks.map((t) => [frameworkIdOf(t), t.framework]));
  return [...byId.values()];
}

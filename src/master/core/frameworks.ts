// Frameworks in the leading master: SUBSCRIBE (new, or by framework id after a scheduler or master
// failover), disconnection with failover_timeout, removal (TEARDOWN, timeout) and stream heartbeats.
import { MAX_COMPLETED_FRAMEWORKS } from '../../common/limits.js';
import { removeOffers } from './allocator.js';
import {
  answer,
  describeFramework,
  formatDuration,
  isCompletedFramework,
  log,
  pushBounded,
  sendEvent,
  sendToAgent,
  warn,
  type Ctx,
  type FrameworkRecord,
} from './state.js';
import { applyStatus, masterStatus, removeTask } from './tasks.js';
import { isTerminalState, type Call, type FrameworkInfo } from './v1.js';

type SubscribeCall = Extract<Call, { type: 'SUBSCRIBE' }>;

export function newFramework(
  ctx: Ctx,
  id: string,
  info: FrameworkInfo,
  options: { recovered: boolean },
): FrameworkRecord {
  const fw: FrameworkRecord = {
    id,
    info: { ...info, id: { value: id } },
    streamId: null,
    recovered: options.recovered,
    registeredAt: ctx.now,
    reregisteredAt: null,
    unregisteredAt: null,
    failoverDeadline: null,
    lastHeartbeatAt: ctx.now,
    suppressedRoles: new Set(),
    filters: [],
    tasks: new Map(),
    unreachableTasks: new Map(),
    completedTasks: [],
  };
  ctx.s.frameworks.set(id, fw);
  return fw;
}

function subscribeProblem(call: SubscribeCall): string | null {
  const info = call.subscribe.framework_info;
  if (typeof info.user !== 'string' || typeof info.name !== 'string')
    return "'framework_info.user' and 'framework_info.name' are required";
  const top = call.framework_id?.value;
  const inner = info.id?.value;
  if (top !== undefined && inner !== undefined && top !== inner)
    return "'framework_id' differs from 'subscribe.framework_info.id'";
  return null;
}

export function subscribe(ctx: Ctx, streamId: string | null, call: SubscribeCall): void {
  const problem = streamId === null ? 'SUBSCRIBE needs a new stream' : subscribeProblem(call);
  if (streamId === null || problem !== null) {
    answer(ctx, 400, `Failed to validate scheduler::Call: ${problem}`);
    return;
  }
  const info = call.subscribe.framework_info;
  const id = call.framework_id?.value ?? info.id?.value;
  log(ctx, `Received SUBSCRIBE call for framework '${info.name}' at stream ${streamId}`);
  answer(ctx, 200);
  if (id !== undefined && isCompletedFramework(ctx.s, id)) {
    ctx.out.push({
      kind: 'toFramework',
      frameworkId: id,
      streamId,
      event: { type: 'ERROR', error: { message: 'Framework has been removed' } },
    });
    ctx.out.push({ kind: 'closeStream', streamId });
    return;
  }
  const known = id === undefined ? undefined : ctx.s.frameworks.get(id);
  const fw = known ?? newFramework(ctx, id ?? ctx.ids.framework(), info, { recovered: false });
  if (known !== undefined) failover(ctx, known);
  connect(ctx, fw, streamId, call);
}

/** The framework comes back on a new stream: the old stream is told and closed, its offers are gone. */
function failover(ctx: Ctx, fw: FrameworkRecord): void {
  if (fw.streamId !== null) {
    sendEvent(ctx, fw, { type: 'ERROR', error: { message: 'Framework failed over' } });
    ctx.out.push({ kind: 'closeStream', streamId: fw.streamId });
  }
  removeOffers(ctx, (o) => o.frameworkId === fw.id, { rescind: false });
  fw.reregisteredAt = ctx.now;
  log(ctx, `Framework ${describeFramework(fw)} failed over`);
}

function connect(ctx: Ctx, fw: FrameworkRecord, streamId: string, call: SubscribeCall): void {
  const info = call.subscribe.framework_info;
  fw.info = { ...info, id: { value: fw.id } };
  fw.streamId = streamId;
  fw.recovered = false;
  fw.failoverDeadline = null;
  fw.lastHeartbeatAt = ctx.now;
  if (call.subscribe.suppressed_roles !== undefined) fw.suppressedRoles = new Set(call.subscribe.suppressed_roles);
  const heartbeat_interval_seconds = ctx.options.heartbeatIntervalMs / 1000;
  sendEvent(ctx, fw, {
    type: 'SUBSCRIBED',
    subscribed: { framework_id: { value: fw.id }, heartbeat_interval_seconds, master_info: ctx.options.masterInfo },
  });
  const capabilities = (info.capabilities ?? []).map((c) => c.type).join(', ');
  const checkpointing = info.checkpoint === true ? 'enabled' : 'disabled';
  log(
    ctx,
    `Subscribing framework ${info.name} with checkpointing ${checkpointing} and capabilities [ ${capabilities} ]`,
  );
  ctx.s.allocationPending = true;
}

export function streamClosed(ctx: Ctx, streamId: string): void {
  const fw = [...ctx.s.frameworks.values()].find((f) => f.streamId === streamId);
  if (fw === undefined) return;
  fw.streamId = null;
  log(ctx, `Framework ${describeFramework(fw)} disconnected`);
  removeOffers(ctx, (o) => o.frameworkId === fw.id, { rescind: false });
  const seconds = fw.info.failover_timeout ?? 0;
  const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  if (timeoutMs === 0) {
    removeFramework(ctx, fw);
    return;
  }
  fw.failoverDeadline = ctx.now + timeoutMs;
  log(ctx, `Giving framework ${describeFramework(fw)} ${formatDuration(timeoutMs)} to failover`);
}

/** TEARDOWN or failover timeout: its tasks are killed on their agents and it joins the completed frameworks. */
export function removeFramework(ctx: Ctx, fw: FrameworkRecord): void {
  const { s } = ctx;
  log(ctx, `Removing framework ${describeFramework(fw)}`);
  removeOffers(ctx, (o) => o.frameworkId === fw.id, { rescind: false });
  const agentIds = new Set<string>();
  for (const rec of [...fw.tasks.values()]) {
    agentIds.add(rec.task.agent_id.value);
    if (!isTerminalState(rec.task.state)) {
      applyStatus(
        ctx,
        rec,
        masterStatus(ctx, rec.task, {
          state: 'TASK_KILLED',
          reason: 'REASON_FRAMEWORK_REMOVED',
          message: 'Framework removed',
        }),
      );
    }
    removeTask(fw, rec, 'completed');
  }
  for (const agentId of agentIds) {
    const agent = s.agents.get(agentId);
    if (agent !== undefined) sendToAgent(ctx, agent, { type: 'SHUTDOWN_FRAMEWORK', framework_id: { value: fw.id } });
  }
  if (fw.streamId !== null) ctx.out.push({ kind: 'closeStream', streamId: fw.streamId });
  fw.streamId = null;
  fw.failoverDeadline = null;
  fw.unregisteredAt = ctx.now;
  s.frameworks.delete(fw.id);
  pushBounded(s.completedFrameworks, fw, MAX_COMPLETED_FRAMEWORKS);
  s.allocationPending = true;
}

/** On every tick: failover timeouts and HEARTBEAT events. */
export function checkFrameworks(ctx: Ctx): void {
  for (const fw of [...ctx.s.frameworks.values()]) {
    if (fw.failoverDeadline !== null && ctx.now >= fw.failoverDeadline) {
      warn(ctx, `Framework failover timeout, removing framework ${describeFramework(fw)}`);
      removeFramework(ctx, fw);
    } else if (fw.streamId !== null && ctx.now - fw.lastHeartbeatAt >= ctx.options.heartbeatIntervalMs) {
      sendEvent(ctx, fw, { type: 'HEARTBEAT' });
      fw.lastHeartbeatAt = ctx.now;
    }
  }
}

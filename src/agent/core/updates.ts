// Reliable status updates: a uuid each, a queue per task with only the head in flight, resent on a
// doubling interval until acknowledged; a terminal task leaves once all its updates are acknowledged.
import { MAX_COMPLETED_TASKS_PER_AGENT, MAX_STATUSES_PER_TASK } from '../../common/limits.js';
import { pushBounded } from '../../master/core/state.js';
import { isTerminalState, type StatusSource, type TaskState, type TaskStatus } from '../../master/core/v1.js';
import type { AgentTask } from './protocol.js';
import {
  frameworkIdOf,
  isRegistered,
  keyOf,
  log,
  persistTask,
  send,
  taskKey,
  warn,
  type AgentCounter,
  type Ctx,
} from './state.js';

export interface StatusOptions {
  state: TaskState;
  source?: StatusSource;
  reason?: string;
  message?: string;
  containerStatus?: Record<string, unknown>;
  /** Set when the task has a health check (TASK_RUNNING health changes, and the end of a task its check killed). */
  healthy?: boolean;
}

/** A new status of `task` with a fresh uuid, queued and (if it is the only one) sent at once. */
export function updateStatus(ctx: Ctx, task: AgentTask, o: StatusOptions): void {
  const status: TaskStatus = {
    task_id: task.info.task_id,
    state: o.state,
    source: o.source ?? 'SOURCE_EXECUTOR',
    ...(o.reason === undefined ? {} : { reason: o.reason }),
    ...(o.message === undefined ? {} : { message: o.message }),
    ...(ctx.s.agentId === null ? {} : { agent_id: { value: ctx.s.agentId } }),
    executor_id: task.info.task_id,
    timestamp: ctx.now / 1000,
    uuid: ctx.options.ids.statusUuid(),
    ...(o.containerStatus === undefined ? {} : { container_status: o.containerStatus }),
    ...(o.healthy === undefined ? {} : { healthy: o.healthy }),
  };
  log(
    ctx,
    `Handling status update ${o.state} (Status UUID: ${status.uuid}) for task ${task.info.task_id.value} of framework ${frameworkIdOf(task)}`,
  );
  if (!isTerminalState(task.state) && isTerminalState(o.state)) countTerminal(ctx, o.state);
  task.state = o.state;
  pushBounded(task.statuses, status, MAX_STATUSES_PER_TASK);
  if (task.frameworkShutdown === true) return settleUnsent(ctx, task);
  task.pending.push(status);
  persistTask(ctx, task);
  if (task.pending.length === 1) sendHead(ctx, task, ctx.options.ticks.statusUpdateRetryMin);
}

/** A task of a shut-down framework: nothing is sent; it leaves once terminal. */
function settleUnsent(ctx: Ctx, task: AgentTask): void {
  if (isTerminalState(task.state)) completeTask(ctx, task);
  else persistTask(ctx, task);
}

function countTerminal(ctx: Ctx, state: TaskState): void {
  const counter = `slave/tasks_${state.slice('TASK_'.length).toLowerCase()}`;
  if (counter in ctx.s.counters) ctx.s.counters[counter as AgentCounter]++;
}

/** Sends the head of the task's queue (when registered) and arms its retry. */
function sendHead(ctx: Ctx, task: AgentTask, interval: number): void {
  const head = task.pending[0];
  if (head === undefined || !isRegistered(ctx.s)) return;
  send(ctx, {
    type: 'STATUS_UPDATE',
    update: { framework_id: { value: frameworkIdOf(task) }, status: head, latest_state: task.state },
  });
  ctx.s.retries.set(keyOf(task), { sentAt: ctx.s.tick, interval });
}

/** On every tick: heads not acknowledged within their interval are sent again, the interval doubled. */
export function retryUpdates(ctx: Ctx): void {
  const max = ctx.options.ticks.statusUpdateRetryMax;
  for (const [key, retry] of ctx.s.retries) {
    const task = ctx.s.tasks.get(key);
    if (task === undefined) ctx.s.retries.delete(key);
    else if (ctx.s.tick - retry.sentAt >= retry.interval) sendHead(ctx, task, Math.min(2 * retry.interval, max));
  }
}

/** After (re)registration: the head of every queue goes to the new master at once. */
export function flushUpdates(ctx: Ctx): void {
  for (const task of ctx.s.tasks.values()) sendHead(ctx, task, ctx.options.ticks.statusUpdateRetryMin);
}

/** The master relayed a scheduler's acknowledgement: the head goes, the next one is sent. */
export function acknowledge(ctx: Ctx, frameworkId: string, taskId: string, uuid: string): void {
  const key = taskKey(frameworkId, taskId);
  const task = ctx.s.tasks.get(key);
  const head = task?.pending[0];
  if (task === undefined || head?.uuid !== uuid) {
    warn(
      ctx,
      `Ignoring unexpected status update acknowledgement (UUID: ${uuid}) for task ${taskId} of framework ${frameworkId}`,
    );
    ctx.s.counters['slave/invalid_status_updates']++;
    return;
  }
  ctx.s.counters['slave/valid_status_updates']++;
  task.pending.shift();
  ctx.s.retries.delete(key);
  if (task.pending.length > 0) {
    persistTask(ctx, task);
    sendHead(ctx, task, ctx.options.ticks.statusUpdateRetryMin);
  } else if (isTerminalState(task.state)) {
    completeTask(ctx, task);
  } else {
    persistTask(ctx, task);
  }
}

/** A terminal task with every update acknowledged leaves the checkpoint for the completed list. */
export function completeTask(ctx: Ctx, task: AgentTask): void {
  const key = keyOf(task);
  ctx.s.tasks.delete(key);
  ctx.s.retries.delete(key);
  pushBounded(ctx.s.completed, task, MAX_COMPLETED_TASKS_PER_AGENT);
  ctx.out.push({ kind: 'forgetTask', frameworkId: frameworkIdOf(task), taskId: task.info.task_id.value });
}

// Task state changes in the master: applying status updates (the agent's or the master's own),
// forwarding them as UPDATE events, and moving tasks to the completed/unreachable lists (bounded).
import {
  MAX_COMPLETED_TASKS_PER_FRAMEWORK,
  MAX_STATUSES_PER_TASK,
  MAX_UNREACHABLE_TASKS_PER_FRAMEWORK,
} from '../../common/limits.js';
import {
  pushBounded,
  sendEvent,
  setBounded,
  warn,
  type Counter,
  type Ctx,
  type FrameworkRecord,
  type TaskRecord,
} from './state.js';
import { isTerminalState, type AgentID, type TaskID, type TaskState, type TaskStatus } from './v1.js';

export interface MasterStatusOptions {
  state: TaskState;
  reason: string;
  message: string;
  /** Sets `unreachable_time` (ms). */
  unreachableAt?: number;
}

/** A status the master makes up itself: no uuid, so it is never acknowledged. */
export function masterStatus(
  ctx: Ctx,
  task: { task_id: TaskID; agent_id?: AgentID },
  o: MasterStatusOptions,
): TaskStatus {
  return {
    task_id: task.task_id,
    state: o.state,
    source: 'SOURCE_MASTER',
    reason: o.reason,
    message: o.message,
    ...(task.agent_id === undefined ? {} : { agent_id: task.agent_id }),
    timestamp: ctx.now / 1000,
    ...(o.unreachableAt === undefined ? {} : { unreachable_time: { nanoseconds: o.unreachableAt * 1e6 } }),
  };
}

/** Counts a task reaching a terminal state (master/tasks_finished, …). */
export function countTerminal(ctx: Ctx, state: TaskState): void {
  ctx.s.counters[`master/tasks_${state.slice('TASK_'.length).toLowerCase()}` as Counter]++;
}

/** Records a status on the task; a first terminal state frees its resources for the allocator. */
export function applyStatus(ctx: Ctx, rec: TaskRecord, status: TaskStatus, latestState?: TaskState): void {
  const task = rec.task;
  const next = latestState ?? status.state;
  if (!isTerminalState(task.state) && isTerminalState(next)) {
    countTerminal(ctx, next);
    ctx.s.allocationPending = true;
  }
  task.state = next;
  if (status.uuid !== undefined) {
    task.status_update_state = status.state;
    task.status_update_uuid = status.uuid;
  }
  const { data: _data, ...kept } = status;
  pushBounded(task.statuses, kept, MAX_STATUSES_PER_TASK);
}

export function forwardUpdate(ctx: Ctx, fw: FrameworkRecord, status: TaskStatus): void {
  if (!sendEvent(ctx, fw, { type: 'UPDATE', update: { status } })) {
    warn(
      ctx,
      `Dropping update ${status.state} for task ${status.task_id.value} of framework ${fw.id} for disconnected framework`,
    );
  }
}

/** A state change decided by the master, applied and told to the framework. */
export function transitionTask(ctx: Ctx, fw: FrameworkRecord, rec: TaskRecord, o: MasterStatusOptions): void {
  const status = masterStatus(ctx, rec.task, o);
  applyStatus(ctx, rec, status);
  forwardUpdate(ctx, fw, status);
}

/** Takes a task out of the active set, into the completed or the unreachable list. */
export function removeTask(fw: FrameworkRecord, rec: TaskRecord, to: 'completed' | 'unreachable'): void {
  const id = rec.task.task_id.value;
  fw.tasks.delete(id);
  switch (to) {
    case 'completed':
      pushBounded(fw.completedTasks, rec, MAX_COMPLETED_TASKS_PER_FRAMEWORK);
      break;
    case 'unreachable':
      setBounded(fw.unreachableTasks, id, rec, MAX_UNREACHABLE_TASKS_PER_FRAMEWORK);
      break;
  }
}

// Task reconciliation: implicit (latest state of every non-terminal task of the framework) and explicit
// (one answer per asked task from what the master knows, withheld while agents may still re-register).
import { isPartitionAware, type Ctx, type FrameworkRecord } from './state.js';
import { forwardUpdate, masterStatus, type MasterStatusOptions } from './tasks.js';
import { isTerminalState, type AgentID, type TaskID, type TaskStatus } from './v1.js';

export interface ReconcileTask {
  task_id: TaskID;
  agent_id?: AgentID;
}

type Answer = Omit<MasterStatusOptions, 'reason'>;

export function reconcile(ctx: Ctx, fw: FrameworkRecord, tasks: readonly ReconcileTask[]): void {
  if (tasks.length === 0) {
    for (const rec of fw.tasks.values()) {
      if (isTerminalState(rec.task.state)) continue;
      const state = rec.task.status_update_state ?? rec.task.state;
      forwardUpdate(ctx, fw, reply(ctx, rec.task, { state, message: 'Reconciliation: Latest task state' }));
    }
    return;
  }
  for (const asked of tasks) {
    const answer = explicitAnswer(ctx, fw, asked);
    if (answer !== null) forwardUpdate(ctx, fw, reply(ctx, asked, answer));
  }
}

function reply(ctx: Ctx, task: ReconcileTask, answer: Answer): TaskStatus {
  return masterStatus(ctx, task, { ...answer, reason: 'REASON_RECONCILIATION' });
}

function explicitAnswer(ctx: Ctx, fw: FrameworkRecord, asked: ReconcileTask): Answer | null {
  const { s } = ctx;
  const aware = isPartitionAware(fw);
  const agentId = asked.agent_id?.value;
  const known = fw.tasks.get(asked.task_id.value);
  if (known !== undefined) {
    return { state: known.task.status_update_state ?? known.task.state, message: 'Reconciliation: Latest task state' };
  }
  const unreachableTask = fw.unreachableTasks.get(asked.task_id.value);
  if (unreachableTask !== undefined) return unreachable(aware, s.unreachable.get(unreachableTask.task.agent_id.value));
  if (agentId === undefined ? s.recovered.size > 0 : s.recovered.has(agentId)) return null;
  if (agentId !== undefined && s.agents.has(agentId)) {
    return { state: aware ? 'TASK_GONE' : 'TASK_LOST', message: 'Reconciliation: Task is unknown to the agent' };
  }
  if (agentId !== undefined && s.unreachable.has(agentId)) return unreachable(aware, s.unreachable.get(agentId));
  return { state: aware ? 'TASK_UNKNOWN' : 'TASK_LOST', message: 'Reconciliation: Task is unknown' };
}

function unreachable(aware: boolean, since: number | undefined): Answer {
  return {
    state: aware ? 'TASK_UNREACHABLE' : 'TASK_LOST',
    message: 'Reconciliation: Task is unreachable',
    ...(since === undefined ? {} : { unreachableAt: since }),
  };
}

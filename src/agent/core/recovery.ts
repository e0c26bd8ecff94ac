// Agent recovery after a restart, as data: the checkpoint and what the containerizers found become a
// plan (follow running containers, report those that ended meanwhile, destroy orphans), then it is applied.
import { isTerminalState } from '../../master/core/v1.js';
import type { AgentTask, Checkpointed, ExitStatus, OrphanContainer, RecoveryReport } from './protocol.js';
import { keyOf, log, warn, type Ctx } from './state.js';
import { hasCapability, terminalStatus } from './tasks.js';
import { completeTask, updateStatus } from './updates.js';

export interface RecoveryPlan {
  agentId: string | null;
  /** Containers still running: followed again. */
  running: AgentTask[];
  /** Running containers whose kill the restart interrupted: killed again. */
  killAgain: AgentTask[];
  /** Containers that ended while the agent was down, and how (null: no exit status was left). */
  ended: { task: AgentTask; status: ExitStatus | null }[];
  /** Tasks whose launch the restart interrupted (no container was recorded; one it started is an orphan). */
  interrupted: AgentTask[];
  /** Terminal tasks with updates still to be acknowledged. */
  unacknowledged: AgentTask[];
  /** Terminal, fully acknowledged tasks left in the checkpoint. */
  done: AgentTask[];
  /** Containers and processes this agent started that no live task owns: destroyed. */
  orphans: OrphanContainer[];
}

export function planRecovery(checkpointed: Checkpointed, report: RecoveryReport): RecoveryPlan {
  const plan: RecoveryPlan = {
    agentId: checkpointed.agentId,
    running: [],
    killAgain: [],
    ended: [],
    interrupted: [],
    unacknowledged: [],
    done: [],
    orphans: report.orphans,
  };
  for (const task of checkpointed.tasks) {
    if (isTerminalState(task.state)) {
      (task.pending.length > 0 ? plan.unacknowledged : plan.done).push(task);
      continue;
    }
    if (task.handle === null) {
      plan.interrupted.push(task);
      continue;
    }
    const found = report.containers.get(task.containerId) ?? { kind: 'exited', status: null };
    if (found.kind === 'exited') {
      plan.ended.push({ task, status: found.status });
      continue;
    }
    plan.running.push(task);
    if (task.kill !== null) plan.killAgain.push(task);
  }
  return plan;
}

export function applyRecovery(ctx: Ctx, plan: RecoveryPlan): void {
  const { s } = ctx;
  s.agentId = plan.agentId;
  for (const task of [...plan.running, ...plan.ended.map((e) => e.task), ...plan.interrupted, ...plan.unacknowledged]) {
    s.tasks.set(keyOf(task), task);
  }
  for (const task of plan.done) completeTask(ctx, task);
  for (const task of plan.running) ctx.out.push({ kind: 'watch', task });
  for (const task of plan.killAgain) ctx.out.push({ kind: 'kill', task, graceMs: task.kill?.graceMs ?? 0 });
  for (const { task, status } of plan.ended) updateStatus(ctx, task, terminalStatus(task, status));
  for (const task of plan.interrupted) {
    const state = hasCapability(task.framework, 'PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST';
    updateStatus(ctx, task, {
      state,
      source: 'SOURCE_AGENT',
      reason: 'REASON_AGENT_RESTARTED',
      message: 'The agent restarted while the task was launching',
    });
  }
  for (const container of plan.orphans) {
    warn(
      ctx,
      `Removing orphaned container ${container.name} (${container.id}): no live task of this agent's checkpoint owns it`,
    );
    ctx.out.push({ kind: 'destroyOrphan', container });
  }
  const summary = `${plan.running.length} running, ${plan.ended.length} ended meanwhile, ${plan.interrupted.length} interrupted`;
  log(ctx, `Recovered ${s.tasks.size} tasks (${summary}); agent id ${plan.agentId ?? 'none yet'}`);
}

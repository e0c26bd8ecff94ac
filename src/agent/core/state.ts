// The agent's in-memory state (link to the master, tasks, retry timers, counters) and the per-input
// context handlers write effects into.
import type { AgentToMaster } from '../../master/core/protocol.js';
import type { MasterInfo } from '../../master/core/v1.js';
import type { AgentCoreOptions, AgentOutput, AgentTask } from './protocol.js';

export type LinkPhase = 'detecting' | 'connecting' | 'registering' | 'registered';

export interface LinkState {
  phase: LinkPhase;
  /** The leading master as last detected. */
  master: MasterInfo | null;
  connection: string | null;
  /** Tick of the next registration attempt ('registering') or leader detection ('detecting'). */
  nextAttemptAt: number | null;
  backoff: number;
  lastPingAt: number;
  connections: number;
}

/** When the head of a task's update queue was last sent and how long until it is sent again. */
export interface Retry {
  sentAt: number;
  interval: number;
}

/** Counters, named by their /metrics/snapshot keys. */
export const AGENT_COUNTERS = [
  'slave/tasks_finished',
  'slave/tasks_failed',
  'slave/tasks_killed',
  'slave/tasks_lost',
  'slave/tasks_dropped',
  'slave/container_launch_errors',
  'slave/recovery_errors',
  'slave/valid_status_updates',
  'slave/invalid_status_updates',
] as const;
export type AgentCounter = (typeof AGENT_COUNTERS)[number];

export interface AgentState {
  agentId: string | null;
  tick: number;
  link: LinkState;
  /** Active tasks (and terminal ones whose updates are not all acknowledged), by taskKey. */
  tasks: Map<string, AgentTask>;
  /** Terminal and fully acknowledged, oldest first (bounded). */
  completed: AgentTask[];
  retries: Map<string, Retry>;
  counters: Record<AgentCounter, number>;
}

export interface Ctx {
  s: AgentState;
  options: AgentCoreOptions;
  /** Milliseconds on the shell's clock. */
  now: number;
  out: AgentOutput[];
}

export function newState(): AgentState {
  const counters = Object.fromEntries(AGENT_COUNTERS.map((c) => [c, 0])) as Record<AgentCounter, number>;
  return {
    agentId: null,
    tick: 0,
    link: {
      phase: 'detecting',
      master: null,
      connection: null,
      nextAttemptAt: null,
      backoff: 0,
      lastPingAt: 0,
      connections: 0,
    },
    tasks: new Map(),
    completed: [],
    retries: new Map(),
    counters,
  };
}

export function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`;
}

export function keyOf(task: AgentTask): string {
  return taskKey(frameworkIdOf(task), task.info.task_id.value);
}

export function frameworkIdOf(task: AgentTask): string {
  return task.framework.id?.value ?? '';
}

export function findByContainer(s: AgentState, containerId: string): AgentTask | undefined {
  for (const task of s.tasks.values()) if (task.containerId === containerId) return task;
  return undefined;
}

export function log(ctx: Ctx, message: string): void {
  ctx.out.push({ kind: 'log', level: 'info', message });
}

export function warn(ctx: Ctx, message: string): void {
  ctx.out.push({ kind: 'log', level: 'warn', message });
}

export function isRegistered(s: AgentState): boolean {
  return s.link.phase === 'registered';
}

/** Sends on the current link; nothing happens without one. */
export function send(ctx: Ctx, message: AgentToMaster): void {
  const connection = ctx.s.link.connection;
  if (connection !== null) ctx.out.push({ kind: 'send', connection, message });
}

export function persistTask(ctx: Ctx, task: AgentTask): void {
  ctx.out.push({ kind: 'persistTask', task });
}

/** `master@ip:port` as Mesos logs a master. */
export function describeMaster(master: MasterInfo): string {
  return master.pid ?? `master@${master.address?.ip ?? master.hostname ?? '?'}:${master.port}`;
}

// Task lifecycle on the agent: RUN_TASK → STAGING → STARTING → RUNNING → FINISHED/FAILED/KILLED, as
// Mesos's built-in executors report it; launch validation (containerizer, ports) and kills with a grace period.
import { constants } from 'node:os';
import { posix } from 'node:path';
import { rangesContain, resourcesFromV1 } from '../../master/core/resources.js';
import { isTerminalState, type FrameworkInfo, type KillPolicy, type TaskInfo } from '../../master/core/v1.js';
import type { AgentTask, ContainerHandle, ExitStatus } from './protocol.js';
import { findByContainer, frameworkIdOf, log, persistTask, taskKey, warn, type Ctx } from './state.js';
import { completeTask, updateStatus, type StatusOptions } from './updates.js';

/** Where Mesos puts a run's sandbox: `<work_dir>/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container>`. */
function sandboxPath(o: {
  workDir: string;
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}): string {
  return posix.join(
    o.workDir,
    'slaves',
    o.agentId,
    'frameworks',
    o.frameworkId,
    'executors',
    o.executorId,
    'runs',
    o.containerId,
  );
}

/** Ids become directory names: no separators, no `.`/`..`, no NUL. */
function isSafeId(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !/[/\\\0]/.test(id);
}

export function runTask(ctx: Ctx, framework: FrameworkInfo, info: TaskInfo): void {
  const { s, options } = ctx;
  const frameworkId = framework.id?.value;
  const taskId = info.task_id.value;
  if (frameworkId === undefined || s.agentId === null) {
    warn(
      ctx,
      `Ignoring run task ${taskId}: ${frameworkId === undefined ? 'the framework has no id' : 'this agent is not registered'}`,
    );
    return;
  }
  const key = taskKey(frameworkId, taskId);
  if (s.tasks.has(key)) {
    warn(ctx, `Ignoring run task ${taskId} of framework ${frameworkId}: a task with this id is already running`);
    return;
  }
  const containerId = options.ids.containerId();
  const safe = isSafeId(frameworkId) && isSafeId(taskId);
  const sandbox = safe
    ? sandboxPath({ workDir: options.workDir, agentId: s.agentId, frameworkId, executorId: taskId, containerId })
    : '';
  const containerizer = info.container?.type === 'DOCKER' ? 'docker' : 'mesos';
  const task: AgentTask = {
    framework,
    info,
    containerizer,
    containerId,
    sandbox,
    state: 'TASK_STAGING',
    statuses: [],
    pending: [],
    handle: null,
    kill: null,
  };
  s.tasks.set(key, task);
  log(
    ctx,
    `Launching task ${taskId} for framework ${frameworkId} in container ${containerId} (${containerizer} containerizer)`,
  );
  const problem = safe ? launchProblem(ctx, task) : 'Framework and task ids must not contain "/" or be "." or ".."';
  if (problem !== null) {
    s.counters['slave/container_launch_errors']++;
    updateStatus(ctx, task, {
      state: 'TASK_FAILED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      message: problem,
    });
    return;
  }
  updateStatus(ctx, task, { state: 'TASK_STARTING' });
  ctx.out.push({ kind: 'launch', task, agentId: s.agentId });
}

/** Why this agent cannot launch the task, or null. */
function launchProblem(ctx: Ctx, task: AgentTask): string | null {
  const { info, containerizer } = task;
  if (info.executor !== undefined) return 'Custom executors are not supported by this agent';
  if (info.command === undefined) return 'The task has no command';
  if (!ctx.options.containerizers.includes(containerizer)) {
    return containerizer === 'docker'
      ? 'No containerizer can launch this task: Docker is not available on this agent'
      : 'The mesos containerizer is not enabled on this agent';
  }
  return containerizer === 'docker' ? dockerProblem(info) : null;
}

function dockerProblem(info: TaskInfo): string | null {
  const docker = info.container?.docker;
  if (docker === undefined || docker.image === '') return 'A DOCKER container needs docker.image';
  const mappings = docker.port_mappings ?? [];
  const network = docker.network ?? 'HOST';
  if (mappings.length > 0 && network !== 'BRIDGE' && network !== 'USER') {
    return 'Port mappings are only supported for bridge and user-defined networks';
  }
  const ports = resourcesFromV1(info.resources).ranges['ports'] ?? [];
  const outside = mappings.find((m) => !rangesContain(ports, [{ begin: m.host_port, end: m.host_port }]));
  return outside === undefined ? null : `Port [${outside.host_port}] not included in resources`;
}

export function launched(
  ctx: Ctx,
  containerId: string,
  handle: ContainerHandle,
  containerStatus: Record<string, unknown> = {},
): void {
  const task = findByContainer(ctx.s, containerId);
  if (task === undefined || isTerminalState(task.state)) return;
  task.handle = handle;
  if (task.kill !== null) {
    persistTask(ctx, task);
    ctx.out.push({ kind: 'kill', task, graceMs: task.kill.graceMs });
    return;
  }
  updateStatus(ctx, task, {
    state: 'TASK_RUNNING',
    containerStatus: { container_id: { value: containerId }, ...containerStatus },
  });
}

export function launchFailed(ctx: Ctx, containerId: string, message: string): void {
  const task = findByContainer(ctx.s, containerId);
  if (task === undefined || isTerminalState(task.state)) return;
  ctx.s.counters['slave/container_launch_errors']++;
  if (task.kill !== null) {
    updateStatus(ctx, task, {
      state: 'TASK_KILLED',
      source: 'SOURCE_AGENT',
      reason: 'REASON_TASK_KILLED_DURING_LAUNCH',
      message: 'Task killed during launch',
    });
    return;
  }
  updateStatus(ctx, task, {
    state: 'TASK_FAILED',
    source: 'SOURCE_AGENT',
    reason: 'REASON_CONTAINER_LAUNCH_FAILED',
    message: `Failed to launch container: ${message}`,
  });
}

/** A container ended; one that ended before its launch was reported did run, so RUNNING comes first. */
export function exited(ctx: Ctx, containerId: string, status: ExitStatus | null): void {
  const task = findByContainer(ctx.s, containerId);
  if (task === undefined || isTerminalState(task.state)) return;
  if (task.state === 'TASK_STARTING' && task.kill === null)
    updateStatus(ctx, task, { state: 'TASK_RUNNING', containerStatus: { container_id: { value: containerId } } });
  updateStatus(ctx, task, terminalStatus(task, status));
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** A shell or Docker reports death by signal N as exit code 128 + N. */
function signalOf(status: ExitStatus): string | null {
  if ('signal' in status) return status.signal;
  return status.code > 128 ? (SIGNAL_NAMES.get(status.code - 128) ?? null) : null;
}

/** The terminal update for a container that ended; null status: it left no exit status behind. */
export function terminalStatus(task: AgentTask, status: ExitStatus | null): StatusOptions {
  if (status === null) {
    const state = task.kill === null ? 'TASK_FAILED' : 'TASK_KILLED';
    return {
      state,
      source: 'SOURCE_AGENT',
      reason: 'REASON_EXECUTOR_TERMINATED',
      message: 'Container ended while the agent was not running',
    };
  }
  const what = task.containerizer === 'docker' ? 'Container' : 'Command';
  const signal = signalOf(status);
  const message =
    signal === null
      ? `${what} exited with status ${'code' in status ? status.code : '?'}`
      : `${what} terminated with signal ${signal}`;
  if (task.kill !== null)
    return { state: 'TASK_KILLED', message, ...(task.unhealthy === true ? { healthy: false } : {}) };
  return { state: 'code' in status && status.code === 0 ? 'TASK_FINISHED' : 'TASK_FAILED', message };
}

/**
 * A health check changed the task's health: TASK_RUNNING with `healthy`, as Mesos's executors send it;
 * at consecutive_failures the task is killed and its terminal update says unhealthy.
 */
export function healthChanged(
  ctx: Ctx,
  o: { containerId: string; healthy: boolean; kill: boolean; cause: string | null },
): void {
  const task = findByContainer(ctx.s, o.containerId);
  if (task === undefined || task.state !== 'TASK_RUNNING' || task.kill !== null) return;
  const message = o.cause === null ? {} : { message: o.cause };
  updateStatus(ctx, task, {
    state: 'TASK_RUNNING',
    healthy: o.healthy,
    reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
    ...message,
  });
  if (!o.kill) return;
  task.unhealthy = true;
  killTask(ctx, frameworkIdOf(task), task.info.task_id.value);
}

function gracePeriodMs(ctx: Ctx, task: AgentTask, policy: KillPolicy | undefined): number {
  const nanos = policy?.grace_period?.nanoseconds ?? task.info.kill_policy?.grace_period?.nanoseconds;
  return nanos === undefined ? ctx.options.defaultKillGraceMs[task.containerizer] : Math.max(0, nanos / 1e6);
}

export function hasCapability(framework: FrameworkInfo, type: string): boolean {
  return (framework.capabilities ?? []).some((c) => c.type === type);
}

export function killTask(ctx: Ctx, frameworkId: string, taskId: string, policy?: KillPolicy): void {
  const task = ctx.s.tasks.get(taskKey(frameworkId, taskId));
  if (task === undefined || isTerminalState(task.state)) {
    warn(ctx, `Ignoring kill task ${taskId} of framework ${frameworkId}: the task is not running on this agent`);
    return;
  }
  if (task.kill !== null) return;
  const graceMs = gracePeriodMs(ctx, task, policy);
  task.kill = { graceMs };
  log(ctx, `Killing task ${taskId} of framework ${frameworkId} with a grace period of ${graceMs / 1000} s`);
  if (hasCapability(task.framework, 'TASK_KILLING_STATE')) updateStatus(ctx, task, { state: 'TASK_KILLING' });
  else persistTask(ctx, task);
  if (task.handle !== null) ctx.out.push({ kind: 'kill', task, graceMs });
}

/**
 * SHUTDOWN_FRAMEWORK: the framework is gone, so nobody will acknowledge its updates. Its update
 * streams are dropped (as Mesos's status update manager cleans them up) and its tasks are killed;
 * each leaves once it is terminal.
 */
export function shutdownFramework(ctx: Ctx, frameworkId: string): void {
  for (const task of [...ctx.s.tasks.values()]) {
    if (frameworkIdOf(task) !== frameworkId) continue;
    task.frameworkShutdown = true;
    task.pending = [];
    ctx.s.retries.delete(taskKey(frameworkId, task.info.task_id.value));
    if (isTerminalState(task.state)) completeTask(ctx, task);
    else killTask(ctx, frameworkId, task.info.task_id.value);
  }
}

/** Kills every task of one framework (or of all, when `frameworkId` is null). */
export function killAll(ctx: Ctx, frameworkId: string | null): void {
  for (const task of [...ctx.s.tasks.values()]) {
    const fw = frameworkIdOf(task);
    if (isTerminalState(task.state) || (frameworkId !== null && fw !== frameworkId)) continue;
    killTask(ctx, fw, task.info.task_id.value);
  }
}

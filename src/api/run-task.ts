// One task through the built-in framework, the counterpart of `mesos-execute`: launch it, report each
// state change, wait for its end, read its sandbox stdout/stderr from the agent, tear the framework down.
import { constants } from 'node:os';
import type { TaskStatus } from '../master/core/v1.js';
import { AgentClient, sandboxPath } from './agent.js';
import { TaskFramework, type LaunchedTask, type TaskRequest } from './task-framework.js';

/** The framework name masters show for `minicluster run`. */
export const RUN_FRAMEWORK_NAME = 'minicluster-run';
/** A `run` that loses its masters gets this long to come back before they kill its task. */
const RUN_FAILOVER_TIMEOUT_SECONDS = 60;
const RUN_SUBSCRIBE_TIMEOUT_MS = 30_000;

export interface RunOptions {
  masters: readonly string[];
  task: TaskRequest;
  onStatus?(task: LaunchedTask, status: TaskStatus): void;
  /** Aborting kills the task (the framework is torn down). */
  signal?: AbortSignal;
}

export interface RunResult {
  taskId: string;
  agentId: string | null;
  status: TaskStatus;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runTask(options: RunOptions): Promise<RunResult> {
  const framework = await TaskFramework.start({
    masters: options.masters,
    name: RUN_FRAMEWORK_NAME,
    failoverTimeoutSeconds: RUN_FAILOVER_TIMEOUT_SECONDS,
    subscribeTimeoutMs: RUN_SUBSCRIBE_TIMEOUT_MS,
    ...(options.onStatus === undefined ? {} : { onUpdate: options.onStatus }),
  });
  try {
    const task = framework.launch(options.task);
    const status = await untilAborted(task.waitFor(), options.signal);
    const output = await sandboxOutput(task, framework.frameworkId);
    return { taskId: task.id, agentId: task.agentId, status, exitCode: exitCodeOf(status), ...output };
  } finally {
    await framework.teardown().catch(() => undefined);
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('interrupted: the task is killed'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function sandboxOutput(task: LaunchedTask, frameworkId: string): Promise<{ stdout: string; stderr: string }> {
  if (task.agentUrl === null) return { stdout: '', stderr: '' };
  const agent = new AgentClient(task.agentUrl);
  const read = (file: 'stdout' | 'stderr'): Promise<string> =>
    agent.readFrom(sandboxPath(frameworkId, task.id, file)).then(
      (r) => r.text,
      () => '',
    );
  const [stdout, stderr] = await Promise.all([read('stdout'), read('stderr')]);
  return { stdout, stderr };
}

/**
 * The exit status a shell would report: 0 for TASK_FINISHED, the command's status from the agent's
 * message ("Command exited with status 3"), 128 + n for a signal, 1 for a task that never ran.
 */
export function exitCodeOf(status: TaskStatus): number {
  if (status.state === 'TASK_FINISHED') return 0;
  const message = status.message ?? '';
  const code = /exited with status (\d+)/.exec(message)?.[1];
  if (code !== undefined) return Number(code);
  const signal = /terminated with signal (SIG[A-Z0-9]+)/.exec(message)?.[1];
  const number = signal === undefined ? undefined : constants.signals[signal as keyof typeof constants.signals];
  return number === undefined ? 1 : 128 + number;
}

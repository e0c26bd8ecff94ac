// What the agent asks of a containerizer (launch, follow, kill, recover, remove orphans, measure) and the
// environment every task gets (MESOS_* variables, HOST, PORT/PORTS/PORTn, then the task's own).
import { resourcesFromV1 } from '../../master/core/resources.js';
import type {
  AgentTask,
  ContainerHandle,
  ContainerizerType,
  ContainerReport,
  ExitStatus,
  OrphanContainer,
} from '../core/protocol.js';
import type { ContainerUsage } from '../core/view.js';

export interface ContainerEvents {
  /** A launched or followed container ended; null when it left no exit status. */
  exited(containerId: string, status: ExitStatus | null): void;
}

export interface Launched {
  handle: ContainerHandle;
  /** Extra `TaskStatus.container_status` fields of the RUNNING update. */
  containerStatus?: Record<string, unknown>;
}

export interface Recovered {
  containers: Map<string, ContainerReport>;
  orphans: OrphanContainer[];
}

export interface Containerizer {
  readonly type: ContainerizerType;
  /** Starts the task's container and follows it until it ends (reported through ContainerEvents). */
  launch(task: AgentTask, agentId: string): Promise<Launched>;
  /** Follows a recovered container until it ends. */
  watch(task: AgentTask): void;
  /** TERM (or docker stop), then KILL once the grace period is over. */
  kill(task: AgentTask, graceMs: number): Promise<void>;
  /** What became of the checkpointed containers of this type, and containers this agent owns but does not know. */
  recover(tasks: readonly AgentTask[]): Promise<Recovered>;
  /** CPU times and resident memory of the running containers of `tasks`, by container id (unmeasured ones left out). */
  usage(tasks: readonly AgentTask[]): Promise<Map<string, ContainerUsage>>;
  /** Removes an orphan that recover() found, at once (no grace period). */
  destroy(orphan: OrphanContainer): Promise<void>;
  /** Stops following containers; they keep running. */
  close(): void;
}

export interface EnvironmentOptions {
  agentId: string;
  /** The sandbox as the task sees it. */
  sandbox: string;
  /** The address published ports are reachable on. */
  host: string;
}

/** Host ports of the task's `ports` resources, in order. */
function taskPorts(task: AgentTask): number[] {
  const ranges = resourcesFromV1(task.info.resources).ranges['ports'] ?? [];
  return ranges.flatMap((r) => Array.from({ length: r.end - r.begin + 1 }, (_, i) => r.begin + i));
}

export function taskEnvironment(task: AgentTask, o: EnvironmentOptions): Record<string, string> {
  const taskId = task.info.task_id.value;
  const ports = taskPorts(task);
  // Null prototype: a task's variable may be named __proto__ and must be kept like any other.
  const env: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
    MESOS_SANDBOX: o.sandbox,
    MESOS_DIRECTORY: task.sandbox,
    MESOS_TASK_ID: taskId,
    MESOS_EXECUTOR_ID: taskId,
    MESOS_FRAMEWORK_ID: task.framework.id?.value ?? '',
    MESOS_AGENT_ID: o.agentId,
    MESOS_CONTAINER_ID: task.containerId,
    HOST: o.host,
  });
  if (ports.length > 0) {
    env['PORTS'] = ports.join(',');
    env['PORT'] = String(ports[0]);
    ports.forEach((port, i) => (env[`PORT${i}`] = String(port)));
  }
  for (const v of task.info.command?.environment?.variables ?? []) env[v.name] = v.value ?? '';
  return env;
}

/** A status reported by a shell or Docker: death by signal shows as its name, otherwise the code. */
export function exitStatusOf(result: { exitCode?: number | null; signal?: string | null }): ExitStatus {
  if (result.signal !== undefined && result.signal !== null) return { signal: result.signal };
  return { code: result.exitCode ?? -1 };
}

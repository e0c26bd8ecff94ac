// The seam between the agent's pure core and its shells: the task record it checkpoints, inputs (the
// master link, the leader detector, containerizers, time) and effects (checkpoint, send, run, kill).
import type { AgentToMaster, MasterToAgent } from '../../master/core/protocol.js';
import type { AgentInfo, FrameworkInfo, MasterInfo, TaskInfo, TaskState, TaskStatus } from '../../master/core/v1.js';

/** Mesos's names: `docker` runs DOCKER containers, `mesos` runs plain processes. */
export type ContainerizerType = 'docker' | 'mesos';

/** How a containerizer finds a container again after the agent restarted. */
export type ContainerHandle =
  | { type: 'docker'; id: string }
  /** `startTime` tells a reused pid apart from the process that was launched. */
  | { type: 'mesos'; pid: number; startTime: string };

/** How a container ended: an exit code, or the signal that ended it. */
export type ExitStatus = { code: number } | { signal: string };

/** One task on this agent, as checkpointed: what runs it, where, its state and its unacknowledged updates. */
export interface AgentTask {
  /** With `id` set. */
  framework: FrameworkInfo;
  info: TaskInfo;
  containerizer: ContainerizerType;
  /** UUID chosen by the agent; Docker names the container `mesos-<containerId>`. */
  containerId: string;
  /** Absolute path of the task's sandbox directory. */
  sandbox: string;
  /** The newest state (of the last update, acknowledged or not). */
  state: TaskState;
  /** History, oldest first (bounded). */
  statuses: TaskStatus[];
  /** Status updates not acknowledged yet, oldest first; only the head is sent. */
  pending: TaskStatus[];
  /** Set once the containerizer has started the container. */
  handle: ContainerHandle | null;
  /** Set once a kill was asked for. */
  kill: { graceMs: number } | null;
  /** The framework was shut down: its updates are recorded here but no longer sent (Mesos cleans up the stream). */
  frameworkShutdown?: true;
  /** Killed because its health check failed consecutive_failures times: the terminal update says `healthy: false`. */
  unhealthy?: true;
}

/** What the agent had checkpointed when it stopped. */
export interface Checkpointed {
  agentId: string | null;
  tasks: AgentTask[];
}

/**
 * A container this agent started (a Docker container by its labels, processes by their environment marker)
 * that no live task of its checkpoint owns: a launch the restart cut short, or a task that ended meanwhile.
 */
export interface OrphanContainer {
  containerizer: ContainerizerType;
  /** Docker's container id, or the Mesos container id the processes are marked with. */
  id: string;
  name: string;
}

/** What a containerizer found of a checkpointed container; `exited.status` is null when it left no exit status. */
export type ContainerReport = { kind: 'running' } | { kind: 'exited'; status: ExitStatus | null };

export interface RecoveryReport {
  /** By container id; a launched container missing here is reported `exited` with a null status. */
  containers: ReadonlyMap<string, ContainerReport>;
  orphans: OrphanContainer[];
}

interface At {
  /** Milliseconds on the shell's clock (for status timestamps). */
  now: number;
}

/** Connections are named by the core, so messages on a link it has left are recognised and ignored. */
export type AgentInput =
  | (At & { kind: 'recover'; checkpointed: Checkpointed; report: RecoveryReport })
  | (At & { kind: 'tick' })
  /** The leading master according to ZooKeeper, null when none leads. */
  | (At & { kind: 'leaderDetected'; master: MasterInfo | null })
  | (At & { kind: 'connected'; connection: string })
  | (At & { kind: 'disconnected'; connection: string })
  | (At & { kind: 'message'; connection: string; message: MasterToAgent })
  | (At & { kind: 'launched'; containerId: string; handle: ContainerHandle; containerStatus?: Record<string, unknown> })
  | (At & { kind: 'launchFailed'; containerId: string; message: string })
  | (At & { kind: 'exited'; containerId: string; status: ExitStatus | null })
  /** A task's health check result changed health, or reached consecutive_failures (`kill`). */
  | (At & { kind: 'health'; containerId: string; healthy: boolean; kill: boolean; cause: string | null })
  /** Kill every task (the cluster is going down). */
  | (At & { kind: 'shutdown' });

/** Effects, for the shell to perform in the order checkpoint → link → containers → log. */
export type AgentOutput =
  | { kind: 'persistAgentId'; agentId: string }
  | { kind: 'persistTask'; task: AgentTask }
  | { kind: 'forgetTask'; frameworkId: string; taskId: string }
  | { kind: 'detect' }
  | { kind: 'connect'; connection: string; master: MasterInfo }
  | { kind: 'disconnect'; connection: string }
  | { kind: 'send'; connection: string; message: AgentToMaster }
  | { kind: 'launch'; task: AgentTask; agentId: string }
  /** Follow a recovered container until it ends. */
  | { kind: 'watch'; task: AgentTask }
  | { kind: 'kill'; task: AgentTask; graceMs: number }
  | { kind: 'destroyOrphan'; container: OrphanContainer }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };

/** Timing in ticks of the core's clock. */
export interface AgentTicks {
  statusUpdateRetryMin: number;
  statusUpdateRetryMax: number;
  registrationBackoffMin: number;
  registrationBackoffMax: number;
  masterPingTimeout: number;
}

export interface AgentCoreOptions {
  /** hostname, port, resources, attributes (no id: that comes from the master). */
  agentInfo: AgentInfo;
  /** Mesos version this agent claims. */
  version: string;
  workDir: string;
  /** Containerizers that can run tasks here (Docker only when an engine answered). */
  containerizers: readonly ContainerizerType[];
  ticks: AgentTicks;
  defaultKillGraceMs: Readonly<Record<ContainerizerType, number>>;
  /** Random ids from the shell: container ids (UUIDs) and status update uuids (16 bytes, base64). */
  ids: { containerId(): string; statusUuid(): string };
}

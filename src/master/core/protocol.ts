// The seam between the leading master's pure core and its shells: inputs (agent link, scheduler API,
// operator endpoints, time), outputs (persist the registry, messages to agents, events to framework streams, replies, logs).
//
// The agent link is a WebSocket at `ws://<master address>:<port>/agent` (AGENT_LINK_PATH), one JSON
// text message per AgentToMaster / MasterToAgent. A master that is not the leading master closes new
// links with NOT_LEADER_CLOSE_CODE and the leading master's pid (`master@ip:port`, empty while none is
// known) as the reason; one still reading its registry after election closes them with 1013 (try again
// later). A leading master that loses leadership closes every link with NOT_LEADER_CLOSE_CODE.
import type { MaintenanceScheduleJson, MaintenanceWindowJson } from '../../api/mesos.js';
import type {
  AgentID,
  AgentInfo,
  Call,
  Event,
  FrameworkID,
  FrameworkInfo,
  KillPolicy,
  MasterInfo,
  Task,
  TaskID,
  TaskInfo,
  TaskState,
  TaskStatus,
  TimeInfo,
} from './v1.js';

/** Path of the agent link's WebSocket on every master's HTTP port. */
export const AGENT_LINK_PATH = '/agent';
/** WebSocket close code of a master that is not the leading master; the reason names the leader's pid. */
export const NOT_LEADER_CLOSE_CODE = 4001;
/** WebSocket close code of a leading master that has not finished recovery (RFC 6455 "try again later"). */
export const RECOVERING_CLOSE_CODE = 1013;

/** What the ensemble keeps for a new leading master: the agents admitted and those unreachable. */
export interface Registry {
  admitted: AgentInfo[];
  unreachable: { id: AgentID; timestamp: TimeInfo }[];
  /** The maintenance schedule operators set (absent: none). */
  schedule?: MaintenanceWindowJson[];
}

export const EMPTY_REGISTRY: Registry = { admitted: [], unreachable: [] };

/** An agent's status update as the agent link carries it; `status.uuid` is set, so it must be acknowledged. */
export interface StatusUpdate {
  framework_id: FrameworkID;
  status: TaskStatus;
  /** The newest state the agent knows while older updates are still unacknowledged. */
  latest_state?: TaskState;
}

/** Messages from the master over the agent link. */
export type MasterToAgent =
  | { type: 'REGISTERED'; agent_id: AgentID; master_info: MasterInfo }
  | { type: 'REREGISTERED'; agent_id: AgentID; master_info: MasterInfo }
  | { type: 'RUN_TASK'; framework: FrameworkInfo; task: TaskInfo }
  | { type: 'KILL_TASK'; framework_id: FrameworkID; task_id: TaskID; kill_policy?: KillPolicy }
  | { type: 'ACKNOWLEDGE'; framework_id: FrameworkID; task_id: TaskID; uuid: string }
  | { type: 'SHUTDOWN_FRAMEWORK'; framework_id: FrameworkID }
  | { type: 'PING' };

/**
 * Messages from an agent over the agent link (JSON over a WebSocket). REGISTER is a first
 * registration; REREGISTER (with the agent id it was given) follows a change of leading master or an
 * agent restart and lists the tasks it still runs; every STATUS_UPDATE is retried until the master
 * sends ACKNOWLEDGE with its uuid.
 */
export type AgentToMaster =
  | { type: 'REGISTER'; agent: AgentInfo; version: string }
  | { type: 'REREGISTER'; agent: AgentInfo; version: string; tasks: Task[]; frameworks: FrameworkInfo[] }
  | { type: 'STATUS_UPDATE'; update: StatusUpdate }
  | { type: 'PONG' };

interface At {
  /** Milliseconds on the shell's clock. */
  now: number;
}

/**
 * Agent-link inputs name the link by `connection` (chosen by the shell); messages from a connection
 * that is not (or no longer) an agent's current one are ignored.
 */
export type MasterInput =
  | (At & { kind: 'agentRegister'; connection: string; agent: AgentInfo; pid: string; version: string })
  | (At & {
      kind: 'agentReregister';
      connection: string;
      /** With `id` set. */
      agent: AgentInfo;
      pid: string;
      version: string;
      tasks: Task[];
      frameworks: FrameworkInfo[];
    })
  | (At & { kind: 'agentPong'; connection: string })
  | (At & { kind: 'agentDisconnected'; connection: string })
  | (At & { kind: 'statusUpdate'; connection: string; update: StatusUpdate })
  /** `streamId`: for SUBSCRIBE the new stream's id; otherwise the call's Mesos-Stream-Id header (null if absent). */
  | (At & { kind: 'schedulerCall'; streamId: string | null; call: Call })
  | (At & { kind: 'streamClosed'; streamId: string })
  /** POST /master/maintenance/schedule: replaces the schedule (answered 200, or 400 saying why not). */
  | (At & { kind: 'updateMaintenance'; schedule: MaintenanceScheduleJson })
  | (At & { kind: 'tick' });

/** HTTP status of a scheduler call: 200 opens the SUBSCRIBE stream, 202 accepted, 400 invalid, 403 not subscribed. */
export type CallStatus = 200 | 202 | 400 | 403;

/** Effects, for the shell to perform in the order persist → send → reply. */
export type MasterOutput =
  | { kind: 'persistRegistry'; registry: Registry }
  | { kind: 'toAgent'; agentId: string; connection: string; message: MasterToAgent }
  | { kind: 'toFramework'; frameworkId: string; streamId: string; event: Event }
  | { kind: 'closeStream'; streamId: string }
  | { kind: 'callAnswer'; status: CallStatus; message?: string }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };

export interface MasterCoreOptions {
  masterInfo: MasterInfo;
  /** When this master was elected. */
  now: number;
  /** Recovered from the ensemble; EMPTY_REGISTRY for a new cluster. */
  registry: Registry;
  allocation: { intervalMs: number };
  agentPingTimeoutMs: number;
  maxAgentPingTimeouts: number;
  /** How long recovered agents have to re-register after failover before they become unreachable. */
  agentReregisterTimeoutMs: number;
  /** HEARTBEAT period of scheduler streams (Mesos: 15 s). */
  heartbeatIntervalMs: number;
}

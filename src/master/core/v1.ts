// The Mesos v1 JSON shapes the leading master speaks (protobuf field names in snake_case, enums as
// strings, bytes as base64 text), so the HTTP and agent-link shells only parse and serialise them.

export interface Value {
  value: string;
}
export type FrameworkID = Value;
export type AgentID = Value;
export type OfferID = Value;
export type TaskID = Value;
export type ExecutorID = Value;

export interface Range {
  begin: number;
  end: number;
}

export interface Resource {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET';
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  role?: string;
  allocation_info?: { role: string };
}

export interface Attribute {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  text?: { value: string };
}

export interface Label {
  key: string;
  value?: string;
}
export interface Labels {
  labels: Label[];
}

export interface TimeInfo {
  nanoseconds: number;
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: { hostname?: string; ip?: string; port: number };
  capabilities?: { type: string }[];
}

export interface AgentInfo {
  hostname: string;
  port?: number;
  resources: Resource[];
  attributes?: Attribute[];
  id?: AgentID;
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: { type: string }[];
  labels?: Labels;
}

export interface CommandInfo {
  value?: string;
  shell?: boolean;
  arguments?: string[];
  environment?: { variables: { name: string; value?: string }[] };
  uris?: { value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }[];
  user?: string;
}

export interface PortMapping {
  host_port: number;
  container_port: number;
  protocol?: string;
}

export interface ContainerInfo {
  type: 'DOCKER' | 'MESOS';
  docker?: {
    image: string;
    network?: 'HOST' | 'BRIDGE' | 'NONE' | 'USER';
    port_mappings?: PortMapping[];
    privileged?: boolean;
    parameters?: { key: string; value: string }[];
    force_pull_image?: boolean;
  };
  volumes?: { container_path: string; host_path?: string; mode?: 'RW' | 'RO' }[];
  hostname?: string;
  network_infos?: Record<string, unknown>[];
}

export interface KillPolicy {
  grace_period?: { nanoseconds: number };
}

export interface ExecutorInfo {
  executor_id: ExecutorID;
  type?: 'DEFAULT' | 'CUSTOM';
  framework_id?: FrameworkID;
  command?: CommandInfo;
  resources?: Resource[];
  container?: ContainerInfo;
}

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources: Resource[];
  command?: CommandInfo;
  executor?: ExecutorInfo;
  container?: ContainerInfo;
  health_check?: Record<string, unknown>;
  check?: Record<string, unknown>;
  kill_policy?: KillPolicy;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  data?: string;
}

export const TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** Mesos's isTerminalState: TASK_UNREACHABLE and TASK_UNKNOWN are not terminal. */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL.has(state);
}

export type StatusSource = 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: StatusSource;
  reason?: string;
  data?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  uuid?: string;
  healthy?: boolean;
  labels?: Labels;
  container_status?: Record<string, unknown>;
  unreachable_time?: TimeInfo;
}

/** The master's record of a task (v1 `Task`), also what an agent reports when it re-registers. */
export interface Task {
  name: string;
  task_id: TaskID;
  framework_id: FrameworkID;
  executor_id?: ExecutorID;
  agent_id: AgentID;
  state: TaskState;
  resources: Resource[];
  statuses: TaskStatus[];
  status_update_state?: TaskState;
  status_update_uuid?: string;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  container?: ContainerInfo;
  health_check?: Record<string, unknown>;
  kill_policy?: KillPolicy;
  user?: string;
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: { scheme: string; address: { hostname?: string; ip?: string; port: number }; path?: string };
  resources: Resource[];
  attributes: Attribute[];
  executor_ids: ExecutorID[];
  allocation_info: { role: string };
}

export interface Filters {
  refuse_seconds?: number;
}

export type Operation =
  | { type: 'LAUNCH'; launch: { task_infos: TaskInfo[] } }
  | { type: 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY'; [field: string]: unknown };

export type Call =
  | {
      type: 'SUBSCRIBE';
      framework_id?: FrameworkID;
      subscribe: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
    }
  | { type: 'TEARDOWN'; framework_id: FrameworkID }
  | {
      type: 'ACCEPT';
      framework_id: FrameworkID;
      accept: { offer_ids: OfferID[]; operations?: Operation[]; filters?: Filters };
    }
  | { type: 'DECLINE'; framework_id: FrameworkID; decline: { offer_ids: OfferID[]; filters?: Filters } }
  | { type: 'REVIVE'; framework_id: FrameworkID; revive?: { roles?: string[] } }
  | { type: 'SUPPRESS'; framework_id: FrameworkID; suppress?: { roles?: string[] } }
  | { type: 'KILL'; framework_id: FrameworkID; kill: { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy } }
  | {
      type: 'ACKNOWLEDGE';
      framework_id: FrameworkID;
      acknowledge: { agent_id: AgentID; task_id: TaskID; uuid: string };
    }
  | { type: 'RECONCILE'; framework_id: FrameworkID; reconcile?: { tasks?: { task_id: TaskID; agent_id?: AgentID }[] } };

export type Event =
  | {
      type: 'SUBSCRIBED';
      subscribed: { framework_id: FrameworkID; heartbeat_interval_seconds: number; master_info: MasterInfo };
    }
  | { type: 'OFFERS'; offers: { offers: Offer[] } }
  | { type: 'RESCIND'; rescind: { offer_id: OfferID } }
  | { type: 'UPDATE'; update: { status: TaskStatus } }
  | { type: 'FAILURE'; failure: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'HEARTBEAT' };

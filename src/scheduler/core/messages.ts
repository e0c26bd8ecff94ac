// The scheduler core's seam: what the shell feeds it (Mesos events, probe results, ticks, API commands)
// and what it returns (store writes, Mesos calls, Marathon events), executed as persist → send → reply.
import type { CallWithoutFramework } from '../../api/mesos.js';
import type { Offer, TaskStatus } from '../../master/core/v1.js';
import type { AppDefinition } from './app-types.js';
import type {
  AppVersion,
  DeploymentPlan,
  Instance,
  LaunchDelay,
  MarathonEvent,
  QueueEntry,
  RootGroup,
  TaskFailure,
  Timestamp,
} from './model.js';

/** One record to write to (or remove from) the state store under /marathon/state. */
export type StoreWrite =
  | { kind: 'framework-id'; frameworkId: string }
  | { kind: 'root'; root: RootGroup }
  | { kind: 'app-version'; app: AppVersion }
  | { kind: 'delete-app'; appId: string }
  | { kind: 'instance'; instance: Instance }
  | { kind: 'delete-instance'; instanceId: string }
  | { kind: 'deployment'; plan: DeploymentPlan }
  | { kind: 'delete-deployment'; id: string }
  | { kind: 'task-failure'; failure: TaskFailure }
  | { kind: 'delay'; delay: LaunchDelay }
  | { kind: 'delete-delay'; appId: string };

/** Everything the store holds; read once when this scheduler becomes the leader. */
export interface StoredState {
  frameworkId: string | null;
  root: RootGroup | null;
  /** Every kept version of every app (at most LIMITS.marathonMaxVersions each), any order. */
  versions: AppVersion[];
  instances: Instance[];
  deployments: DeploymentPlan[];
  failures: TaskFailure[];
  delays: LaunchDelay[];
}

export type Effect =
  | { type: 'persist'; writes: StoreWrite[] }
  | { type: 'call'; call: CallWithoutFramework }
  | { type: 'event'; event: MarathonEvent }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

/** Inputs from the Mesos link, the probes and the clock; `now` is ms since the epoch. */
export type SchedulerInput =
  | { type: 'subscribed'; frameworkId: string; master: string; now: number }
  | { type: 'disconnected'; message: string; now: number }
  | { type: 'offers'; offers: Offer[]; now: number }
  | { type: 'rescind'; offerId: string; now: number }
  | { type: 'update'; status: TaskStatus; now: number }
  | { type: 'health'; taskId: string; checkIndex: number; alive: boolean; cause: string | null; now: number }
  | { type: 'readiness'; taskId: string; ready: boolean; now: number }
  | { type: 'tick'; now: number };

/** A Marathon API error: status and the JSON body Marathon sends. */
export interface ApiError {
  ok: false;
  status: number;
  body: { message: string; details?: unknown; deployments?: { id: string }[] };
}

export interface DeploymentRef {
  deploymentId: string;
  version: Timestamp;
}

/** A change to the root group; becomes one deployment plan. */
export interface DeployRequest {
  /** Apps to create or replace, already normalised; service ports 0 are assigned by the core. */
  upsert: AppDefinition[];
  /** App ids to remove. */
  remove: string[];
  /** Group ids to remove, with every app and group under them. */
  removeGroups: string[];
  /** Groups to create or update (apps' groups are implied by their ids). */
  upsertGroups: { id: string; dependencies: string[] }[];
  /** Apps to restart even when their definition is unchanged (POST …/restart). */
  restart: string[];
  /** Instances to kill as part of this plan (scale=true kills). */
  killInstances: string[];
  /** Cancel deployments that touch the same apps instead of answering 409. */
  force: boolean;
  /** 409 `An app with id [/x] already exists.` when one of `upsert` exists (POST /v2/apps). */
  createOnly: boolean;
  now: number;
}

export interface KillRequest {
  /** Task ids (or instance ids). */
  ids: string[];
  /** Also lower `instances` (through a deployment). */
  scale: boolean;
  /** Forget the instances instead of replacing them (no relaunch). */
  wipe: boolean;
  force: boolean;
  now: number;
}

/** What a core call returns: the effects to run first, then the reply. */
export interface Output<R> {
  effects: Effect[];
  reply: R | ApiError;
}

/** Read-only state for the API, the probes and the load balancer. */
export interface SchedulerView {
  readonly root: RootGroup;
  readonly frameworkId: string | null;
  /** Subscribed to a leading master right now. */
  readonly subscribed: boolean;
  /** `http://host:port` of the leading master, once subscribed. */
  readonly master: string | null;
  /** Every known instance that is not expunged (terminal ones are dropped once handled). */
  instances(): Instance[];
  instancesOf(appId: string): Instance[];
  instance(idOrTaskId: string): Instance | undefined;
  deployments(): DeploymentPlan[];
  queue(now: number): QueueEntry[];
  /** Kept versions of an app, newest first. */
  versions(appId: string): Timestamp[];
  appAt(appId: string, version: Timestamp): AppVersion | undefined;
  lastTaskFailure(appId: string): TaskFailure | undefined;
  delay(appId: string): LaunchDelay | undefined;
}

/** The commands the API runs on the leading scheduler. */
export interface SchedulerCommands {
  deploy(req: DeployRequest): Output<{ ok: true; plan: DeploymentRef; apps: AppVersion[] }>;
  killTasks(req: KillRequest): Output<{ ok: true; killed: Instance[]; plan?: DeploymentRef }>;
  /** DELETE /v2/deployments/{id}: roll back (a new plan), or with force just stop it. */
  cancelDeployment(id: string, opts: { force: boolean; now: number }): Output<{ ok: true; plan?: DeploymentRef }>;
  /** DELETE /v2/queue/{appId}/delay. */
  resetDelay(appId: string, now: number): Output<{ ok: true }>;
}

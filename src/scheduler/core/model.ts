// The scheduler's records, shared by every core module and the shells: app versions, the root group,
// instances (one Mesos task each), deployment plans, launch-queue entries and the events it emits.
import type { Offer, TaskState } from '../../master/core/v1.js';
import type { AppDefinition } from './app-types.js';

/** ISO-8601 UTC with milliseconds and `Z`, e.g. `2015-09-25T15:13:48.343Z`; also an app's version key. */
export type Timestamp = string;

export const timestamp = (ms: number): Timestamp => new Date(ms).toISOString();

export interface VersionInfo {
  lastScalingAt: Timestamp;
  lastConfigChangeAt: Timestamp;
}

/**
 * An app as stored and served: the normalised definition with its service ports assigned (no 0 left in
 * portDefinitions[].port or container.portMappings[].servicePort) and its version.
 * `version` is the latest of versionInfo's two timestamps.
 */
export interface AppVersion extends AppDefinition {
  version: Timestamp;
  versionInfo: VersionInfo;
}

/** A group created through /v2/groups; apps belong to the group their id's parent names. */
export interface GroupMeta {
  id: string;
  dependencies: string[];
  version: Timestamp;
}

/** Every app and explicitly created group, keyed by absolute id. */
export interface RootGroup {
  version: Timestamp;
  apps: Record<string, AppVersion>;
  groups: Record<string, GroupMeta>;
}

export const emptyRoot = (version: Timestamp): RootGroup => ({ version, apps: {}, groups: {} });

/** What the scheduler wants of an instance: keep it running, or kill it and forget it. */
export type Goal = 'running' | 'decommissioned';

/** One health check's results for one instance (index = the app's healthChecks index). */
export interface HealthResult {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess: Timestamp | null;
  lastSuccess: Timestamp | null;
  lastFailure: Timestamp | null;
  lastFailureCause: string | null;
}

/**
 * One launched instance of an app, i.e. one Mesos task. Ids follow Marathon 1.8+:
 * instanceId `<safeId>.instance-<uuid>`, taskId `<instanceId>._app.1` (safeId = app id without the
 * leading `/`, other `/` as `_`).
 */
export interface Instance {
  instanceId: string;
  taskId: string;
  appId: string;
  /** The app version it was launched with. */
  version: Timestamp;
  agentId: string;
  host: string;
  /** Host ports, in the order of the app's port definitions / port mappings. */
  hostPorts: number[];
  servicePorts: number[];
  /** Last Mesos state heard; TASK_STAGING from the ACCEPT until the first update. */
  state: TaskState;
  stagedAt: Timestamp;
  /** First TASK_RUNNING. */
  startedAt?: Timestamp;
  goal: Goal;
  /** When the scheduler last sent KILL (ms since the epoch), to resend after a timeout. */
  killSentAt?: number;
  /** Per health check; empty until a result arrives. MESOS_* checks report through status `healthy`. */
  health: (HealthResult | null)[];
  /** Last readiness result while a deployment waits on it; undefined when the app has no readiness check. */
  ready?: boolean;
  message?: string;
  ipAddresses: { ipAddress: string; protocol: 'IPv4' | 'IPv6' }[];
}

export type DeploymentActionName = 'StartApplication' | 'ScaleApplication' | 'RestartApplication' | 'StopApplication';

export interface DeploymentAction {
  action: DeploymentActionName;
  app: string;
}

export interface DeploymentStep {
  actions: DeploymentAction[];
}

/** Apps by absolute id. */
export type AppsById = Record<string, AppVersion>;

/**
 * A deployment plan; persisted while it runs, removed when it finishes or is cancelled. It keeps the
 * affected apps only, as they were before (`original`, absent when new) and as they will be (`target`,
 * absent when removed): enough to run the steps and to roll back, and small whatever the root group's size.
 */
export interface DeploymentPlan {
  id: string;
  version: Timestamp;
  original: AppsById;
  target: AppsById;
  steps: DeploymentStep[];
  /** 1-based index of the step running; 0 = not started. */
  currentStep: number;
  /** Instances the user asked to kill as part of this plan (DELETE …/tasks?scale=true). */
  killInstances: string[];
}

/** The last failed task of an app (`lastTaskFailure`). */
export interface TaskFailure {
  appId: string;
  host: string;
  message: string;
  state: TaskState;
  taskId: string;
  timestamp: Timestamp;
  version: Timestamp;
  slaveId: string;
}

/** Launch backoff of one app version (reference §8.2). */
export interface LaunchDelay {
  appId: string;
  version: Timestamp;
  /** Current delay; 0 = none. */
  delayMs: number;
  /** No launch before this (ms since the epoch). */
  until: number;
  /** Last failure (ms since the epoch), to reset after delay + maxLaunchDelay without failures. */
  lastFailureAt: number;
}

/** Why offers did not fit an app waiting to launch (`/v2/queue` processedOffersSummary). */
export type DeclineReason =
  | 'UnfulfilledRole'
  | 'UnfulfilledConstraint'
  | 'NoCorrespondingReservationFound'
  | 'AgentMaintenance'
  | 'InsufficientCpus'
  | 'InsufficientMemory'
  | 'InsufficientDisk'
  | 'InsufficientGpus'
  | 'InsufficientPorts'
  | 'DeclinedScarceResources';

/** An offer that did not fit an app waiting to launch: what it held then, and why (`/v2/queue` lastUnusedOffers). */
export interface UnusedOffer {
  offer: Offer;
  at: Timestamp;
  reason: DeclineReason;
}

export interface QueueEntry {
  appId: string;
  /** Instances still to launch. */
  count: number;
  since: Timestamp;
  delayUntil: number;
  offersProcessed: number;
  declines: Partial<Record<DeclineReason, number>>;
  lastDeclineReason?: DeclineReason;
  /** The last unused offer of each agent, oldest first. */
  lastUnusedOffers: UnusedOffer[];
}

/** The Marathon event bus (reference §12); `eventType` and `timestamp` on every event. */
export type MarathonEvent = { timestamp: Timestamp } & (
  | { eventType: 'api_post_event'; clientIp: string; uri: string; appDefinition: Record<string, unknown> }
  | {
      eventType: 'status_update_event';
      slaveId: string;
      taskId: string;
      taskStatus: TaskState;
      message: string;
      appId: string;
      host: string;
      ipAddresses: { ipAddress: string; protocol: string }[];
      ports: number[];
      version: Timestamp;
    }
  | {
      eventType: 'instance_changed_event';
      instanceId: string;
      condition: string;
      runSpecId: string;
      agentId: string;
      host: string;
      runSpecVersion: Timestamp;
    }
  | {
      eventType: 'instance_health_changed_event';
      instanceId: string;
      runSpecId: string;
      runSpecVersion: Timestamp;
      healthy: boolean | null;
    }
  | { eventType: 'health_status_changed_event'; appId: string; instanceId: string; version: Timestamp; alive: boolean }
  | { eventType: 'failed_health_check_event'; appId: string; taskId: string; healthCheck: Record<string, unknown> }
  | {
      eventType: 'unhealthy_instance_kill_event';
      appId: string;
      taskId: string;
      instanceId: string;
      version: Timestamp;
      reason: string;
      host: string;
      slaveId: string;
    }
  | { eventType: 'deployment_info'; plan: PlanSummary; currentStep: DeploymentStep }
  | { eventType: 'deployment_step_success' | 'deployment_step_failure'; plan: PlanSummary; currentStep: DeploymentStep }
  | { eventType: 'deployment_success'; id: string; plan: PlanSummary }
  | { eventType: 'deployment_failed'; id: string; plan: PlanSummary; reason?: string }
  | { eventType: 'group_change_success'; groupId: string; version: Timestamp }
  | { eventType: 'group_change_failed'; groupId: string; version: Timestamp; reason: string }
  | { eventType: 'app_terminated_event'; appId: string }
  | { eventType: 'scheduler_registered_event' | 'scheduler_reregistered_event'; frameworkId: string; master: string }
  | { eventType: 'scheduler_disconnected_event'; message: string }
  | { eventType: 'event_stream_attached' | 'event_stream_detached'; remoteAddress: string }
  | { eventType: 'subscribe_event' | 'unsubscribe_event'; clientIp: string; callbackUrl: string }
);

export type MarathonEventType = MarathonEvent['eventType'];

/** A plan as events carry it (the light format). */
export interface PlanSummary {
  id: string;
  version: Timestamp;
  steps: DeploymentStep[];
}

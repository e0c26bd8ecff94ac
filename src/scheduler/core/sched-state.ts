// The scheduler core's memory (apps and their versions, instances, deployments, launch queue, backoff)
// and Out, the collector that turns one input's work into effects in the order persist → calls → events.
import type { CallWithoutFramework } from '../../api/mesos.js';
import { MARATHON_MAX_VERSIONS } from '../../common/limits.js';
import type { SchedulerTiming } from '../config.js';
import type { Effect, StoredState, StoreWrite } from './messages.js';
import {
  emptyRoot,
  timestamp,
  type AppVersion,
  type DeclineReason,
  type DeploymentPlan,
  type Instance,
  type LaunchDelay,
  type MarathonEvent,
  type RootGroup,
  type TaskFailure,
  type Timestamp,
  type UnusedOffer,
} from './model.js';

export interface SchedulerOptions {
  frameworkName: string;
  /** Mesos user tasks run as (Marathon --mesos_user). */
  user: string;
  /** Mesos role of the framework (Marathon --mesos_role), `*` for none. */
  role: string;
  /** Advertised in FrameworkInfo (Marathon --hostname). */
  hostname: string;
  /** The scheduler's own UI, `http://host:port`. */
  webuiUrl: string;
  failoverTimeoutSeconds: number;
  /** A fresh unique id (a UUID in production, a counter in tests). */
  newId: () => string;
  timing: SchedulerTiming;
  /** Marathon --local_port_min / --local_port_max. */
  servicePortRange: { min: number; max: number };
}

/** One app waiting in the launch queue. */
export interface QueueItem {
  appId: string;
  /** Instances still to launch. */
  count: number;
  since: Timestamp;
  offersProcessed: number;
  declines: Partial<Record<DeclineReason, number>>;
  lastDeclineReason?: DeclineReason;
  /** The last unused offer of each agent by agent id, oldest first. */
  unusedOffers: Map<string, UnusedOffer>;
}

export class CoreState {
  frameworkId: string | null;
  root: RootGroup;
  /** Kept versions per app, newest first. */
  readonly versions = new Map<string, AppVersion[]>();
  readonly instances = new Map<string, Instance>();
  /** Task id → instance id. */
  readonly taskIndex = new Map<string, string>();
  readonly deployments = new Map<string, DeploymentPlan>();
  readonly failures = new Map<string, TaskFailure>();
  readonly delays = new Map<string, LaunchDelay>();
  /** The launch queue, in the order apps were queued. */
  readonly queue = new Map<string, QueueItem>();
  /** When an instance became TASK_UNREACHABLE (ms); in memory only, a restored one counts from the restore. */
  readonly unreachableSince = new Map<string, number>();
  /** Agent attributes seen in offers, for constraints; trimmed to agents that host instances. */
  readonly agentAttributes = new Map<string, Record<string, string>>();
  subscribed = false;
  master: string | null = null;
  /** SUPPRESS sent and no REVIVE since. */
  suppressed = false;
  /** Launchable instances after the last input, to REVIVE when demand grows. */
  launchable = 0;
  nextReconcileAt: number | null = null;
  nextScaleCheckAt: number | null = null;

  constructor(
    readonly options: SchedulerOptions,
    stored: StoredState | undefined,
  ) {
    this.frameworkId = stored?.frameworkId ?? null;
    this.root = stored?.root ?? emptyRoot(timestamp(0));
    for (const app of [...(stored?.versions ?? []), ...Object.values(this.root.apps)]) this.addVersion(app);
    for (const i of stored?.instances ?? []) this.setInstance(i);
    const plans = [...(stored?.deployments ?? [])].sort((a, b) => a.version.localeCompare(b.version));
    for (const p of plans) this.deployments.set(p.id, p);
    for (const f of stored?.failures ?? []) this.failures.set(f.appId, f);
    for (const d of stored?.delays ?? []) this.delays.set(d.appId, d);
  }

  /** Keeps at most MARATHON_MAX_VERSIONS per app in memory; the store prunes its own copies the same way. */
  addVersion(app: AppVersion): void {
    const kept = (this.versions.get(app.id) ?? []).filter((v) => v.version !== app.version);
    kept.push(app);
    kept.sort((a, b) => b.version.localeCompare(a.version));
    this.versions.set(app.id, kept.slice(0, MARATHON_MAX_VERSIONS));
  }

  appAt(appId: string, version: Timestamp): AppVersion | undefined {
    return this.versions.get(appId)?.find((v) => v.version === version);
  }

  setInstance(instance: Instance): void {
    this.instances.set(instance.instanceId, instance);
    this.taskIndex.set(instance.taskId, instance.instanceId);
  }

  dropInstance(instance: Instance): void {
    this.instances.delete(instance.instanceId);
    this.taskIndex.delete(instance.taskId);
    this.unreachableSince.delete(instance.instanceId);
  }

  byTaskOrId(id: string): Instance | undefined {
    return this.instances.get(id) ?? this.instances.get(this.taskIndex.get(id) ?? '');
  }

  instancesOf(appId: string): Instance[] {
    return [...this.instances.values()].filter((i) => i.appId === appId);
  }

  queued(appId: string): number {
    return this.queue.get(appId)?.count ?? 0;
  }
}

/** A MarathonEvent before Out stamps it with the time of the input. */
export type EventBody = MarathonEvent extends infer E ? (E extends unknown ? Omit<E, 'timestamp'> : never) : never;

function writeKey(w: StoreWrite): string {
  switch (w.kind) {
    case 'framework-id':
      return 'framework-id';
    case 'root':
      return 'root';
    case 'app-version':
      return `app:${w.app.id}@${w.app.version}`;
    case 'delete-app':
      return `delete-app:${w.appId}`;
    case 'instance':
      return `instance:${w.instance.instanceId}`;
    case 'delete-instance':
      return `instance:${w.instanceId}`;
    case 'deployment':
      return `deployment:${w.plan.id}`;
    case 'delete-deployment':
      return `deployment:${w.id}`;
    case 'task-failure':
      return `failure:${w.failure.appId}`;
    case 'delay':
      return `delay:${w.delay.appId}`;
    case 'delete-delay':
      return `delay:${w.appId}`;
  }
}

/**
 * Collects what one input or command does. All writes come out as one persist effect first (a later
 * write of the same record replaces an earlier one), then the Mesos calls, then the events, then logs.
 * Calls made while no master is subscribed are dropped: retries and reconciliation cover them.
 */
export class Out {
  private readonly writes = new Map<string, StoreWrite>();
  private readonly calls: CallWithoutFramework[] = [];
  private readonly events: MarathonEvent[] = [];
  private readonly logs: Effect[] = [];
  /** Apps whose instance count must be checked before the input is done. */
  readonly touched = new Set<string>();

  constructor(
    readonly now: number,
    private readonly connected: () => boolean,
  ) {}

  get ts(): Timestamp {
    return timestamp(this.now);
  }

  persist(...writes: StoreWrite[]): void {
    for (const w of writes) {
      const key = writeKey(w);
      this.writes.delete(key);
      this.writes.set(key, w);
    }
  }

  call(call: CallWithoutFramework): void {
    if (this.connected()) this.calls.push(call);
  }

  event(body: EventBody): void {
    this.events.push({ ...body, timestamp: this.ts } as MarathonEvent);
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.logs.push({ type: 'log', level: 'info', msg, ...(fields === undefined ? {} : { fields }) });
  }

  warn(msg: string, fields?: Record<string, unknown>): void {
    this.logs.push({ type: 'log', level: 'warn', msg, ...(fields === undefined ? {} : { fields }) });
  }

  effects(): Effect[] {
    const persist: Effect[] = this.writes.size === 0 ? [] : [{ type: 'persist', writes: [...this.writes.values()] }];
    return [
      ...persist,
      ...this.calls.map((call): Effect => ({ type: 'call', call })),
      ...this.events.map((event): Effect => ({ type: 'event', event })),
      ...this.logs,
    ];
  }
}

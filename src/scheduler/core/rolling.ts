// What one deployment action needs right now (reference §6, §7): kills, launches, and whether it is
// done, derived afresh from the app's instances on every call, so a resumed deployment picks up where it was.
import type { AppDefinition } from './app-types.js';
import { killOrder, selectVictims } from './kill-selection.js';
import type { AppVersion, DeploymentActionName, Instance } from './model.js';

export interface ActionInput {
  action: DeploymentActionName;
  /** The app as the plan's target has it (undefined for StopApplication). */
  app: AppVersion | undefined;
  /** Every instance of the app with goal 'running' (any version, any state; terminal ones are already gone). */
  instances: readonly Instance[];
  /** Instances of this app already queued for launch and not yet placed. */
  queued: number;
  /** Instances named for killing by the plan (killInstances). */
  killInstances: readonly string[];
  /** From constraints (the caller computes them), used when scaling down. */
  constraintVictims: readonly string[];
}

export interface ActionDecision {
  /** Instance ids to kill now (not already being killed: instances in TASK_KILLING are skipped). */
  kill: string[];
  /** Instances of the target version to add to the launch queue now. */
  launch: number;
  /** The action has finished. */
  done: boolean;
}

export function decideAction(input: ActionInput): ActionDecision {
  const instances = input.instances.filter((i) => i.goal === 'running');
  switch (input.action) {
    case 'StartApplication':
      return { kill: [], launch: 0, done: true };
    case 'ScaleApplication':
      return decideScale(targetApp(input), { ...input, instances });
    case 'RestartApplication':
      return decideRestart(targetApp(input), { ...input, instances });
    case 'StopApplication':
      return { kill: ids(instances.filter((i) => !isDying(i))), launch: 0, done: instances.length === 0 };
    default: {
      const never: never = input.action;
      return never;
    }
  }
}

/** On its way out: a kill was sent, or Mesos already reports TASK_KILLING. Never healthy, never killed again. */
export function isDying(instance: Instance): boolean {
  return instance.state === 'TASK_KILLING' || instance.killSentAt !== undefined;
}

/** TASK_RUNNING and not being killed, and every health check of the app has a result and all are alive. */
function isHealthy(app: AppDefinition, instance: Instance): boolean {
  if (instance.state !== 'TASK_RUNNING' || isDying(instance)) return false;
  return app.healthChecks.every((_, index) => instance.health[index]?.alive === true);
}

/**
 * Ready for deployment purposes: never after a `ready === false` result; without a result only when the app has
 * no readiness check (an instance of an app with one counts once its check reported ready).
 */
function isReady(app: AppDefinition, instance: Instance): boolean {
  return instance.ready ?? app.readinessChecks.length === 0;
}

/** Counts toward a deployment's progress (reference §6): healthy and ready. */
export function isHealthyAndReady(app: AppDefinition, instance: Instance): boolean {
  return isHealthy(app, instance) && isReady(app, instance);
}

/** Whether the instance runs an older configuration than `app` (instance.version < app.versionInfo.lastConfigChangeAt). */
export function isOldVersion(app: AppVersion, instance: Instance): boolean {
  return instance.version < app.versionInfo.lastConfigChangeAt;
}

function targetApp(input: ActionInput): AppVersion {
  if (input.app === undefined) throw new Error(`${input.action} needs the target app`);
  return input.app;
}

function ids(instances: readonly Instance[]): string[] {
  return instances.map((i) => i.instanceId);
}

function countHealthy(app: AppDefinition, instances: readonly Instance[]): number {
  return instances.filter((i) => isHealthyAndReady(app, i)).length;
}

/**
 * ScaleApplication: kill the surplus (named instances first, then constraint victims, then by state) and
 * any other named instance; launch what is missing; done once exactly `instances` are healthy and ready.
 */
function decideScale(app: AppVersion, input: ActionInput): ActionDecision {
  const n = app.instances;
  const alive = input.instances.filter((i) => !isDying(i));
  const { killInstances, constraintVictims } = input;
  const surplus = selectVictims({
    app,
    instances: alive,
    count: alive.length - n,
    preferred: killInstances,
    constraintVictims,
  });
  const named = alive.filter((i) => killInstances.includes(i.instanceId) || killInstances.includes(i.taskId));
  const kill = [...new Set([...surplus, ...ids(named)])];
  const launch = Math.max(0, n - (alive.length - kill.length) - input.queued);
  const settled = input.instances.length === n && input.queued === 0 && countHealthy(app, input.instances) === n;
  return { kill, launch, done: kill.length === 0 && launch === 0 && settled };
}

/**
 * The bounds of a rolling restart (reference §6): minHealthy = ceil(n × minimumHealthCapacity); maxCapacity =
 * floor(n × (1 + maximumOverCapacity)), one more when minHealthy == maxCapacity ≤ `available` (old instances
 * still alive plus new ones healthy and ready: Marathon's running count), so 1.0/0.0 still progresses.
 */
function restartBounds(app: AppDefinition, available: number): { minHealthy: number; maxCapacity: number } {
  const n = app.instances;
  const { minimumHealthCapacity, maximumOverCapacity } = app.upgradeStrategy;
  const minHealthy = Math.ceil(n * minimumHealthCapacity);
  const maxCapacity = Math.floor(n * (1 + maximumOverCapacity));
  const stuck = minHealthy === maxCapacity && maxCapacity <= available;
  return { minHealthy, maxCapacity: stuck ? maxCapacity + 1 : maxCapacity };
}

/**
 * RestartApplication: old instances still alive plus new healthy ones never fall below minHealthy through a
 * kill; everything not yet terminal plus the queue never exceeds maxCapacity through a launch. An old
 * instance is killed for every new one that becomes healthy and ready; unhealthy old ones go first.
 */
function decideRestart(app: AppVersion, input: ActionInput): ActionDecision {
  const n = app.instances;
  const old = input.instances.filter((i) => isOldVersion(app, i));
  const fresh = input.instances.filter((i) => !isOldVersion(app, i));
  const oldAlive = old.filter((i) => !isDying(i));
  const freshAlive = fresh.filter((i) => !isDying(i));
  const freshHealthy = countHealthy(app, fresh);
  const { minHealthy, maxCapacity } = restartBounds(app, oldAlive.length + freshHealthy);
  const { killInstances: preferred, constraintVictims } = input;
  const oldKills = unhealthyFirst(app, killOrder({ app, instances: oldAlive, preferred, constraintVictims }));
  const kill = [
    ...ids(oldKills.slice(0, Math.max(0, oldAlive.length + freshHealthy - minHealthy))),
    ...selectVictims({
      app,
      instances: freshAlive,
      count: freshAlive.length - n,
      preferred: [],
      constraintVictims: [],
    }),
  ];
  const started = fresh.length + input.queued;
  const launch = Math.max(0, Math.min(n - started, maxCapacity - old.length - started));
  const done = old.length === 0 && fresh.length === n && freshHealthy === n && input.queued === 0;
  return { kill, launch, done };
}

/** Old instances are never probed for readiness, so only their health orders them. */
function unhealthyFirst(app: AppDefinition, ordered: readonly Instance[]): Instance[] {
  const healthy = ordered.filter((i) => isHealthy(app, i));
  return [...ordered.filter((i) => !healthy.includes(i)), ...healthy];
}

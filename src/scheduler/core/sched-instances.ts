// Instance bookkeeping shared by the scheduler's handlers: conditions, activity, storing and expunging
// instances, killing them, and the status/instance events Marathon emits for them.
import type { CallWithoutFramework } from '../../api/mesos.js';
import type { TaskState } from '../../master/core/v1.js';
import { APP_DEFAULTS, type UnreachableStrategy } from './app-types.js';
import type { PlacedInstance } from './constraints.js';
import type { AppVersion, Instance } from './model.js';
import type { CoreState, Out } from './sched-state.js';

/** instance_changed_event's condition for a Mesos state (reference §12). */
export function conditionOf(state: TaskState): string {
  switch (state) {
    case 'TASK_STAGING':
      return 'Staging';
    case 'TASK_STARTING':
      return 'Starting';
    case 'TASK_RUNNING':
      return 'Running';
    case 'TASK_KILLING':
      return 'Killing';
    case 'TASK_FINISHED':
      return 'Finished';
    case 'TASK_FAILED':
      return 'Failed';
    case 'TASK_KILLED':
      return 'Killed';
    case 'TASK_ERROR':
      return 'Error';
    case 'TASK_LOST':
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
      return 'Gone';
    case 'TASK_DROPPED':
      return 'Dropped';
    case 'TASK_UNREACHABLE':
      return 'Unreachable';
    case 'TASK_UNKNOWN':
      return 'Unknown';
  }
}

/** The app version an instance runs, falling back to the current one when that version was pruned. */
export function appOfInstance(s: CoreState, instance: Instance): AppVersion | undefined {
  return s.appAt(instance.appId, instance.version) ?? s.root.apps[instance.appId];
}

/** An unreachable instance stops counting once its app's unreachableStrategy says it is inactive. */
export function isInactive(s: CoreState, instance: Instance, now: number): boolean {
  return unreachableLongerThan(s, instance, { now, timeout: 'inactiveAfterSeconds' });
}

/** An unreachable instance is expunged once its app's unreachableStrategy says so. */
export function isExpungeDue(s: CoreState, instance: Instance, now: number): boolean {
  return unreachableLongerThan(s, instance, { now, timeout: 'expungeAfterSeconds' });
}

/** The instance is TASK_UNREACHABLE since at least the strategy's `timeout`; an app that is gone has the default. */
function unreachableLongerThan(
  s: CoreState,
  instance: Instance,
  o: { now: number; timeout: keyof Exclude<UnreachableStrategy, 'disabled'> },
): boolean {
  if (instance.state !== 'TASK_UNREACHABLE') return false;
  const strategy = appOfInstance(s, instance)?.unreachableStrategy ?? APP_DEFAULTS.unreachableStrategy;
  if (strategy === 'disabled') return false;
  const since = s.unreachableSince.get(instance.instanceId) ?? o.now;
  return o.now - since >= strategy[o.timeout] * 1000;
}

/** Instances with goal running that still count toward the app's instances (dying ones too, until terminal). */
export function activeInstances(s: CoreState, appId: string, now: number): Instance[] {
  return s.instancesOf(appId).filter((i) => i.goal === 'running' && !isInactive(s, i, now));
}

export function placedOf(s: CoreState, instances: readonly Instance[]): PlacedInstance[] {
  return instances.map((i) => ({
    instanceId: i.instanceId,
    agentId: i.agentId,
    hostname: i.host,
    attributes: s.agentAttributes.get(i.agentId) ?? {},
  }));
}

export function storeInstance(s: CoreState, out: Out, instance: Instance): void {
  s.setInstance(instance);
  out.persist({ kind: 'instance', instance });
}

export function expungeInstance(s: CoreState, out: Out, instance: Instance): void {
  s.dropInstance(instance);
  out.persist({ kind: 'delete-instance', instanceId: instance.instanceId });
  out.touched.add(instance.appId);
}

export function killCall(instance: Instance): CallWithoutFramework {
  return { type: 'KILL', kill: { task_id: { value: instance.taskId }, agent_id: { value: instance.agentId } } };
}

/**
 * Sends KILL once and marks the instance dying (killSentAt); it keeps counting toward capacity until its
 * terminal update expunges it, and the tick resends the KILL after the kill-retry timeout.
 */
export function killInstance(s: CoreState, out: Out, instance: Instance, reason: string): void {
  if (instance.killSentAt !== undefined) return;
  storeInstance(s, out, { ...instance, killSentAt: out.now });
  out.call(killCall(instance));
  out.touched.add(instance.appId);
  out.info(`Killing task ${instance.taskId} of app ${instance.appId}: ${reason}`, { instanceId: instance.instanceId });
}

/** Sends KILL again for instances whose kill was not answered in time. */
export function retryKills(s: CoreState, out: Out): void {
  for (const instance of s.instances.values()) {
    if (instance.killSentAt === undefined || out.now - instance.killSentAt < s.options.timing.killRetryMs) continue;
    storeInstance(s, out, { ...instance, killSentAt: out.now });
    out.call(killCall(instance));
    out.warn(`Task ${instance.taskId} of app ${instance.appId} is still alive; sending KILL again`);
  }
}

/** status_update_event and instance_changed_event for an instance's current state. */
export function emitInstanceEvents(out: Out, instance: Instance, opts: { changed: boolean }): void {
  out.event({
    eventType: 'status_update_event',
    slaveId: instance.agentId,
    taskId: instance.taskId,
    taskStatus: instance.state,
    message: instance.message ?? '',
    appId: instance.appId,
    host: instance.host,
    ipAddresses: instance.ipAddresses,
    ports: instance.hostPorts,
    version: instance.version,
  });
  if (!opts.changed) return;
  out.event({
    eventType: 'instance_changed_event',
    instanceId: instance.instanceId,
    condition: conditionOf(instance.state),
    runSpecId: instance.appId,
    agentId: instance.agentId,
    host: instance.host,
    runSpecVersion: instance.version,
  });
}

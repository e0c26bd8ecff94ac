// What Mesos and the probes tell the scheduler about instances: status updates (acknowledged after the
// change is persisted; unknown live tasks killed), Mesos- and Marathon-level health, readiness.
import { isTerminalState, type TaskState, type TaskStatus } from '../../master/core/v1.js';
import type { HealthCheck } from './app-types.js';
import { delayAfterFailure } from './backoff.js';
import { instanceHealth, isMarathonLevel, recordHealth } from './health.js';
import type { SchedulerInput } from './messages.js';
import type { HealthResult, Instance } from './model.js';
import { isOldVersion } from './rolling.js';
import { lockedApps } from './sched-deployments.js';
import { appOfInstance, emitInstanceEvents, expungeInstance, killInstance, storeInstance } from './sched-instances.js';
import type { CoreState, Out } from './sched-state.js';

type HealthInput = Extract<SchedulerInput, { type: 'health' }>;
type ReadinessInput = Extract<SchedulerInput, { type: 'readiness' }>;

/** Terminal states that become the app's lastTaskFailure. */
const FAILURE_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FAILED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

export function handleUpdate(s: CoreState, out: Out, status: TaskStatus): void {
  const instance = s.instances.get(s.taskIndex.get(status.task_id.value) ?? '');
  if (instance === undefined) unknownTask(out, status);
  else if (isTerminalState(status.state)) terminal(s, out, instance, status);
  else progressed(s, out, instance, status);
  if (status.uuid !== undefined && status.agent_id !== undefined) {
    out.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
    });
  }
}

/** Reference §8.3: a live task the scheduler does not know is killed. */
function unknownTask(out: Out, status: TaskStatus): void {
  if (isTerminalState(status.state) || status.state === 'TASK_UNKNOWN') return;
  const agent = status.agent_id === undefined ? {} : { agent_id: status.agent_id };
  out.call({ type: 'KILL', kill: { task_id: status.task_id, ...agent } });
  out.warn(`Killing unknown task ${status.task_id.value} (${status.state})`);
}

function withStatus(out: Out, instance: Instance, status: TaskStatus): Instance {
  const running = status.state === 'TASK_RUNNING' && instance.startedAt === undefined;
  const ips = ipAddressesOf(status);
  return {
    ...instance,
    state: status.state,
    agentId: status.agent_id?.value ?? instance.agentId,
    ...(status.message === undefined ? {} : { message: status.message }),
    ...(running ? { startedAt: out.ts } : {}),
    ...(ips.length === 0 ? {} : { ipAddresses: ips }),
  };
}

function progressed(s: CoreState, out: Out, instance: Instance, status: TaskStatus): void {
  let next = withStatus(out, instance, status);
  const changed = next.state !== instance.state;
  if (changed) trackUnreachable(s, out, next);
  if (changed || next.agentId !== instance.agentId) storeInstance(s, out, next);
  else s.setInstance(next);
  if (status.healthy !== undefined)
    next = mesosHealth(s, out, next, { healthy: status.healthy, cause: status.message ?? null });
  emitInstanceEvents(out, next, { changed });
}

function trackUnreachable(s: CoreState, out: Out, instance: Instance): void {
  if (instance.state === 'TASK_UNREACHABLE') s.unreachableSince.set(instance.instanceId, out.now);
  else s.unreachableSince.delete(instance.instanceId);
  out.touched.add(instance.appId);
}

function terminal(s: CoreState, out: Out, instance: Instance, status: TaskStatus): void {
  const last = withStatus(out, instance, status);
  expungeInstance(s, out, last);
  emitInstanceEvents(out, last, { changed: true });
  if (FAILURE_STATES.has(last.state)) recordFailure(out, s, last);
  if (last.state !== 'TASK_KILLED' && instance.killSentAt === undefined) backoff(s, out, last);
  const level = last.state === 'TASK_FINISHED' || last.state === 'TASK_KILLED' ? 'info' : 'warn';
  out[level](
    `Task ${last.taskId} of app ${last.appId} is ${last.state}${last.message === undefined ? '' : `: ${last.message}`}`,
  );
}

function recordFailure(out: Out, s: CoreState, instance: Instance): void {
  const failure = {
    appId: instance.appId,
    host: instance.host,
    message: instance.message ?? '',
    state: instance.state,
    taskId: instance.taskId,
    timestamp: out.ts,
    version: instance.version,
    slaveId: instance.agentId,
  };
  s.failures.set(instance.appId, failure);
  out.persist({ kind: 'task-failure', failure });
}

/** A failure of an instance of the current config grows the app's launch delay (reference §8.2). */
function backoff(s: CoreState, out: Out, instance: Instance): void {
  const app = s.root.apps[instance.appId];
  if (app === undefined || isOldVersion(app, instance)) return;
  const delay = delayAfterFailure({ app, previous: s.delays.get(app.id), now: out.now });
  s.delays.set(app.id, delay);
  out.persist({ kind: 'delay', delay });
  out.info(`Delaying launches of app ${app.id} for ${Math.round(delay.delayMs)} ms after a failed task`);
}

function ipAddressesOf(status: TaskStatus): Instance['ipAddresses'] {
  const infos = status.container_status?.['network_infos'];
  if (!Array.isArray(infos)) return [];
  return infos.flatMap((info: { ip_addresses?: { ip_address?: string; protocol?: string }[] }) =>
    (info.ip_addresses ?? []).flatMap((a) =>
      a.ip_address === undefined
        ? []
        : [{ ipAddress: a.ip_address, protocol: a.protocol === 'IPv6' ? ('IPv6' as const) : ('IPv4' as const) }],
    ),
  );
}

/** Stores one check's new result; health events when its `alive` or the instance's health changed. */
function applyHealth(
  s: CoreState,
  out: Out,
  instance: Instance,
  o: { index: number; result: HealthResult | null },
): Instance {
  const previous = instance.health[o.index] ?? null;
  if (o.result === previous) return instance;
  const health = [...instance.health];
  while (health.length < o.index) health.push(null);
  health[o.index] = o.result;
  const next = { ...instance, health };
  const flipped = o.result !== null && previous?.alive !== o.result.alive;
  if (flipped) storeInstance(s, out, next);
  else s.setInstance(next);
  if (flipped && o.result !== null) {
    out.event({
      eventType: 'health_status_changed_event',
      appId: next.appId,
      instanceId: next.instanceId,
      version: next.version,
      alive: o.result.alive,
    });
  }
  const healthy = instanceHealth(next);
  if (healthy !== instanceHealth(instance)) {
    out.event({
      eventType: 'instance_health_changed_event',
      instanceId: next.instanceId,
      runSpecId: next.appId,
      runSpecVersion: next.version,
      healthy,
    });
  }
  return next;
}

/** A status's `healthy` is the result of the app's Mesos-level check (COMMAND / MESOS_*); Mesos kills on its own. */
function mesosHealth(
  s: CoreState,
  out: Out,
  instance: Instance,
  o: { healthy: boolean; cause: string | null },
): Instance {
  const checks = appOfInstance(s, instance)?.healthChecks ?? [];
  const index = checks.findIndex((c) => !isMarathonLevel(c.protocol));
  const check = checks[index];
  if (check === undefined) return instance;
  const previous = instance.health[index] ?? null;
  const { result } = recordHealth({
    check: { ...check, gracePeriodSeconds: 0 },
    previous,
    alive: o.healthy,
    cause: o.cause,
    now: out.now,
    startedAt: out.now,
  });
  return applyHealth(s, out, instance, { index, result });
}

/** A Marathon-level probe result; kills the instance after maxConsecutiveFailures. */
export function handleHealth(s: CoreState, out: Out, input: HealthInput): void {
  const instance = s.byTaskOrId(input.taskId);
  const check = instance === undefined ? undefined : appOfInstance(s, instance)?.healthChecks[input.checkIndex];
  if (instance === undefined || check === undefined) return;
  const previous = instance.health[input.checkIndex] ?? null;
  const startedAt = Date.parse(instance.startedAt ?? instance.stagedAt);
  const { result, kill } = recordHealth({
    check,
    previous,
    alive: input.alive,
    cause: input.cause,
    now: out.now,
    startedAt,
  });
  const next = applyHealth(s, out, instance, { index: input.checkIndex, result });
  if (!input.alive && result !== previous) {
    out.event({
      eventType: 'failed_health_check_event',
      appId: next.appId,
      taskId: next.instanceId,
      healthCheck: { ...check },
    });
  }
  if (kill && next.killSentAt === undefined) healthKill(s, out, next, check);
}

function healthKill(s: CoreState, out: Out, instance: Instance, check: HealthCheck): void {
  const reason = `${check.protocol} health check failed ${check.maxConsecutiveFailures} times in a row`;
  killInstance(s, out, instance, reason);
  out.event({
    eventType: 'unhealthy_instance_kill_event',
    appId: instance.appId,
    taskId: instance.taskId,
    instanceId: instance.instanceId,
    version: instance.version,
    reason,
    host: instance.host,
    slaveId: instance.agentId,
  });
  out.warn(`Killing unhealthy instance ${instance.instanceId} of app ${instance.appId} on ${instance.host}: ${reason}`);
  backoff(s, out, instance);
}

/** A readiness probe result, kept only while a deployment of the instance's app runs (a late one is dropped). */
export function handleReadiness(s: CoreState, out: Out, input: ReadinessInput): void {
  const instance = s.byTaskOrId(input.taskId);
  if (instance === undefined || instance.ready === input.ready || !lockedApps(s).has(instance.appId)) return;
  storeInstance(s, out, { ...instance, ready: input.ready });
}

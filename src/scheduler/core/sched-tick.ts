// The scheduler's clock work and its link to the master: subscription (framework id, reconciliation),
// disconnection, and per tick expired backoff, kill retries, launch timeouts, expunges of unreachable
// instances and periodic reconciliation.
import { delayExpired } from './backoff.js';
import { timestamp } from './model.js';
import { expungeInstance, isExpungeDue, killInstance, retryKills } from './sched-instances.js';
import type { CoreState, Out } from './sched-state.js';

export function subscribed(s: CoreState, out: Out, o: { frameworkId: string; master: string }): void {
  const known = s.frameworkId === o.frameworkId;
  if (!known) {
    s.frameworkId = o.frameworkId;
    out.persist({ kind: 'framework-id', frameworkId: o.frameworkId });
  }
  Object.assign(s, { subscribed: true, master: o.master, suppressed: false, launchable: 0 });
  s.nextReconcileAt = out.now + s.options.timing.reconciliationInitialDelayMs;
  const eventType = known ? 'scheduler_reregistered_event' : 'scheduler_registered_event';
  out.event({ eventType, frameworkId: o.frameworkId, master: o.master });
  out.info(
    `${known ? 'Re-registered' : 'Registered'} as framework ${o.frameworkId} with the Mesos master at ${o.master}`,
  );
  reconcile(s, out);
}

export function disconnected(s: CoreState, out: Out, message: string): void {
  Object.assign(s, { subscribed: false, master: null });
  out.event({ eventType: 'scheduler_disconnected_event', message });
  out.warn(`Disconnected from the Mesos master: ${message}`);
}

/** Explicit reconciliation of every known instance, then an implicit one for tasks this scheduler does not know. */
function reconcile(s: CoreState, out: Out): void {
  const tasks = [...s.instances.values()].map((i) => ({
    task_id: { value: i.taskId },
    agent_id: { value: i.agentId },
  }));
  if (tasks.length > 0) out.call({ type: 'RECONCILE', reconcile: { tasks } });
  out.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
  out.info(`Reconciling ${tasks.length} known task(s) and asking for unknown ones`);
}

/** Periodic work of one tick; true when the scale check of every app is due. */
export function tick(s: CoreState, out: Out): { all: boolean } {
  expireDelays(s, out);
  retryKills(s, out);
  launchTimeouts(s, out);
  trimAgentAttributes(s);
  if (s.subscribed && s.nextReconcileAt !== null && out.now >= s.nextReconcileAt) {
    s.nextReconcileAt = out.now + s.options.timing.reconciliationIntervalMs;
    reconcile(s, out);
  }
  unreachable(s, out);
  const all = s.nextScaleCheckAt === null || out.now >= s.nextScaleCheckAt;
  if (all) s.nextScaleCheckAt = out.now + s.options.timing.scaleCheckIntervalMs;
  return { all };
}

/**
 * Unreachable instances: their apps' scale is checked (they turn inactive with time), and once
 * expungeAfterSeconds have passed since they became unreachable they are expunged, so a task that comes
 * back afterwards is unknown and killed. One restored unreachable counts from the first tick.
 */
function unreachable(s: CoreState, out: Out): void {
  for (const i of [...s.instances.values()]) {
    if (i.state !== 'TASK_UNREACHABLE') continue;
    out.touched.add(i.appId);
    const since = s.unreachableSince.get(i.instanceId) ?? out.now;
    s.unreachableSince.set(i.instanceId, since);
    if (!isExpungeDue(s, i, out.now)) continue;
    expungeInstance(s, out, i);
    out.warn(
      `Expunging instance ${i.instanceId} of app ${i.appId}: unreachable on ${i.host} since ${timestamp(since)}`,
    );
  }
}

/** Backoff forgotten after delay + maxLaunchDelay without failures, or for a config or app that is gone. */
function expireDelays(s: CoreState, out: Out): void {
  for (const delay of [...s.delays.values()]) {
    const app = s.root.apps[delay.appId];
    if (app !== undefined && !delayExpired({ app, delay, now: out.now })) continue;
    s.delays.delete(delay.appId);
    out.persist({ kind: 'delete-delay', appId: delay.appId });
  }
}

/** Marathon --task_launch_timeout: a task still staging or starting after it is killed. */
function launchTimeouts(s: CoreState, out: Out): void {
  const limit = s.options.timing.taskLaunchTimeoutMs;
  for (const i of [...s.instances.values()]) {
    const waiting = i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING';
    if (waiting && out.now - Date.parse(i.stagedAt) > limit)
      killInstance(s, out, i, `not running ${limit} ms after launch`);
  }
}

function trimAgentAttributes(s: CoreState): void {
  const hosting = new Set([...s.instances.values()].map((i) => i.agentId));
  for (const agentId of [...s.agentAttributes.keys()]) if (!hosting.has(agentId)) s.agentAttributes.delete(agentId);
}

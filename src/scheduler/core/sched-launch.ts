// The launch queue and offers: queued instances are placed on offers (several per offer), persisted as
// TASK_STAGING before the ACCEPT that launches them; unused offers are declined; REVIVE/SUPPRESS follow demand.
import { MAX_INSTANCES_PER_OFFER } from '../../common/limits.js';
import type { Offer, TaskInfo } from '../../master/core/v1.js';
import { launchWaitMs } from './backoff.js';
import { agentAttributes } from './constraints.js';
import { safeId, type AppVersion, type DeclineReason, type Instance, type QueueEntry } from './model.js';
import { placeInstance } from './placement.js';
import { activeInstances, emitInstanceEvents, placedOf, storeInstance } from './sched-instances.js';
import type { CoreState, Out, QueueItem } from './sched-state.js';
import { servicePortsOf } from './service-ports.js';

/** Sets how many instances of an app wait in the launch queue (0 removes it from the queue). */
export function setQueued(s: CoreState, out: Out, appId: string, count: number): void {
  const item = s.queue.get(appId);
  if (count <= 0) {
    s.queue.delete(appId);
    return;
  }
  if (item === undefined) s.queue.set(appId, { appId, count, since: out.ts, offersProcessed: 0, declines: {} });
  else item.count = count;
}

export function addToQueue(s: CoreState, out: Out, appId: string, count: number): void {
  if (count > 0) setQueued(s, out, appId, s.queued(appId) + count);
}

/** Queue items whose app exists and whose launch backoff has passed, in the order they were queued. */
function launchableItems(s: CoreState, now: number): { item: QueueItem; app: AppVersion }[] {
  return [...s.queue.values()].flatMap((item) => {
    const app = s.root.apps[item.appId];
    if (app === undefined || item.count <= 0 || launchWaitMs(s.delays.get(item.appId), now) > 0) return [];
    return [{ item, app }];
  });
}

export function handleOffers(s: CoreState, out: Out, offers: readonly Offer[]): void {
  for (const offer of offers) {
    s.agentAttributes.set(offer.agent_id.value, agentAttributes(offer));
    const taskInfos = useOffer(s, out, offer);
    const filters = { refuse_seconds: s.options.timing.declineRefuseSeconds };
    if (taskInfos.length === 0) out.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters } });
    // While instances still wait, the unused rest of the offer comes back at once.
    const rest = s.queue.size > 0 ? { refuse_seconds: 0 } : filters;
    if (taskInfos.length > 0)
      out.call({
        type: 'ACCEPT',
        accept: {
          offer_ids: [offer.id],
          operations: [{ type: 'LAUNCH', launch: { task_infos: taskInfos } }],
          filters: rest,
        },
      });
  }
}

/** Places as many queued instances on one offer as fit, up to MAX_INSTANCES_PER_OFFER; returns their TaskInfos. */
function useOffer(s: CoreState, out: Out, offer: Offer): TaskInfo[] {
  const taskInfos: TaskInfo[] = [];
  let remaining = offer;
  for (const { item, app } of launchableItems(s, out.now)) {
    item.offersProcessed += 1;
    const placed = placedOf(s, activeInstances(s, app.id, out.now));
    let launchedHere = 0;
    while (item.count > 0 && taskInfos.length < MAX_INSTANCES_PER_OFFER) {
      const instanceId = `${safeId(app.id)}.instance-${s.options.newId()}`;
      const result = placeInstance({ app, instanceId, taskId: `${instanceId}._app.1`, offer: remaining, placed });
      if (!result.ok) {
        if (launchedHere === 0) recordDecline(item, result.reason);
        break;
      }
      const instance = launched(out, {
        app,
        offer,
        instanceId,
        taskId: result.taskInfo.task_id.value,
        hostPorts: result.hostPorts,
      });
      storeInstance(s, out, instance);
      emitInstanceEvents(out, instance, { changed: true });
      placed.push(...placedOf(s, [instance]));
      taskInfos.push(result.taskInfo);
      remaining = result.remaining;
      item.count -= 1;
      launchedHere += 1;
    }
    if (item.count <= 0) s.queue.delete(item.appId);
    if (launchedHere > 0)
      out.info(
        `Launching ${launchedHere} instance(s) of app ${app.id} on agent ${offer.agent_id.value} (${offer.hostname})`,
      );
  }
  return taskInfos;
}

function recordDecline(item: QueueItem, reason: DeclineReason): void {
  item.declines[reason] = (item.declines[reason] ?? 0) + 1;
  item.lastDeclineReason = reason;
}

function launched(
  out: Out,
  o: { app: AppVersion; offer: Offer; instanceId: string; taskId: string; hostPorts: number[] },
): Instance {
  return {
    instanceId: o.instanceId,
    taskId: o.taskId,
    appId: o.app.id,
    version: o.app.version,
    agentId: o.offer.agent_id.value,
    host: o.offer.hostname,
    hostPorts: o.hostPorts,
    servicePorts: servicePortsOf(o.app),
    state: 'TASK_STAGING',
    stagedAt: out.ts,
    goal: 'running',
    health: [],
    ipAddresses: [],
  };
}

/** REVIVE when launchable demand grew since the last input; SUPPRESS when none is left. */
export function reviveOrSuppress(s: CoreState, out: Out): void {
  const launchable = launchableItems(s, out.now).reduce((n, { item }) => n + item.count, 0);
  if (s.subscribed && launchable > s.launchable) {
    out.call({ type: 'REVIVE', revive: { roles: [s.options.role] } });
    s.suppressed = false;
  } else if (s.subscribed && launchable === 0 && !s.suppressed) {
    out.call({ type: 'SUPPRESS', suppress: { roles: [s.options.role] } });
    s.suppressed = true;
  }
  s.launchable = launchable;
}

/** The launch queue as /v2/queue shows it. */
export function queueView(s: CoreState): QueueEntry[] {
  return [...s.queue.values()].map((item) => ({
    appId: item.appId,
    count: item.count,
    since: item.since,
    delayUntil: s.delays.get(item.appId)?.until ?? 0,
    offersProcessed: item.offersProcessed,
    declines: { ...item.declines },
    ...(item.lastDeclineReason === undefined ? {} : { lastDeclineReason: item.lastDeclineReason }),
  }));
}

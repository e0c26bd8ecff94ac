// The launch queue and offers: queued instances are spread over a batch of offers (several per offer),
// persisted as TASK_STAGING before the ACCEPT that launches them; unused offers are declined (each app
// keeps the last one per agent with why); REVIVE/SUPPRESS follow demand.
import { MAX_INSTANCES_PER_OFFER, MAX_UNUSED_OFFERS_PER_APP } from '../../common/limits.js';
import type { Offer, Resource, TaskInfo } from '../../master/core/v1.js';
import { launchWaitMs } from './backoff.js';
import { agentAttributes } from './constraints.js';
import { safeId } from '../../common/marathon-ids.js';
import type { AppVersion, DeclineReason, Instance, QueueEntry, UnusedOffer } from './model.js';
import { placeInstance, type PlaceRequest, type PlaceResult } from './placement.js';
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
  if (item === undefined)
    s.queue.set(appId, { appId, count, since: out.ts, offersProcessed: 0, declines: {}, unusedOffers: new Map() });
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

type Placed = Extract<PlaceResult, { ok: true }>;

/** One offer of a batch: what is left of it, and the tasks placed on it so far. */
interface OfferUse {
  offer: Offer;
  remaining: Offer;
  taskInfos: TaskInfo[];
}

/** Places what waits on a batch of offers, then accepts each offer that got tasks and declines the others. */
export function handleOffers(s: CoreState, out: Out, offers: readonly Offer[]): void {
  for (const offer of offers) s.agentAttributes.set(offer.agent_id.value, agentAttributes(offer));
  const uses: OfferUse[] = offers.map((offer) => ({ offer, remaining: offer, taskInfos: [] }));
  for (const { item, app } of launchableItems(s, out.now)) placeItem(s, out, { item, app, uses });
  const filters = { refuse_seconds: s.options.timing.declineRefuseSeconds };
  // While instances still wait, the unused rest of an accepted offer comes back at once.
  const rest = s.queue.size > 0 ? { refuse_seconds: 0 } : filters;
  for (const { offer, taskInfos } of uses) {
    if (taskInfos.length === 0) out.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters } });
    else
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

/** The offers by the cpus left in them, most first (ties keep the master's order): instances spread over agents. */
function mostCpusFirst(uses: readonly OfferUse[]): OfferUse[] {
  const cpus = (use: OfferUse): number => use.remaining.resources.reduce((n, r) => n + cpusOf(r), 0);
  return [...uses].sort((a, b) => cpus(b) - cpus(a));
}

function cpusOf(r: Resource): number {
  return r.name === 'cpus' ? (r.scalar?.value ?? 0) : 0;
}

/**
 * Places the item's instances one at a time, each on the offer with the most cpus left that fits, up to
 * MAX_INSTANCES_PER_OFFER per offer; an offer that got none of them counts as declined for the reason it did not fit.
 */
function placeItem(s: CoreState, out: Out, o: { item: QueueItem; app: AppVersion; uses: OfferUse[] }): void {
  const { item, app, uses } = o;
  item.offersProcessed += uses.length;
  const placed = placedOf(s, activeInstances(s, app.id, out.now));
  const unfit = new Map<OfferUse, UnusedOffer>();
  const launchedOn = new Map<OfferUse, number>();
  while (item.count > 0) {
    const instanceId = `${safeId(app.id)}.instance-${s.options.newId()}`;
    const request = { app, instanceId, taskId: `${instanceId}._app.1`, placed };
    const fit = firstFit(uses, request, (use, reason) => unfit.set(use, { offer: use.remaining, at: out.ts, reason }));
    if (fit === undefined) break;
    const instance = launched(out, { ...request, offer: fit.use.offer, hostPorts: fit.placed.hostPorts });
    storeInstance(s, out, instance);
    emitInstanceEvents(out, instance, { changed: true });
    placed.push(...placedOf(s, [instance]));
    fit.use.taskInfos.push(fit.placed.taskInfo);
    fit.use.remaining = fit.placed.remaining;
    item.count -= 1;
    launchedOn.set(fit.use, (launchedOn.get(fit.use) ?? 0) + 1);
  }
  for (const [use, unused] of unfit) if (!launchedOn.has(use)) recordDecline(item, unused);
  if (item.count <= 0) s.queue.delete(item.appId);
  for (const [{ offer }, n] of launchedOn)
    out.info(`Launching ${n} instance(s) of app ${app.id} on agent ${offer.agent_id.value} (${offer.hostname})`);
}

/** The first offer with room (most cpus left first) the instance fits on; `unfit` hears why each one before did not. */
function firstFit(
  uses: readonly OfferUse[],
  request: Omit<PlaceRequest, 'offer'>,
  unfit: (use: OfferUse, reason: DeclineReason) => void,
): { use: OfferUse; placed: Placed } | undefined {
  for (const use of mostCpusFirst(uses)) {
    if (use.taskInfos.length >= MAX_INSTANCES_PER_OFFER) continue;
    const placed = placeInstance({ ...request, offer: use.remaining });
    if (placed.ok) return { use, placed };
    unfit(use, placed.reason);
  }
  return undefined;
}

/** Counts the decline and keeps the offer as the agent's last unused one (at most MAX_UNUSED_OFFERS_PER_APP). */
function recordDecline(item: QueueItem, unused: UnusedOffer): void {
  item.declines[unused.reason] = (item.declines[unused.reason] ?? 0) + 1;
  item.lastDeclineReason = unused.reason;
  const agentId = unused.offer.agent_id.value;
  item.unusedOffers.delete(agentId);
  item.unusedOffers.set(agentId, unused);
  for (const oldest of item.unusedOffers.keys()) {
    if (item.unusedOffers.size <= MAX_UNUSED_OFFERS_PER_APP) break;
    item.unusedOffers.delete(oldest);
  }
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
    lastUnusedOffers: [...item.unusedOffers.values()],
  }));
}

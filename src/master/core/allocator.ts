// The allocator: DRF across frameworks (dominant share of cpus/mem/disk over the cluster total), one
// offer per agent holding all its free resources (least loaded agents first), decline filters,
// suppress/revive, offer removal.
import { MAX_FILTERS_PER_FRAMEWORK, MAX_OUTSTANDING_OFFERS_PER_FRAMEWORK } from '../../common/limits.js';
import {
  addResources,
  containsResources,
  isEmptyResources,
  resourcesToV1,
  scalarOf,
  SHARE_RESOURCES,
  type Resources,
} from './resources.js';
import {
  agentFree,
  agentUsed,
  clusterTotal,
  frameworkOffered,
  frameworkRoles,
  frameworkUsed,
  pushBounded,
  sendEvent,
  type AgentRecord,
  type Ctx,
  type FrameworkRecord,
  type MasterState,
  type OfferRecord,
} from './state.js';
import type { Filters, Offer } from './v1.js';

/** `Filters.refuse_seconds` when absent, negative or invalid. */
export const DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
/** Mesos --min_allocatable_resources default `cpus:0.01|mem:32`: either suffices. */
const MIN_ALLOCATABLE_CPUS = 0.01;
const MIN_ALLOCATABLE_MEM = 32;

export function refuseMs(filters: Filters | undefined): number {
  const v = filters?.refuse_seconds;
  const seconds =
    v === undefined || !Number.isFinite(v) || v < 0 ? DEFAULT_REFUSE_SECONDS : Math.min(v, MAX_REFUSE_SECONDS);
  return seconds * 1000;
}

/** The largest fraction of any of cpus/mem/disk that `allocated` holds of `total`. */
export function dominantShare(allocated: Resources, total: Resources): number {
  const shares = SHARE_RESOURCES.map((name) => {
    const t = scalarOf(total, name);
    return t > 0 ? scalarOf(allocated, name) / t : 0;
  });
  return Math.max(0, ...shares);
}

/** Refuses `refused` on the offer's agent for the framework's role; lives at least one allocation interval. */
export function installFilter(
  ctx: Ctx,
  fw: FrameworkRecord,
  offer: OfferRecord,
  refused: Resources,
  filters: Filters | undefined,
): void {
  const ms = refuseMs(filters);
  if (ms === 0 || isEmptyResources(refused)) return;
  const expiresAt = ctx.now + Math.max(ms, ctx.options.allocation.intervalMs);
  pushBounded(fw.filters, { role: offer.role, agentId: offer.agentId, refused, expiresAt }, MAX_FILTERS_PER_FRAMEWORK);
}

function rolesOrAll(fw: FrameworkRecord, roles: readonly string[]): readonly string[] {
  return roles.length === 0 ? frameworkRoles(fw.info) : roles;
}

/** REVIVE: un-suppresses the roles (all if none given) and clears their filters. */
export function revive(ctx: Ctx, fw: FrameworkRecord, roles: readonly string[]): void {
  const chosen = rolesOrAll(fw, roles);
  for (const role of chosen) fw.suppressedRoles.delete(role);
  fw.filters = fw.filters.filter((f) => !chosen.includes(f.role));
  ctx.s.allocationPending = true;
}

/** SUPPRESS: no more offers for the roles (all if none given) until REVIVE. */
export function suppress(fw: FrameworkRecord, roles: readonly string[]): void {
  for (const role of rolesOrAll(fw, roles)) fw.suppressedRoles.add(role);
}

export function removeOffer(ctx: Ctx, offer: OfferRecord, options: { rescind: boolean }): void {
  ctx.s.offers.delete(offer.id);
  ctx.s.allocationPending = true;
  const fw = ctx.s.frameworks.get(offer.frameworkId);
  if (options.rescind && fw !== undefined)
    sendEvent(ctx, fw, { type: 'RESCIND', rescind: { offer_id: { value: offer.id } } });
}

export function removeOffers(ctx: Ctx, which: (offer: OfferRecord) => boolean, options: { rescind: boolean }): void {
  for (const offer of [...ctx.s.offers.values()].filter(which)) removeOffer(ctx, offer, options);
}

function allocatable(free: Resources): boolean {
  return scalarOf(free, 'cpus') >= MIN_ALLOCATABLE_CPUS || scalarOf(free, 'mem') >= MIN_ALLOCATABLE_MEM;
}

function offerRole(fw: FrameworkRecord): string | undefined {
  return frameworkRoles(fw.info).find((role) => !fw.suppressedRoles.has(role));
}

function isFiltered(fw: FrameworkRecord, role: string, agentId: string, free: Resources, now: number): boolean {
  return fw.filters.some(
    (f) => f.expiresAt > now && f.role === role && f.agentId === agentId && containsResources(f.refused, free),
  );
}

/** Drops expired filters; what they held back is offered at once rather than at the next interval. */
export function expireFilters(ctx: Ctx): void {
  for (const fw of ctx.s.frameworks.values()) {
    const kept = fw.filters.filter((f) => f.expiresAt > ctx.now);
    if (kept.length < fw.filters.length) ctx.s.allocationPending = true;
    fw.filters = kept;
  }
}

interface Candidate {
  fw: FrameworkRecord;
  allocated: Resources;
  offers: number;
}

function candidates(ctx: Ctx): Candidate[] {
  const offersOf = (id: string): number => [...ctx.s.offers.values()].filter((o) => o.frameworkId === id).length;
  return [...ctx.s.frameworks.values()]
    .filter((fw) => fw.streamId !== null)
    .map((fw) => ({
      fw,
      allocated: addResources(frameworkUsed(fw), frameworkOffered(ctx.s, fw.id)),
      offers: offersOf(fw.id),
    }));
}

/** The eligible framework with the smallest dominant share (ties: lowest id). */
function pick(
  agentId: string,
  free: Resources,
  all: Candidate[],
  total: Resources,
  now: number,
): Candidate | undefined {
  const eligible = all.filter((c) => {
    const role = offerRole(c.fw);
    return (
      role !== undefined &&
      c.offers < MAX_OUTSTANDING_OFFERS_PER_FRAMEWORK &&
      !isFiltered(c.fw, role, agentId, free, now)
    );
  });
  const share = (c: Candidate): number => dominantShare(c.allocated, total);
  return eligible.sort((a, b) => share(a) - share(b) || (a.fw.id < b.fw.id ? -1 : 1))[0];
}

function agentUrl(agent: AgentRecord): Offer['url'] {
  const m = /^([^@]+)@([^:]+):(\d+)$/.exec(agent.pid);
  if (m === null) return undefined;
  return { scheme: 'http', address: { hostname: agent.info.hostname, ip: m[2], port: Number(m[3]) }, path: `/${m[1]}` };
}

function offerJson(ctx: Ctx, offer: OfferRecord): Offer {
  const agent = ctx.s.agents.get(offer.agentId);
  const url = agent === undefined ? undefined : agentUrl(agent);
  return {
    id: { value: offer.id },
    framework_id: { value: offer.frameworkId },
    agent_id: { value: offer.agentId },
    hostname: agent?.info.hostname ?? '',
    ...(url === undefined ? {} : { url }),
    resources: resourcesToV1(offer.resources, offer.role),
    attributes: agent?.info.attributes ?? [],
    executor_ids: [],
    allocation_info: { role: offer.role },
  };
}

/**
 * Agents by the share of their own resources their tasks hold, smallest first (ties: lowest id). Mesos walks
 * agents in random order; walking the least loaded first spreads tasks the same way, but deterministically, and
 * lists the emptiest agent's offer first for a framework that takes the first offer that fits.
 */
function leastLoadedFirst(s: MasterState, agents: AgentRecord[]): AgentRecord[] {
  const load = new Map(agents.map((a) => [a.id, dominantShare(agentUsed(s, a.id), a.total)]));
  const loadOf = (a: AgentRecord): number => load.get(a.id) ?? 0;
  return agents.sort((a, b) => loadOf(a) - loadOf(b) || (a.id < b.id ? -1 : 1));
}

/** One allocation run: every connected agent without an outstanding offer is offered to one framework. */
export function allocate(ctx: Ctx): void {
  const { s, now } = ctx;
  s.counters['allocator/mesos/allocation_runs']++;
  s.allocationPending = false;
  s.nextAllocationAt = now + ctx.options.allocation.intervalMs;

  const total = clusterTotal(s);
  const all = candidates(ctx);
  const made = new Map<FrameworkRecord, Offer[]>();
  const busy = new Set([...s.offers.values()].map((o) => o.agentId));
  const agents = leastLoadedFirst(
    s,
    [...s.agents.values()].filter((a) => a.connection !== null && !busy.has(a.id)),
  );
  for (const agent of agents) {
    const free = agentFree(s, agent);
    if (!allocatable(free)) continue;
    const chosen = pick(agent.id, free, all, total, now);
    const role = chosen === undefined ? undefined : offerRole(chosen.fw);
    if (chosen === undefined || role === undefined) continue;
    const offer: OfferRecord = {
      id: ctx.ids.offer(),
      frameworkId: chosen.fw.id,
      agentId: agent.id,
      role,
      resources: free,
    };
    s.offers.set(offer.id, offer);
    chosen.allocated = addResources(chosen.allocated, free);
    chosen.offers++;
    made.set(chosen.fw, [...(made.get(chosen.fw) ?? []), offerJson(ctx, offer)]);
  }
  for (const [fw, offers] of made) sendEvent(ctx, fw, { type: 'OFFERS', offers: { offers } });
}

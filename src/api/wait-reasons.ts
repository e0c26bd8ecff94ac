// Why an app of a deployment does not progress, in words: from its /v2/queue entry (with the last unused offers,
// what it asks against what the agents have free), its failing health checks and its last task failure.
import type { AppInfoJson, Json } from './marathon.js';

/** Why one app waits; `unplaced` when offers do not fit it (asking less, or freeing resources, would help). */
export interface WaitReason {
  app: string;
  reason: string;
  unplaced: boolean;
}

interface RejectSummary {
  reason: string;
  declined: number;
  processed: number;
}

interface UnusedOfferJson {
  offer: { agentId: string; resources: { name: string; scalar?: number; ranges?: { begin: number; end: number }[] }[] };
  reason: string[];
}

/** What an app asks per instance and what an offer holds free, for the decline reasons that are about amounts. */
interface Amount {
  ask(app: Json): number;
  have(offer: UnusedOfferJson): number;
  /** `1 cpu`, `0.5 cpus`, `128 MB of memory`. */
  asked(n: number): string;
}

const AMOUNTS: Record<string, Amount> = {
  InsufficientCpus: {
    ask: (app) => numberOf(app['cpus']),
    have: (o) => scalarOf(o, 'cpus'),
    asked: (n) => `${n} ${n === 1 ? 'cpu' : 'cpus'}`,
  },
  InsufficientMemory: {
    ask: (app) => numberOf(app['mem']),
    have: (o) => scalarOf(o, 'mem'),
    asked: (n) => `${n} MB of memory`,
  },
  InsufficientDisk: {
    ask: (app) => numberOf(app['disk']),
    have: (o) => scalarOf(o, 'disk'),
    asked: (n) => `${n} MB of disk`,
  },
  InsufficientPorts: { ask: hostPortCount, have: portCount, asked: (n) => `${n} host ${n === 1 ? 'port' : 'ports'}` },
};

/** Why the app waits, or null when nothing says it does. */
export function waitReason(app: string, queued: Json | undefined, info: AppInfoJson | null): WaitReason | null {
  const placing = queued === undefined ? null : queueReason(queued);
  const reasons = [placing?.text ?? null, healthReason(info), failureReason(info)].filter(
    (r): r is string => r !== null,
  );
  return reasons.length === 0 ? null : { app, reason: reasons.join('; '), unplaced: placing?.unplaced ?? false };
}

function queueReason(entry: Json): { text: string; unplaced: boolean } {
  const delay = entry['delay'] as { timeLeftSeconds?: number; overdue?: boolean } | undefined;
  if (delay !== undefined && delay.overdue === false && (delay.timeLeftSeconds ?? 0) > 0)
    return { text: 'launches delayed by backoff after task failures', unplaced: false };
  const summary = entry['processedOffersSummary'] as { rejectSummaryLaunchAttempt?: RejectSummary[] } | undefined;
  const declined = (summary?.rejectSummaryLaunchAttempt ?? []).filter((r) => r.declined > 0);
  const waiting = `${String(entry['count'] ?? '?')} instance(s) not placed`;
  if (declined.length === 0) return { text: `${waiting}, waiting for offers`, unplaced: false };
  const counts = declined.map((r) => `${r.reason} (${r.declined}/${r.processed} offers)`).join(', ');
  const shortages = shortagesOf(entry);
  return { text: [`${waiting}: offers declined: ${counts}`, ...shortages].join('; '), unplaced: true };
}

/** For each reason the last unused offers give: what the app asks against what each agent had free. */
function shortagesOf(entry: Json): string[] {
  const app = (entry['app'] as Json | undefined) ?? {};
  const unused = Array.isArray(entry['lastUnusedOffers']) ? (entry['lastUnusedOffers'] as UnusedOfferJson[]) : [];
  const reasons = [...new Set(unused.flatMap((u) => u.reason))];
  return reasons.flatMap((reason) => {
    const offers = unused.filter((u) => u.reason.includes(reason));
    if (reason === 'UnfulfilledConstraint')
      return [`its constraints ${constraintsOf(app)} rule out the agents offered`];
    const amount = AMOUNTS[reason];
    if (amount === undefined) return [];
    const free = offers.map((o) => amount.have(o)).sort((a, b) => a - b);
    return [`asks ${amount.asked(round(amount.ask(app)))} per instance; ${agentsHave(free)} free`];
  });
}

function agentsHave(free: readonly number[]): string {
  const amounts = free.map(round);
  if (amounts.length === 1) return `the agent offered has ${amounts[0]}`;
  return `the agents have ${amounts.slice(0, -1).join(', ')} and ${amounts.at(-1)}`;
}

function constraintsOf(app: Json): string {
  const constraints = Array.isArray(app['constraints']) ? (app['constraints'] as unknown[][]) : [];
  return `(${constraints.map((c) => c.map(String).join(' ')).join(', ')})`;
}

function healthReason(app: AppInfoJson | null): string | null {
  const unhealthy = app?.tasksUnhealthy ?? 0;
  return unhealthy > 0 ? `${unhealthy} task(s) failing health checks` : null;
}

function failureReason(app: AppInfoJson | null): string | null {
  const failure = app?.['lastTaskFailure'] as { state?: string; message?: string; taskId?: string } | undefined;
  if (failure === undefined) return null;
  const message = failure.message === undefined || failure.message === '' ? '' : ` (${failure.message})`;
  return `last task failure: ${failure.taskId ?? '?'} ${failure.state ?? ''}${message}`;
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function scalarOf(offer: UnusedOfferJson, name: string): number {
  return offer.offer.resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar ?? 0), 0);
}

function portCount(offer: UnusedOfferJson): number {
  const ranges = offer.offer.resources.filter((r) => r.name === 'ports').flatMap((r) => r.ranges ?? []);
  return ranges.reduce((n, r) => n + r.end - r.begin + 1, 0);
}

/** Host ports an instance takes: one per port definition (host networking) or per mapping with a host port. */
function hostPortCount(app: Json): number {
  const definitions = Array.isArray(app['portDefinitions']) ? app['portDefinitions'] : [];
  const container = (app['container'] as Json | undefined) ?? {};
  const mappings = Array.isArray(container['portMappings']) ? (container['portMappings'] as Json[]) : [];
  return definitions.length + mappings.filter((m) => m['hostPort'] !== undefined).length;
}

/** Mesos keeps 3 decimal digits of scalars. */
function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// The Marathon v2 JSON the API serves, in the 1.5+ output profile: App/AppInfo (counts, deployments,
// tasks, lastTaskFailure, taskStats), Task, Deployment, Queue, the Group tree and the text task list.
import type { AppDefinition } from './app-types.js';
import { instanceHealth } from './health.js';
import type { SchedulerView } from './messages.js';
import type {
  AppVersion,
  DeploymentPlan,
  HealthResult,
  Instance,
  QueueEntry,
  TaskFailure,
  UnusedOffer,
} from './model.js';
import { safeId } from '../../common/marathon-ids.js';
import { parentOf } from './path-id.js';
import { affectedApps } from './plan.js';
import { networkMode, servicePortsOf } from './service-ports.js';

export type Json = Record<string, unknown>;

/** What an AppInfo carries besides the app (Marathon's `embed` values). */
export interface AppEmbed {
  counts: boolean;
  deployments: boolean;
  tasks: boolean;
  lastTaskFailure: boolean;
  taskStats: boolean;
  readiness: boolean;
}

export const NO_EMBED: AppEmbed = {
  counts: false,
  deployments: false,
  tasks: false,
  lastTaskFailure: false,
  taskStats: false,
  readiness: false,
};

/** GET /v2/apps and POST /v2/apps: counts and deployments always. */
export const LIST_EMBED: AppEmbed = { ...NO_EMBED, counts: true, deployments: true };
/** GET /v2/apps/{id}: counts, tasks, deployments and lastTaskFailure always. */
export const SINGLE_EMBED: AppEmbed = { ...LIST_EMBED, tasks: true, lastTaskFailure: true };

const EMBED_KEYS: Record<string, Partial<AppEmbed>> = {
  tasks: { tasks: true, deployments: true },
  counts: { counts: true },
  count: { counts: true },
  deployments: { deployments: true },
  readiness: { readiness: true },
  lastTaskFailure: { lastTaskFailure: true },
  taskStats: { taskStats: true },
  failures: { tasks: true, lastTaskFailure: true, deployments: true },
};

/**
 * Adds the `embed` query values to `base`. Values may carry any of the prefixes `apps.`, `app.`,
 * `group.apps.`; unknown values are ignored.
 */
export function readAppEmbed(values: readonly string[], base: AppEmbed): AppEmbed {
  const embed = { ...base };
  for (const value of values) {
    const key = value.replace(/^(group\.apps|apps|app)\./, '');
    if (key !== value) Object.assign(embed, EMBED_KEYS[key]);
  }
  return embed;
}

export interface RenderOptions {
  /** ms since the epoch, for task lifetimes and launch delays. */
  now: number;
}

/** The App JSON: the stored definition, without port definitions for non-host networks. */
export function renderApp(app: AppVersion): Json {
  const { portDefinitions, ...rest } = app;
  return networkMode(app) === 'host' ? { ...rest, portDefinitions } : rest;
}

export function renderAppInfo(view: SchedulerView, app: AppVersion, embed: AppEmbed, opts: RenderOptions): Json {
  const instances = view.instancesOf(app.id);
  const failure = embed.lastTaskFailure ? view.lastTaskFailure(app.id) : undefined;
  return {
    ...renderApp(app),
    ...(embed.counts ? renderCounts(instances) : {}),
    ...(embed.deployments ? { deployments: deploymentsOf(view, app.id).map((plan) => ({ id: plan.id })) } : {}),
    ...(embed.readiness ? { readinessCheckResults: readinessResults(app, instances) } : {}),
    ...(embed.tasks ? { tasks: instances.map(renderTask) } : {}),
    ...(failure ? { lastTaskFailure: renderTaskFailure(failure) } : {}),
    ...(embed.taskStats ? { taskStats: renderTaskStats(app, instances, opts.now) } : {}),
  };
}

interface Counts {
  staged: number;
  running: number;
  healthy: number;
  unhealthy: number;
}

function countsOf(instances: Instance[]): Counts {
  const counts = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
  for (const instance of instances) {
    if (instance.state === 'TASK_STAGING') counts.staged++;
    if (instance.state === 'TASK_RUNNING') counts.running++;
    const health = instanceHealth(instance);
    if (health === true) counts.healthy++;
    if (health === false) counts.unhealthy++;
  }
  return counts;
}

function renderCounts(instances: Instance[]): Json {
  const { staged, running, healthy, unhealthy } = countsOf(instances);
  return { tasksStaged: staged, tasksRunning: running, tasksHealthy: healthy, tasksUnhealthy: unhealthy };
}

/** The plans that touch an app, in the order the view lists them. */
export function deploymentsOf(view: SchedulerView, appId: string): DeploymentPlan[] {
  return view.deployments().filter((plan) => affectedApps(plan).includes(appId));
}

/** Task JSON (§9.1); `ports` are the host ports, `slaveId` the agent. */
export function renderTask(instance: Instance): Json {
  return {
    id: instance.taskId,
    appId: instance.appId,
    host: instance.host,
    ipAddresses: instance.ipAddresses,
    ports: instance.hostPorts,
    servicePorts: instance.servicePorts,
    slaveId: instance.agentId,
    state: instance.state,
    stagedAt: instance.stagedAt,
    ...(instance.startedAt !== undefined ? { startedAt: instance.startedAt } : {}),
    version: instance.version,
    healthCheckResults: instance.health.flatMap((result) => (result ? [renderHealth(instance, result)] : [])),
  };
}

function renderHealth(instance: Instance, result: HealthResult): Json {
  return { ...result, instanceId: instance.instanceId };
}

function renderTaskFailure(failure: TaskFailure): Json {
  const { appId, host, message, state, taskId, timestamp, version, slaveId } = failure;
  return { appId, host, message, state, taskId, timestamp, version, slaveId };
}

/** `taskStats`: counts (and lifetimes of started tasks) by how the tasks relate to the app's versions. */
function renderTaskStats(app: AppVersion, instances: Instance[], now: number): Json {
  const { lastScalingAt, lastConfigChangeAt } = app.versionInfo;
  const groups: [string, Instance[]][] = [
    ['startedAfterLastScaling', instances.filter((i) => i.stagedAt >= lastScalingAt)],
    ['withLatestConfig', instances.filter((i) => i.version >= lastConfigChangeAt)],
    ['withOutdatedConfig', instances.filter((i) => i.version < lastConfigChangeAt)],
    ['totalSummary', instances],
  ];
  const present = groups.filter(([, group]) => group.length > 0);
  return Object.fromEntries(present.map(([name, group]) => [name, { stats: renderStats(group, now) }]));
}

function renderStats(instances: Instance[], now: number): Json {
  const lifeTimes = instances
    .flatMap((i) => (i.startedAt !== undefined ? [(now - Date.parse(i.startedAt)) / 1000] : []))
    .sort((a, b) => a - b);
  return {
    counts: countsOf(instances),
    ...(lifeTimes.length > 0
      ? { lifeTime: { averageSeconds: average(lifeTimes), medianSeconds: median(lifeTimes) } }
      : {}),
  };
}

function average(sorted: number[]): number {
  return sorted.reduce((a, b) => a + b, 0) / sorted.length;
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/**
 * `readinessCheckResults` (TaskReadinessCheckResult): what the app's readiness check last reported per instance.
 * The core keeps results only while a deployment of the app runs.
 */
function readinessResults(app: AppDefinition | undefined, instances: readonly Instance[]): Json[] {
  const name = app?.readinessChecks[0]?.name;
  if (name === undefined) return [];
  return instances.flatMap((i) => (i.ready === undefined ? [] : [{ taskId: i.taskId, name, ready: i.ready }]));
}

/** `GET /v2/deployments` (§9.3): every running plan, with the readiness results of its current actions. */
export function renderDeployments(view: SchedulerView): Json[] {
  return view.deployments().map((plan) => deploymentJson(plan, (appId) => view.instancesOf(appId)));
}

/** Deployment JSON (§9.3); `currentStep` is 1-based, 0 while queued. */
function deploymentJson(plan: DeploymentPlan, instancesOf: (appId: string) => readonly Instance[]): Json {
  const current = plan.steps[plan.currentStep - 1]?.actions ?? [];
  return {
    id: plan.id,
    version: plan.version,
    affectedApps: affectedApps(plan),
    affectedPods: [],
    steps: plan.steps,
    currentActions: current.map((action) => ({
      ...action,
      readinessCheckResults: readinessResults(plan.target[action.app], instancesOf(action.app)),
    })),
    currentStep: plan.currentStep,
    totalSteps: plan.steps.length,
  };
}

export interface QueueOptions extends RenderOptions {
  /** The framework's role (`*` when none). */
  role: string;
  /** `embed=lastUnusedOffers`: each entry lists the last unused offer of each agent and why it did not fit. */
  lastUnusedOffers?: boolean;
}

/** `GET /v2/queue` (§9.4). */
export function renderQueue(view: SchedulerView, opts: QueueOptions): Json {
  const queue = view.queue(opts.now).flatMap((entry) => {
    const app = view.root.apps[entry.appId];
    return app ? [renderQueueEntry(app, entry, opts)] : [];
  });
  return { queue };
}

function renderQueueEntry(app: AppVersion, entry: QueueEntry, opts: QueueOptions): Json {
  const waitMs = Math.max(0, entry.delayUntil - opts.now);
  const declines = Object.entries(entry.declines);
  return {
    app: renderApp(app),
    count: entry.count,
    delay: { timeLeftSeconds: Math.ceil(waitMs / 1000), overdue: waitMs === 0 },
    since: entry.since,
    processedOffersSummary: {
      processedOffersCount: entry.offersProcessed,
      unusedOffersCount: declines.reduce((sum, [, n]) => sum + (n ?? 0), 0),
      rejectSummaryLaunchAttempt: declines.map(([reason, n]) => ({
        reason,
        declined: n ?? 0,
        processed: entry.offersProcessed,
      })),
    },
    role: opts.role,
    ...(opts.lastUnusedOffers === true ? { lastUnusedOffers: entry.lastUnusedOffers.map(unusedOfferJson) } : {}),
  };
}

/** Marathon's UnusedOffer: the offer (resources and attributes flattened), when, and why it was not used. */
function unusedOfferJson(unused: UnusedOffer): Json {
  const { offer } = unused;
  return {
    offer: {
      id: offer.id.value,
      agentId: offer.agent_id.value,
      hostname: offer.hostname,
      resources: offer.resources.map((r) => ({ name: r.name, role: r.role ?? '*', ...valueJson(r) })),
      attributes: offer.attributes.map((a) => ({ name: a.name, ...valueJson(a) })),
    },
    timestamp: unused.at,
    reason: [unused.reason],
  };
}

type OfferValue = UnusedOffer['offer']['resources'][number] | UnusedOffer['offer']['attributes'][number];

function valueJson(v: OfferValue): Json {
  if (v.scalar !== undefined) return { scalar: v.scalar.value };
  if (v.ranges !== undefined) return { ranges: v.ranges.range.map(({ begin, end }) => ({ begin, end })) };
  if (v.set !== undefined) return { set: v.set.item };
  return 'text' in v && v.text !== undefined ? { text: v.text.value } : {};
}

/** Which lists a Group carries (`embed=group.groups`, `group.apps`, `group.pods`, `group.apps.*`). */
export interface GroupEmbed {
  groups: boolean;
  apps: boolean;
  pods: boolean;
  app: AppEmbed;
}

/** Without `group.*` values a group carries its groups, apps and pods. */
export function readGroupEmbed(values: readonly string[]): GroupEmbed {
  const lists = values.filter((v) => ['group.groups', 'group.apps', 'group.pods'].includes(v));
  const all = lists.length === 0;
  return {
    groups: all || lists.includes('group.groups'),
    apps: all || lists.includes('group.apps'),
    pods: all || lists.includes('group.pods'),
    app: readAppEmbed(
      values.filter((v) => v.startsWith('group.apps.')),
      NO_EMBED,
    ),
  };
}

/** Every group id: the explicit groups, the ancestors of every app and group, and the root. */
export function groupIds(view: SchedulerView): Set<string> {
  const ids = new Set<string>(['/']);
  const addAncestors = (id: string): void => {
    for (let g = parentOf(id); !ids.has(g); g = parentOf(g)) ids.add(g);
  };
  for (const id of Object.keys(view.root.groups)) {
    ids.add(id);
    addAncestors(id);
  }
  for (const id of Object.keys(view.root.apps)) addAncestors(id);
  return ids;
}

/** The Group tree under `groupId`; undefined when no such group exists. */
export function renderGroup(
  view: SchedulerView,
  groupId: string,
  embed: GroupEmbed,
  opts: RenderOptions,
): Json | undefined {
  const ids = groupIds(view);
  return ids.has(groupId) ? renderGroupNode(view, { ids, groupId, embed, opts }) : undefined;
}

interface GroupWalk {
  ids: Set<string>;
  groupId: string;
  embed: GroupEmbed;
  opts: RenderOptions;
}

function renderGroupNode(view: SchedulerView, walk: GroupWalk): Json {
  const { ids, groupId, embed, opts } = walk;
  const meta = view.root.groups[groupId];
  const childOf = (id: string): boolean => id !== '/' && parentOf(id) === groupId;
  const apps = Object.values(view.root.apps)
    .filter((app) => childOf(app.id))
    .sort((a, b) => a.id.localeCompare(b.id));
  const groups = [...ids].filter(childOf).sort();
  return {
    id: groupId,
    ...(embed.apps ? { apps: apps.map((app) => renderAppInfo(view, app, embed.app, opts)) } : {}),
    ...(embed.groups ? { groups: groups.map((id) => renderGroupNode(view, { ...walk, groupId: id })) } : {}),
    ...(embed.pods ? { pods: [] } : {}),
    dependencies: meta?.dependencies ?? [],
    version: meta?.version ?? view.root.version,
  };
}

/**
 * The text/plain task list (§11.2): per app and service port, `<safe id>\t<service port>\t` then
 * `<host>:<host port>\t` per running task; an app without service ports gets one line with its hosts.
 * Apps with an IP per task (network mode `container`) are left out.
 */
export function renderTasksText(view: SchedulerView, apps: readonly AppVersion[]): string {
  return apps
    .filter((app) => networkMode(app) !== 'container')
    .map((app) =>
      appTaskLines(
        app,
        view.instancesOf(app.id).filter((i) => i.state === 'TASK_RUNNING'),
      ),
    )
    .join('');
}

function appTaskLines(app: AppVersion, running: Instance[]): string {
  const id = safeId(app.id);
  const servicePorts = servicePortsOf(app);
  if (servicePorts.length === 0) return `${id}\t \t${running.map((i) => `${i.host} `).join('')}\n`;
  return servicePorts
    .map((port, index) => `${id}\t${port}\t${running.map((i) => `${i.host}:${i.hostPorts[index] ?? 0}\t`).join('')}\n`)
    .join('');
}

// The commands the Marathon API runs: deploy (root group change → versions, service ports, lock checks,
// plan), task kills (plain or scaling), deployment cancel (stop or roll back) and backoff reset.
import { MAX_RUNNING_DEPLOYMENTS, MAX_STORED_APP_BYTES } from '../../common/limits.js';
import type { AppDefinition } from './app-types.js';
import type { ApiError, DeploymentRef, DeployRequest, KillRequest } from './messages.js';
import {
  timestamp,
  type AppVersion,
  type DeploymentActionName,
  type DeploymentPlan,
  type Instance,
  type RootGroup,
  type Timestamp,
} from './model.js';
import { affectedApps, computePlan, dependencyProblems } from './plan.js';
import { expungeInstance, killCall, killInstance } from './sched-instances.js';
import { startPlan, stopPlan } from './sched-deployments.js';
import type { CoreState, Out } from './sched-state.js';
import { assignServicePorts, servicePortsOf } from './service-ports.js';

type Result<R> = R | ApiError;
export type DeployReply = { ok: true; plan: DeploymentRef; apps: AppVersion[] };

const error = (status: number, message: string, extra: Omit<ApiError['body'], 'message'> = {}): ApiError => ({
  ok: false,
  status,
  body: { message, ...extra },
});

export const LOCKED_MESSAGE =
  "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.";

/** A target root group and the app versions it introduces. */
interface Target {
  root: RootGroup;
  /** The upserted apps as they will be stored, in request order. */
  apps: AppVersion[];
  /** App versions that are new (not kept as they were). */
  created: AppVersion[];
}

export function deploy(s: CoreState, out: Out, req: DeployRequest): Result<DeployReply> {
  const existing = req.createOnly ? req.upsert.find((a) => s.root.apps[a.id] !== undefined) : undefined;
  if (existing !== undefined) return error(409, `An app with id [${existing.id}] already exists.`);
  const target = buildTarget(s, req);
  if ('ok' in target) return target;
  const oversized = oversizedApps(target.created);
  if (oversized.length > 0) return error(422, 'Object is not valid', { details: oversized });
  const problems = dependencyProblems(target.root);
  if (problems.length > 0) return error(422, 'Object is not valid', { details: problems });
  const plan = computePlan({
    id: s.options.newId(),
    version: target.root.version,
    original: s.root,
    target: target.root,
    restart: new Set(req.restart),
    killInstances: req.killInstances,
  });
  const touched = new Set(affectedApps(plan));
  const conflicts = [...s.deployments.values()].filter((p) => affectedApps(p).some((app) => touched.has(app)));
  if (conflicts.length > 0 && !req.force)
    return error(409, LOCKED_MESSAGE, { deployments: conflicts.map((p) => ({ id: p.id })) });
  const running = s.deployments.size - (req.force ? conflicts.length : 0);
  if (running >= MAX_RUNNING_DEPLOYMENTS) {
    return error(
      403,
      `Max number (${MAX_RUNNING_DEPLOYMENTS}) of running deployments is achieved. Wait for existing deployments to complete.`,
    );
  }
  for (const p of conflicts) stopPlan(s, out, p, `cancelled by the forced deployment ${plan.id}`);
  commit(s, out, target);
  startPlan(s, out, plan);
  return { ok: true, plan: { deploymentId: plan.id, version: plan.version }, apps: target.apps };
}

function buildTarget(s: CoreState, req: DeployRequest): Target | ApiError {
  const ts = timestamp(req.now);
  const root: RootGroup = { version: ts, apps: { ...s.root.apps }, groups: { ...s.root.groups } };
  for (const g of req.removeGroups) removeGroup(root, g);
  for (const id of req.remove) delete root.apps[id];
  for (const g of req.upsertGroups) root.groups[g.id] = { id: g.id, dependencies: g.dependencies, version: ts };
  const restart = new Set(req.restart);
  const target: Target = { root, apps: [], created: [] };
  for (const def of req.upsert) {
    const app = nextVersion(s, { def, previous: s.root.apps[def.id], restart: restart.has(def.id), root, ts });
    if ('ok' in app) return app;
    place(target, app, s.root.apps[def.id]);
    target.apps.push(app);
  }
  for (const id of req.restart.filter((r) => !req.upsert.some((a) => a.id === r))) {
    const previous = root.apps[id];
    if (previous === undefined) return error(404, `App '${id}' does not exist`);
    const app = nextVersion(s, { def: previous, previous, restart: true, root, ts });
    if ('ok' in app) return app;
    place(target, app, previous);
  }
  return target;
}

function place(target: Target, app: AppVersion, previous: AppVersion | undefined): void {
  target.root.apps[app.id] = app;
  if (app !== previous) target.created.push(app);
}

function removeGroup(root: RootGroup, groupId: string): void {
  const under = (id: string) => groupId === '/' || id === groupId || id.startsWith(`${groupId}/`);
  for (const id of Object.keys(root.apps)) if (under(id)) delete root.apps[id];
  for (const id of Object.keys(root.groups)) if (under(id)) delete root.groups[id];
}

/**
 * The version an upserted app gets: unchanged and not restarted → the previous AppVersion as is; only
 * `instances` changed → new version, lastConfigChangeAt kept; anything else → both timestamps now.
 */
function nextVersion(
  s: CoreState,
  o: { def: AppDefinition; previous: AppVersion | undefined; restart: boolean; root: RootGroup; ts: Timestamp },
): AppVersion | ApiError {
  const taken = new Set(Object.values(o.root.apps).flatMap((a) => (a.id === o.def.id ? [] : servicePortsOf(a))));
  const { min, max } = s.options.servicePortRange;
  const assigned = assignServicePorts(o.def, {
    ...(o.previous === undefined ? {} : { previous: o.previous }),
    taken,
    min,
    max,
  });
  if (!assigned.ok) return error(422, assigned.message);
  const { version: _v, versionInfo: _vi, ...definition } = assigned.app as AppVersion;
  const candidate: AppVersion = {
    ...definition,
    version: o.ts,
    versionInfo: { lastScalingAt: o.ts, lastConfigChangeAt: o.ts },
  };
  if (o.previous === undefined) return candidate;
  switch (changeOf(o.previous, candidate, o.restart)) {
    case undefined:
      return o.previous;
    case 'ScaleApplication':
      return {
        ...candidate,
        versionInfo: { lastScalingAt: o.ts, lastConfigChangeAt: o.previous.versionInfo.lastConfigChangeAt },
      };
    default:
      return candidate;
  }
}

/** What the plan would do for this one app: the single definition of "config change" lives in plan.ts. */
function changeOf(previous: AppVersion, next: AppVersion, restart: boolean): DeploymentActionName | undefined {
  const rootOf = (app: AppVersion): RootGroup => ({ version: app.version, apps: { [app.id]: app }, groups: {} });
  const plan = computePlan({
    id: '',
    version: next.version,
    original: rootOf(previous),
    target: rootOf(next),
    restart: new Set(restart ? [next.id] : []),
    killInstances: [],
  });
  return plan.steps[0]?.actions[0]?.action;
}

/** Apps too big to store in one ZooKeeper node, refused before anything is written. */
function oversizedApps(apps: readonly AppVersion[]): { path: string; errors: string[] }[] {
  const encoder = new TextEncoder();
  return apps.flatMap((app) => {
    const bytes = encoder.encode(JSON.stringify(app)).length;
    if (bytes <= MAX_STORED_APP_BYTES) return [];
    const message = `The app definition of ${app.id} is ${bytes} bytes; at most ${MAX_STORED_APP_BYTES} can be stored`;
    return [{ path: '/', errors: [message] }];
  });
}

/** Makes the target the root: new versions and the root persisted; a new config clears the app's backoff. */
function commit(s: CoreState, out: Out, target: Target): void {
  for (const id of Object.keys(s.root.apps)) if (target.root.apps[id] === undefined) s.queue.delete(id);
  s.root = target.root;
  for (const app of target.created) {
    s.addVersion(app);
    out.persist({ kind: 'app-version', app });
    if (app.versionInfo.lastConfigChangeAt === app.version && s.delays.delete(app.id))
      out.persist({ kind: 'delete-delay', appId: app.id });
  }
  out.persist({ kind: 'root', root: s.root });
}

export function killTasks(
  s: CoreState,
  out: Out,
  req: KillRequest,
): Result<{ ok: true; killed: Instance[]; plan?: DeploymentRef }> {
  if (req.scale && req.wipe) return error(400, 'You cannot use scale and wipe at the same time.');
  const killed: Instance[] = [];
  for (const id of req.ids) {
    const instance = s.byTaskOrId(id);
    if (instance === undefined) return error(404, `Task '${id}' does not exist`);
    if (!killed.includes(instance)) killed.push(instance);
  }
  if (req.scale) return scaleDown(s, out, req, killed);
  for (const instance of killed) {
    if (req.wipe) wipe(s, out, instance);
    else killInstance(s, out, instance, 'killed through the API');
  }
  return { ok: true, killed };
}

/** scale=true: one deployment lowers `instances` of each app by its killed instances and kills exactly those. */
function scaleDown(
  s: CoreState,
  out: Out,
  req: KillRequest,
  killed: Instance[],
): Result<{ ok: true; killed: Instance[]; plan?: DeploymentRef }> {
  const upsert = [...new Set(killed.map((i) => i.appId))].flatMap((appId) => {
    const app = s.root.apps[appId];
    const count = killed.filter((i) => i.appId === appId).length;
    return app === undefined ? [] : [{ ...app, instances: Math.max(0, app.instances - count) }];
  });
  const result = deploy(s, out, {
    ...emptyDeploy(req.now),
    upsert,
    killInstances: killed.map((i) => i.instanceId),
    force: req.force,
  });
  return result.ok ? { ok: true, killed, plan: result.plan } : result;
}

function wipe(s: CoreState, out: Out, instance: Instance): void {
  out.call(killCall(instance));
  expungeInstance(s, out, instance);
  out.info(`Killing and forgetting task ${instance.taskId} of app ${instance.appId} (wipe)`);
}

function emptyDeploy(now: number): DeployRequest {
  return {
    upsert: [],
    remove: [],
    removeGroups: [],
    upsertGroups: [],
    restart: [],
    killInstances: [],
    force: false,
    createOnly: false,
    now,
  };
}

/** force: stop the plan where it is. Otherwise a forced rollback: the plan's apps back to their original definitions. */
export function cancelDeployment(
  s: CoreState,
  out: Out,
  id: string,
  o: { force: boolean; now: number },
): Result<{ ok: true; plan?: DeploymentRef }> {
  const plan = s.deployments.get(id);
  if (plan === undefined) return error(404, `DeploymentPlan ${id} does not exist`);
  if (o.force) {
    stopPlan(s, out, plan, 'cancelled');
    return { ok: true };
  }
  const result = deploy(s, out, { ...rollbackOf(s, plan), force: true, now: o.now });
  return result.ok ? { ok: true, plan: result.plan } : result;
}

/** Re-create removed apps, remove created ones, restore changed ones to the plan's original definitions. */
function rollbackOf(s: CoreState, plan: DeploymentPlan): DeployRequest {
  const apps = affectedApps(plan);
  const upsert = apps.flatMap((id) => {
    const original = plan.original[id];
    return original === undefined ? [] : [original];
  });
  const remove = apps.filter((id) => plan.original[id] === undefined && s.root.apps[id] !== undefined);
  return { ...emptyDeploy(0), upsert, remove };
}

export function resetDelay(s: CoreState, out: Out, appId: string): Result<{ ok: true }> {
  if (!s.delays.has(appId) && s.queued(appId) === 0)
    return error(404, `Application ${appId} not found in tasks queue.`);
  if (s.delays.delete(appId)) out.persist({ kind: 'delete-delay', appId });
  return { ok: true };
}

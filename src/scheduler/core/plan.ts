// Deployment plans (reference §6): the steps from one root group to another, ordered by the dependency
// graph of apps and groups, and the validation of that graph.
import type {
  AppsById,
  AppVersion,
  DeploymentAction,
  DeploymentActionName,
  DeploymentPlan,
  DeploymentStep,
  RootGroup,
  Timestamp,
} from './model.js';

export const CYCLE_MESSAGE = 'Dependency graph has cyclic dependencies.';

/**
 * The plan from `original` to `target`: StopApplication for removed apps, StartApplication for new ones,
 * then one step per dependency depth (dependencies first) with ScaleApplication or RestartApplication.
 * Empty steps are dropped.
 */
export function computePlan(o: {
  id: string;
  version: Timestamp;
  original: RootGroup;
  target: RootGroup;
  restart: ReadonlySet<string>;
  killInstances: readonly string[];
}): DeploymentPlan {
  const { original, target } = o;
  const removed = Object.keys(original.apps).filter((id) => target.apps[id] === undefined);
  const added = Object.keys(target.apps).filter((id) => original.apps[id] === undefined);
  const changes = Object.values(target.apps).flatMap((app): DeploymentAction[] => {
    const action = changeOf(original.apps[app.id], app, o.restart.has(app.id));
    return action === undefined ? [] : [{ action, app: app.id }];
  });
  const steps = [
    step('StopApplication', removed),
    step('StartApplication', added),
    ...byDepth(changes, dependencyGraph(target)),
  ].filter((s) => s.actions.length > 0);
  const affected = new Set(steps.flatMap((s) => s.actions.map((a) => a.app)));
  return {
    id: o.id,
    version: o.version,
    original: pick(original.apps, affected),
    target: pick(target.apps, affected),
    steps,
    currentStep: 0,
    killInstances: [...o.killInstances],
  };
}

function pick(apps: Readonly<AppsById>, ids: ReadonlySet<string>): AppsById {
  const picked: AppsById = {};
  for (const id of ids) {
    const app = apps[id];
    if (app !== undefined) picked[id] = app;
  }
  return picked;
}

/** Ids of apps a plan touches (affectedApps), sorted. */
export function affectedApps(plan: DeploymentPlan): string[] {
  return [...new Set(plan.steps.flatMap((s) => s.actions.map((a) => a.app)))].sort();
}

/**
 * Dependency cycles: the 422 details Marathon gives ({path, errors}), empty when fine. Dependencies on ids
 * that exist nowhere are accepted and ignored, as Marathon does.
 */
export function dependencyProblems(target: RootGroup): { path: string; errors: string[] }[] {
  return hasCycle(dependencyGraph(target)) ? [{ path: '/', errors: [CYCLE_MESSAGE] }] : [];
}

function step(action: DeploymentActionName, appIds: readonly string[]): DeploymentStep {
  return { actions: [...appIds].sort().map((app) => ({ action, app })) };
}

/** New app or only `instances` changed → scale; any other change or a restart → restart; else nothing. */
function changeOf(
  before: AppVersion | undefined,
  after: AppVersion,
  restart: boolean,
): DeploymentActionName | undefined {
  if (before === undefined) return 'ScaleApplication';
  if (restart || !sameValue(configOf(before), configOf(after))) return 'RestartApplication';
  return before.instances === after.instances ? undefined : 'ScaleApplication';
}

function configOf(app: AppVersion): Record<string, unknown> {
  const { version: _version, versionInfo: _versionInfo, instances: _instances, ...config } = app;
  return config;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return a === b;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const [ka, kb] = [keys(a), keys(b)];
  return ka.length === kb.length && ka.every((k) => sameValue(a[k], b[k]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** App id → the app ids it depends on: its own dependencies and those of every group above it. */
type Graph = ReadonlyMap<string, ReadonlySet<string>>;

function dependencyGraph(root: RootGroup): Graph {
  const appIds = Object.keys(root.apps);
  const under = (id: string): string[] =>
    root.apps[id] !== undefined ? [id] : appIds.filter((app) => id === '/' || app.startsWith(`${id}/`));
  const groupDeps = Object.values(root.groups).filter((g) => g.dependencies.length > 0);
  return new Map(
    Object.values(root.apps).map((app) => {
      const groups = groupDeps.filter((g) => g.id === '/' || app.id.startsWith(`${g.id}/`));
      const fromGroups = groups.flatMap((g) => g.dependencies);
      return [app.id, new Set([...app.dependencies, ...fromGroups].flatMap(under))];
    }),
  );
}

/** Steps of the changed apps grouped by the length of their longest dependency chain, shortest first. */
function byDepth(changes: readonly DeploymentAction[], graph: Graph): DeploymentStep[] {
  const depths = new Map<string, number>();
  const depthOf = (id: string, path: ReadonlySet<string>): number => {
    const known = depths.get(id);
    if (known !== undefined) return known;
    const next = new Set([...path, id]);
    const deps = [...(graph.get(id) ?? [])].filter((d) => !next.has(d));
    const depth = 1 + Math.max(0, ...deps.map((d) => depthOf(d, next)));
    depths.set(id, depth);
    return depth;
  };
  const levels = new Map<number, DeploymentAction[]>();
  for (const change of changes) {
    const depth = depthOf(change.app, new Set());
    levels.set(depth, [...(levels.get(depth) ?? []), change]);
  }
  return [...levels.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, actions]) => ({ actions: [...actions].sort((a, b) => a.app.localeCompare(b.app)) }));
}

function hasCycle(graph: Graph): boolean {
  const done = new Set<string>();
  const visit = (id: string, path: ReadonlySet<string>): boolean => {
    if (path.has(id)) return true;
    if (done.has(id)) return false;
    const next = new Set([...path, id]);
    const cyclic = [...(graph.get(id) ?? [])].some((d) => visit(d, next));
    done.add(id);
    return cyclic;
  };
  return [...graph.keys()].some((id) => visit(id, new Set()));
}

// Running deployment plans step by step (decideAction per action, afresh on every input, so a restored
// plan resumes where it was) and keeping every app outside a deployment at exactly `instances`.
import { constraintVictims } from './constraints.js';
import { killOrder, selectVictims } from './kill-selection.js';
import type { AppVersion, DeploymentAction, DeploymentPlan, Instance, PlanSummary } from './model.js';
import { affectedApps } from './plan.js';
import { decideAction, isDying } from './rolling.js';
import { activeInstances, killInstance, placedOf, storeInstance } from './sched-instances.js';
import { addToQueue, reviveOrSuppress, setQueued } from './sched-launch.js';
import type { CoreState, Out } from './sched-state.js';

export function planSummary(plan: DeploymentPlan): PlanSummary {
  return { id: plan.id, version: plan.version, steps: plan.steps };
}

/** Apps of every running deployment: the scale logic leaves them to their plan. */
export function lockedApps(s: CoreState): Set<string> {
  return new Set([...s.deployments.values()].flatMap(affectedApps));
}

function describe(plan: DeploymentPlan): string {
  return plan.steps
    .map((step, i) => `step ${i + 1}: ${step.actions.map((a) => `${a.action} ${a.app}`).join(', ')}`)
    .join('; ');
}

/** Registers a new plan, announces its first step and runs it as far as it goes right away. */
export function startPlan(s: CoreState, out: Out, plan: DeploymentPlan): void {
  const started = { ...plan, currentStep: plan.steps.length === 0 ? 0 : 1 };
  s.deployments.set(started.id, started);
  out.persist({ kind: 'deployment', plan: started });
  out.info(`Deployment ${started.id}:${started.version} started (${describe(started) || 'nothing to do'})`);
  announceStep(out, started);
  advancePlan(s, out, started);
}

function announceStep(out: Out, plan: DeploymentPlan): void {
  const step = plan.steps[plan.currentStep - 1];
  if (step === undefined) return;
  out.event({ eventType: 'deployment_info', plan: planSummary(plan), currentStep: step });
}

export function advanceDeployments(s: CoreState, out: Out): void {
  for (const plan of [...s.deployments.values()]) advancePlan(s, out, plan);
}

function advancePlan(s: CoreState, out: Out, plan: DeploymentPlan): void {
  let current = plan;
  for (;;) {
    const step = current.steps[current.currentStep - 1];
    if (step === undefined) return finishPlan(s, out, current);
    const done = step.actions.map((action) => runAction(s, out, current, action));
    if (!done.every(Boolean)) return;
    out.event({ eventType: 'deployment_step_success', plan: planSummary(current), currentStep: step });
    out.info(`Deployment ${current.id}: step ${current.currentStep} of ${current.steps.length} finished`);
    for (const action of step.actions) if (action.action === 'StopApplication') appTerminated(s, out, action.app);
    current = { ...current, currentStep: current.currentStep + 1 };
    s.deployments.set(current.id, current);
    out.persist({ kind: 'deployment', plan: current });
    announceStep(out, current);
  }
}

/** One action's kills and launches now; true when it is done. */
function runAction(s: CoreState, out: Out, plan: DeploymentPlan, action: DeploymentAction): boolean {
  const app = action.action === 'StopApplication' ? undefined : plan.target[action.app];
  const instances = activeInstances(s, action.app, out.now);
  trimQueue(s, out, action, app === undefined ? 0 : app.instances - instances.filter((i) => !isDying(i)).length);
  const decision = decideAction({
    action: action.action,
    app,
    instances,
    queued: s.queued(action.app),
    killInstances: plan.killInstances,
    constraintVictims: app === undefined ? [] : victimsByConstraints(s, app, instances),
  });
  for (const id of decision.kill) {
    const instance = s.instances.get(id);
    if (instance !== undefined) killInstance(s, out, instance, `${action.action} of deployment ${plan.id}`);
  }
  addToQueue(s, out, action.app, decision.launch);
  return decision.done;
}

/**
 * Launches queued by an earlier plan that this action no longer wants go (a forced scale-down below
 * what was still queued, a stop): a queue never holds more than the instances still missing.
 */
function trimQueue(s: CoreState, out: Out, action: DeploymentAction, missing: number): void {
  if (action.action !== 'ScaleApplication' && action.action !== 'StopApplication') return;
  const queued = s.queued(action.app);
  if (queued > Math.max(0, missing)) setQueued(s, out, action.app, Math.max(0, missing));
}

/** Instances to remove first to keep GROUP_BY / MAX_PER satisfied when scaling down. */
function victimsByConstraints(s: CoreState, app: AppVersion, instances: readonly Instance[]): string[] {
  const alive = instances.filter((i) => !isDying(i));
  const count = alive.length - app.instances;
  if (count <= 0) return [];
  const ordered = killOrder({ app, instances: alive, preferred: [], constraintVictims: [] });
  return constraintVictims(app, placedOf(s, ordered), count);
}

function finishPlan(s: CoreState, out: Out, plan: DeploymentPlan): void {
  dropPlan(s, out, plan);
  out.event({ eventType: 'deployment_success', id: plan.id, plan: planSummary(plan) });
  out.event({ eventType: 'group_change_success', groupId: '/', version: plan.version });
  out.info(`Deployment ${plan.id}:${plan.version} finished`);
}

/** Stops a plan where it is (no rollback): its apps go back to the scale logic. */
export function stopPlan(s: CoreState, out: Out, plan: DeploymentPlan, reason: string): void {
  dropPlan(s, out, plan);
  out.event({ eventType: 'deployment_failed', id: plan.id, plan: planSummary(plan), reason });
  out.event({ eventType: 'group_change_failed', groupId: '/', version: plan.version, reason });
  out.warn(`Deployment ${plan.id}:${plan.version} stopped: ${reason}`);
}

function dropPlan(s: CoreState, out: Out, plan: DeploymentPlan): void {
  s.deployments.delete(plan.id);
  out.persist({ kind: 'delete-deployment', id: plan.id });
  const locked = lockedApps(s);
  for (const app of affectedApps(plan)) {
    out.touched.add(app);
    if (!locked.has(app)) forgetReadiness(s, out, app);
  }
}

/** Readiness results live only as long as a deployment of their app, as in Marathon. */
function forgetReadiness(s: CoreState, out: Out, appId: string): void {
  for (const instance of s.instancesOf(appId)) {
    if (instance.ready === undefined) continue;
    const { ready: _dropped, ...rest } = instance;
    storeInstance(s, out, rest);
  }
}

/** After StopApplication: the app's versions, backoff and queue go (the store drops its failure with it). */
function appTerminated(s: CoreState, out: Out, appId: string): void {
  if (s.root.apps[appId] !== undefined) return;
  s.versions.delete(appId);
  s.failures.delete(appId);
  s.queue.delete(appId);
  if (s.delays.delete(appId)) out.persist({ kind: 'delete-delay', appId });
  out.persist({ kind: 'delete-app', appId });
  out.event({ eventType: 'app_terminated_event', appId });
}

/**
 * Marathon's scale check for apps outside any deployment: queue what is missing (an instance being killed
 * counts until it is gone), kill the surplus (victims per killSelection and constraints), and kill every
 * instance of an app that no longer exists.
 */
export function keepScale(s: CoreState, out: Out, appIds: Iterable<string>): void {
  const locked = lockedApps(s);
  for (const appId of [...appIds]) {
    if (locked.has(appId)) continue;
    const app = s.root.apps[appId];
    const active = activeInstances(s, appId, out.now);
    const alive = active.filter((i) => !isDying(i));
    if (app === undefined) {
      setQueued(s, out, appId, 0);
      for (const i of alive) killInstance(s, out, i, 'its app no longer exists');
      continue;
    }
    setQueued(s, out, appId, app.instances - active.length);
    const count = alive.length - app.instances;
    const victims = selectVictims({
      app,
      instances: alive,
      count,
      preferred: [],
      constraintVictims: victimsByConstraints(s, app, alive),
    });
    for (const id of victims) {
      const instance = s.instances.get(id);
      if (instance !== undefined)
        killInstance(s, out, instance, `scaling app ${appId} down to ${app.instances} instances`);
    }
  }
}

export function allAppIds(s: CoreState): Set<string> {
  return new Set([...Object.keys(s.root.apps), ...[...s.instances.values()].map((i) => i.appId), ...s.queue.keys()]);
}

/** After every input and command: deployments advance, touched (or all) apps keep their scale, offers follow demand. */
export function converge(s: CoreState, out: Out, o: { all: boolean }): void {
  advanceDeployments(s, out);
  keepScale(s, out, o.all ? allAppIds(s) : out.touched);
  reviveOrSuppress(s, out);
}

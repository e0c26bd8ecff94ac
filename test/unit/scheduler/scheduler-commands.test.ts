// SchedulerCore's commands: deploy (versions, service ports, plans and their events, 409/422/403),
// task kills (plain, wipe, scale), deployment cancel (force or rollback), backoff reset, and restore.
import { describe, expect, it } from 'vitest';
import { MARATHON_MAX_VERSIONS, MAX_RUNNING_DEPLOYMENTS } from '../../../src/common/limits.js';
import type { TaskStatus } from '../../../src/master/core/v1.js';
import type { ApiError, DeployRequest } from '../../../src/scheduler/core/messages.js';
import { timestamp } from '../../../src/scheduler/core/model.js';
import { SchedulerCore } from '../../../src/scheduler/core/scheduler.js';
import {
  FRAMEWORK_ID,
  MASTER_URL,
  START,
  SimStore,
  appDef,
  callsOf,
  deployRequest,
  eventsOf,
  offerOf,
  schedulerOptions,
  subscribedCore,
  writesOf,
} from '../../helpers/mesos-sim.js';

const WEB = { id: '/web', cmd: 'serve', instances: 2, cpus: 0.5, mem: 64 };

function deployOk(core: SchedulerCore, req: DeployRequest) {
  const out = core.deploy(req);
  if (!out.reply.ok) throw new Error(JSON.stringify(out.reply));
  return { ...out, reply: out.reply };
}

function failed(reply: { ok: boolean }): ApiError['body'] & { status: number } {
  const e = reply as ApiError;
  expect(e.ok).toBe(false);
  return { status: e.status, ...e.body };
}

function update(core: SchedulerCore, taskId: string, state: TaskStatus['state'], now: number) {
  return core.input({ type: 'update', status: { task_id: { value: taskId }, state, agent_id: { value: 'S0' } }, now });
}

/** `/web` deployed and all its instances running. */
function running(json: Record<string, unknown> = WEB): SchedulerCore {
  const core = subscribedCore();
  deployOk(core, deployRequest(START + 1, { upsert: [appDef(json)] }));
  core.input({ type: 'offers', offers: [offerOf({ id: 'O1', agentId: 'S0' })], now: START + 2 });
  for (const i of core.instances()) update(core, i.taskId, 'TASK_RUNNING', START + 3);
  expect(core.deployments()).toEqual([]);
  return core;
}

describe('deploy', () => {
  it('creates an app: version, service ports, persisted plan, and the StartApplication step done at once', () => {
    const core = subscribedCore();
    const { effects, reply } = deployOk(core, deployRequest(START + 5, { upsert: [appDef(WEB)], createOnly: true }));
    const ts = timestamp(START + 5);
    expect(reply.plan).toEqual({ deploymentId: 'id0001', version: ts });
    expect(reply.apps[0]).toMatchObject({
      id: '/web',
      version: ts,
      versionInfo: { lastScalingAt: ts, lastConfigChangeAt: ts },
      portDefinitions: [{ port: 10000 }],
    });
    const writes = writesOf(effects);
    expect(writes.map((w) => w.kind)).toEqual(['app-version', 'root', 'deployment']);
    expect(writes[2]).toMatchObject({ kind: 'deployment', plan: { id: 'id0001', currentStep: 2 } });
    expect(eventsOf(effects).map((e) => e.eventType)).toEqual([
      'deployment_info',
      'deployment_step_success',
      'deployment_info',
    ]);
    expect(eventsOf(effects)[2]).toMatchObject({
      currentStep: { actions: [{ action: 'ScaleApplication', app: '/web' }] },
    });
    expect(core.queue(START + 5)).toEqual([expect.objectContaining({ appId: '/web', count: 2, since: ts })]);
    expect(core.versions('/web')).toEqual([ts]);
  });

  it('refuses to create an app that exists', () => {
    const core = running();
    const body = failed(core.deploy(deployRequest(START + 10, { upsert: [appDef(WEB)], createOnly: true })).reply);
    expect(body).toEqual({ status: 409, message: 'An app with id [/web] already exists.' });
  });

  it('versions: unchanged keeps the AppVersion, scaling keeps lastConfigChangeAt, a config change moves both', () => {
    const core = running();
    const original = core.root.apps['/web'];
    const same = deployOk(core, deployRequest(START + 10, { upsert: [appDef(WEB)] }));
    expect(same.reply.apps[0]).toBe(original);
    expect(writesOf(same.effects).map((w) => w.kind)).toEqual(['root', 'delete-deployment']);
    const scaled = deployOk(core, deployRequest(START + 20, { upsert: [appDef({ ...WEB, instances: 3 })] }));
    expect(scaled.reply.apps[0]?.versionInfo).toEqual({
      lastScalingAt: timestamp(START + 20),
      lastConfigChangeAt: original?.versionInfo.lastConfigChangeAt,
    });
    expect(scaled.reply.apps[0]?.portDefinitions[0]?.port).toBe(10000);
    core.cancelDeployment(scaled.reply.plan.deploymentId, { force: true, now: START + 21 });
    const changed = deployOk(core, deployRequest(START + 30, { upsert: [appDef({ ...WEB, cmd: 'serve --v2' })] }));
    expect(changed.reply.apps[0]?.versionInfo).toEqual({
      lastScalingAt: timestamp(START + 30),
      lastConfigChangeAt: timestamp(START + 30),
    });
    expect(core.deployments()[0]?.steps).toEqual([{ actions: [{ action: 'RestartApplication', app: '/web' }] }]);
    expect(core.versions('/web')).toEqual([timestamp(START + 30), timestamp(START + 20), original?.version]);
  });

  it('keeps service ports unique across apps', () => {
    const core = subscribedCore();
    const { reply } = deployOk(
      core,
      deployRequest(START, {
        upsert: [appDef(WEB), appDef({ ...WEB, id: '/api', portDefinitions: [{ port: 0 }, { port: 0 }] })],
      }),
    );
    expect(reply.apps.map((a) => a.portDefinitions.map((p) => p.port))).toEqual([[10000], [10001, 10002]]);
  });

  it('answers 422 for a dependency cycle', () => {
    const core = subscribedCore();
    const req = deployRequest(START, {
      upsert: [appDef({ ...WEB, dependencies: ['/api'] }), appDef({ ...WEB, id: '/api', dependencies: ['/web'] })],
    });
    expect(failed(core.deploy(req).reply)).toMatchObject({
      status: 422,
      message: 'Object is not valid',
      details: [{ path: '/', errors: [expect.any(String)] }],
    });
  });

  it('answers 409 while the app is locked, and force cancels the running plan', () => {
    const core = subscribedCore();
    const first = deployOk(core, deployRequest(START, { upsert: [appDef(WEB)] }));
    const refused = core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, instances: 5 })] }));
    expect(refused.effects).toEqual([]);
    expect(failed(refused.reply)).toEqual({
      status: 409,
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: first.reply.plan.deploymentId }],
    });
    const forced = deployOk(
      core,
      deployRequest(START + 2, { upsert: [appDef({ ...WEB, instances: 5 })], force: true }),
    );
    expect(eventsOf(forced.effects)[0]).toMatchObject({
      eventType: 'deployment_failed',
      id: first.reply.plan.deploymentId,
    });
    expect(writesOf(forced.effects)).toContainEqual({ kind: 'delete-deployment', id: first.reply.plan.deploymentId });
    expect(core.deployments().map((d) => d.id)).toEqual([forced.reply.plan.deploymentId]);
    expect(core.queue(START + 2)[0]?.count).toBe(5);
  });

  it(`answers 403 beyond ${MAX_RUNNING_DEPLOYMENTS} running deployments`, () => {
    const core = subscribedCore();
    for (let i = 0; i < MAX_RUNNING_DEPLOYMENTS; i++)
      deployOk(core, deployRequest(START + i, { upsert: [appDef({ ...WEB, id: `/app-${i}` })] }));
    const body = failed(core.deploy(deployRequest(START + 500, { upsert: [appDef(WEB)] })).reply);
    expect(body).toEqual({
      status: 403,
      message: `Max number (${MAX_RUNNING_DEPLOYMENTS}) of running deployments is achieved. Wait for existing deployments to complete.`,
    });
  });

  it('removes an app: kills its instances, then app_terminated_event and delete-app', () => {
    const core = running();
    const stop = deployOk(core, deployRequest(START + 10, { remove: ['/web'] }));
    expect(callsOf(stop.effects).filter((c) => c.type === 'KILL')).toHaveLength(2);
    expect(core.root.apps['/web']).toBeUndefined();
    const [a, b] = core.instances();
    update(core, a?.taskId ?? '', 'TASK_KILLED', START + 20);
    const last = update(core, b?.taskId ?? '', 'TASK_KILLED', START + 21);
    expect(eventsOf(last).map((e) => e.eventType)).toContain('app_terminated_event');
    expect(writesOf(last)).toContainEqual({ kind: 'delete-app', appId: '/web' });
    expect(core.deployments()).toEqual([]);
    expect(core.versions('/web')).toEqual([]);
  });

  it('restarts an app through a RestartApplication step; an unknown one is 404', () => {
    const core = running();
    const { reply } = deployOk(core, deployRequest(START + 10, { restart: ['/web'] }));
    expect(core.root.apps['/web']?.versionInfo.lastConfigChangeAt).toBe(reply.plan.version);
    expect(core.deployments()[0]?.steps).toEqual([{ actions: [{ action: 'RestartApplication', app: '/web' }] }]);
    expect(failed(core.deploy(deployRequest(START + 11, { restart: ['/nope'] })).reply)).toEqual({
      status: 404,
      message: "App '/nope' does not exist",
    });
  });

  it('removes a group with every app under it', () => {
    const core = subscribedCore();
    deployOk(
      core,
      deployRequest(START, {
        upsert: [appDef({ ...WEB, id: '/shop/web' }), appDef({ ...WEB, id: '/shop/db/main' }), appDef(WEB)],
        upsertGroups: [{ id: '/shop', dependencies: [] }],
      }),
    );
    core.cancelDeployment(core.deployments()[0]?.id ?? '', { force: true, now: START + 1 });
    deployOk(core, deployRequest(START + 2, { removeGroups: ['/shop'] }));
    expect(Object.keys(core.root.apps)).toEqual(['/web']);
    expect(core.root.groups).toEqual({});
  });
});

describe('killTasks', () => {
  it('answers 400 for scale with wipe and 404 for an unknown task', () => {
    const core = running();
    expect(failed(core.killTasks({ ids: ['x'], scale: true, wipe: true, force: false, now: START }).reply)).toEqual({
      status: 400,
      message: 'You cannot use scale and wipe at the same time.',
    });
    expect(failed(core.killTasks({ ids: ['x'], scale: false, wipe: false, force: false, now: START }).reply)).toEqual({
      status: 404,
      message: "Task 'x' does not exist",
    });
  });

  it('kills an instance and replaces it once it is gone', () => {
    const core = running();
    const [victim] = core.instances();
    const out = core.killTasks({
      ids: [victim?.taskId ?? ''],
      scale: false,
      wipe: false,
      force: false,
      now: START + 10,
    });
    expect(out.reply).toEqual({ ok: true, killed: [victim] });
    expect(callsOf(out.effects)).toEqual([
      { type: 'KILL', kill: { task_id: { value: victim?.taskId }, agent_id: { value: 'S0' } } },
    ]);
    expect(core.queue(START + 10)).toEqual([]);
    update(core, victim?.taskId ?? '', 'TASK_KILLED', START + 20);
    expect(core.queue(START + 20)[0]?.count).toBe(1);
  });

  it('wipe forgets the instance at once', () => {
    const core = running();
    const [victim] = core.instances();
    const out = core.killTasks({
      ids: [victim?.instanceId ?? ''],
      scale: false,
      wipe: true,
      force: false,
      now: START + 10,
    });
    expect(writesOf(out.effects)).toEqual([{ kind: 'delete-instance', instanceId: victim?.instanceId }]);
    expect(callsOf(out.effects)[0]).toMatchObject({ type: 'KILL' });
    expect(core.instance(victim?.instanceId ?? '')).toBeUndefined();
  });

  it('scale=true lowers instances through a deployment that kills exactly those', () => {
    const core = running({ ...WEB, instances: 3 });
    const victim = core.instances()[1];
    const out = core.killTasks({
      ids: [victim?.taskId ?? ''],
      scale: true,
      wipe: false,
      force: false,
      now: START + 10,
    });
    expect(out.reply.ok && out.reply.plan?.version).toBe(timestamp(START + 10));
    expect(core.root.apps['/web']?.instances).toBe(2);
    expect(callsOf(out.effects)).toEqual([
      { type: 'KILL', kill: { task_id: { value: victim?.taskId }, agent_id: { value: 'S0' } } },
    ]);
    expect(core.deployments()[0]?.killInstances).toEqual([victim?.instanceId]);
    const done = update(core, victim?.taskId ?? '', 'TASK_KILLED', START + 20);
    expect(eventsOf(done).map((e) => e.eventType)).toContain('deployment_success');
  });
});

describe('cancelDeployment', () => {
  it('answers 404 for an unknown plan', () => {
    const core = subscribedCore();
    expect(failed(core.cancelDeployment('nope', { force: false, now: START }).reply)).toEqual({
      status: 404,
      message: 'DeploymentPlan nope does not exist',
    });
  });

  it('force stops the plan where it is', () => {
    const core = subscribedCore();
    const { reply } = deployOk(core, deployRequest(START, { upsert: [appDef(WEB)] }));
    const out = core.cancelDeployment(reply.plan.deploymentId, { force: true, now: START + 1 });
    expect(out.reply).toEqual({ ok: true });
    expect(eventsOf(out.effects)[0]).toMatchObject({ eventType: 'deployment_failed', id: reply.plan.deploymentId });
    expect(core.deployments()).toEqual([]);
    expect(core.root.apps['/web']).toBeDefined();
  });

  it('rolls back: a created app is removed, a changed one gets its original definition back', () => {
    const core = running();
    const created = deployOk(
      core,
      deployRequest(START + 10, { upsert: [appDef({ ...WEB, id: '/new' }), appDef({ ...WEB, cmd: 'serve --v2' })] }),
    );
    const out = core.cancelDeployment(created.reply.plan.deploymentId, { force: false, now: START + 20 });
    if (!out.reply.ok) throw new Error('rollback refused');
    expect(out.reply.plan?.version).toBe(timestamp(START + 20));
    expect(eventsOf(out.effects)[0]).toMatchObject({
      eventType: 'deployment_failed',
      id: created.reply.plan.deploymentId,
    });
    expect(core.root.apps['/new']).toBeUndefined();
    expect(core.root.apps['/web']).toMatchObject({
      cmd: 'serve',
      versionInfo: { lastConfigChangeAt: timestamp(START + 20) },
    });
    expect(core.deployments().map((d) => d.steps)).toEqual([
      [
        { actions: [{ action: 'StopApplication', app: '/new' }] },
        { actions: [{ action: 'RestartApplication', app: '/web' }] },
      ],
    ]);
  });
});

describe('resetDelay', () => {
  it('clears the backoff; 404 when the app waits for nothing', () => {
    const core = running();
    expect(failed(core.resetDelay('/web', START + 5).reply)).toEqual({
      status: 404,
      message: 'Application /web not found in tasks queue.',
    });
    update(core, core.instances()[0]?.taskId ?? '', 'TASK_FAILED', START + 10);
    expect(core.delay('/web')).toBeDefined();
    const out = core.resetDelay('/web', START + 11);
    expect(out.reply).toEqual({ ok: true });
    expect(writesOf(out.effects)).toEqual([{ kind: 'delete-delay', appId: '/web' }]);
    expect(callsOf(out.effects)).toEqual([{ type: 'REVIVE', revive: { roles: ['*'] } }]);
  });
});

describe('restore', () => {
  it('resumes from the stored state: apps, instances, plans, delays and the framework id', () => {
    const store = new SimStore();
    const core = subscribedCore();
    const apply = (effects: ReturnType<SchedulerCore['input']>) => writesOf(effects).forEach((w) => store.apply(w));
    store.apply({ kind: 'framework-id', frameworkId: FRAMEWORK_ID });
    apply(core.deploy(deployRequest(START + 1, { upsert: [appDef({ ...WEB, instances: 3 })] })).effects);
    apply(
      core.input({
        type: 'offers',
        offers: [offerOf({ id: 'O1', agentId: 'S0', resources: 'cpus:1;mem:1024;ports:[31000-31010]' })],
        now: START + 2,
      }),
    );
    const restored = new SchedulerCore({ options: schedulerOptions(), state: store.state() });
    expect(restored.frameworkId).toBe(FRAMEWORK_ID);
    expect(restored.frameworkInfo().id).toEqual({ value: FRAMEWORK_ID });
    expect(restored.instances()).toEqual(core.instances());
    expect(restored.deployments()).toEqual(core.deployments());
    const resumed = restored.input({
      type: 'subscribed',
      frameworkId: FRAMEWORK_ID,
      master: MASTER_URL,
      now: START + 100,
    });
    expect(restored.queue(START + 100)).toEqual([expect.objectContaining({ appId: '/web', count: 1 })]);
    expect(callsOf(resumed).map((c) => c.type)).toEqual(['RECONCILE', 'RECONCILE', 'REVIVE']);
  });

  it(`keeps at most ${MARATHON_MAX_VERSIONS} versions per app`, () => {
    const core = subscribedCore();
    for (let i = 0; i <= MARATHON_MAX_VERSIONS; i++) {
      deployOk(core, deployRequest(START + i, { upsert: [appDef({ ...WEB, instances: i })], force: true }));
    }
    const versions = core.versions('/web');
    expect(versions).toHaveLength(MARATHON_MAX_VERSIONS);
    expect(versions[0]).toBe(timestamp(START + MARATHON_MAX_VERSIONS));
    expect(core.appAt('/web', timestamp(START))).toBeUndefined();
  });
});

// The scheduler core against a simulated leading master and agents, from a seed: deploy, scale, rolling
// restarts checked against the §6 bounds at every step, backoff, kills, failover mid-deployment, unknown
// tasks, deployment locks and rollback. MINICLUSTER_SIM_SEED=<n> replays one seed.
import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../src/master/core/v1.js';
import type { ApiError } from '../../src/scheduler/core/messages.js';
import { MesosSim, appDef, type TaskBehaviour } from '../helpers/mesos-sim.js';
import { seedsToRun } from './scenario.js';

const SEEDS = [1, 2, 3];

/** `crash`: fails 100 ms after running; `broken`: never passes a health check; anything else is fine. */
function behaviour(info: TaskInfo): TaskBehaviour {
  const cmd = info.command?.value ?? '';
  if (cmd.includes('crash')) return { healthy: true, exitAfterMs: 100, exitState: 'TASK_FAILED' };
  return { healthy: !cmd.includes('broken') };
}

const CHECK = { protocol: 'HTTP', path: '/', gracePeriodSeconds: 5, intervalSeconds: 1, maxConsecutiveFailures: 0 };
const NGINX = { id: '/nginx', cmd: 'nginx -g daemon-off', instances: 3, cpus: 0.2, mem: 64 };

function start(seed: number): MesosSim {
  console.log('sim seed', seed);
  const sim = new MesosSim({ seed, behaviour });
  sim.runFor(300);
  return sim;
}

function deployed(sim: MesosSim, json: Record<string, unknown>, o: { force?: boolean } = {}): string {
  const reply = sim.deploy({ upsert: [appDef(json)], force: o.force ?? false });
  if (!reply.ok) throw new Error(JSON.stringify(reply.body));
  return reply.plan.deploymentId;
}

function settle(sim: MesosSim, what: string, withinMs = 30_000): void {
  sim.runUntil(() => sim.core.deployments().length === 0, withinMs, { what });
}

/** The core and the master agree: every live task is a known instance and the other way round. */
function expectConsistent(sim: MesosSim, appId: string, count: number): void {
  const instances = sim.core.instancesOf(appId);
  expect(instances).toHaveLength(count);
  expect(instances.every((i) => i.state === 'TASK_RUNNING')).toBe(true);
  expect(
    sim
      .liveTasks(appId)
      .map((t) => t.info.task_id.value)
      .sort(),
  ).toEqual(instances.map((i) => i.taskId).sort());
  expect(sim.unacknowledged).toBe(0);
}

/** §6 at every step of a restart: live tasks ≤ maxCapacity, running (here: healthy) tasks ≥ minHealthy. */
function watchRestart(
  sim: MesosSim,
  o: { appId: string; n: number; minimumHealthCapacity: number; maximumOverCapacity: number },
): { steps: number } {
  const minHealthy = Math.ceil(o.n * o.minimumHealthCapacity);
  const floorCapacity = Math.floor(o.n * (1 + o.maximumOverCapacity));
  const maxCapacity = minHealthy === floorCapacity ? floorCapacity + 1 : floorCapacity;
  const seen = { steps: 0 };
  sim.invariants.push(() => {
    if (sim.core.deployments().length === 0) return;
    seen.steps += 1;
    expect(sim.liveTasks(o.appId).length).toBeLessThanOrEqual(maxCapacity);
    expect(sim.runningTasks(o.appId).length).toBeGreaterThanOrEqual(minHealthy);
  });
  return seen;
}

describe('simulated scheduler', () => {
  it.each(seedsToRun(SEEDS))(
    'deploys an app with 3 instances until all run and the deployment is gone (seed %i)',
    (seed) => {
      const sim = start(seed);
      deployed(sim, NGINX);
      settle(sim, 'the first deployment');
      expectConsistent(sim, '/nginx', 3);
      const kinds = sim.events.map((e) => e.eventType);
      expect(kinds.filter((k) => k === 'deployment_success')).toHaveLength(1);
      expect(kinds.indexOf('deployment_success')).toBeGreaterThan(kinds.lastIndexOf('deployment_step_success'));
    },
  );

  it.each(seedsToRun(SEEDS))('scales up, then down killing per killSelection (seed %i)', (seed) => {
    for (const killSelection of ['YOUNGEST_FIRST', 'OLDEST_FIRST'] as const) {
      const sim = start(seed);
      deployed(sim, { ...NGINX, instances: 5, killSelection });
      settle(sim, 'scale up');
      expectConsistent(sim, '/nginx', 5);
      const byStart = [...sim.core.instancesOf('/nginx')].sort(
        (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.instanceId.localeCompare(b.instanceId),
      );
      const expectedSurvivors = killSelection === 'YOUNGEST_FIRST' ? byStart.slice(0, 2) : byStart.slice(3);
      deployed(sim, { ...NGINX, instances: 2, killSelection });
      settle(sim, 'scale down');
      sim.runFor(1_000);
      expectConsistent(sim, '/nginx', 2);
      const survivors = sim.core
        .instancesOf('/nginx')
        .map((i) => i.instanceId)
        .sort();
      const startedAt = (id: string) => byStart.find((i) => i.instanceId === id)?.startedAt;
      expect(survivors.map(startedAt).sort()).toEqual(expectedSurvivors.map((i) => i.startedAt).sort());
    }
  });

  it.each(seedsToRun(SEEDS))('restarts rolling within the upgrade strategy bounds (seed %i)', (seed) => {
    for (const [minimumHealthCapacity, maximumOverCapacity] of [
      [1, 0],
      [0.5, 0],
    ] as const) {
      const sim = start(seed);
      const app = {
        ...NGINX,
        instances: 4,
        healthChecks: [CHECK],
        upgradeStrategy: { minimumHealthCapacity, maximumOverCapacity },
      };
      deployed(sim, app);
      settle(sim, 'the first deployment');
      const watched = watchRestart(sim, { appId: '/nginx', n: 4, minimumHealthCapacity, maximumOverCapacity });
      deployed(sim, { ...app, cmd: 'nginx -g daemon-off -v2' });
      settle(sim, 'the rolling restart', 60_000);
      sim.runFor(1_000);
      expect(watched.steps).toBeGreaterThan(10);
      expectConsistent(sim, '/nginx', 4);
      const version = sim.core.root.apps['/nginx']?.version;
      expect(sim.core.instancesOf('/nginx').every((i) => i.version === version && i.health[0]?.alive === true)).toBe(
        true,
      );
    }
  });

  it.each(seedsToRun(SEEDS))('relaunches a failing task with growing backoff delays (seed %i)', (seed) => {
    const sim = start(seed);
    deployed(sim, {
      id: '/crash',
      cmd: 'crash now',
      instances: 1,
      cpus: 0.1,
      mem: 32,
      backoffSeconds: 1,
      backoffFactor: 2,
    });
    sim.runFor(20_000);
    const delays = sim.writes.flatMap(({ write }) => (write.kind === 'delay' ? [write.delay.delayMs] : []));
    expect(delays.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    const launches = sim.calls.filter(({ call }) => call.type === 'ACCEPT').map(({ at }) => at);
    const gaps = launches.slice(1).map((at, i) => at - (launches[i] ?? at));
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    gaps.slice(0, 4).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** i));
    expect(sim.core.lastTaskFailure('/crash')?.state).toBe('TASK_FAILED');
  });

  it.each(seedsToRun(SEEDS))('replaces a killed task (seed %i)', (seed) => {
    const sim = start(seed);
    deployed(sim, NGINX);
    settle(sim, 'the first deployment');
    const victim = sim.core.instancesOf('/nginx')[1]?.taskId ?? '';
    const reply = sim.command((core, now) =>
      core.killTasks({ ids: [victim], scale: false, wipe: false, force: false, now }),
    );
    expect(reply.ok).toBe(true);
    sim.runUntil(
      () =>
        sim.core.instancesOf('/nginx').filter((i) => i.state === 'TASK_RUNNING').length === 3 &&
        sim.core.instance(victim) === undefined,
      10_000,
      { what: 'a replacement' },
    );
    expect(sim.tasks.get(victim)?.state).toBe('TASK_KILLED');
    sim.runFor(500);
    expectConsistent(sim, '/nginx', 3);
  });

  it.each(seedsToRun(SEEDS))(
    'fails over mid-deployment and finishes without duplicating or losing instances (seed %i)',
    (seed) => {
      const sim = start(seed);
      const app = {
        ...NGINX,
        instances: 4,
        healthChecks: [CHECK],
        upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5 },
      };
      deployed(sim, app);
      settle(sim, 'the first deployment');
      deployed(sim, { ...app, cmd: 'nginx -g daemon-off -v2' });
      const version = sim.core.root.apps['/nginx']?.version;
      sim.runUntil(
        () => sim.core.instancesOf('/nginx').some((i) => i.version === version && i.state === 'TASK_RUNNING'),
        10_000,
        { what: 'a new instance' },
      );
      sim.failover();
      settle(sim, 'the resumed deployment', 60_000);
      sim.runFor(1_000);
      expectConsistent(sim, '/nginx', 4);
      expect(sim.core.instancesOf('/nginx').every((i) => i.version === version)).toBe(true);
      expect(sim.events.some((e) => e.eventType === 'scheduler_reregistered_event')).toBe(true);
    },
  );

  it.each(seedsToRun(SEEDS))('kills a task it does not know (seed %i)', (seed) => {
    const sim = start(seed);
    sim.injectUnknownTask('stray.instance-1._app.1');
    sim.runFor(1_000);
    expect(sim.tasks.get('stray.instance-1._app.1')?.state).toBe('TASK_KILLED');
    expect(sim.core.instances()).toEqual([]);
  });

  it.each(seedsToRun(SEEDS))('answers 409 while a deployment is stuck and lets force replace it (seed %i)', (seed) => {
    const sim = start(seed);
    const app = { ...NGINX, healthChecks: [CHECK] };
    deployed(sim, app);
    settle(sim, 'the first deployment');
    const stuck = deployed(sim, { ...app, cmd: 'broken build' });
    sim.runFor(10_000);
    expect(sim.core.deployments().map((d) => d.id)).toEqual([stuck]);
    const refused = sim.deploy({ upsert: [appDef({ ...app, cmd: 'fixed build' })] }) as ApiError;
    expect(refused.status).toBe(409);
    expect(refused.body.deployments).toEqual([{ id: stuck }]);
    deployed(sim, { ...app, cmd: 'fixed build' }, { force: true });
    settle(sim, 'the forced deployment', 60_000);
    sim.runFor(1_000);
    expect(sim.events.find((e) => e.eventType === 'deployment_failed')).toMatchObject({ id: stuck });
    expectConsistent(sim, '/nginx', 3);
    expect(sim.core.instancesOf('/nginx').every((i) => i.health[0]?.alive === true)).toBe(true);
  });

  it.each(seedsToRun(SEEDS))('drops launches a forced scale-down no longer wants, and finishes (seed %i)', (seed) => {
    const sim = start(seed);
    const app = { ...NGINX, instances: 2, cpus: 0.2, constraints: [['hostname', 'MAX_PER', '1']] };
    deployed(sim, app);
    settle(sim, 'the first deployment');
    const stuck = deployed(sim, { ...app, instances: 4 });
    sim.runFor(5_000);
    expect(sim.core.deployments().map((d) => d.id)).toEqual([stuck]);
    expect(sim.core.queue(sim.now).map((q) => [q.appId, q.count])).toEqual([['/nginx', 2]]);
    deployed(sim, app, { force: true });
    settle(sim, 'the forced scale-down', 10_000);
    expect(sim.core.queue(sim.now)).toEqual([]);
    expectConsistent(sim, '/nginx', 2);
  });

  it.each(seedsToRun(SEEDS))('cancels a stuck deployment with a rollback (seed %i)', (seed) => {
    const sim = start(seed);
    const app = { ...NGINX, healthChecks: [CHECK] };
    deployed(sim, app);
    settle(sim, 'the first deployment');
    const stuck = deployed(sim, { ...app, cmd: 'broken build' });
    sim.runFor(10_000);
    const reply = sim.command((core, now) => core.cancelDeployment(stuck, { force: false, now }));
    expect(reply.ok && reply.plan?.deploymentId).toBeTruthy();
    settle(sim, 'the rollback', 60_000);
    sim.runFor(1_000);
    expect(sim.core.root.apps['/nginx']?.cmd).toBe(NGINX.cmd);
    expectConsistent(sim, '/nginx', 3);
    const version = sim.core.root.apps['/nginx']?.version;
    expect(sim.core.instancesOf('/nginx').every((i) => i.version === version && i.health[0]?.alive === true)).toBe(
      true,
    );
  });
});

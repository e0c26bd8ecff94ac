// Readiness checks in the scheduler core against the simulated master: deployments wait for new instances
// to report ready (the probes' selection answers here), a rolling restart kills no old instance before a new
// one is ready, results show in /v2/deployments and the app while the deployment runs and go with it.
// MINICLUSTER_SIM_SEED=<n> replays one seed.
import { describe, expect, it } from 'vitest';
import { NO_EMBED, renderAppInfo, renderDeployments } from '../../src/scheduler/core/render.js';
import { isOldVersion } from '../../src/scheduler/core/rolling.js';
import { awaitingReadiness } from '../../src/scheduler/io/readiness.js';
import { MesosSim, appDef, writesOf } from '../helpers/mesos-sim.js';
import { seedsToRun } from './scenario.js';

const SEEDS = [1, 2, 3];
/** One probe round every PROBE_MS of simulated time. */
const PROBE_MS = 200;

const WEB = {
  id: '/web',
  cmd: 'serve v1',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  portDefinitions: [{ port: 0, name: 'http-api' }],
  readinessChecks: [{ name: 'warm', intervalSeconds: 2, timeoutSeconds: 1 }],
};

function start(seed: number): MesosSim {
  console.log('sim seed', seed);
  const sim = new MesosSim({ seed });
  sim.runFor(300);
  return sim;
}

function deployed(sim: MesosSim, json: Record<string, unknown>): void {
  const reply = sim.deploy({ upsert: [appDef(json)] });
  if (!reply.ok) throw new Error(JSON.stringify(reply.body));
}

/** Feeds one readiness result as the shell does; returns the effects' store writes. */
function report(sim: MesosSim, taskId: string, ready: boolean): ReturnType<typeof writesOf> {
  let writes: ReturnType<typeof writesOf> = [];
  sim.command((core, now) => {
    const effects = core.input({ type: 'readiness', taskId, ready, now });
    writes = writesOf(effects);
    return { effects, reply: { ok: true } };
  });
  return writes;
}

/** Runs `ms` of simulated time with a probe round every PROBE_MS; `ready` decides each answer. */
function runProbing(
  sim: MesosSim,
  ms: number,
  ready: (taskId: string) => boolean,
  until: () => boolean = () => false,
): void {
  const deadline = sim.now + ms;
  while (sim.now < deadline && !until()) {
    for (const spec of awaitingReadiness(sim.core)) report(sim, spec.taskId, ready(spec.taskId));
    sim.runFor(PROBE_MS);
  }
}

const deploying = (sim: MesosSim): boolean => sim.core.deployments().length > 0;

function settleReady(sim: MesosSim, what: string): void {
  runProbing(
    sim,
    30_000,
    () => true,
    () => !deploying(sim),
  );
  if (deploying(sim)) throw new Error(`not finished: ${what}`);
}

function versionsOf(sim: MesosSim): { old: string[]; fresh: string[] } {
  const app = sim.core.root.apps['/web'];
  if (app === undefined) throw new Error('no app /web');
  const instances = sim.core.instancesOf('/web');
  const ids = (old: boolean) => instances.filter((i) => isOldVersion(app, i) === old).map((i) => i.taskId);
  return { old: ids(true), fresh: ids(false) };
}

describe('readiness checks in deployments', () => {
  it.each(seedsToRun(SEEDS))('a new app is deployed only once its instances report ready (seed %i)', (seed) => {
    const sim = start(seed);
    deployed(sim, WEB);
    runProbing(sim, 5_000, () => false);
    expect(deploying(sim)).toBe(true);
    expect(sim.core.instancesOf('/web').map((i) => [i.state, i.ready])).toEqual([
      ['TASK_RUNNING', false],
      ['TASK_RUNNING', false],
    ]);
    settleReady(sim, 'the first deployment');
    expect(sim.core.instancesOf('/web')).toHaveLength(2);
    expect(sim.core.instancesOf('/web').every((i) => i.ready === undefined)).toBe(true);
    const late = sim.core.instancesOf('/web')[0]?.taskId ?? '';
    expect(report(sim, late, false)).toEqual([]);
    expect(sim.core.instance(late)?.ready).toBeUndefined();
  });

  it.each(seedsToRun(SEEDS))(
    'a rolling restart kills old instances only as new ones become ready (seed %i)',
    (seed) => {
      for (const maximumOverCapacity of [1, 0]) {
        const sim = start(seed);
        const app = { ...WEB, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity } };
        deployed(sim, app);
        settleReady(sim, 'the first deployment');
        const old = new Set(sim.core.instancesOf('/web').map((i) => i.taskId));
        sim.invariants.push(() => {
          const killedOld = [...old].filter(
            (id) => sim.core.instance(id)?.killSentAt !== undefined || sim.core.instance(id) === undefined,
          );
          const readyFresh = sim.core.instancesOf('/web').filter((i) => !old.has(i.taskId) && i.ready === true);
          if (deploying(sim)) expect(killedOld.length).toBeLessThanOrEqual(readyFresh.length);
        });
        deployed(sim, { ...app, cmd: 'serve v2' });
        runProbing(sim, 5_000, () => false);
        const { fresh } = versionsOf(sim);
        expect(fresh).toHaveLength(maximumOverCapacity === 1 ? 2 : 1);
        expect([...old].every((id) => sim.core.instance(id)?.killSentAt === undefined)).toBe(true);
        runProbing(sim, 2_000, (taskId) => taskId === fresh[0]);
        expect(
          [...old].filter(
            (id) => sim.core.instance(id)?.killSentAt !== undefined || sim.core.instance(id) === undefined,
          ),
        ).toHaveLength(1);
        settleReady(sim, 'the rolling restart');
        expect(versionsOf(sim)).toEqual({ old: [], fresh: expect.any(Array) });
        expect(sim.core.instancesOf('/web')).toHaveLength(2);
        expect(sim.core.instancesOf('/web').every((i) => i.ready === undefined)).toBe(true);
      }
    },
  );
});

describe('readiness results in the API', () => {
  it('shows each waiting instance in the deployment and the app, and nothing once the deployment is done', () => {
    const sim = start(7);
    deployed(sim, WEB);
    settleReady(sim, 'the first deployment');
    const readiness = { ...NO_EMBED, readiness: true };
    const appResults = () =>
      renderAppInfo(sim.core, sim.core.root.apps['/web']!, readiness, { now: sim.now })['readinessCheckResults'];
    expect(appResults()).toEqual([]);
    deployed(sim, { ...WEB, cmd: 'serve v2' });
    runProbing(sim, 3_000, () => false);
    const [first, second] = versionsOf(sim).fresh;
    runProbing(sim, PROBE_MS, (taskId) => taskId === first);
    const results = [
      { taskId: first, name: 'warm', ready: true },
      { taskId: second, name: 'warm', ready: false },
    ];
    const [deployment] = renderDeployments(sim.core);
    expect(deployment?.['currentActions']).toEqual([
      { action: 'RestartApplication', app: '/web', readinessCheckResults: expect.arrayContaining(results) },
    ]);
    expect(appResults()).toEqual(expect.arrayContaining(results));
    expect(appResults()).toHaveLength(2);
    settleReady(sim, 'the rolling restart');
    expect(renderDeployments(sim.core)).toEqual([]);
    expect(appResults()).toEqual([]);
  });
});

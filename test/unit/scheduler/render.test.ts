// The JSON the API serves (1.5+ profile), rendered from a real SchedulerCore driven by the Mesos
// simulation: App/AppInfo, counts, embed, Task, Deployment, Queue, the Group tree and the text list.
import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../../../src/master/core/v1.js';
import {
  LIST_EMBED,
  NO_EMBED,
  SINGLE_EMBED,
  readAppEmbed,
  readGroupEmbed,
  renderApp,
  renderAppInfo,
  renderDeployments,
  renderGroup,
  renderQueue,
  renderTask,
  renderTasksText,
} from '../../../src/scheduler/core/render.js';
import { MesosSim, appDef } from '../../helpers/mesos-sim.js';

type Json = Record<string, unknown>;

function running(o: { behaviour?: (info: TaskInfo) => { healthy: boolean } } = {}): MesosSim {
  const sim = new MesosSim({ seed: 3, ...o });
  sim.runUntil(() => sim.core.subscribed, 1000);
  return sim;
}

function deployed(
  sim: MesosSim,
  apps: Json[],
  extra: { upsertGroups?: { id: string; dependencies: string[] }[] } = {},
): void {
  const reply = sim.deploy({ upsert: apps.map(appDef), ...extra });
  if (!reply.ok) throw new Error(JSON.stringify(reply.body));
  sim.runUntil(() => sim.core.deployments().length === 0, 20_000);
}

const sleeper = (id: string, extra: Json = {}): Json => ({ id, cmd: 'sleep 100', cpus: 0.1, mem: 16, ...extra });
const opts = (sim: MesosSim) => ({ now: sim.now });

describe('readAppEmbed and readGroupEmbed', () => {
  it('reads prefixed values onto the base and ignores unknown ones', () => {
    expect(readAppEmbed(['apps.tasks', 'app.lastTaskFailure', 'bogus', 'apps.nope'], NO_EMBED)).toEqual({
      ...NO_EMBED,
      tasks: true,
      deployments: true,
      lastTaskFailure: true,
    });
    expect(readAppEmbed(['apps.count', 'app.taskStats'], NO_EMBED)).toEqual({
      ...NO_EMBED,
      counts: true,
      taskStats: true,
    });
    expect(readAppEmbed(['apps.failures'], LIST_EMBED)).toEqual({ ...SINGLE_EMBED });
  });

  it('gives a group everything by default, or only the lists named', () => {
    expect(readGroupEmbed([])).toEqual({ groups: true, apps: true, pods: true, app: NO_EMBED });
    expect(readGroupEmbed(['group.groups', 'group.apps.counts'])).toEqual({
      groups: true,
      apps: false,
      pods: false,
      app: { ...NO_EMBED, counts: true },
    });
  });
});

describe('apps', () => {
  const sim = running();
  deployed(sim, [
    sleeper('/web', { instances: 2 }),
    { id: '/nginx', instances: 1, cpus: 0.1, mem: 16, container: { docker: { image: 'nginx', network: 'BRIDGE' } } },
  ]);
  const web = sim.core.root.apps['/web']!;
  const nginx = sim.core.root.apps['/nginx']!;

  it('emits port definitions for host networking only', () => {
    expect(renderApp(web)).toMatchObject({
      id: '/web',
      version: web.version,
      versionInfo: web.versionInfo,
      portDefinitions: [{ port: expect.any(Number) }],
    });
    expect(renderApp(nginx)).not.toHaveProperty('portDefinitions');
    expect(renderApp(nginx)).toMatchObject({
      networks: [{ mode: 'container/bridge' }],
      container: { portMappings: [{ servicePort: expect.any(Number) }] },
    });
  });

  it('adds counts, deployments and tasks as embedded', () => {
    const list = renderAppInfo(sim.core, web, LIST_EMBED, opts(sim));
    expect(list).toMatchObject({
      tasksStaged: 0,
      tasksRunning: 2,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      deployments: [],
    });
    expect(list).not.toHaveProperty('tasks');
    const single = renderAppInfo(sim.core, web, SINGLE_EMBED, opts(sim));
    expect(single['tasks']).toHaveLength(2);
    expect(renderAppInfo(sim.core, web, NO_EMBED, opts(sim))).toEqual(renderApp(web));
  });

  it('renders a task as §9.1 has it', () => {
    const instance = sim.core.instancesOf('/web')[0]!;
    expect(renderTask(instance)).toEqual({
      id: instance.taskId,
      appId: '/web',
      host: instance.host,
      ipAddresses: instance.ipAddresses,
      ports: instance.hostPorts,
      servicePorts: [web.portDefinitions[0]?.port],
      slaveId: instance.agentId,
      state: 'TASK_RUNNING',
      stagedAt: instance.stagedAt,
      startedAt: instance.startedAt,
      version: web.version,
      healthCheckResults: [],
    });
  });

  it('gives taskStats by version relation, with lifetimes of started tasks', () => {
    sim.runFor(10_000);
    const stats = renderAppInfo(sim.core, web, { ...NO_EMBED, taskStats: true }, opts(sim))['taskStats'] as Record<
      string,
      { stats: Json }
    >;
    expect(Object.keys(stats).sort()).toEqual(['startedAfterLastScaling', 'totalSummary', 'withLatestConfig']);
    expect(stats['totalSummary']?.stats).toMatchObject({ counts: { staged: 0, running: 2, healthy: 0, unhealthy: 0 } });
    const lifeTime = stats['totalSummary']?.stats['lifeTime'] as { averageSeconds: number; medianSeconds: number };
    expect(lifeTime.averageSeconds).toBeGreaterThan(9);
    expect(lifeTime.medianSeconds).toBeGreaterThan(9);
  });

  it('writes the text task list: one line per service port, host:port per running task', () => {
    const instances = sim.core.instancesOf('/web');
    const port = web.portDefinitions[0]?.port;
    const text = renderTasksText(sim.core, [web]);
    const cells = text
      .slice(`web\t${port}\t`.length, -1)
      .match(/[^\t]+\t/g)
      ?.sort();
    expect(text.startsWith(`web\t${port}\t`)).toBe(true);
    expect(text.endsWith('\t\n')).toBe(true);
    expect(cells).toEqual(instances.map((i) => `${i.host}:${i.hostPorts[0]}\t`).sort());
  });

  it('lists an app without service ports once, with its hosts', () => {
    deployed(sim, [sleeper('/portless', { portDefinitions: [] })]);
    const app = sim.core.root.apps['/portless']!;
    const [instance] = sim.core.instancesOf('/portless');
    expect(renderTasksText(sim.core, [app])).toBe(`portless\t \t${instance?.host} \n`);
  });
});

describe('health counts', () => {
  it('counts healthy and unhealthy tasks from their check results', () => {
    const sim = running({ behaviour: (info) => ({ healthy: !info.task_id.value.startsWith('sick') }) });
    const check = {
      healthChecks: [{ protocol: 'HTTP', intervalSeconds: 1, gracePeriodSeconds: 1, maxConsecutiveFailures: 0 }],
    };
    sim.deploy({ upsert: [appDef(sleeper('/fine', check)), appDef(sleeper('/sick', check))] });
    sim.runFor(5_000);
    const counts = (id: string) => renderAppInfo(sim.core, sim.core.root.apps[id]!, LIST_EMBED, opts(sim));
    expect(counts('/fine')).toMatchObject({ tasksRunning: 1, tasksHealthy: 1, tasksUnhealthy: 0 });
    expect(counts('/sick')).toMatchObject({ tasksRunning: 1, tasksHealthy: 0, tasksUnhealthy: 1 });
    const [task] = sim.core.instancesOf('/fine');
    expect(renderTask(task!)['healthCheckResults']).toEqual([
      expect.objectContaining({ alive: true, instanceId: task?.instanceId }),
    ]);
  });
});

describe('deployments and queue', () => {
  it('renders a running plan and the apps waiting in the queue', () => {
    const sim = running();
    const reply = sim.deploy({ upsert: [appDef(sleeper('/big', { instances: 3, cpus: 100 }))] });
    if (!reply.ok) throw new Error('deploy failed');
    sim.runFor(1_000);
    expect(renderDeployments(sim.core)[0]).toEqual({
      id: reply.plan.deploymentId,
      version: reply.plan.version,
      affectedApps: ['/big'],
      affectedPods: [],
      steps: [
        { actions: [{ action: 'StartApplication', app: '/big' }] },
        { actions: [{ action: 'ScaleApplication', app: '/big' }] },
      ],
      currentActions: [{ action: 'ScaleApplication', app: '/big', readinessCheckResults: [] }],
      currentStep: 2,
      totalSteps: 2,
    });
    const [entry] = renderQueue(sim.core, { now: sim.now, role: '*' })['queue'] as Json[];
    expect(entry).toMatchObject({
      app: { id: '/big', cpus: 100 },
      count: 3,
      delay: { timeLeftSeconds: 0, overdue: true },
      role: '*',
      processedOffersSummary: {
        processedOffersCount: expect.any(Number),
        rejectSummaryLaunchAttempt: expect.arrayContaining([expect.objectContaining({ reason: 'InsufficientCpus' })]),
      },
    });
    const summary = entry?.['processedOffersSummary'] as { processedOffersCount: number; unusedOffersCount: number };
    expect(summary.processedOffersCount).toBeGreaterThan(0);
    expect(summary.unusedOffersCount).toBe(summary.processedOffersCount);
    expect(entry).not.toHaveProperty('lastUnusedOffers');
  });

  it("lists each agent's last unused offer with what it held and why, with embed=lastUnusedOffers", () => {
    const sim = running();
    sim.deploy({ upsert: [appDef(sleeper('/big', { instances: 1, cpus: 100 }))] });
    sim.runFor(1_000);
    const [entry] = renderQueue(sim.core, { now: sim.now, role: '*', lastUnusedOffers: true })['queue'] as Json[];
    const unused = entry?.['lastUnusedOffers'] as Json[];
    expect(unused.length).toBeGreaterThan(0);
    expect(unused[0]).toEqual({
      offer: {
        id: expect.any(String),
        agentId: expect.any(String),
        hostname: expect.any(String),
        resources: expect.arrayContaining([{ name: 'cpus', role: '*', scalar: expect.any(Number) }]),
        attributes: expect.any(Array),
      },
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: ['InsufficientCpus'],
    });
    const agents = unused.map((u) => (u['offer'] as Json)['agentId']);
    expect(new Set(agents).size).toBe(agents.length);
  });
});

describe('groups', () => {
  const sim = running();
  deployed(sim, [sleeper('/top'), sleeper('/shop/cart'), sleeper('/shop/back/pay')], {
    upsertGroups: [{ id: '/shop', dependencies: ['/db'] }],
  });

  it('builds the tree from explicit groups and app ids', () => {
    const root = renderGroup(sim.core, '/', readGroupEmbed([]), opts(sim));
    expect(root).toMatchObject({ id: '/', apps: [{ id: '/top' }], pods: [], dependencies: [] });
    const [shop] = (root?.['groups'] ?? []) as Json[];
    expect(shop).toMatchObject({
      id: '/shop',
      dependencies: ['/db'],
      apps: [{ id: '/shop/cart' }],
      groups: [{ id: '/shop/back', apps: [{ id: '/shop/back/pay' }], groups: [] }],
    });
    expect((shop?.['apps'] as Json[] | undefined)?.[0]).not.toHaveProperty('tasksRunning');
  });

  it('honours embed and answers undefined for unknown groups', () => {
    const shop = renderGroup(sim.core, '/shop', readGroupEmbed(['group.apps', 'group.apps.counts']), opts(sim));
    expect(shop).not.toHaveProperty('groups');
    expect((shop?.['apps'] as Json[] | undefined)?.[0]).toMatchObject({ id: '/shop/cart', tasksRunning: 1 });
    expect(renderGroup(sim.core, '/nope', readGroupEmbed([]), opts(sim))).toBeUndefined();
  });
});

// ReadinessProbes against real HTTP servers on loopback: a server answering 503 then 200 becomes ready and
// is probed no more, only the instances a running deployment waits on are probed, and statuses outside
// httpStatusCodesForReady or no answer in time are not ready.
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { READINESS_CHECK_DEFAULTS, type ReadinessCheck } from '../../src/scheduler/core/app-types.js';
import type { SchedulerInput } from '../../src/scheduler/core/messages.js';
import type { AppVersion, DeploymentActionName, DeploymentPlan, Instance } from '../../src/scheduler/core/model.js';
import { ReadinessProbes, type ReadinessView } from '../../src/scheduler/io/readiness.js';
import { waitUntil } from '../helpers/ensemble.js';
import { VERSION, appVersion, instance } from '../unit/scheduler/health-fixtures.js';

type ReadinessInput = Extract<SchedulerInput, { type: 'readiness' }>;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function listen(server: Server): Promise<number> {
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function probes(): { probes: ReadinessProbes; results: ReadinessInput[] } {
  const results: ReadinessInput[] = [];
  const probes = new ReadinessProbes({
    onResult: (input) => input.type === 'readiness' && results.push(input),
    now: () => Date.now(),
    logger: pino({ level: 'silent' }),
  });
  cleanups.push(() => probes.close());
  return { probes, results };
}

/** /web with one port named `http-api` and a fast readiness check on it. */
function app(check: Partial<ReadinessCheck> = {}): AppVersion {
  const readiness: ReadinessCheck = {
    ...READINESS_CHECK_DEFAULTS,
    httpStatusCodesForReady: [200],
    path: '/ready',
    intervalSeconds: 0.05,
    timeoutSeconds: 1,
    ...check,
  };
  return {
    ...appVersion({ id: '/web', cmd: 'serve', portDefinitions: [{ port: 10080, name: 'http-api' }] }),
    readinessChecks: [readiness],
  };
}

/** A plan whose current step runs `action` on `target`. */
function plan(target: AppVersion, action: DeploymentActionName): DeploymentPlan {
  const apps = { [target.id]: target };
  return {
    id: 'plan-1',
    version: VERSION,
    original: apps,
    target: apps,
    steps: [{ actions: [{ action, app: target.id }] }],
    currentStep: 1,
    killInstances: [],
  };
}

function view(plans: DeploymentPlan[], instances: Instance[]): ReadinessView {
  return { deployments: () => plans, instancesOf: (appId) => instances.filter((i) => i.appId === appId) };
}

describe('ReadinessProbes', () => {
  it('a server answering 503 then 200 becomes ready, after which it is probed no more', async () => {
    let requests = 0;
    const port = await listen(
      createServer((req, res) => res.writeHead(req.url === '/ready' && ++requests > 2 ? 200 : 503).end()),
    );
    const web = instance({ appId: '/web', hostPorts: [port] });
    const restart = plan(app(), 'RestartApplication');
    const { probes: p, results } = probes();
    p.sync(view([restart], [web]));
    const ready = await waitUntil('a ready result', () => results.find((r) => r.ready));
    expect(results.slice(0, 3).map((r) => r.ready)).toEqual([false, false, true]);
    expect(ready).toMatchObject({ type: 'readiness', taskId: web.taskId, ready: true });
    p.sync(view([restart], [{ ...web, ready: true }]));
    expect(p.size).toBe(0);
    const seen = requests;
    await sleep(200);
    expect(requests).toBe(seen);
  });

  it('probes only running, live instances of the target version while a scale or restart waits on them', async () => {
    const paths: string[] = [];
    const port = await listen(
      createServer((req, res) => {
        paths.push(req.url ?? '');
        res.writeHead(503).end();
      }),
    );
    const target = app();
    const fresh = instance({ appId: '/web', hostPorts: [port] });
    const others = [
      instance({ appId: '/web', hostPorts: [port], version: '2024-01-01T00:00:00.000Z' }),
      instance({ appId: '/web', hostPorts: [port], state: 'TASK_STAGING' }),
      instance({ appId: '/web', hostPorts: [port], killSentAt: 1 }),
    ];
    const { probes: p, results } = probes();
    p.sync(view([plan(target, 'ScaleApplication')], [fresh, ...others]));
    expect(p.size).toBe(1);
    await waitUntil('two results', () => results.length >= 2);
    expect(new Set(results.map((r) => r.taskId))).toEqual(new Set([fresh.taskId]));
    expect(paths.every((path) => path === '/ready')).toBe(true);
    for (const action of ['StartApplication', 'StopApplication'] as const) {
      p.sync(view([plan(target, action)], [fresh]));
      expect(p.size).toBe(0);
    }
    p.sync(view([], [fresh]));
    expect(p.size).toBe(0);
    p.sync(view([plan({ ...target, readinessChecks: [] }, 'RestartApplication')], [fresh]));
    expect(p.size).toBe(0);
  });

  it('a status outside httpStatusCodesForReady, or no answer within timeoutSeconds, is not ready', async () => {
    const fine = await listen(createServer((_req, res) => res.writeHead(200).end()));
    const mute = await listen(createServer(() => undefined));
    const wants204 = instance({ appId: '/web', hostPorts: [fine] });
    const silent = instance({ appId: '/api', hostPorts: [mute] });
    const api = { ...app({ timeoutSeconds: 0.1, intervalSeconds: 0.2 }), id: '/api' };
    const { probes: p, results } = probes();
    p.sync(
      view(
        [plan(app({ httpStatusCodesForReady: [204] }), 'RestartApplication'), plan(api, 'RestartApplication')],
        [wants204, silent],
      ),
    );
    await waitUntil(
      'results from both',
      () => results.some((r) => r.taskId === wants204.taskId) && results.some((r) => r.taskId === silent.taskId),
    );
    expect(results.every((r) => !r.ready)).toBe(true);
  });
});

// The Marathon v2 API against the reference: status codes, bodies, headers, defaults, the errors of
// §10, the tutorials' legacy inputs, the event order of a deployment and a standby's proxying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarathonHttpError, type MarathonEventJson } from '../../src/api/marathon.js';
import { MAX_MARATHON_BODY_BYTES } from '../../src/common/limits.js';
import { MarathonHarness, startStandby } from '../helpers/marathon-harness.js';

let h: MarathonHarness;

beforeAll(async () => {
  h = await MarathonHarness.start();
});

afterAll(async () => {
  await h?.close();
});

const send = (...args: Parameters<MarathonHarness['send']>): ReturnType<MarathonHarness['send']> => h.send(...args);

type Json = Record<string, unknown>;
const sleeper = (id: string, extra: Json = {}): Json => ({ id, cmd: 'sleep 1000', cpus: 0.1, mem: 32, ...extra });

describe('apps', () => {
  it('creates an app: 201, Location, Marathon-Deployment-Id, the AppInfo with defaults', async () => {
    const res = await send('POST', '/v2/apps', { id: 'web', cmd: 'python3 -m http.server $PORT0' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe(`${h.url}/v2/apps/web`);
    const deploymentId = res.headers.get('Marathon-Deployment-Id');
    expect(deploymentId).toMatch(/\S+/);
    expect(res.headers.get('X-Marathon-Leader')).toBe(h.url);
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    expect(res.headers.get('X-XSS-Protection')).toBe('1; mode=block');
    expect(res.body).toMatchObject({
      id: '/web',
      instances: 1,
      cpus: 1,
      mem: 128,
      disk: 0,
      backoffSeconds: 1,
      backoffFactor: 1.15,
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
      networks: [{ mode: 'host' }],
      tasksStaged: 0,
      tasksRunning: 0,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      deployments: [{ id: deploymentId }],
    });
    expect((res.body as Json)['version']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.body).not.toHaveProperty('tasks');
  });

  it('refuses a second app with the same id (409)', async () => {
    const res = await send('POST', '/v2/apps', { id: '/web', cmd: 'sleep 10' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'An app with id [/web] already exists.' });
  });

  it('shows the running task, the assigned service port and the counts once deployed', async () => {
    h.settle();
    const { body } = await send('GET', '/v2/apps/web');
    const app = (body as { app: Json }).app;
    expect(app).toMatchObject({ id: '/web', tasksRunning: 1, tasksStaged: 0, deployments: [] });
    const servicePort = (app['portDefinitions'] as { port: number }[])[0]?.port ?? 0;
    expect(servicePort).toBeGreaterThanOrEqual(10000);
    expect(servicePort).toBeLessThanOrEqual(20000);
    const tasks = app['tasks'] as Json[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      appId: '/web',
      state: 'TASK_RUNNING',
      servicePorts: [servicePort],
      version: app['version'],
    });
    expect(String(tasks[0]?.['id'])).toMatch(/^web\.instance-[^_.]+\._app\.\d+$/);
    expect(tasks[0]?.['ports']).toEqual([expect.any(Number)]);
    expect(tasks[0]).toHaveProperty('slaveId');
    expect(tasks[0]).toHaveProperty('startedAt');
    expect(tasks[0]).not.toHaveProperty('agentId');
  });

  it('lists apps with cmd, id and label filters', async () => {
    await h.client.createApp(sleeper('/filters/a', { labels: { tier: 'front', env: 'prod' } }));
    await h.client.createApp(sleeper('/filters/b', { labels: { tier: 'back' } }));
    h.settle();
    const ids = async (query: string): Promise<string[]> =>
      ((await send('GET', `/v2/apps?${query}`)).body as { apps: Json[] }).apps.map((a) => String(a['id']));
    expect(await ids('id=filters')).toEqual(['/filters/a', '/filters/b']);
    expect(await ids('cmd=HTTP.SERVER')).toEqual(['/web']);
    expect(await ids(`label=${encodeURIComponent('tier in (front,back),env')}`)).toEqual(['/filters/a']);
    expect(await ids(`label=${encodeURIComponent('tier!=front')}`)).toEqual(['/filters/b']);
    const bad = await send('GET', `/v2/apps?label=${encodeURIComponent('tier in (')}`);
    expect(bad.status).toBe(422);
    const embedded = ((await send('GET', '/v2/apps?id=filters/a&embed=apps.tasks')).body as { apps: Json[] }).apps[0];
    expect(embedded?.['tasks']).toHaveLength(1);
  });

  it('scales with PUT {"instances": N}: 200, the deployment result and header', async () => {
    const res = await send('PUT', '/v2/apps/web', { instances: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deploymentId: res.headers.get('Marathon-Deployment-Id'), version: expect.any(String) });
    h.settle();
    expect((await h.client.app('/web')).tasksRunning).toBe(2);
  });

  it('rolls back with {"version": ts} and refuses version with other fields', async () => {
    const [, first] = await h.client.appVersions('/filters/b').then((v) => [v, v.at(-1)] as const);
    await h.client.putApp('/filters/b', { cmd: 'sleep 2000' });
    h.settle();
    const mixed = await send('PUT', '/v2/apps/filters/b', { version: first, cmd: 'sleep 3' });
    expect(mixed.status).toBe(422);
    expect(mixed.body).toEqual({
      message: 'Object is not valid',
      details: [{ path: '/', errors: ["The 'version' field may only be combined with the 'id' field."] }],
    });
    const back = await send('PUT', '/v2/apps/filters/b', { id: '/filters/b', version: first });
    expect(back.status).toBe(200);
    h.settle();
    expect((await h.client.app('/filters/b'))['cmd']).toBe('sleep 1000');
    const missing = await send('PUT', '/v2/apps/filters/b', { version: '2001-01-01T00:00:00.000Z' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "App '/filters/b' does not exist in version 2001-01-01T00:00:00.000Z" });
  });

  it('creates with PUT when the app is missing (201 + Location); PATCH of a missing app is 404', async () => {
    const res = await send('PUT', '/v2/apps/made-by-put', sleeper('/ignored'));
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe(`${h.url}/v2/apps/made-by-put`);
    expect(res.body).toHaveProperty('deploymentId');
    const patch = await send('PATCH', '/v2/apps/nowhere', { instances: 1 });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual({ message: "App '/nowhere' does not exist" });
    h.settle();
  });

  it('updates several apps with PUT /v2/apps in one deployment', async () => {
    const res = await send('PUT', '/v2/apps', [{ id: 'made-by-put', instances: 0 }, sleeper('bulk-new')]);
    expect(res.status).toBe(200);
    h.settle();
    expect((await h.client.app('/made-by-put')).instances).toBe(0);
    expect((await h.client.app('/bulk-new')).tasksRunning).toBe(1);
  });

  it('answers 409 while a deployment holds the app, and force=true overrides it', async () => {
    await h.client.createApp(sleeper('locked', { instances: 3 }));
    const res = await send('PUT', '/v2/apps/locked', { instances: 1 });
    expect(res.status).toBe(409);
    const body = res.body as { message: string; deployments: { id: string }[] };
    expect(body.message).toMatch(
      /^App is locked by one or more deployments\. Override with the option '\?force=true'\./,
    );
    expect(body.deployments).toHaveLength(1);
    const forced = await send('PUT', '/v2/apps/locked?force=true', { instances: 1 });
    expect(forced.status).toBe(200);
    h.settle();
  });

  it('deletes an app (force defaults to true) and then answers 404 for it', async () => {
    await h.client.putApp('/locked', { instances: 2 });
    const res = await send('DELETE', '/v2/apps/locked');
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('deploymentId');
    h.settle();
    const gone = await send('GET', '/v2/apps/locked');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: "App '/locked' does not exist" });
  });

  it('restarts an app with a new deployment', async () => {
    const res = await send('POST', '/v2/apps/bulk-new/restart');
    expect(res.status).toBe(200);
    expect(res.headers.get('Marathon-Deployment-Id')).toBe((res.body as Json)['deploymentId']);
    h.settle();
    expect((await send('POST', '/v2/apps/nope/restart')).status).toBe(404);
  });

  it('lists versions and serves one version as a plain app', async () => {
    const versions = await h.client.appVersions('/web');
    expect(versions.length).toBeGreaterThanOrEqual(2);
    const one = await send('GET', `/v2/apps/web/versions/${versions[0]}`);
    expect(one.body).toMatchObject({ id: '/web', version: versions[0] });
    expect(one.body).not.toHaveProperty('tasks');
  });
});

describe('errors of §10', () => {
  it('400 Invalid JSON with a string details for malformed text', async () => {
    const res = await send('POST', '/v2/apps', '{"id": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message: 'Invalid JSON', details: expect.any(String) });
  });

  it('400 Please specify data in JSON format for an empty body', async () => {
    const res = await send('POST', '/v2/apps', '');
    expect(res.status).toBe(400);
    expect((res.body as Json)['message']).toBe('Please specify data in JSON format');
  });

  it('422 for typed-read and semantic violations', async () => {
    const upper = await send('POST', '/v2/apps', { id: 'MyApp', cmd: 'sleep 1' });
    expect(upper.status).toBe(422);
    expect(upper.body).toEqual({ message: 'Invalid JSON', details: [{ path: '/id', errors: ['error.pattern'] }] });
    const nothing = await send('POST', '/v2/apps', { id: 'empty' });
    expect(nothing.status).toBe(422);
    expect(nothing.body).toEqual({
      message: 'Object is not valid',
      details: [
        { path: '/', errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] },
      ],
    });
  });

  it('413 for a body over MAX_MARATHON_BODY_BYTES', async () => {
    const res = await send('POST', '/v2/apps', JSON.stringify({ id: 'big', cmd: 'x'.repeat(MAX_MARATHON_BODY_BYTES) }));
    expect(res.status).toBe(413);
  });

  it('JSON 404 for unknown URIs', async () => {
    const res = await send('GET', '/v2/foo');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'URI not found: /v2/foo' });
  });

  it('404s for unknown tasks, deployments and queue entries', async () => {
    expect((await send('DELETE', '/v2/apps/web/tasks/web.instance-nope._app.1')).body).toEqual({
      message: "Task 'web.instance-nope._app.1' does not exist",
    });
    expect((await send('DELETE', '/v2/deployments/abc')).body).toEqual({
      message: 'DeploymentPlan abc does not exist',
    });
    expect((await send('DELETE', '/v2/queue/nope/delay')).body).toEqual({
      message: 'Application /nope not found in tasks queue.',
    });
    expect((await send('GET', '/v2/groups/nope')).body).toEqual({ message: "Group '/nope' does not exist" });
  });
});

describe('tasks', () => {
  it('lists all tasks as JSON, with a status filter', async () => {
    const all = await h.client.tasks();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(await h.client.tasks('staging')).toEqual([]);
    expect((await h.client.tasks('running')).length).toBe(all.length);
  });

  it('lists running tasks as text/plain, one line per app and service port', async () => {
    const text = await h.client.tasksText();
    const web = await h.client.app('/web');
    const port = (web['portDefinitions'] as { port: number }[])[0]?.port;
    const hosts = (web.tasks ?? []).map((t) => `${t.host}:${t.ports[0]}\t`).sort();
    const line = text.split('\n').find((l) => l.startsWith('web\t'));
    expect(line?.startsWith(`web\t${port}\t`)).toBe(true);
    expect(
      line
        ?.slice(`web\t${port}\t`.length)
        .match(/[^\t]+\t/g)
        ?.sort(),
    ).toEqual(hosts);
    expect(text).toContain('filters_a\t');
  });

  it('refuses scale together with wipe', async () => {
    const res = await send('DELETE', '/v2/apps/web/tasks?scale=true&wipe=true');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'You cannot use scale and wipe at the same time.' });
  });

  it('kills one task and a replacement is launched', async () => {
    const [task] = await h.client.appTasks('/filters/a');
    const res = await send('DELETE', `/v2/apps/filters/a/tasks/${task?.id}`);
    expect(res.status).toBe(200);
    expect((res.body as { task: Json }).task).toMatchObject({ id: task?.id, appId: '/filters/a' });
    h.advanceUntil(() => h.sim.runningTasks('/filters/a').some((t) => t.info.task_id.value !== task?.id), 10_000);
    h.settle();
    const after = await h.client.appTasks('/filters/a');
    expect(after.map((t) => t.id)).not.toContain(task?.id);
    expect(after).toHaveLength(1);
  });

  it('kills with scale=true through a deployment that lowers instances', async () => {
    const tasks = await h.client.appTasks('/web');
    const res = await h.client.killTasks(
      tasks.slice(0, 1).map((t) => t.id),
      { scale: true },
    );
    expect(res).toHaveProperty('deploymentId');
    h.settle();
    expect((await h.client.app('/web')).instances).toBe(1);
  });

  it('refuses malformed ids in /v2/tasks/delete', async () => {
    const res = await send('POST', '/v2/tasks/delete', { ids: ['nodots'] });
    expect(res.status).toBe(400);
    expect(String((res.body as Json)['message'])).toMatch(/^Invalid task id 'nodots'\./);
  });
});

describe('deployments and queue', () => {
  it('shows a running deployment (§9.3) and rolls it back or stops it', async () => {
    const { deploymentId } = await h.client.createApp(sleeper('slow', { instances: 2 }));
    const [plan] = await h.client.deployments();
    expect(plan).toMatchObject({
      id: deploymentId,
      affectedApps: ['/slow'],
      affectedPods: [],
      steps: [
        { actions: [{ action: 'StartApplication', app: '/slow' }] },
        { actions: [{ action: 'ScaleApplication', app: '/slow' }] },
      ],
      totalSteps: 2,
    });
    expect(plan?.['currentActions']).toEqual(expect.any(Array));
    const queue = await h.client.queue();
    expect(queue[0]).toMatchObject({
      app: { id: '/slow' },
      count: expect.any(Number),
      delay: { timeLeftSeconds: 0, overdue: true },
      role: '*',
    });
    const stopped = await send('DELETE', `/v2/deployments/${deploymentId}?force=true`);
    expect(stopped.status).toBe(202);
    expect(stopped.text).toBe('');
    expect(await h.client.deployments()).toEqual([]);
    await h.client.deleteApp('/slow');
    h.settle();
  });

  it('waitForDeployment polls until the deployment is gone', async () => {
    const { deploymentId } = await h.client.createApp(sleeper('waited'));
    const seen: number[] = [];
    h.startClock();
    await h.client.waitForDeployment(deploymentId, {
      timeoutMs: 5000,
      intervalMs: 10,
      onProgress: (d) => seen.push(d.currentStep),
    });
    expect(await h.client.deployments()).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect((await h.client.app('/waited')).tasksRunning).toBe(1);
  });
});

describe('groups', () => {
  it('creates a group with relative app ids: 201, Location, the deployment result', async () => {
    const res = await send('POST', '/v2/groups', { id: 'shop', apps: [sleeper('cart'), sleeper('/shop/pay')] });
    expect(res.status).toBe(201);
    expect(res.headers.get('Location')).toBe(`${h.url}/v2/groups/shop`);
    expect(res.body).toEqual({ deploymentId: expect.any(String), version: expect.any(String) });
    h.settle();
    const again = await send('POST', '/v2/groups', { id: 'shop' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: 'Group /shop is already created. Use PUT to change this group.' });
  });

  it('serves the tree from the root', async () => {
    const root = await h.client.group('/');
    expect(root).toMatchObject({ id: '/', pods: [], dependencies: [] });
    const shop = (root['groups'] as Json[]).find((g) => g['id'] === '/shop');
    expect((shop?.['apps'] as Json[] | undefined)?.map((a) => a['id'])).toEqual(['/shop/cart', '/shop/pay']);
  });

  it('refuses an app that is not a child of the group (422)', async () => {
    const res = await send('POST', '/v2/groups', { id: '/other', apps: [sleeper('/elsewhere/app')] });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      message: 'Object is not valid',
      details: [
        {
          path: '/apps(0)/id',
          errors: ['identifier /elsewhere/app is not child of /other. Hint: use relative paths.'],
        },
      ],
    });
  });

  it('scales a group with scaleBy and deletes it', async () => {
    expect((await send('PUT', '/v2/groups/shop', { scaleBy: 2 })).status).toBe(200);
    h.settle();
    expect((await h.client.app('/shop/cart')).tasksRunning).toBe(2);
    expect((await send('DELETE', '/v2/groups/shop')).status).toBe(200);
    h.settle();
    expect((await send('GET', '/v2/groups/shop')).status).toBe(404);
  });
});

describe('system endpoints', () => {
  it('/v2/info, /v2/leader, /ping, /metrics', async () => {
    const info = await h.client.info();
    expect(info).toMatchObject({
      name: 'marathon',
      elected: true,
      leader: h.url.replace('http://', ''),
      frameworkId: expect.any(String),
    });
    expect(info['marathon_config']).toMatchObject({
      local_port_min: 10000,
      local_port_max: 20000,
      mesos_leader_ui_url: 'http://127.0.0.1:5050',
    });
    expect(await h.client.leader()).toBe(h.url.replace('http://', ''));
    const ping = await send('GET', '/ping');
    expect(ping.text).toBe('pong');
    expect(ping.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await send('GET', '/metrics')).body).toMatchObject({ gauges: expect.any(Object), counters: {} });
  });
});

describe('tutorial inputs', () => {
  it('nginx.json: BRIDGE networking with hostPort 0, migrated to the 1.5+ shape with a Warning', async () => {
    const nginx = {
      id: 'nginx',
      container: {
        type: 'DOCKER',
        docker: {
          image: 'nginx',
          network: 'BRIDGE',
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        },
      },
      instances: 1,
      cpus: 0.1,
      mem: 64,
    };
    const res = await send('POST', '/v2/apps', nginx);
    expect(res.status).toBe(201);
    expect(res.headers.get('Warning')).toMatch(/^299 - ".*BRIDGE.*"/);
    const app = res.body as Json;
    expect(app['networks']).toEqual([{ mode: 'container/bridge', labels: {} }]);
    expect(app).not.toHaveProperty('portDefinitions');
    const container = app['container'] as Json;
    expect(container['docker']).not.toHaveProperty('network');
    expect(container['portMappings']).toEqual([
      expect.objectContaining({ containerPort: 80, hostPort: 0, protocol: 'tcp' }),
    ]);
    h.settle();
    const [task] = await h.client.appTasks('/nginx');
    expect(task?.ports[0]).toBeGreaterThanOrEqual(31000);
  });

  it('the old ubuntu.json: string numbers and the 0.6 docker:/// container with options', async () => {
    const ubuntu = {
      container: { image: 'docker:///libmesos/ubuntu', options: ['-e', 'GREETING=hi'] },
      cpus: '.3',
      id: 'ubuntu',
      instances: '1',
      mem: '64',
      cmd: 'while sleep 10; do date -u +%T; done',
    };
    const created = await h.client.createApp(ubuntu);
    expect(created.app).toMatchObject({ id: '/ubuntu', cpus: 0.3, instances: 1, mem: 64, env: { GREETING: 'hi' } });
    expect((created.app['container'] as { docker: Json }).docker['image']).toBe('libmesos/ubuntu');
    expect(created.warnings.join('\n')).toMatch(/instances/);
    expect(created.warnings.join('\n')).toMatch(/docker:\/\/\/libmesos\/ubuntu/);
    h.settle();
    expect((await h.client.app('/ubuntu')).tasksRunning).toBe(1);
  });
});

describe('event stream', () => {
  it('sends event_stream_attached first, then a deployment in the order of §12', async () => {
    const abort = new AbortController();
    const stream = h.client.events({ signal: abort.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ eventType: 'event_stream_attached', remoteAddress: expect.any(String) });
    const events: MarathonEventJson[] = [];
    const collected = (async () => {
      for await (const event of stream) {
        events.push(event);
        if (event.eventType === 'deployment_success') return;
      }
    })();
    const { deploymentId } = await h.client.createApp(sleeper('evented'));
    h.settle();
    await collected;
    abort.abort();
    const index = (type: string, where: (e: MarathonEventJson) => boolean = () => true): number =>
      events.findIndex((e) => e.eventType === type && where(e));
    const post = index('api_post_event');
    expect(events[post]).toMatchObject({
      uri: '/v2/apps',
      clientIp: expect.any(String),
      appDefinition: { id: '/evented' },
    });
    const start = index('deployment_info', (e) => JSON.stringify(e['currentStep']).includes('StartApplication'));
    const scale = index('deployment_info', (e) => JSON.stringify(e['currentStep']).includes('ScaleApplication'));
    const running = index(
      'status_update_event',
      (e) => e['taskStatus'] === 'TASK_RUNNING' && e['appId'] === '/evented',
    );
    const success = index('deployment_success', (e) => e['id'] === deploymentId);
    expect([post, start, scale, running, success].every((i) => i >= 0)).toBe(true);
    expect(post).toBeLessThan(start);
    expect(start).toBeLessThan(index('deployment_step_success'));
    expect(index('deployment_step_success')).toBeLessThan(scale);
    expect(scale).toBeLessThan(running);
    expect(running).toBeLessThan(success);
  });

  it('filters by event_type', async () => {
    const abort = new AbortController();
    const stream = h.client.events({
      eventTypes: ['event_stream_attached', 'deployment_success'],
      signal: abort.signal,
    });
    expect((await stream.next()).value).toMatchObject({ eventType: 'event_stream_attached' });
    await h.client.putApp('/evented', { instances: 2 });
    h.settle();
    expect((await stream.next()).value).toMatchObject({ eventType: 'deployment_success' });
    abort.abort();
  });
});

describe('a standby', () => {
  it('proxies a POST to the leader and relays its answer and headers', async () => {
    const standby = await startStandby(h.url);
    try {
      const res = await fetch(`${standby.url}/v2/apps?force=false`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(sleeper('via-standby')),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('X-Marathon-Leader')).toBe(h.url);
      expect(res.headers.get('Location')).toBe(`${standby.url}/v2/apps/via-standby`);
      expect(res.headers.get('Marathon-Deployment-Id')).toMatch(/\S/);
      expect(((await res.json()) as Json)['id']).toBe('/via-standby');
      const events = await fetch(`${standby.url}/v2/events?event_type=status_update_event`, { redirect: 'manual' });
      expect(events.status).toBe(307);
      expect(events.headers.get('Location')).toBe(`${h.url}/v2/events?event_type=status_update_event`);
      const error = await fetch(`${standby.url}/v2/apps/none`);
      expect(error.status).toBe(404);
      expect(await error.json()).toEqual({ message: "App '/none' does not exist" });
    } finally {
      await standby.close();
    }
  });

  it('answers 503 when no leader is known', async () => {
    const standby = await startStandby(null);
    try {
      const res = await fetch(`${standby.url}/v2/apps`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('Could not determine the current leader');
    } finally {
      await standby.close();
    }
  });

  it('surfaces leader errors through the client as MarathonHttpError', async () => {
    const err = await h.client.app('/missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MarathonHttpError);
    expect(err).toMatchObject({ status: 404, body: { message: "App '/missing' does not exist" } });
  });
});

// Whatever the Marathon API accepts it can serve: app definitions near every limit go through POST, GET,
// the task and version URLs, PUT of the app as served and DELETE; beyond a limit they are refused with 422.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MARATHON_MAX_NETWORK_NAME_LENGTH,
  MARATHON_MAX_PATH_LENGTH,
  MARATHON_MAX_URI_LENGTH,
  MAX_APP_ID_LENGTH,
  MAX_APP_STRING_LENGTH,
} from '../../src/common/limits.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';

let h: MarathonHarness;

beforeAll(async () => {
  h = await MarathonHarness.start();
});

afterAll(async () => {
  await h?.close();
});

type Json = Record<string, unknown>;
type Entries = [string, string][];

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const RESERVED = new Set(['restart', 'tasks', 'versions']);

/** A valid absolute id of MAX_APP_ID_LENGTH or a few characters less, in segments of letters, digits and `-`. */
const appId = fc
  .record({
    length: fc.integer({ min: MAX_APP_ID_LENGTH - 4, max: MAX_APP_ID_LENGTH }),
    cuts: fc.uniqueArray(fc.integer({ min: 2, max: MAX_APP_ID_LENGTH - 6 }), { maxLength: 5 }),
    chars: fc.array(fc.constantFrom(...`${ALNUM}-`), { minLength: MAX_APP_ID_LENGTH, maxLength: MAX_APP_ID_LENGTH }),
  })
  .map(({ length, cuts, chars }) => {
    const out = chars.slice(0, length);
    out[0] = '/';
    for (const cut of cuts) if (out[cut - 1] !== '/' && out[cut + 1] !== '/') out[cut] = '/';
    return out.map((c, i) => (c === '-' && (out[i - 1] === '/' || out[i + 1] === '/' || i === length - 1) ? 'a' : c));
  })
  .map((chars) => chars.join(''))
  .filter((id) => !RESERVED.has(id.split('/').at(-1) ?? ''));

/** Up to `max` characters, mostly close to it: any code units (lone surrogates, NUL) up front, then `x`. */
const text = (max: number, min = 0): fc.Arbitrary<string> =>
  fc
    .record({
      length: fc.oneof(fc.integer({ min: Math.max(min, max - 2), max }), fc.integer({ min, max: Math.min(max, 12) })),
      start: fc.string({ unit: 'binary', maxLength: 6 }),
    })
    .map(({ length, start }) => `${start}${'x'.repeat(length)}`.slice(0, length));

const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];

/** A map as entries: keys near the limit and those an ordinary object would take for its own. */
const entries = (maxLength: number): fc.Arbitrary<Entries> =>
  fc.uniqueArray(
    fc.tuple(fc.oneof(fc.constantFrom(...KEYS), text(MAX_APP_STRING_LENGTH)), text(MAX_APP_STRING_LENGTH)),
    {
      selector: ([key]) => key,
      maxLength,
    },
  );

const alnum = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...ALNUM), { minLength: length, maxLength: length }).map((c) => c.join(''));

interface Generated {
  id: string;
  instances: number;
  labels: Entries;
  env: Entries;
  cmd: string;
  uri: string;
  destPath: string;
  healthPath: string;
  readinessPath: string | null;
  like: string;
  portLabels: Entries;
  container: { image: string; network: string } | null;
}

const generated: fc.Arbitrary<Generated> = fc.record({
  id: appId,
  instances: fc.constantFrom(0, 1),
  labels: entries(4),
  env: entries(4),
  cmd: text(MAX_APP_STRING_LENGTH, 2),
  uri: text(MARATHON_MAX_URI_LENGTH, 1),
  destPath: text(MARATHON_MAX_PATH_LENGTH, 1),
  healthPath: text(MAX_APP_STRING_LENGTH),
  readinessPath: fc.option(text(MARATHON_MAX_PATH_LENGTH, 1), { freq: 2 }),
  like: alnum(MAX_APP_STRING_LENGTH - 'agent-[0-9]+|'.length),
  portLabels: entries(2),
  container: fc.option(
    fc.record({
      image: text(MAX_APP_STRING_LENGTH, 1),
      network: fc
        .integer({ min: MARATHON_MAX_NETWORK_NAME_LENGTH - 2, max: MARATHON_MAX_NETWORK_NAME_LENGTH })
        .chain(alnum),
    }),
    { freq: 2 },
  ),
});

/** The app JSON: host networking with a port definition, or a container on a named network with a port mapping. */
function definition(g: Generated): Json {
  const port = { name: 'http-api', labels: Object.fromEntries(g.portLabels) };
  const networking =
    g.container === null
      ? { portDefinitions: [{ port: 0, ...port }] }
      : {
          container: {
            type: 'DOCKER',
            docker: { image: g.container.image },
            portMappings: [{ containerPort: 80, hostPort: 0, ...port }],
          },
          networks: [{ mode: 'container', name: g.container.network, labels: Object.fromEntries(g.portLabels) }],
        };
  const readiness = g.readinessPath === null ? [] : [{ path: g.readinessPath, portName: 'http-api' }];
  return {
    id: g.id,
    cmd: g.cmd,
    // A readiness check holds a deployment until probed; the simulation probes none, so such apps run nothing.
    instances: readiness.length > 0 ? 0 : g.instances,
    cpus: 0.01,
    mem: 8,
    labels: Object.fromEntries(g.labels),
    env: Object.fromEntries(g.env),
    fetch: [{ uri: g.uri, destPath: g.destPath }],
    healthChecks: [{ protocol: 'HTTP', path: g.healthPath, gracePeriodSeconds: 0, intervalSeconds: 1 }],
    readinessChecks: readiness,
    constraints: [['hostname', 'LIKE', `agent-[0-9]+|${g.like}`]],
    ...networking,
  };
}

/** A value with every object as its entries sorted by key, so `__proto__` compares like any key. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value)
    .map(([k, v]) => [k, canonical(v)])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
}

/** What the scheduler adds to an app it serves. */
const SERVED_ONLY = new Set([
  ...['version', 'versionInfo', 'deployments', 'tasks', 'lastTaskFailure'],
  ...['tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy'],
]);

/** The app as served without what the scheduler adds: what a client sends back in a PUT. */
function definitionOf(app: Json): Json {
  return Object.fromEntries(Object.entries(app).filter(([key]) => !SERVED_ONLY.has(key)));
}

/** The fields of an app that carry the generated values. */
function served(app: Json): Json {
  const at = (value: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value);
  const port = at(app, 'portDefinitions', 0) ?? at(app, 'container', 'portMappings', 0);
  return {
    id: app['id'],
    cmd: app['cmd'],
    labels: app['labels'],
    env: app['env'],
    constraints: app['constraints'],
    fetch: [at(app, 'fetch', 0, 'uri'), at(app, 'fetch', 0, 'destPath')],
    healthPath: at(app, 'healthChecks', 0, 'path'),
    readinessPath: at(app, 'readinessChecks', 0, 'path'),
    image: at(app, 'container', 'docker', 'image'),
    network: at(app, 'networks', 0, 'name'),
    networkLabels: at(app, 'networks', 0, 'name') === undefined ? undefined : at(app, 'networks', 0, 'labels'),
    portLabels: at(port, 'labels'),
  };
}

async function getApp(id: string): Promise<Json> {
  const res = await h.send('GET', `/v2/apps${id}`);
  expect(res.status).toBe(200);
  return (res.body as { app: Json }).app;
}

function settle(): void {
  h.settle(60_000);
}

/** POST, GET, the task and version URLs, PUT of the app as served with one more label, DELETE. */
async function roundTrip(g: Generated): Promise<void> {
  const body = definition(g);
  await h.send('DELETE', `/v2/apps${g.id}`);
  settle();
  const created = await h.send('POST', '/v2/apps', body);
  expect(created.status, created.text.slice(0, 300)).toBe(201);
  settle();
  const app = await getApp(g.id);
  expect(canonical(served(app))).toEqual(canonical(served(body)));
  await taskAndVersionUrls(g.id, app['instances'] as number);

  const labels = { ...(app['labels'] as Json), 'round-trip': 'yes' };
  const updated = await h.send('PUT', `/v2/apps${g.id}`, { ...definitionOf(app), labels });
  expect(updated.status, updated.text.slice(0, 300)).toBe(200);
  settle();
  expect(canonical(definitionOf(await getApp(g.id)))).toEqual(canonical({ ...definitionOf(app), labels }));

  expect((await h.send('DELETE', `/v2/apps${g.id}`)).status).toBe(200);
  settle();
  expect((await h.send('GET', `/v2/apps${g.id}`)).status).toBe(404);
}

async function taskAndVersionUrls(id: string, instances: number): Promise<void> {
  const tasks = ((await h.send('GET', `/v2/apps${id}/tasks`)).body as { tasks: Json[] }).tasks;
  expect(tasks).toHaveLength(instances);
  for (const task of tasks) {
    const killed = await h.send('DELETE', `/v2/apps${id}/tasks/${String(task['id'])}?wipe=true`);
    expect(killed.status).toBe(200);
  }
  settle();
  const versions = ((await h.send('GET', `/v2/apps${id}/versions`)).body as { versions: string[] }).versions;
  expect((await h.send('GET', `/v2/apps${id}/versions/${versions[0]}`)).status).toBe(200);
}

describe('limits of app definitions', () => {
  it('anything accepted near every limit is read back, updated and deleted through the API', async () => {
    await fc.assert(fc.asyncProperty(generated, roundTrip), { numRuns: 25, endOnFailure: true });
  });

  it('an id beyond MAX_APP_ID_LENGTH is refused with 422 and never listed', async () => {
    for (const id of [`/${'a'.repeat(MAX_APP_ID_LENGTH)}`, `/${'a'.repeat(20_000)}`]) {
      const res = await h.send('POST', '/v2/apps', { id, cmd: 'sleep 100' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ message: 'Invalid JSON', details: [{ path: '/id', errors: ['error.maxLength'] }] });
    }
    const apps = ((await h.send('GET', '/v2/apps')).body as { apps: Json[] }).apps;
    expect(apps.filter((a) => String(a['id']).length > MAX_APP_ID_LENGTH)).toEqual([]);
  });

  it('strings and keys beyond their limits are refused with 422 at their path', async () => {
    const long = 'x'.repeat(MAX_APP_STRING_LENGTH + 1);
    const cases: [Json, string][] = [
      [{ labels: { team: long } }, '/labels/team'],
      [{ env: { A: long } }, '/env/A'],
      [{ cmd: long }, '/cmd'],
      [{ fetch: [{ uri: 'u'.repeat(MARATHON_MAX_URI_LENGTH + 1) }] }, '/fetch(0)/uri'],
    ];
    for (const [extra, path] of cases) {
      const res = await h.send('POST', '/v2/apps', { id: '/too-long', cmd: 'sleep 100', ...extra });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ message: 'Invalid JSON', details: [{ path, errors: ['error.maxLength'] }] });
    }
  });
});

describe('keys an ordinary object would take for its own', () => {
  it('a label or env key __proto__ is kept through POST, GET, a label filter, PUT and a failover', async () => {
    const created = await h.send(
      'POST',
      '/v2/apps',
      '{"id":"/proto","cmd":"sleep 100","labels":{"__proto__":"x","team":"a"},"env":{"__proto__":"y"}}',
    );
    expect(created.status).toBe(201);
    expect(created.text).toContain('"labels":{"__proto__":"x","team":"a"}');
    settle();
    const shown = await h.send('GET', '/v2/apps/proto');
    expect(shown.text).toContain('"labels":{"__proto__":"x","team":"a"}');
    expect(shown.text).toContain('"env":{"__proto__":"y"}');
    const listed = await h.send('GET', `/v2/apps?label=${encodeURIComponent('__proto__==x')}`);
    expect((listed.body as { apps: Json[] }).apps.map((a) => a['id'])).toEqual(['/proto']);

    const put = await h.send('PUT', '/v2/apps/proto', '{"labels":{"__proto__":"z","team":"a"}}');
    expect(put.status).toBe(200);
    settle();
    h.sim.failover();
    h.advanceUntil(() => h.sim.core.subscribed, 5_000);
    const restored = await h.send('GET', '/v2/apps/proto');
    expect(restored.text).toContain('"labels":{"__proto__":"z","team":"a"}');
    expect(restored.text).toContain('"env":{"__proto__":"y"}');
  });
});

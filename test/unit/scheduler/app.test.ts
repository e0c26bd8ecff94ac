// normalizeApp: Marathon-shaped app and group fixtures, validation rules with their exact paths and
// messages, defaults, and the legacy tutorial payloads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MARATHON_MAX_NETWORK_NAME_LENGTH,
  MARATHON_MAX_PATH_LENGTH,
  MARATHON_MAX_URI_LENGTH,
  MAX_APP_ID_LENGTH,
  MAX_APP_STRING_LENGTH,
} from '../../../src/common/limits.js';
import { type NormalizeOptions, type NormalizeResult, normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../../src/scheduler/core/app-types.js';
import { decodeValue, encodeValue } from '../../../src/scheduler/io/store-layout.js';
import { FIXTURES } from '../../helpers/repo.js';

const EXAMPLES = path.join(FIXTURES, 'marathon');

function example(name: string): unknown {
  return JSON.parse(readFileSync(path.join(EXAMPLES, name), 'utf8'));
}

interface GroupJson {
  apps: unknown[];
  groups: GroupJson[];
}

function groupApps(group: GroupJson): unknown[] {
  return [...group.apps, ...group.groups.flatMap(groupApps)];
}

function ok(input: unknown, opts?: NormalizeOptions): { app: AppDefinition; warnings: string[] } {
  const result = normalizeApp(input, opts);
  if (!result.ok) throw new Error(`expected a valid app: ${JSON.stringify(result.error)}`);
  return result;
}

function errors(result: NormalizeResult): { status: number; message: string; details: Record<string, string[]> } {
  if (result.ok) throw new Error('expected a rejected app');
  const details = Object.fromEntries(result.error.details.map((d) => [d.path, d.errors]));
  return { status: result.status, message: result.error.message, details };
}

/** Rejected at the typed-read stage: 422 "Invalid JSON" with an error key at `at`. */
function expectJsonError(input: unknown, at: string, key: string): void {
  const e = errors(normalizeApp(input));
  expect(e).toMatchObject({ status: 422, message: 'Invalid JSON' });
  expect(e.details[at]).toContain(key);
}

/** Rejected by semantic validation: 422 "Object is not valid" with `message` at `at`. */
function expectInvalid(input: unknown, at: string, message: string): void {
  const e = errors(normalizeApp(input));
  expect(e).toMatchObject({ status: 422, message: 'Object is not valid' });
  expect(e.details[at]).toContain(message);
}

const base = { id: '/app', cmd: 'sleep 100' };
type Json = Record<string, unknown>;

describe('Marathon-shaped fixtures', () => {
  const apps = [
    ...(example('apps-create.json') as unknown[]),
    example('app-legacy-check.json'),
    ...(example('apps-list-1.4.json') as { apps: unknown[] }).apps,
    ...groupApps(example('group-tree.json') as GroupJson),
  ];

  it.each(apps.map((app) => [(app as { id: string }).id, app]))('%s normalises without errors', (_id, app) => {
    expect(normalizeApp(app).ok).toBe(true);
  });

  it('an app with every field set breaks two semantic rules', () => {
    expect(errors(normalizeApp(example('app-every-field.json')))).toEqual({
      status: 422,
      message: 'Object is not valid',
      details: {
        '/': ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
        '/portDefinitions': ['portDefinitions are only allowed with host-networking'],
      },
    });
  });

  it('a Marathon 1.4 app list: ports and uris are migrated', () => {
    const first = (example('apps-list-1.4.json') as { apps: unknown[] }).apps[0];
    const { app, warnings } = ok(first);
    expect(app.portDefinitions.map((p) => p.port)).toEqual([10021, 10022]);
    expect(app.fetch).toEqual([
      { uri: 'https://downloads.example.org/reporter/NOTES.md', extract: false, executable: false, cache: false },
    ]);
    expect(app.constraints).toEqual([['hostname', 'UNIQUE']]);
    expect(warnings).toEqual([
      '/ports: read as portDefinitions',
      '/constraints(0): empty UNIQUE value dropped',
      '/uris: read as fetch',
    ]);
  });
});

describe('defaults', () => {
  it('fills in every default Marathon documents', () => {
    expect(normalizeApp(base)).toEqual({
      ok: true,
      warnings: [],
      app: {
        id: '/app',
        cmd: 'sleep 100',
        instances: 1,
        cpus: 1,
        mem: 128,
        disk: 0,
        gpus: 0,
        executor: '',
        env: {},
        labels: {},
        constraints: [],
        networks: [{ mode: 'host', labels: {} }],
        portDefinitions: [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }],
        requirePorts: false,
        healthChecks: [],
        readinessChecks: [],
        dependencies: [],
        upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
        backoffSeconds: 1,
        backoffFactor: 1.15,
        maxLaunchDelaySeconds: 3600,
        fetch: [],
        killSelection: 'YOUNGEST_FIRST',
        unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
      },
    });
  });

  it('null fields from old outputs count as absent', () => {
    expect(ok({ ...base, args: null, user: null, container: null, acceptedResourceRoles: null }).app).toEqual(
      ok(base).app,
    );
  });

  it('empty networks mean host networking', () => {
    expect(ok({ ...base, networks: [] }).app.networks).toEqual([{ mode: 'host', labels: {} }]);
  });

  it('an explicit empty portDefinitions means no ports', () => {
    expect(ok({ ...base, portDefinitions: [] }).app.portDefinitions).toEqual([]);
  });

  it('a partial upgradeStrategy keeps 1 for the missing key', () => {
    expect(ok({ ...base, upgradeStrategy: { minimumHealthCapacity: 0.5 } }).app.upgradeStrategy).toEqual({
      minimumHealthCapacity: 0.5,
      maximumOverCapacity: 1,
    });
  });

  it('health checks get Marathon 1.x defaults and portIndex 0', () => {
    expect(ok({ ...base, healthChecks: [{}] }).app.healthChecks).toEqual([
      {
        protocol: 'HTTP',
        path: '/',
        portIndex: 0,
        gracePeriodSeconds: 300,
        intervalSeconds: 60,
        timeoutSeconds: 20,
        maxConsecutiveFailures: 3,
        ignoreHttp1xx: false,
        delaySeconds: 15,
      },
    ]);
  });
});

describe('shape errors', () => {
  it.each([[[]], ['app'], [null], [42]])('%j is 400 Invalid JSON', (input) => {
    expect(errors(normalizeApp(input))).toEqual({
      status: 400,
      message: 'Invalid JSON',
      details: { '/': ['error.expected.jsobject'] },
    });
  });

  it('reports every typed-read error, grouped by path, and no semantic ones', () => {
    expect(errors(normalizeApp({ id: 'Bad', cpus: 'x', instances: 0.5, mem: -1 }))).toEqual({
      status: 422,
      message: 'Invalid JSON',
      details: {
        '/id': ['error.pattern'],
        '/instances': ['error.expected.int'],
        '/cpus': ['error.expected.jsnumber'],
        '/mem': ['error.min'],
      },
    });
  });
});

describe('id', () => {
  it('resolves relative ids against the base group', () => {
    expect(ok({ ...base, id: 'web' }).app.id).toBe('/web');
    expect(ok({ ...base, id: 'web' }, { baseGroup: '/prod' }).app.id).toBe('/prod/web');
    expect(ok({ ...base, id: '../web' }, { baseGroup: '/prod/eu' }).app.id).toBe('/prod/web');
    expect(ok({ ...base, id: '/a/./b/' }).app.id).toBe('/a/b');
  });

  it('resolves dependencies against the app group', () => {
    expect(ok({ ...base, id: '/prod/web', dependencies: ['db', '/ops/log'] }).app.dependencies).toEqual([
      '/prod/db',
      '/ops/log',
    ]);
    expectJsonError({ ...base, dependencies: ['Db'] }, '/dependencies(0)', 'error.pattern');
  });

  it.each(['myApp', '/a/-b', '/a/b-', '/a_b', 'a b'])('rejects %j', (id) => {
    expectJsonError({ ...base, id }, '/id', 'error.pattern');
  });

  it('is required', () => expectJsonError({ cmd: 'sleep 1' }, '/id', 'error.path.missing'));
  it('must not be the root', () =>
    expectInvalid({ ...base, id: '/' }, '/id', 'Path must contain at least one path element'));
  it.each(['/a/tasks', '/a/restart', 'versions', '/a/..'])('must not end in a reserved keyword (%s)', (id) => {
    expectInvalid(
      { ...base, id },
      '/id',
      'must not end with any of the following reserved keywords: restart, tasks, versions, ., ..',
    );
  });
});

describe('limits', () => {
  /** An absolute id of exactly `length` characters, in segments of at most 50. */
  const idOf = (length: number): string =>
    `/${'a'.repeat(length - 1)}`.replace(/(.{50})(?=.)/g, '$1/').slice(0, length);
  const long = 'x'.repeat(MAX_APP_STRING_LENGTH + 1);
  const bridge = { type: 'DOCKER', docker: { image: 'nginx' } };

  it('takes ids up to MAX_APP_ID_LENGTH characters, counted once resolved against the base group', () => {
    const id = idOf(MAX_APP_ID_LENGTH);
    expect(id).toHaveLength(MAX_APP_ID_LENGTH);
    expect(ok({ ...base, id }).app.id).toBe(id);
    expectJsonError({ ...base, id: idOf(MAX_APP_ID_LENGTH + 1) }, '/id', 'error.maxLength');
    expectJsonError({ ...base, id: 'a'.repeat(20_000) }, '/id', 'error.maxLength');
    const relative = idOf(MAX_APP_ID_LENGTH - 5).slice(1);
    expect(ok({ ...base, id: relative }, { baseGroup: '/prod' }).app.id).toHaveLength(MAX_APP_ID_LENGTH);
    expect(errors(normalizeApp({ ...base, id: relative }, { baseGroup: '/prod/eu' })).details['/id']).toEqual([
      'error.maxLength',
    ]);
    expectJsonError({ ...base, dependencies: [idOf(MAX_APP_ID_LENGTH + 1)] }, '/dependencies(0)', 'error.maxLength');
  });

  it('takes strings and map keys up to MAX_APP_STRING_LENGTH characters', () => {
    const longest = 'x'.repeat(MAX_APP_STRING_LENGTH);
    const { app } = ok({ ...base, cmd: longest, labels: { [longest]: longest }, env: { [longest]: longest } });
    expect(app.cmd).toHaveLength(MAX_APP_STRING_LENGTH);
    expect(app.labels[longest]).toBe(longest);
    expectJsonError({ ...base, cmd: long }, '/cmd', 'error.maxLength');
    expectJsonError({ id: '/a', args: ['sh', long] }, '/args(1)', 'error.maxLength');
    expectJsonError({ ...base, labels: { team: long } }, '/labels/team', 'error.maxLength');
    expectJsonError({ ...base, labels: { [long]: 'a' } }, `/labels/${long}`, 'error.maxLength');
    expectJsonError({ ...base, env: { A: long } }, '/env/A', 'error.maxLength');
    expectJsonError({ ...base, env: { [long]: 'a' } }, `/env/${long}`, 'error.maxLength');
    expectJsonError({ ...base, user: long }, '/user', 'error.maxLength');
    expectJsonError({ ...base, constraints: [['hostname', 'CLUSTER', long]] }, '/constraints(0)(2)', 'error.maxLength');
    expectJsonError(
      { id: '/a', container: { ...bridge, docker: { image: long } } },
      '/container/docker/image',
      'error.maxLength',
    );
    expectJsonError(
      { ...base, portDefinitions: [{ port: 0, labels: { VIP_0: long } }] },
      '/portDefinitions(0)/labels/VIP_0',
      'error.maxLength',
    );
    expectJsonError(
      { id: '/a', container: { image: 'docker:///nginx', options: ['-e', `A=${long}`] } },
      '/container/options(1)',
      'error.maxLength',
    );
  });

  it("keeps Marathon's own limits on uris, paths and network names", () => {
    const fetch = (o: Json): Json => ({ ...base, fetch: [{ uri: 'http://x/a', ...o }] });
    expect(ok(fetch({ uri: 'u'.repeat(MARATHON_MAX_URI_LENGTH) })).app.fetch).toHaveLength(1);
    expectJsonError(fetch({ uri: 'u'.repeat(MARATHON_MAX_URI_LENGTH + 1) }), '/fetch(0)/uri', 'error.maxLength');
    expect(ok(fetch({ destPath: 'p'.repeat(MARATHON_MAX_PATH_LENGTH) })).app.fetch).toHaveLength(1);
    const destPath = 'p'.repeat(MARATHON_MAX_PATH_LENGTH + 1);
    expectJsonError(fetch({ destPath }), '/fetch(0)/destPath', 'error.maxLength');
    const network = (name: string): Json => ({ id: '/a', container: bridge, networks: [{ mode: 'container', name }] });
    expect(ok(network('n'.repeat(MARATHON_MAX_NETWORK_NAME_LENGTH))).app.networks).toHaveLength(1);
    const name = 'n'.repeat(MARATHON_MAX_NETWORK_NAME_LENGTH + 1);
    expectJsonError(network(name), '/networks(0)/name', 'error.maxLength');
  });
});

describe('maps', () => {
  const parsed = (text: string): { app: AppDefinition } => ok(JSON.parse(text));

  it('keeps every key, __proto__ and constructor too, as own entries that JSON renders', () => {
    const { app } = parsed(
      '{"id":"/a","cmd":"sleep 1","labels":{"__proto__":"x","constructor":"c","team":"a"},"env":{"__proto__":"y"}}',
    );
    expect(Object.keys(app.labels)).toEqual(['__proto__', 'constructor', 'team']);
    expect(JSON.parse(JSON.stringify(app))).toMatchObject({
      labels: JSON.parse('{"__proto__":"x","constructor":"c","team":"a"}'),
      env: JSON.parse('{"__proto__":"y"}'),
    });
    expect(Object.getPrototypeOf(app.labels)).toBeNull();
  });

  it('keeps them through the store, plain and gzipped', () => {
    const big = [1, 2, 3, 4, 5].map((n) => `"big${n}":"${'b'.repeat(MAX_APP_STRING_LENGTH)}"`).join(',');
    const { app } = parsed(`{"id":"/a","cmd":"sleep 1","labels":{"__proto__":"x",${big}}}`);
    const stored = encodeValue(app);
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(Object.keys(decodeValue<AppDefinition>(stored).labels)).toEqual([
      '__proto__',
      'big1',
      'big2',
      'big3',
      'big4',
      'big5',
    ]);
    const small = parsed('{"id":"/a","cmd":"sleep 1","labels":{"__proto__":"x"}}').app;
    expect(decodeValue<AppDefinition>(encodeValue(small)).labels).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('keeps them in port definitions, port mappings, networks and legacy -e options', () => {
    const labels = '{"__proto__":"x"}';
    const host = parsed(`{"id":"/a","cmd":"sleep 1","portDefinitions":[{"port":0,"labels":${labels}}]}`).app;
    expect(Object.keys(host.portDefinitions[0]?.labels ?? {})).toEqual(['__proto__']);
    const container = `{"type":"DOCKER","docker":{"image":"nginx"},"portMappings":[{"containerPort":80,"labels":${labels}}]}`;
    const bridged = parsed(`{"id":"/a","container":${container},"networks":[{"mode":"container","labels":${labels}}]}`);
    expect(Object.keys(bridged.app.container?.portMappings[0]?.labels ?? {})).toEqual(['__proto__']);
    expect(Object.keys(bridged.app.networks[0]?.labels ?? {})).toEqual(['__proto__']);
    const legacy = ok({ id: '/a', container: { image: 'docker:///nginx', options: ['-e', '__proto__=1'] } }).app;
    expect(Object.keys(legacy.env)).toEqual(['__proto__']);
  });
});

describe('cmd, args and container', () => {
  const message = "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
  const docker = { type: 'DOCKER', docker: { image: 'nginx' } };

  it('needs one of them', () => expectInvalid({ id: '/a' }, '/', message));
  it('rejects cmd with args', () => expectInvalid({ ...base, args: ['sleep'] }, '/', message));
  it('accepts args alone or a container alone', () => {
    expect(ok({ id: '/a', args: ['sleep', '1'] }).app.args).toEqual(['sleep', '1']);
    expect(ok({ id: '/a', container: docker }).app.container?.docker?.image).toBe('nginx');
  });
  it('rejects an empty or one-character cmd', () => {
    expectInvalid({ ...base, cmd: '' }, '/cmd', 'must not be an empty string');
    expectInvalid({ ...base, cmd: 'x' }, '/cmd', 'must not be an empty string');
  });
  it('needs docker for a DOCKER container', () => {
    expectInvalid({ ...base, container: { type: 'DOCKER' } }, '/container/docker', 'not defined');
    expect(ok({ ...base, container: { type: 'mesos' } }).app.container?.type).toBe('MESOS');
  });
  it('needs a non-empty image', () => {
    expectInvalid({ ...base, container: { docker: { image: '' } } }, '/container/docker/image', 'must not be empty');
    expectJsonError({ ...base, container: { docker: {} } }, '/container/docker/image', 'error.path.missing');
  });
  it('checks host volumes', () => {
    const volume = { containerPath: '/data', hostPath: '', mode: 'RW' };
    expectInvalid(
      { ...base, container: { ...docker, volumes: [volume] } },
      '/container/volumes(0)/hostPath',
      'must not be empty',
    );
    expectJsonError(
      { ...base, container: { ...docker, volumes: [{ ...volume, mode: 'rx' }] } },
      '/container/volumes(0)/mode',
      'error.unknown.enum.literal',
    );
  });
  it('checks the executor', () => {
    expect(ok({ ...base, executor: '//cmd' }).app.executor).toBe('//cmd');
    expectJsonError({ ...base, executor: '/a//b' }, '/executor', 'error.pattern');
  });
});

describe('resources and strategies', () => {
  it.each([
    [{ cpus: 0 }, '/cpus', 'error.min'],
    [{ cpus: '1cpu' }, '/cpus', 'error.expected.jsnumber'],
    [{ instances: -1 }, '/instances', 'error.min'],
    [{ disk: -1 }, '/disk', 'error.min'],
    [{ gpus: 0.5 }, '/gpus', 'error.expected.int'],
    [{ backoffSeconds: -1 }, '/backoffSeconds', 'error.min'],
    [{ backoffFactor: 0.9 }, '/backoffFactor', 'error.min'],
    [{ maxLaunchDelaySeconds: -5 }, '/maxLaunchDelaySeconds', 'error.min'],
    [{ taskKillGracePeriodSeconds: -1 }, '/taskKillGracePeriodSeconds', 'error.min'],
    [{ killSelection: 'RANDOM' }, '/killSelection', 'error.unknown.enum.literal'],
    [{ labels: { a: 1 } }, '/labels/a', 'error.expected.jsstring'],
    [{ env: { PORT: 80 } }, '/env/PORT', 'error.expected.jsstring'],
    [{ upgradeStrategy: 1 }, '/upgradeStrategy', 'error.expected.jsobject'],
  ])('%j → %s %s', (fields, at, key) => expectJsonError({ ...base, ...fields }, at, key));

  it('keeps the capacities within [0, 1]', () => {
    const upgradeStrategy = { minimumHealthCapacity: 1.5, maximumOverCapacity: -0.1 };
    expect(errors(normalizeApp({ ...base, upgradeStrategy })).details).toEqual({
      '/upgradeStrategy/minimumHealthCapacity': ['is greater than 1'],
      '/upgradeStrategy/maximumOverCapacity': ['is less than 0'],
    });
  });

  it('orders the unreachable strategy timeouts', () => {
    expect(ok({ ...base, unreachableStrategy: 'disabled' }).app.unreachableStrategy).toBe('disabled');
    expectInvalid(
      { ...base, unreachableStrategy: { inactiveAfterSeconds: 600, expungeAfterSeconds: 300 } },
      '/unreachableStrategy/inactiveAfterSeconds',
      'inactiveAfterSeconds must be less or equal to expungeAfterSeconds',
    );
  });

  it('accepts secret references in env', () => {
    expect(ok({ ...base, env: { A: 'x', PW: { secret: '/db' } } }).app.env).toEqual({ A: 'x', PW: { secret: '/db' } });
  });
});

describe('ports', () => {
  const bridge = { type: 'DOCKER', docker: { image: 'nginx', network: 'BRIDGE' } };

  it('rejects duplicate ports and names', () => {
    const portDefinitions = [{ port: 8080, name: 'http' }, { port: 8080, name: 'http' }, { port: 0 }, { port: 0 }];
    expect(errors(normalizeApp({ ...base, portDefinitions })).details).toEqual({
      '/portDefinitions': ['Ports must be unique.', 'Port names must be unique.'],
    });
  });

  it('reads port definitions', () => {
    expectJsonError({ ...base, portDefinitions: [{ port: 70000 }] }, '/portDefinitions(0)/port', 'error.max');
    expectJsonError(
      { ...base, portDefinitions: [{ port: 80, name: 'Web' }] },
      '/portDefinitions(0)/name',
      'error.pattern',
    );
    expectJsonError(
      { ...base, portDefinitions: [{ port: 80, protocol: 'sctp' }] },
      '/portDefinitions(0)/protocol',
      'error.unknown.enum.literal',
    );
    expectJsonError({ ...base, portDefinitions: [{}] }, '/portDefinitions(0)/port', 'error.path.missing');
  });

  it('accepts ports with equivalent portDefinitions only', () => {
    expect(ok({ ...base, ports: [80], portDefinitions: [{ port: 80 }] }).app.portDefinitions).toHaveLength(1);
    expectInvalid(
      { ...base, ports: [81], portDefinitions: [{ port: 80 }] },
      '/',
      'cannot specify both ports and port definitions',
    );
  });

  it('keeps portDefinitions and portMappings to their networking modes', () => {
    expectInvalid(
      { ...base, container: bridge, portDefinitions: [{ port: 0 }] },
      '/portDefinitions',
      'portDefinitions are only allowed with host-networking',
    );
    const host = { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] };
    expectInvalid(
      { ...base, container: host },
      '/container/portMappings',
      'portMappings are not allowed with host-networking',
    );
  });

  it('gives bridge apps one default port mapping and no port definitions', () => {
    const { app } = ok({ ...base, container: bridge });
    expect(app.portDefinitions).toEqual([]);
    expect(app.container?.portMappings).toEqual([
      { containerPort: 0, hostPort: 0, servicePort: 0, protocol: 'tcp', name: 'default', labels: {} },
    ]);
  });

  it('leaves hostPort absent in container mode and forces requirePorts off', () => {
    const container = { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] };
    const { app } = ok({ ...base, container, networks: [{ name: 'overlay' }], requirePorts: true });
    expect(app.networks).toEqual([{ mode: 'container', name: 'overlay', labels: {} }]);
    expect(app.container?.portMappings[0]).not.toHaveProperty('hostPort');
    expect(app.requirePorts).toBe(false);
  });

  it('rejects duplicate port mapping names and mixed legacy/current forms', () => {
    const portMappings = [
      { containerPort: 80, name: 'web' },
      { containerPort: 81, name: 'web' },
    ];
    expectInvalid(
      { ...base, container: { ...bridge, portMappings } },
      '/container/portMappings',
      'Port names must be unique.',
    );
    const both = { ...bridge, docker: { ...bridge.docker, portMappings }, portMappings };
    expectInvalid(
      { ...base, container: both },
      '/container',
      'must not specify both container.docker.portMappings and container.portMappings',
    );
    expectInvalid(
      { ...base, container: bridge, networks: [{ mode: 'host' }] },
      '/',
      'must not specify both container.docker.network and networks',
    );
  });
});

describe('constraints', () => {
  const constraint = (c: unknown): unknown => ({ ...base, constraints: [['hostname', 'UNIQUE'], c] });

  it('upper-cases operators', () => {
    expect(
      ok({
        ...base,
        constraints: [
          ['rack', 'cluster', 'r1'],
          ['hostname', 'max_per', '2'],
        ],
      }).app.constraints,
    ).toEqual([
      ['rack', 'CLUSTER', 'r1'],
      ['hostname', 'MAX_PER', '2'],
    ]);
  });

  it.each([
    [['hostname'], 'Each constraint must have either 2 or 3 fields'],
    [['hostname', 'UNIQUE', 'a', 'b'], 'Each constraint must have either 2 or 3 fields'],
    [['', 'UNIQUE'], 'illegal constraint specification'],
    [
      ['hostname', 'SPREAD'],
      'operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS',
    ],
    [['hostname', 'UNIQUE', 'x'], 'UNIQUE does not accept a value'],
    [['rack', 'GROUP_BY', 'three'], 'GROUP BY must define an integer value or else no value at all'],
    [['rack', 'MAX_PER'], 'MAX_PER requires an integer value'],
    [['rack', 'LIKE', ''], 'LIKE and UNLIKE require a non-empty, regular expression value'],
    [['rack', 'UNLIKE'], 'LIKE and UNLIKE require a non-empty, regular expression value'],
    [['rack', 'LIKE', '(a'], 'is not a valid regular expression'],
    [
      ['rack', 'IS', 'a b'],
      'IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)',
    ],
  ])('%j → %s', (c, message) => expectInvalid(constraint(c), '/constraints(1)', message));

  it('rejects non-string parts', () =>
    expectJsonError(constraint(['hostname', 1]), '/constraints(1)(1)', 'error.expected.jsstring'));
});

describe('health checks', () => {
  it('reads protocols case-insensitively and commands', () => {
    const { app } = ok({
      ...base,
      healthChecks: [
        { protocol: 'tcp', port: 8080 },
        { protocol: 'COMMAND', command: { value: 'true' } },
      ],
    });
    expect(app.healthChecks.map((h) => [h.protocol, h.port, h.portIndex, h.path, h.command])).toEqual([
      ['TCP', 8080, undefined, undefined, undefined],
      ['COMMAND', undefined, undefined, undefined, { value: 'true' }],
    ]);
  });

  it('needs a port for the port index', () => {
    expectInvalid(
      { ...base, portDefinitions: [], healthChecks: [{ protocol: 'HTTP' }] },
      '/healthChecks(0)',
      'Health check port indices must address an element of the ports array or container port mappings.',
    );
  });

  it('allows at most one Mesos check', () => {
    const healthChecks = [{ protocol: 'MESOS_HTTP' }, { protocol: 'MESOS_TCP' }];
    expectInvalid({ ...base, healthChecks }, '/', 'AppDefinition can contain at most one Mesos health check');
  });

  it('reads fields', () => {
    expectJsonError(
      { ...base, healthChecks: [{ protocol: 'COMMAND' }] },
      '/healthChecks(0)/command',
      'error.path.missing',
    );
    expectJsonError(
      { ...base, healthChecks: [{ protocol: 'UDP' }] },
      '/healthChecks(0)/protocol',
      'error.unknown.enum.literal',
    );
    expectJsonError(
      { ...base, healthChecks: [{ intervalSeconds: -1 }] },
      '/healthChecks(0)/intervalSeconds',
      'error.min',
    );
  });
});

describe('fetch and uris', () => {
  it('converts uris, extracting archives', () => {
    const { app } = ok({ ...base, uris: ['http://x/a.tar.gz', 'http://x/run.sh'] });
    expect(app.fetch.map((f) => [f.uri, f.extract])).toEqual([
      ['http://x/a.tar.gz', true],
      ['http://x/run.sh', false],
    ]);
  });

  it('fills fetch defaults and checks uri', () => {
    expect(ok({ ...base, fetch: [{ uri: 'http://x/a' }] }).app.fetch).toEqual([
      { uri: 'http://x/a', extract: true, executable: false, cache: false },
    ]);
    expectJsonError({ ...base, fetch: [{ uri: '' }] }, '/fetch(0)/uri', 'error.minLength');
    expectJsonError({ ...base, fetch: [{}] }, '/fetch(0)/uri', 'error.path.missing');
  });

  it('rejects uris together with fetch', () => {
    expectInvalid(
      { ...base, uris: ['http://x/a'], fetch: [{ uri: 'http://x/b' }] },
      '/uris',
      'may not be set in conjunction with fetch',
    );
  });
});

describe('tutorial payloads', () => {
  it('Marathon 0.6 Deimos tutorial: string numbers and a docker:/// container with options', () => {
    const { app, warnings } = ok({
      container: { image: 'docker:///libmesos/ubuntu', options: ['-e', 'X=7', '-v', '/tmp:/data:ro', '--privileged'] },
      id: 'ubuntu',
      instances: '1',
      cpus: '.5',
      mem: '512',
      uris: [],
      cmd: 'while sleep 10; do date -u +%T; done',
    });
    expect(app).toMatchObject({
      id: '/ubuntu',
      instances: 1,
      cpus: 0.5,
      mem: 512,
      env: { X: '7' },
      fetch: [],
      networks: [{ mode: 'host', labels: {} }],
      container: {
        type: 'DOCKER',
        docker: { image: 'libmesos/ubuntu', parameters: [{ key: 'privileged', value: '' }] },
        volumes: [{ hostPath: '/tmp', containerPath: '/data', mode: 'RO' }],
        portMappings: [],
      },
    });
    expect(warnings).toEqual([
      '/container: 0.6 form with image "docker:///libmesos/ubuntu" read as container.docker.image "libmesos/ubuntu"',
      '/container/options: translated to env, volumes, portMappings and docker.parameters',
      '/instances: string "1" read as the number 1',
      '/cpus: string ".5" read as the number 0.5',
      '/mem: string "512" read as the number 512',
    ]);
  });

  it('0.6 -p options become a bridge port mapping', () => {
    const { app } = ok({ id: 'web', container: { image: 'docker://nginx', options: ['-p', '8080:80'] } });
    expect(app.networks).toEqual([{ mode: 'container/bridge', labels: {} }]);
    expect(app.container?.portMappings).toEqual([
      { containerPort: 80, hostPort: 8080, servicePort: 0, protocol: 'tcp', labels: {} },
    ]);
  });

  it('nginx with BRIDGE networking and hostPort 0', () => {
    const { app, warnings } = ok({
      id: 'nginx',
      container: {
        type: 'DOCKER',
        docker: {
          image: 'nginx',
          network: 'BRIDGE',
          portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp' }],
        },
      },
      instances: 1,
      cpus: 0.1,
      mem: 64,
    });
    expect(app).toMatchObject({
      id: '/nginx',
      networks: [{ mode: 'container/bridge', labels: {} }],
      portDefinitions: [],
      requirePorts: false,
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx', privileged: false, forcePullImage: false, parameters: [] },
        portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {} }],
        volumes: [],
      },
    });
    expect(app.container?.docker).not.toHaveProperty('network');
    expect(warnings).toEqual([
      '/container/docker/network: BRIDGE read as networks [{"mode":"container/bridge"}]',
      '/container/docker/portMappings: read as container.portMappings',
    ]);
  });
});

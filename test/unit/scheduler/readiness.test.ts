// Readiness checks in normalizeApp (reference §5.3, raml/v2/types/readinessCheck.raml): defaults, the RAML's
// typed-read rules, the semantic rules with Marathon's paths and messages; what counts as ready, and where
// the probe of a named port goes.
import { describe, expect, it } from 'vitest';
import { type NormalizeResult, normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../../src/scheduler/core/app-types.js';
import type { Instance } from '../../../src/scheduler/core/model.js';
import { isHealthyAndReady } from '../../../src/scheduler/core/rolling.js';
import { readinessTarget } from '../../../src/scheduler/io/readiness.js';
import { appVersion, instance } from './health-fixtures.js';

/** A host-networking app whose one port is named `http-api`, the default portName. */
const HOST = { id: '/web', cmd: 'serve', portDefinitions: [{ port: 0, name: 'http-api' }] };

function ok(input: Record<string, unknown>): AppDefinition {
  const result = normalizeApp(input);
  if (!result.ok) throw new Error(`expected a valid app: ${JSON.stringify(result.error)}`);
  return result.app;
}

function rejected(result: NormalizeResult): { status: number; message: string; details: Record<string, string[]> } {
  if (result.ok) throw new Error('expected a rejected app');
  return {
    status: result.status,
    message: result.error.message,
    details: Object.fromEntries(result.error.details.map((d) => [d.path, d.errors])),
  };
}

const withCheck = (check: Record<string, unknown>, app: Record<string, unknown> = HOST): NormalizeResult =>
  normalizeApp({ ...app, readinessChecks: [check] });

describe('readinessChecks defaults', () => {
  it('an app without readiness checks gets an empty list', () => {
    expect(ok(HOST).readinessChecks).toEqual([]);
    expect(ok({ ...HOST, readinessChecks: null }).readinessChecks).toEqual([]);
  });

  it('an empty check gets every default Marathon documents', () => {
    expect(ok({ ...HOST, readinessChecks: [{}] }).readinessChecks).toEqual([
      {
        name: 'readinessCheck',
        protocol: 'HTTP',
        path: '/',
        portName: 'http-api',
        intervalSeconds: 30,
        timeoutSeconds: 10,
        httpStatusCodesForReady: [200],
        preserveLastResponse: false,
      },
    ]);
  });

  it("keeps the reference app's check as given, duplicate status codes collapsing as in a set", () => {
    const check = {
      name: 'myReadyCheck',
      protocol: 'HTTPS',
      path: '/v1/plan',
      portName: 'http',
      intervalSeconds: 10,
      timeoutSeconds: 3,
      httpStatusCodesForReady: [200, 204, 200],
      preserveLastResponse: true,
    };
    const app = ok({ ...HOST, portDefinitions: [{ port: 0, name: 'http' }], readinessChecks: [check] });
    expect(app.readinessChecks).toEqual([{ ...check, httpStatusCodesForReady: [200, 204] }]);
  });

  it('a port mapping may carry the name the check refers to', () => {
    const bridged = {
      id: '/nginx',
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx' },
        portMappings: [{ containerPort: 80, hostPort: 0, name: 'web' }],
      },
      networks: [{ mode: 'container/bridge' }],
    };
    expect(ok({ ...bridged, readinessChecks: [{ portName: 'web' }] }).readinessChecks[0]?.portName).toBe('web');
  });
});

describe('readinessChecks typed read (422 Invalid JSON)', () => {
  it.each([
    ['protocol', 'error.unknown.enum.literal', { protocol: 'TCP' }],
    ['name', 'error.minLength', { name: '' }],
    ['path', 'error.minLength', { path: '' }],
    ['path', 'error.maxLength', { path: `/${'a'.repeat(1024)}` }],
    ['portName', 'error.pattern', { portName: 'Http_API' }],
    ['intervalSeconds', 'error.min', { intervalSeconds: -1 }],
    ['timeoutSeconds', 'error.min', { timeoutSeconds: 0 }],
    ['timeoutSeconds', 'error.expected.int', { timeoutSeconds: 1.5 }],
    ['httpStatusCodesForReady', 'error.minLength', { httpStatusCodesForReady: [] }],
    ['httpStatusCodesForReady(0)', 'error.min', { httpStatusCodesForReady: [99] }],
    ['httpStatusCodesForReady(1)', 'error.max', { httpStatusCodesForReady: [200, 1000] }],
    ['httpStatusCodesForReady', 'error.expected.jsarray', { httpStatusCodesForReady: 200 }],
    ['preserveLastResponse', 'error.expected.jsboolean', { preserveLastResponse: 'yes' }],
  ])('%s → %s', (field, key, check) => {
    expect(rejected(withCheck(check))).toEqual({
      status: 422,
      message: 'Invalid JSON',
      details: { [`/readinessChecks(0)/${field}`]: [key] },
    });
  });

  it('the list and its items must have the right JSON types', () => {
    expect(rejected(normalizeApp({ ...HOST, readinessChecks: {} })).details).toEqual({
      '/readinessChecks': ['error.expected.jsarray'],
    });
    expect(rejected(normalizeApp({ ...HOST, readinessChecks: ['x'] })).details).toEqual({
      '/readinessChecks(0)': ['error.expected.jsobject'],
    });
  });
});

describe('readinessChecks semantic validation (422 Object is not valid)', () => {
  const invalid = (result: NormalizeResult, details: Record<string, string[]>): void => {
    expect(rejected(result)).toEqual({ status: 422, message: 'Object is not valid', details });
  };

  it('at most one check', () => {
    invalid(normalizeApp({ ...HOST, readinessChecks: [{}, { name: 'second' }] }), {
      '/readinessChecks/size': ['got 2, expected 1 or less'],
    });
  });

  it('the portName must name a port definition or port mapping', () => {
    invalid(withCheck({}, { id: '/web', cmd: 'serve' }), {
      '/readinessChecks(0)/portName': ['No port definition reference for portName http-api'],
    });
    invalid(withCheck({ portName: 'admin' }), {
      '/readinessChecks(0)/portName': ['No port definition reference for portName admin'],
    });
  });

  it('timeoutSeconds must be less than intervalSeconds', () => {
    invalid(withCheck({ intervalSeconds: 10 }), {
      '/readinessChecks(0)/timeoutSeconds': ['got 10, expected less than 10'],
    });
    invalid(withCheck({ intervalSeconds: 5, timeoutSeconds: 8 }), {
      '/readinessChecks(0)/timeoutSeconds': ['got 8, expected less than 5'],
    });
    expect(
      ok({ ...HOST, readinessChecks: [{ intervalSeconds: 2, timeoutSeconds: 1 }] }).readinessChecks[0],
    ).toMatchObject({ intervalSeconds: 2, timeoutSeconds: 1 });
  });
});

describe('isHealthyAndReady with a readiness check', () => {
  const checked = ok({ ...HOST, readinessChecks: [{}] });
  const unchecked = ok(HOST);
  const running = (change: Partial<Instance>): Instance => instance({ appId: '/web', ...change });

  it('an instance of an app with a readiness check counts only once it reported ready', () => {
    expect(isHealthyAndReady(checked, running({}))).toBe(false);
    expect(isHealthyAndReady(checked, running({ ready: false }))).toBe(false);
    expect(isHealthyAndReady(checked, running({ ready: true }))).toBe(true);
    expect(isHealthyAndReady(checked, running({ ready: true, state: 'TASK_STAGING' }))).toBe(false);
  });

  it('an app without one needs no result, but a not-ready result still holds an instance back', () => {
    expect(isHealthyAndReady(unchecked, running({}))).toBe(true);
    expect(isHealthyAndReady(unchecked, running({ ready: false }))).toBe(false);
  });
});

describe('readinessTarget', () => {
  it('host networking: the host port of the named port definition', () => {
    const app = appVersion({
      ...HOST,
      portDefinitions: [
        { port: 10001, name: 'admin' },
        { port: 10002, name: 'http-api' },
      ],
    });
    const web = instance({ appId: '/web', host: 'agent-1', hostPorts: [31000, 31001] });
    expect(readinessTarget(app, 'http-api', web)).toEqual({ host: 'agent-1', port: 31001 });
    expect(readinessTarget(app, 'nope', web)).toBeNull();
  });

  it('container networks: a mapping with a host port by its host port, one without at the task IP and container port', () => {
    const app = appVersion({
      id: '/web',
      networks: [{ mode: 'container', name: 'dcos' }],
      container: {
        type: 'DOCKER',
        docker: { image: 'web' },
        portMappings: [
          { containerPort: 8080, servicePort: 10001, name: 'http-api' },
          { containerPort: 9000, hostPort: 0, servicePort: 10002, name: 'metrics' },
        ],
      },
    });
    const web = instance({
      appId: '/web',
      host: 'agent-1',
      hostPorts: [31005],
      ipAddresses: [{ ipAddress: '9.0.0.7', protocol: 'IPv4' }],
    });
    expect(readinessTarget(app, 'http-api', web)).toEqual({ host: '9.0.0.7', port: 8080 });
    expect(readinessTarget(app, 'metrics', web)).toEqual({ host: 'agent-1', port: 31005 });
    expect(readinessTarget(app, 'http-api', { ...web, ipAddresses: [] })).toBeNull();
  });
});

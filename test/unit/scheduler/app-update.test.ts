// PUT/PATCH semantics of /v2/apps: merging into the existing app, full replacement, create-if-missing,
// rollbacks by version, bulk arrays and GroupUpdate bodies.
import { describe, expect, it } from 'vitest';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import {
  type AppLookup,
  VERSION_ONLY_MESSAGE,
  applyAppUpdate,
  applyAppUpdates,
  readGroupUpdate,
} from '../../../src/scheduler/core/app-update.js';
import type { AppVersion } from '../../../src/scheduler/core/model.js';

const V1 = '2024-01-01T00:00:00.000Z';
const V2 = '2024-01-02T00:00:00.000Z';

function stored(json: Record<string, unknown>, version: string): AppVersion {
  const result = normalizeApp(json);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { ...result.app, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
}

const old = stored(
  { id: '/web', cmd: 'sleep 1', instances: 1, env: { A: '1' }, portDefinitions: [{ port: 10001 }] },
  V1,
);
const current = stored(
  { id: '/web', cmd: 'sleep 2', instances: 2, env: { A: '1' }, portDefinitions: [{ port: 10001 }] },
  V2,
);
const versions = [old, current];
const lookup: AppLookup = {
  current: (id) => (id === '/web' ? current : undefined),
  at: (id, version) => versions.find((v) => v.id === id && v.version === version),
};
const update = (id: string, body: unknown, o: { partialUpdate?: boolean; mustExist?: boolean } = {}) =>
  applyAppUpdate({ id, body, partialUpdate: o.partialUpdate ?? true, mustExist: o.mustExist ?? false }, lookup);

describe('applyAppUpdate', () => {
  it('merges a partial body into the existing app', () => {
    const result = update('/web', { instances: 5 });
    expect(result).toMatchObject({
      ok: true,
      created: false,
      app: { id: '/web', cmd: 'sleep 2', instances: 5, env: { A: '1' } },
    });
    if (result.ok) expect(result.app.portDefinitions.map((p) => p.port)).toEqual([10001]);
  });

  it('replaces the whole app with partialUpdate=false', () => {
    const result = update('/web', { cmd: 'sleep 3' }, { partialUpdate: false });
    expect(result).toMatchObject({ ok: true, app: { cmd: 'sleep 3', instances: 1, env: {} } });
    if (result.ok) expect(result.app.portDefinitions.map((p) => p.port)).toEqual([0]);
  });

  it('lets a new form of a setting replace the stored one', () => {
    const args = update('/web', { args: ['sleep', '4'] });
    expect(args.ok && [args.app.cmd, args.app.args]).toEqual([undefined, ['sleep', '4']]);
    const bridge = update('/web', { container: { docker: { image: 'nginx', network: 'BRIDGE' } } });
    expect(bridge.ok && bridge.app.networks).toEqual([{ mode: 'container/bridge', labels: {} }]);
    expect(bridge.ok && bridge.app.portDefinitions).toEqual([]);
    expect(bridge.ok && bridge.warnings.length).toBeGreaterThan(0);
  });

  it('takes the id from the URL and treats null fields as absent', () => {
    const result = update('/web', { id: '/other', cmd: null, instances: 3 });
    expect(result).toMatchObject({ ok: true, app: { id: '/web', cmd: 'sleep 2', instances: 3 } });
  });

  it('creates a missing app, but not for PATCH', () => {
    expect(update('/new', { cmd: 'sleep 5' })).toMatchObject({
      ok: true,
      created: true,
      app: { id: '/new', instances: 1 },
    });
    expect(update('/new', { cmd: 'sleep 5' }, { mustExist: true })).toEqual({
      ok: false,
      status: 404,
      body: { message: "App '/new' does not exist" },
    });
  });

  it('rolls back to a stored version with {"version": ts}, optionally with id', () => {
    const result = update('/web', { id: '/web', version: V1 });
    expect(result).toMatchObject({ ok: true, created: false, app: { cmd: 'sleep 1', instances: 1 } });
    expect(result.ok && 'version' in result.app).toBe(false);
  });

  it('refuses version with other fields, unknown versions and unknown apps', () => {
    expect(update('/web', { version: V1, instances: 2 })).toEqual({
      ok: false,
      status: 422,
      body: { message: 'Object is not valid', details: [{ path: '/', errors: [VERSION_ONLY_MESSAGE] }] },
    });
    expect(update('/web', { version: '2000-01-01T00:00:00.000Z' })).toMatchObject({
      status: 404,
      body: { message: "App '/web' does not exist in version 2000-01-01T00:00:00.000Z" },
    });
    expect(update('/nope', { version: V1 })).toMatchObject({
      status: 404,
      body: { message: "App '/nope' does not exist" },
    });
  });

  it('passes normalizeApp errors through and needs an object', () => {
    expect(update('/web', { instances: -1 })).toMatchObject({
      ok: false,
      status: 422,
      body: { message: 'Invalid JSON' },
    });
    expect(update('/web', [1])).toMatchObject({
      ok: false,
      status: 400,
      body: { details: [{ path: '/', errors: ['error.expected.jsobject'] }] },
    });
  });
});

describe('applyAppUpdates', () => {
  const opts = { partialUpdate: true, mustExist: false };

  it('updates and creates several apps', () => {
    const result = applyAppUpdates(
      [
        { id: 'web', instances: 0 },
        { id: '/made', cmd: 'sleep 9' },
      ],
      opts,
      lookup,
    );
    expect(result).toMatchObject({
      ok: true,
      created: ['/made'],
      apps: [{ id: '/web', instances: 0, cmd: 'sleep 2' }, { id: '/made' }],
    });
  });

  it('needs an array of apps with ids, and reports item paths', () => {
    expect(applyAppUpdates({}, opts, lookup)).toMatchObject({
      status: 400,
      body: { details: [{ errors: ['error.expected.jsarray'] }] },
    });
    expect(applyAppUpdates([{ cmd: 'sleep 1' }], opts, lookup)).toMatchObject({
      status: 422,
      body: { details: [{ path: '/(0)/id', errors: ['error.path.missing'] }] },
    });
    expect(
      applyAppUpdates(
        [
          { id: 'ok', cmd: 'sleep 1' },
          { id: 'x', cmd: 'sleep 1', cpus: 'lots' },
        ],
        opts,
        lookup,
      ),
    ).toMatchObject({
      status: 422,
      body: { details: [{ path: '/(1)/cpus', errors: ['error.expected.jsnumber'] }] },
    });
  });
});

describe('readGroupUpdate', () => {
  it('resolves nested ids against their groups and records the lists given', () => {
    const result = readGroupUpdate(
      {
        id: 'shop',
        dependencies: ['../db'],
        apps: [{ id: 'cart', cmd: 'sleep 1' }],
        groups: [{ id: 'back', apps: [{ id: '/shop/back/pay', cmd: 'sleep 1' }] }],
      },
      '/shop',
    );
    expect(result).toMatchObject({
      ok: true,
      apps: [{ id: '/shop/cart' }, { id: '/shop/back/pay' }],
      groups: [
        { id: '/shop', dependencies: ['/db'] },
        { id: '/shop/back', dependencies: [] },
      ],
      appListsOf: ['/shop', '/shop/back'],
      groupListsOf: ['/shop'],
    });
  });

  it('refuses apps outside their group and prefixes validation paths', () => {
    expect(readGroupUpdate({ apps: [{ id: '/x/app', cmd: 'sleep 1' }] }, '/g')).toMatchObject({
      status: 422,
      body: {
        details: [{ path: '/apps(0)/id', errors: ['identifier /x/app is not child of /g. Hint: use relative paths.'] }],
      },
    });
    expect(readGroupUpdate({ groups: [{ id: 'a', apps: [{ id: 'b' }] }] }, '/g')).toMatchObject({
      status: 422,
      body: { message: 'Object is not valid', details: [{ path: '/groups(0)/apps(0)' }] },
    });
  });
});

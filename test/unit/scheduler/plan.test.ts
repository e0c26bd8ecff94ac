// computePlan: stop, start, then scale/restart steps ordered by app and group dependencies; and the
// dependency cycle check.
import { describe, expect, it } from 'vitest';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import {
  type AppVersion,
  type DeploymentPlan,
  type RootGroup,
  emptyRoot,
  timestamp,
} from '../../../src/scheduler/core/model.js';
import { affectedApps, computePlan, dependencyProblems } from '../../../src/scheduler/core/plan.js';

const T0 = timestamp(1000);
const T1 = timestamp(2000);

function app(fields: Record<string, unknown>, version = T0): AppVersion {
  const result = normalizeApp({ cmd: 'sleep 100', ...fields });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { ...result.app, version, versionInfo: { lastConfigChangeAt: version, lastScalingAt: version } };
}

function root(apps: AppVersion[], groups: { id: string; dependencies: string[] }[] = []): RootGroup {
  return {
    version: T0,
    apps: Object.fromEntries(apps.map((a) => [a.id, a])),
    groups: Object.fromEntries(groups.map((g) => [g.id, { ...g, version: T0 }])),
  };
}

function plan(
  original: RootGroup,
  target: RootGroup,
  o: { restart?: string[]; killInstances?: string[] } = {},
): DeploymentPlan {
  return computePlan({
    id: 'plan-1',
    version: T1,
    original,
    target,
    restart: new Set(o.restart ?? []),
    killInstances: o.killInstances ?? [],
  });
}

/** Steps as `Action /app` strings, one array per step. */
function steps(p: DeploymentPlan): string[][] {
  return p.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app}`));
}

describe('computePlan', () => {
  it('turns a fresh POST into [[StartApplication], [ScaleApplication]]', () => {
    const p = plan(emptyRoot(T0), root([app({ id: '/web', instances: 2 })]));
    expect(steps(p)).toEqual([['StartApplication /web'], ['ScaleApplication /web']]);
    expect(p).toMatchObject({ id: 'plan-1', version: T1, currentStep: 0, killInstances: [] });
  });

  it('scales when only instances changed, and keeps the instances to kill', () => {
    const before = root([app({ id: '/web', instances: 3 })]);
    const after = root([app({ id: '/web', instances: 2 }, T1)]);
    const p = plan(before, after, { killInstances: ['web.instance-1'] });
    expect(steps(p)).toEqual([['ScaleApplication /web']]);
    expect(p.killInstances).toEqual(['web.instance-1']);
  });

  it('restarts on any other change, with or without an instances change', () => {
    const before = root([app({ id: '/web', instances: 3 })]);
    expect(steps(plan(before, root([app({ id: '/web', instances: 3, cmd: 'sleep 200' }, T1)])))).toEqual([
      ['RestartApplication /web'],
    ]);
    expect(steps(plan(before, root([app({ id: '/web', instances: 5, mem: 256 }, T1)])))).toEqual([
      ['RestartApplication /web'],
    ]);
    expect(steps(plan(before, root([app({ id: '/web', instances: 3, env: { A: '1' } }, T1)])))).toEqual([
      ['RestartApplication /web'],
    ]);
  });

  it('does nothing for an app whose only change is its version, unless it is restarted', () => {
    const before = root([app({ id: '/web' })]);
    const after = root([app({ id: '/web' }, T1)]);
    expect(plan(before, after).steps).toEqual([]);
    expect(steps(plan(before, after, { restart: ['/web'] }))).toEqual([['RestartApplication /web']]);
  });

  it('stops removed apps in the first step', () => {
    const before = root([app({ id: '/old' }), app({ id: '/web' })]);
    const after = root([app({ id: '/web', instances: 4 }), app({ id: '/new' })]);
    expect(steps(plan(before, after))).toEqual([
      ['StopApplication /old'],
      ['StartApplication /new'],
      ['ScaleApplication /new', 'ScaleApplication /web'],
    ]);
  });

  it('puts an app after the apps it depends on', () => {
    const target = root([
      app({ id: '/shop/web', dependencies: ['api'] }),
      app({ id: '/shop/api', dependencies: ['/shop/db'] }),
      app({ id: '/shop/db' }),
      app({ id: '/metrics' }),
    ]);
    expect(steps(plan(emptyRoot(T0), target))).toEqual([
      [
        'StartApplication /metrics',
        'StartApplication /shop/api',
        'StartApplication /shop/db',
        'StartApplication /shop/web',
      ],
      ['ScaleApplication /metrics', 'ScaleApplication /shop/db'],
      ['ScaleApplication /shop/api'],
      ['ScaleApplication /shop/web'],
    ]);
  });

  it('orders by group dependencies and by dependencies on groups', () => {
    const target = root(
      [
        app({ id: '/front/web' }),
        app({ id: '/back/db' }),
        app({ id: '/back/cache' }),
        app({ id: '/ops/probe', dependencies: ['/front'] }),
      ],
      [{ id: '/front', dependencies: ['/back'] }],
    );
    expect(steps(plan(root(Object.values(target.apps)), bumpAll(target)))).toEqual([
      ['RestartApplication /back/cache', 'RestartApplication /back/db'],
      ['RestartApplication /front/web'],
      ['RestartApplication /ops/probe'],
    ]);
  });

  it('counts unchanged dependencies for the depth but leaves them out of the plan', () => {
    const db = app({ id: '/db' });
    const before = root([db, app({ id: '/web', dependencies: ['/db'] })]);
    const after = root([db, app({ id: '/web', dependencies: ['/db'], instances: 3 }, T1), app({ id: '/tool' })]);
    expect(steps(plan(before, after))).toEqual([
      ['StartApplication /tool'],
      ['ScaleApplication /tool'],
      ['ScaleApplication /web'],
    ]);
  });

  it('ignores dependencies on ids that exist nowhere', () => {
    expect(steps(plan(emptyRoot(T0), root([app({ id: '/web', dependencies: ['/nothing'] })])))).toEqual([
      ['StartApplication /web'],
      ['ScaleApplication /web'],
    ]);
  });
});

/** The same root with every app's command changed. */
function bumpAll(r: RootGroup): RootGroup {
  const apps = Object.values(r.apps).map((a) => ({ ...a, cmd: 'sleep 300', version: T1 }));
  return { ...r, apps: Object.fromEntries(apps.map((a) => [a.id, a])) };
}

describe('affectedApps', () => {
  it('lists every app a plan touches once', () => {
    const before = root([app({ id: '/old' }), app({ id: '/web' })]);
    const after = root([app({ id: '/web', cmd: 'sleep 9' }), app({ id: '/new' })]);
    expect(affectedApps(plan(before, after))).toEqual(['/new', '/old', '/web']);
  });
});

describe('dependencyProblems', () => {
  const cycle = [{ path: '/', errors: ['Dependency graph has cyclic dependencies.'] }];

  it('accepts a graph without cycles, also with unknown ids', () => {
    expect(dependencyProblems(root([app({ id: '/a', dependencies: ['/b', '/missing'] }), app({ id: '/b' })]))).toEqual(
      [],
    );
  });

  it('reports a cycle between apps', () => {
    const apps = [
      app({ id: '/a', dependencies: ['/b'] }),
      app({ id: '/b', dependencies: ['/c'] }),
      app({ id: '/c', dependencies: ['/a'] }),
    ];
    expect(dependencyProblems(root(apps))).toEqual(cycle);
  });

  it('reports cycles made through groups', () => {
    const apps = [app({ id: '/front/web' }), app({ id: '/back/db', dependencies: ['/front/web'] })];
    expect(dependencyProblems(root(apps, [{ id: '/front', dependencies: ['/back'] }]))).toEqual(cycle);
    expect(dependencyProblems(root([app({ id: '/g/a', dependencies: ['/g'] })]))).toEqual(cycle);
  });
});

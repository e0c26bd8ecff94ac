// The scheduler's ZooKeeper layout: the ops of real core writes, one node per app and version, deployments
// by reference, commit sizes that do not grow with the number of apps, and which versions are kept.
import { describe, expect, it } from 'vitest';
import { MARATHON_MAX_VERSIONS, MARATHON_ZK_COMPRESSION_THRESHOLD_BYTES } from '../../../src/common/limits.js';
import type { Op } from '../../../src/ensemble/client/ops.js';
import type { SchedulerCore } from '../../../src/scheduler/core/scheduler.js';
import { opBytes } from '../../../src/framework/zk-commit.js';
import { decodeValue, encodeValue, StoreLayout } from '../../../src/scheduler/io/store-layout.js';
import type { AppsById, DeploymentPlan, RootGroup } from '../../../src/scheduler/core/model.js';
import { appDef, deployRequest, START, subscribedCore, writesOf } from '../../helpers/mesos-sim.js';
import { appVersion, VERSION } from './health-fixtures.js';

const STATE = '/marathon/state';

/** A core and a layout fed every write the core makes. */
function rig() {
  const core = subscribedCore();
  const layout = new StoreLayout(STATE);
  let now = START;
  const deploy = (apps: Record<string, unknown>[], extra: { remove?: string[] } = {}) => {
    now += 1000;
    const out = core.deploy(deployRequest(now, { upsert: apps.map(appDef), remove: extra.remove ?? [], force: true }));
    if (!out.reply.ok) throw new Error(JSON.stringify(out.reply));
    return layout.opsOf(writesOf(out.effects));
  };
  return { core, layout, deploy };
}

const describeOps = (ops: Op[]): string[] => ops.map((op) => `${op.op} ${op.path}`);
const dataOf = (ops: Op[], path: string): unknown => {
  const op = ops.find((o) => o.path === path);
  return op !== undefined && 'data' in op && op.data !== null ? decodeValue(op.data) : undefined;
};
const bytes = (ops: Op[]): number => ops.reduce((sum, op) => sum + opBytes(op), 0);

function labelledApp(id: string, instances = 0): Record<string, unknown> {
  const labels = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label-${i}`, 'x'.repeat(80)]));
  return { id, cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances, labels };
}

function deployments(core: SchedulerCore): string[] {
  return core.deployments().map((p) => p.id);
}

describe('store layout', () => {
  it('writes a new app as a version node first, then its current version, the root and the plan by reference', () => {
    const r = rig();
    const ops = r.deploy([{ id: '/web', cmd: 'sleep 1000', instances: 1 }]);
    const version = r.core.root.apps['/web']?.version ?? '';
    expect(describeOps(ops.prepare)).toEqual([`create ${STATE}/apps/web`, `create ${STATE}/apps/web/${version}`]);
    const [plan] = deployments(r.core);
    expect(describeOps(ops.commit)).toEqual([
      `create ${STATE}/group/root`,
      `setData ${STATE}/apps/web`,
      `create ${STATE}/deployment/${plan}`,
    ]);
    expect(dataOf(ops.commit, `${STATE}/apps/web`)).toEqual({ id: '/web', version });
    expect(dataOf(ops.commit, `${STATE}/group/root`)).toEqual({ version, groups: {} });
    expect(dataOf(ops.commit, `${STATE}/deployment/${plan}`)).toMatchObject({
      id: plan,
      original: {},
      target: { '/web': version },
    });
  });

  it('keeps a request’s commit small however many apps there are', () => {
    const r = rig();
    const first = r.deploy(Array.from({ length: 500 }, (_, i) => labelledApp(`/fleet/app-${i}`)));
    expect(bytes(first.prepare)).toBeGreaterThan(500 * 4000);
    const scale = r.deploy([{ ...labelledApp('/fleet/app-7'), instances: 2 }]);
    expect(bytes(scale.commit)).toBeLessThan(2000);
    expect(describeOps(scale.commit).filter((o) => o.includes('/apps/'))).toEqual([
      `setData ${STATE}/apps/fleet_app-7`,
    ]);
  });

  it('gzips values above the compression threshold and reads them back', () => {
    const big = { text: 'abc'.repeat(MARATHON_ZK_COMPRESSION_THRESHOLD_BYTES) };
    const encoded = encodeValue(big);
    expect(encoded.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(decodeValue(encoded)).toEqual(big);
    expect(encodeValue({ small: true }).toString()).toBe('{"small":true}');
  });

  it(`keeps ${MARATHON_MAX_VERSIONS} versions, never dropping the current one or one a deployment refers to`, () => {
    const r = rig();
    const versions: string[] = [];
    for (let i = 0; i <= MARATHON_MAX_VERSIONS + 1; i++) {
      const ops = r.deploy([{ id: '/web', cmd: `sleep ${1000 + i}` }]);
      versions.push(r.core.root.apps['/web']?.version ?? '');
      const removed = describeOps(ops.commit).filter((o) => o.startsWith('delete'));
      const expected =
        i < MARATHON_MAX_VERSIONS ? [] : [`delete ${STATE}/apps/web/${versions[i - MARATHON_MAX_VERSIONS]}`];
      expect(
        removed.filter((o) => o.includes('/apps/')),
        `deploy ${i}`,
      ).toEqual(expected);
    }
  });

  it('keeps the versions of a removed app while a deployment refers to them, and drops them with it', () => {
    const layout = new StoreLayout(STATE);
    const app = appVersion({ id: '/gone', cmd: 'sleep 1000' });
    const plan = (id: string, original: AppsById, target: AppsById): DeploymentPlan => ({
      id,
      version: VERSION,
      original,
      target,
      steps: [{ actions: [{ action: 'StopApplication', app: app.id }] }],
      currentStep: 1,
      killInstances: [],
    });
    const root = (apps: AppsById): RootGroup => ({ version: VERSION, apps, groups: {} });
    layout.opsOf([
      { kind: 'app-version', app },
      { kind: 'root', root: root({ [app.id]: app }) },
    ]);
    const removal = layout.opsOf([
      { kind: 'root', root: root({}) },
      { kind: 'deployment', plan: plan('p1', { [app.id]: app }, {}) },
    ]);
    expect(dataOf(removal.commit, `${STATE}/apps/gone`)).toEqual({ id: '/gone', version: null });
    expect(dataOf(removal.commit, `${STATE}/deployment/p1`)).toMatchObject({
      original: { '/gone': VERSION },
      target: {},
    });
    expect(describeOps(layout.opsOf([{ kind: 'delete-app', appId: app.id }]).commit)).toEqual([]);
    expect(describeOps(layout.opsOf([{ kind: 'delete-deployment', id: 'p1' }]).commit)).toEqual([
      `delete ${STATE}/deployment/p1`,
      `delete ${STATE}/apps/gone/${VERSION}`,
      `delete ${STATE}/apps/gone`,
    ]);
  });
});

// The scheduler's state store on a real three-member ensemble: 500 apps of 4 KB with deployments and
// instances stored and read back whole by a new store, every znode far below the frame limit, and a
// request whose commit fails leaving nothing of itself behind.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../src/common/limits.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import type { Effect } from '../../src/scheduler/core/messages.js';
import { SchedulerCore } from '../../src/scheduler/core/scheduler.js';
import { StoreWriteError } from '../../src/framework/zk-commit.js';
import { StateStore } from '../../src/scheduler/io/store.js';
import { TestEnsemble } from '../helpers/ensemble.js';
import { fleetApp } from '../helpers/fleet.js';
import {
  appDef,
  deployRequest,
  offerOf,
  schedulerOptions,
  START,
  subscribedCore,
  writesOf,
} from '../helpers/mesos-sim.js';

const STATE = '/marathon/state';
const APPS = 500;
const log = pino({ level: 'silent' });

/** Sizes of every znode under `path`, largest first. */
async function nodeSizes(client: ZkClient, path: string): Promise<number[]> {
  const { data } = await client.getData(path);
  const children = await client.getChildren(path);
  const below = await Promise.all(children.map((c) => nodeSizes(client, `${path}/${c}`)));
  return [data?.length ?? 0, ...below.flat()].sort((a, b) => b - a);
}

describe('the scheduler state store on a real ensemble', () => {
  let ensemble: TestEnsemble;
  let client: ZkClient;
  let store: StateStore;
  const core = subscribedCore();
  let now = START;

  /** Runs a core call's writes through the store as one batch, as the effect runner does. */
  const persist = (effects: Effect[]): Promise<void> => store.apply([writesOf(effects)]);

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
    client = await ZkClient.connect(ensemble.connectString);
    store = new StateStore({ client, path: STATE, log });
    await store.load();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await ensemble?.stop();
  });

  it(`stores ${APPS} apps of 4 KB in one group deployment, with no znode over 8 KB`, async () => {
    const apps = Array.from({ length: APPS }, (_, i) => appDef(fleetApp(i)));
    expect(JSON.stringify(apps).length).toBeGreaterThan(APPS * 4000);
    now += 1000;
    const out = core.deploy(deployRequest(now, { upsert: apps }));
    expect(out.reply.ok).toBe(true);
    await persist(out.effects);
    const sizes = await nodeSizes(client, STATE);
    expect(sizes[0]).toBeLessThan(8 * 1024);
    expect(sizes[0]).toBeLessThan(MAX_FRAME_BYTES / 100);
  });

  it('scales one app and launches its instances, each request one small batch', async () => {
    now += 1000;
    const scaled = core.deploy(deployRequest(now, { upsert: [appDef(fleetApp(7, 3))] }));
    expect(scaled.reply.ok).toBe(true);
    await persist(scaled.effects);
    now += 1000;
    const offer = offerOf({ id: 'O1', agentId: 'S0', resources: 'cpus:4;mem:4096;ports:[31000-31100]' });
    await persist(core.input({ type: 'offers', offers: [offer], now }));
    expect(core.instancesOf('/fleet/app-7')).toHaveLength(3);
  });

  it('reads everything back in a new store: apps, versions, deployments, instances', async () => {
    const reader = await ZkClient.connect(ensemble.connectString);
    try {
      const state = await new StateStore({ client: reader, path: STATE, log }).load();
      const restored = new SchedulerCore({ options: schedulerOptions(), state });
      expect(Object.keys(restored.root.apps)).toHaveLength(APPS);
      expect(restored.root).toEqual(core.root);
      expect(restored.deployments()).toEqual(core.deployments());
      expect(restored.instances()).toEqual(core.instances());
      expect(restored.versions('/fleet/app-7')).toEqual(core.versions('/fleet/app-7'));
    } finally {
      await reader.close();
    }
  });

  it('stores nothing of a request whose commit fails', async () => {
    const before = (await client.getData(`${STATE}/group/root`)).data?.toString();
    now += 1000;
    const out = core.deploy(
      deployRequest(now, { upsert: [appDef(fleetApp(8, 2)), appDef(fleetApp(9, 2))], force: true }),
    );
    if (!out.reply.ok) throw new Error('expected the deployment to start');
    const planNode = `${STATE}/deployment/${out.reply.plan.deploymentId}`;
    const other = await ZkClient.connect(ensemble.connectString);
    await other.create(planNode, Buffer.from('taken'));
    await other.close();
    const failure = await persist(out.effects).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StoreWriteError);
    expect((failure as StoreWriteError).committed).toBe(0);
    expect((await client.getData(`${STATE}/group/root`)).data?.toString()).toBe(before);
    const pointer = JSON.parse((await client.getData(`${STATE}/apps/fleet_app-8`)).data?.toString() ?? '{}');
    expect(pointer.version).not.toBe(core.root.apps['/fleet/app-8']?.version);
    expect((await client.getData(planNode)).data?.toString()).toBe('taken');
  });
});

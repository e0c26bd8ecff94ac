// The scheduler's state under load and faults, in a cluster on our ensemble reached through proxies:
// a store write lost to ConnectionLoss mid-deployment, and 500 apps of 4 KB across a scheduler restart
// and a master failover. Every call answers, nothing is lost, and nothing runs twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppInfoJson, MarathonClient } from '../../src/api/marathon.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { LOOPBACK } from '../../src/common/ports.js';
import { TestEnsemble, waitUntil } from '../helpers/ensemble.js';
import { fleetApp } from '../helpers/fleet.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'state';
const APPS = 500;
const home = new CliHome();
let ensemble: TestEnsemble | undefined;
let proxies: TcpProxy[] = [];

afterAll(async () => {
  await home.cleanup();
  await Promise.all(proxies.map((p) => p.close()));
  await ensemble?.stop();
}, 120_000);

/** The call's answer, or the error it failed with: a 503 while the scheduler recovers is fine, silence is not. */
async function answer<T>(call: () => Promise<T>): Promise<T | Error> {
  return call().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

function running(app: AppInfoJson | Error): number {
  return app instanceof Error ? -1 : (app.tasksRunning ?? 0);
}

describe('scheduler state under load and faults', () => {
  let status: ClusterStatus;
  let marathon: MarathonClient;

  beforeAll(async () => {
    ensemble = await TestEnsemble.start();
    const started = ensemble;
    proxies = await Promise.all(started.sids.map((sid) => TcpProxy.start(started.clientPort(sid))));
    const servers = proxies.map((p) => `${LOOPBACK}:${p.port}`).join(',');
    status = await home.up(CLUSTER, '--zk', `zk://${servers}/mesos`);
    marathon = new MarathonClient(status.marathon ?? '');
  }, 120_000);

  it('a launch write lost to ConnectionLoss: the scheduler leads again and the deployment finishes, once', {
    timeout: 120_000,
  }, async () => {
    const marker = Buffer.from('/instance/lossy.instance-');
    let trapped = false;
    const trap = (chunk: Buffer): boolean => {
      if (trapped || !chunk.includes(marker)) return false;
      trapped = true;
      return true;
    };
    for (const proxy of proxies) proxy.arm(trap);
    const created = await marathon.createApp({ id: '/lossy', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 2 });
    expect(created.deploymentId).toBeTruthy();
    await waitUntil('the launch write was cut', async () => trapped, 30_000);
    await waitUntil(
      'the deployment finished with 2 tasks running',
      async () => {
        const app = await answer(() => marathon.app('/lossy'));
        return running(app) === 2 && !(app instanceof Error) && (app.deployments ?? []).length === 0;
      },
      60_000,
    );
    expect(await marathon.appTasks('/lossy')).toHaveLength(2);
    const log = await home.ok('logs', 'scheduler-1', '--name', CLUSTER);
    expect(log.match(/recovering state from ZooKeeper/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(await marathon.leader()).toBeTruthy();
  });

  it(`${APPS} apps of 4 KB survive a scale, a scheduler restart and a master failover`, {
    timeout: 240_000,
  }, async () => {
    const deployed = await marathon.putApps(Array.from({ length: APPS }, (_, i) => fleetApp(i)));
    await marathon.waitForDeployment(deployed.deploymentId, { timeoutMs: 60_000 });
    const scaled = await marathon.patchApp('/fleet/app-7', { instances: 1 });
    await marathon.waitForDeployment(scaled.deploymentId, { timeoutMs: 60_000 });
    const before = (await marathon.apps()).filter((a) => a.id.startsWith('/fleet/'));
    expect(before).toHaveLength(APPS);

    await home.ok('kill', 'scheduler', '--name', CLUSTER);
    await home.ok('start', 'scheduler-1', '--name', CLUSTER);
    await home.ok('kill', 'leader', '--name', CLUSTER);
    await waitUntil(
      'the scheduler subscribed to the new leading master',
      async () => (await home.control(CLUSTER).status()).schedulers.every((s) => s.subscribed),
      60_000,
    );
    await waitUntil(
      '/fleet/app-7 running again',
      async () => running(await answer(() => marathon.app('/fleet/app-7'))) === 1,
      60_000,
    );
    const after = (await marathon.apps()).filter((a) => a.id.startsWith('/fleet/'));
    expect(after.map((a) => [a.id, a.version, a.instances])).toEqual(before.map((a) => [a.id, a.version, a.instances]));
    expect(await marathon.appTasks('/fleet/app-7')).toHaveLength(1);
    const rescaled = await marathon.patchApp('/fleet/app-9', { instances: 1 });
    await marathon.waitForDeployment(rescaled.deploymentId, { timeoutMs: 60_000 });
    expect(await marathon.deployments()).toEqual([]);
  });
});

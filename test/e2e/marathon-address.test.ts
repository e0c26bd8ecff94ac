// The cluster's one Marathon address: the URL `up` prints keeps answering across a scheduler failover
// (it passes requests on to whichever scheduler leads, the event stream too), and with no scheduler up
// the Marathon commands say which one to start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarathonClient } from '../../src/api/marathon.js';
import type { ClusterStatus } from '../../src/cluster/status.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'address';
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

const leadingScheduler = (s: ClusterStatus): string | undefined => s.schedulers.find((x) => x.role === 'leading')?.name;

describe('the stable Marathon address', () => {
  let first: ClusterStatus;
  let marathon: MarathonClient;

  beforeAll(async () => {
    first = await home.up(CLUSTER, '--schedulers', '2', '--agents', '1');
    marathon = new MarathonClient(first.marathon ?? '');
  }, 120_000);

  it('is its own address, not one of the schedulers’, and status shows both', () => {
    expect(first.marathon).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.schedulers.map((s) => s.url)).not.toContain(first.marathon);
    expect(first.schedulers).toHaveLength(2);
  });

  it('keeps answering across a scheduler failover, with the apps it had', async () => {
    const created = await marathon.createApp({ id: '/steady', cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 0 });
    await marathon.waitForDeployment(created.deploymentId, { timeoutMs: 30_000 });
    const before = leadingScheduler(first);
    await home.ok('kill', 'scheduler', '--name', CLUSTER);
    await waitUntil(
      'the standby leads',
      async () => {
        const now = leadingScheduler(await home.control(CLUSTER).status());
        return now !== undefined && now !== before;
      },
      30_000,
    );
    await waitUntil('the address answers through the new leader', async () => {
      const apps = await marathon.apps().catch(() => []);
      return apps.some((a) => a.id === '/steady');
    });
    expect((await home.ok('apps', 'list', '--name', CLUSTER)).split('\n').join(' ')).toContain('/steady');
  });

  it('says which scheduler to start while none is up', async () => {
    await home.ok('kill', 'scheduler', '--name', CLUSTER);
    const down = (await home.control(CLUSTER).status()).schedulers.filter((s) => s.state !== 'running');
    expect(down).toHaveLength(2);
    const listed = await home.run('apps', 'list', '--name', CLUSTER);
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toMatch(
      /^error: .*No scheduler is leading: start one with `minicluster start scheduler-\d`/m,
    );
    const name = /start (scheduler-\d)/.exec(listed.stderr)?.[1] ?? '';
    await home.ok('start', name, '--name', CLUSTER);
    await waitUntil(
      'the address answers again',
      async () => (await marathon.apps().catch(() => null)) !== null,
      30_000,
    );
  });
});

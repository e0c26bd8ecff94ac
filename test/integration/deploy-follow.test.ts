// Following a deployment that cannot progress, against the real Marathon API over a simulated Mesos: the reason is
// said again while it waits, with what the app asks against what each agent has free (from /v2/queue's last unused
// offers); when the wait ends the app stays deployed and waiting, as in Marathon; a second deploy meets the lock,
// which names the deployment and --force instead of Marathon's placeholders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployError, deploy, type DeployProgress } from '../../src/api/deploy.js';
import { MarathonHttpError, describeMarathonError } from '../../src/api/marathon.js';
import { MarathonHarness } from '../helpers/marathon-harness.js';

const BIG = { id: '/big', cmd: 'sleep 1000', instances: 2, cpus: 3, mem: 16 };

describe('a deployment that cannot progress', () => {
  let harness: MarathonHarness;

  beforeAll(async () => {
    harness = await MarathonHarness.start();
    harness.startClock();
  });

  afterAll(() => harness.close());

  it('says why again and again while it waits, and leaves the app deployed and waiting', async () => {
    const progress: DeployProgress[] = [];
    const options = {
      force: false,
      timeoutMs: 2_000,
      pollMs: 50,
      repeatMs: 0,
      onProgress: (p: DeployProgress) => progress.push(p),
    };
    const failed = await deploy(harness.client, { ...BIG, instances: 3 }, options).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(DeployError);
    const waiting = progress.filter((p) => p.type === 'waiting');
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    // Two agents of 4 cpus each take one instance of 3 cpus; the third finds 1 cpu left on each.
    expect(waiting.at(-1)).toMatchObject({
      app: '/big',
      unplaced: true,
      reason: expect.stringMatching(
        /^1 instance\(s\) not placed: offers declined: InsufficientCpus \(\d+\/\d+ offers\); asks 3 cpus per instance; the agents have 1 and 1 free$/,
      ) as string,
    });
    const error = failed as DeployError;
    expect(error.message).toMatch(
      /^deployment \S+ did not finish within 2 s \(\/big: 1 instance\(s\) not placed: .*\); \/big stays deployed and waits$/,
    );
    expect(error.waiting).toEqual([expect.objectContaining({ app: '/big', unplaced: true })]);
    expect((await harness.client.app('/big')).instances).toBe(3);
    expect((await harness.client.deployments()).map((d) => d.affectedApps)).toEqual([['/big']]);
  });

  it('meets the lock on a second deploy, which names the deployment and --force', async () => {
    const [running] = await harness.client.deployments();
    const locked = await harness.client.putApp('/big', BIG, { partialUpdate: false }).catch((err: unknown) => err);
    expect(locked).toBeInstanceOf(MarathonHttpError);
    expect((locked as MarathonHttpError).body).toEqual({
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: running?.id }],
    });
    expect(describeMarathonError(locked as MarathonHttpError, { force: '--force' })).toBe(
      `App is locked by one or more deployments. Override with --force. View details at '/v2/deployments/${running?.id}'.`,
    );
  });
});

// Both agents killed while a process app scales from 1 to 21 (several seeds, each its own moment), then
// started again: once the app has settled, the process groups alive in the cluster's sandboxes are exactly
// the running tasks, and after scaling back to 1 exactly one is left.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../src/api/agent.js';
import type { ControlClient } from '../../src/api/control.js';
import { MarathonClient } from '../../src/api/marathon.js';
import { waitUntil } from '../helpers/ensemble.js';
import { processGroupsUnder } from '../helpers/processes.js';
import { Rng } from '../sim/prng.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'scale-kill';
const APP = '/sleepy';
const AGENTS = ['agent-1', 'agent-2'];
const SEEDS = [1, 2, 3];
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

describe('agents killed while an app scales up', () => {
  let marathon: MarathonClient;
  let control: ControlClient;
  let dir: string;

  /** Sandboxes of the tasks the agents say are running. */
  async function runningSandboxes(): Promise<string[]> {
    const { agents } = await control.status();
    const states = await Promise.all(agents.map((a) => new AgentClient(a.url).state()));
    return states
      .flatMap((s) => s.frameworks.flatMap((f) => f.executors))
      .filter((e) => e.tasks[0]?.state === 'TASK_RUNNING')
      .map((e) => e.directory)
      .sort();
  }

  function groupSandboxes(): string[] {
    return [...processGroupsUnder(dir).values()].sort();
  }

  /** The app runs `instances` tasks with no deployment left, and exactly their process groups are alive. */
  async function settled(instances: number): Promise<void> {
    await waitUntil(
      `${APP} settled at ${instances}`,
      async () => {
        const app = await marathon.app(APP);
        return app.tasksRunning === instances && (app.tasksStaged ?? 0) === 0 && (app.deployments ?? []).length === 0;
      },
      60_000,
    );
    const running = await waitUntil(
      `the agents running ${instances} tasks`,
      async () => {
        const found = await runningSandboxes();
        return found.length === instances && found;
      },
      30_000,
    );
    await waitUntil(
      `the process groups to be the ${instances} running tasks (now ${groupSandboxes().length})`,
      () => groupSandboxes().join() === running.join(),
    );
    expect(processGroupsUnder(dir).size).toBe(instances);
  }

  beforeAll(async () => {
    const status = await home.up(CLUSTER, '--masters', '1');
    marathon = new MarathonClient(status.marathon ?? '');
    control = home.control(CLUSTER);
    dir = home.paths(CLUSTER).dir;
    // Tasks lost with their agent delay the next launches; the delay is kept short, as this is not about backoff.
    const backoff = { backoffSeconds: 1, maxLaunchDelaySeconds: 1 };
    await marathon.createApp({ id: APP, cmd: 'sleep 1000', cpus: 0.01, mem: 8, instances: 1, ...backoff });
    await settled(1);
  }, 120_000);

  for (const seed of SEEDS) {
    it(`seed ${seed}: the process groups are the running tasks after the agents come back, and after scaling down`, {
      timeout: 180_000,
    }, async () => {
      const rng = new Rng(seed);
      await marathon.putApp(APP, { instances: 21 });
      // The moment of the crash, somewhere in the scale-up (the report saw it 0.05–0.3 s after the request).
      await delay(rng.int(50, 300));
      await Promise.all(AGENTS.map((agent) => control.kill(agent)));
      await Promise.all(AGENTS.map((agent) => control.start(agent)));
      await settled(21);
      await marathon.putApp(APP, { instances: 1 });
      await settled(1);
    });
  }
});

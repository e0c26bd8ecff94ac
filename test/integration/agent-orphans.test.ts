// An agent killed at random moments while it launches twenty process tasks (several seeds): once it has
// restarted and recovered, the process groups alive in its sandboxes are exactly its running tasks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../src/api/agent.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { TaskInfo } from '../../src/master/core/v1.js';
import { startAgentRig, type AgentRig, type AgentWorker } from '../helpers/agents.js';
import { waitUntil } from '../helpers/ensemble.js';
import { processGroupsUnder } from '../helpers/processes.js';
import { Rng } from '../sim/prng.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
const INSTANCES = 20;

function sleeper(id: string): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: '' },
    resources: parseResourceText('cpus:0.01;mem:8'),
    command: { value: 'sleep 1000', shell: true },
  };
}

/** Sandboxes of the agent's tasks by state: running, and still on their way (staging, starting). */
async function sandboxes(agent: AgentWorker): Promise<{ running: string[]; launching: number }> {
  const state = await new AgentClient(agent.url).state();
  const executors = state.frameworks.flatMap((f) => f.executors);
  const stateOf = (e: (typeof executors)[number]): string => e.tasks[0]?.state ?? '';
  return {
    running: executors.filter((e) => stateOf(e) === 'TASK_RUNNING').map((e) => e.directory),
    launching: executors.filter((e) => ['TASK_STAGING', 'TASK_STARTING'].includes(stateOf(e))).length,
  };
}

function groupSandboxes(workDir: string): string[] {
  return [...processGroupsUnder(workDir).values()].sort();
}

describe('an agent killed while it launches tasks', () => {
  let rig: AgentRig;

  beforeAll(async () => {
    rig = await startAgentRig({ containerizers: ['mesos'] });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: after recovery, the process groups alive are its running tasks`, async () => {
      const { master, agent } = rig;
      const workDir = agent.config.workDir;
      const rng = new Rng(seed);
      const ids = Array.from({ length: INSTANCES }, (_, i) => `s${seed}-${i}`);
      master.clear();
      for (const id of ids) master.runTask(sleeper(id));
      const moment = rng.int(1, 2 * INSTANCES - 1);
      await waitUntil(`${moment} status updates`, () => master.updates.length >= moment);
      await agent.kill();
      master.clear();
      await agent.start();
      await master.waitFor('REREGISTER');
      const settled = await waitUntil('no task still launching', async () => {
        const found = await sandboxes(agent);
        return found.launching === 0 && found;
      });
      const running = settled.running.sort();
      await waitUntil(
        `the process groups to be the ${running.length} running tasks (now ${groupSandboxes(workDir).length})`,
        () => groupSandboxes(workDir).join() === running.join(),
      );
      expect(processGroupsUnder(workDir).size).toBe(running.length);

      for (const id of ids) master.killTask(id, { grace_period: { nanoseconds: 0 } });
      await waitUntil('every process group gone', () => processGroupsUnder(workDir).size === 0);
    });
  }
});

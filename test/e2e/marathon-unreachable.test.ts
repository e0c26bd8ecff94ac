// An agent killed and started again under the Marathon-style scheduler, through the CLI (process tasks, no
// Docker): with unreachableStrategy {inactiveAfterSeconds: 2, expungeAfterSeconds: 5} its tasks turn unreachable,
// are replaced on the other agent and expunged; when the agent comes back with them they are killed, the
// replacements kept.
import { afterAll, expect, it } from 'vitest';
import { AgentClient, type AgentStateJson } from '../../src/api/agent.js';
import { MarathonClient, type TaskJson } from '../../src/api/marathon.js';
import { waitUntil } from '../helpers/ensemble.js';
import { CliHome } from './cli-helpers.js';

const CLUSTER = 'unreachable';
const home = new CliHome();

afterAll(() => home.cleanup(), 120_000);

const APP = {
  id: '/away',
  cmd: 'sleep 1000',
  instances: 2,
  cpus: 0.1,
  mem: 16,
  unreachableStrategy: { inactiveAfterSeconds: 2, expungeAfterSeconds: 5 },
};

const ids = (tasks: readonly TaskJson[]): string[] => tasks.map((t) => t.id).sort();

/** The state of every task an agent shows, live or completed, by task id. */
function agentTaskStates(state: AgentStateJson): Map<string, string> {
  const executors = state.frameworks.flatMap((fw) => [...fw.executors, ...fw.completed_executors]);
  return new Map(executors.flatMap((e) => [...e.tasks, ...e.completed_tasks]).map((t) => [t.id, t.state]));
}

it('expunges the tasks of a lost agent and kills them when it comes back', { timeout: 180_000 }, async () => {
  const status = await home.up(CLUSTER);
  const marathon = new MarathonClient(status.marathon ?? '');
  const { deploymentId } = await marathon.createApp(APP);
  await marathon.waitForDeployment(deploymentId, { timeoutMs: 30_000 });
  const before = await marathon.appTasks(APP.id);
  const agent = status.agents.find((a) => a.id === before[0]?.slaveId);
  if (agent === undefined) throw new Error(`no agent runs ${before[0]?.id}`);
  const away = ids(before.filter((t) => t.slaveId === agent.id));

  await home.ok('kill', agent.name, '--name', CLUSTER);
  await waitUntil(
    `the tasks of ${agent.name} TASK_UNREACHABLE`,
    async () => (await marathon.appTasks(APP.id)).filter((t) => t.state === 'TASK_UNREACHABLE').length === away.length,
    20_000,
  );
  const replacements = await waitUntil(
    'two replacements running and the unreachable tasks expunged',
    async () => {
      const tasks = await marathon.appTasks(APP.id);
      const running = tasks.filter((t) => t.state === 'TASK_RUNNING' && t.slaveId !== agent.id);
      return tasks.length === 2 && running.length === 2 && ids(running);
    },
    30_000,
  );
  expect(replacements.filter((id) => away.includes(id))).toEqual([]);

  await home.ok('start', agent.name, '--name', CLUSTER);
  const client = new AgentClient(agent.url);
  await waitUntil(
    `${agent.name} back, its old tasks killed`,
    async () => {
      const states = agentTaskStates(await client.state());
      return away.every((id) => states.get(id) === 'TASK_KILLED');
    },
    30_000,
  );
  expect(ids(await marathon.appTasks(APP.id))).toEqual(replacements);
});

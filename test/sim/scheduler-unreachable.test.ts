// An agent cut off from the master, against the simulated cluster: its instances turn unreachable, are
// replaced after inactiveAfterSeconds and expunged after expungeAfterSeconds; what comes back later is killed.
import { describe, expect, it } from 'vitest';
import { MesosSim, appDef } from '../helpers/mesos-sim.js';
import { seedsToRun } from './scenario.js';

const SEEDS = [1, 2, 3];
const WEB = { id: '/web', cmd: 'sleep 1000', instances: 2, cpus: 0.1, mem: 32 };

/** Two instances running; the agent of the first is cut off. Returns it and the task ids it runs. */
function partitioned(seed: number, expungeAfterSeconds: number): { sim: MesosSim; agentId: string; away: string[] } {
  console.log('sim seed', seed);
  const sim = new MesosSim({ seed });
  sim.runFor(300);
  const reply = sim.deploy({
    upsert: [appDef({ ...WEB, unreachableStrategy: { inactiveAfterSeconds: 2, expungeAfterSeconds } })],
  });
  expect(reply.ok).toBe(true);
  sim.runUntil(() => sim.core.deployments().length === 0, 10_000, { what: 'the deployment' });
  const agentId = sim.core.instancesOf('/web')[0]?.agentId ?? '';
  const away = sim.liveTasks('/web').flatMap((t) => (t.agentId === agentId ? [t.info.task_id.value] : []));
  sim.partition(agentId);
  return { sim, agentId, away };
}

const taskIds = (sim: MesosSim): string[] =>
  sim.core
    .instancesOf('/web')
    .map((i) => i.taskId)
    .sort();

describe('unreachable instances', () => {
  it.each(seedsToRun(SEEDS))('are expunged, and killed when their agent comes back (seed %i)', (seed) => {
    const { sim, agentId, away } = partitioned(seed, 5);
    sim.runFor(1_000);
    const states = sim.core.instancesOf('/web').map((i) => [i.taskId, i.state]);
    expect(states.filter(([, state]) => state === 'TASK_UNREACHABLE').map(([id]) => id)).toEqual(away);
    expect(states).toHaveLength(2);

    sim.runFor(20_000);
    const replacements = taskIds(sim);
    expect(replacements).toHaveLength(2);
    expect(replacements.filter((id) => away.includes(id))).toEqual([]);
    expect(sim.core.instancesOf('/web').every((i) => i.state === 'TASK_RUNNING')).toBe(true);

    sim.reconnect(agentId);
    sim.runUntil(() => sim.liveTasks('/web').every((t) => t.agentId !== agentId), 5_000, { what: 'old tasks killed' });
    sim.runFor(1_000);
    expect(taskIds(sim)).toEqual(replacements);
    expect(
      sim
        .liveTasks('/web')
        .map((t) => t.info.task_id.value)
        .sort(),
    ).toEqual(replacements);
  });

  it.each(seedsToRun(SEEDS))('are kept when they come back before expungeAfterSeconds (seed %i)', (seed) => {
    const { sim, agentId, away } = partitioned(seed, 600);
    sim.runFor(20_000);
    expect(taskIds(sim)).toHaveLength(2 + away.length);
    sim.reconnect(agentId);
    sim.runUntil(() => sim.liveTasks('/web').length === 2, 5_000, { what: 'the surplus killed' });
    sim.runFor(1_000);
    expect(taskIds(sim)).toEqual(
      sim
        .liveTasks('/web')
        .map((t) => t.info.task_id.value)
        .sort(),
    );
    expect(taskIds(sim).filter((id) => away.includes(id))).toEqual(away);
  });
});

// Leading-master failover from a seed: two MasterCores take turns leading while agents keep their
// tasks running and re-register, and the framework re-subscribes with its id and reconciles. After
// every failover the same tasks are RUNNING everywhere, none lost or duplicated.
// MINICLUSTER_SIM_SEED=<n> replays one seed.
import { describe, expect, it } from 'vitest';
import { seedsToRun } from './scenario.js';
import { SIM_TIMING, World } from './master/world.js';

const SEEDS = [1, 2, 3, 4, 5];
const FAILOVERS = 6;
const INITIAL_TASKS = 4;
/** Three agents of 2 cpus fit twelve tasks of 0.5 cpus. */
const MAX_TASKS = 10;
const SETTLE_MS = 20_000;
/** States a task that ever ran may be reported in: the sim's agents never lose or kill one. */
const ALIVE = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']);

function settled(world: World): boolean {
  const leader = world.leader;
  if (leader === null || world.scheduler.subscribedTerm !== leader.term) return false;
  if (!world.agents.every((a) => a.registeredTerm === leader.term && a.allAcknowledged())) return false;
  const fw = leader.core.view().state.frameworks.get(world.scheduler.frameworkId ?? '');
  const running = [...(fw?.tasks.values() ?? [])].filter((r) => r.task.state === 'TASK_RUNNING');
  const wanted = world.scheduler.wanted;
  return running.length === wanted && world.scheduler.runningTaskIds().length === wanted;
}

/** The tasks RUNNING on the agents, after checking that master, agents and framework agree on them. */
function agreedRunning(world: World): string[] {
  const onAgents = world.agents.flatMap((a) => a.runningTaskIds());
  expect(new Set(onAgents).size, 'a task runs on two agents').toBe(onAgents.length);
  const fw = world.leader?.core.view().state.frameworks.get(world.scheduler.frameworkId ?? '');
  const inMaster = [...(fw?.tasks.values() ?? [])]
    .filter((r) => r.task.state === 'TASK_RUNNING')
    .map((r) => r.task.task_id.value);
  expect(inMaster.sort()).toEqual([...onAgents].sort());
  expect(world.scheduler.runningTaskIds().sort()).toEqual([...onAgents].sort());
  expect(onAgents).toHaveLength(world.scheduler.wanted);
  return onAgents.sort();
}

function expectNothingLost(world: World): void {
  const bad = world.scheduler.seen.filter((s) => world.ran.has(s.task_id.value) && !ALIVE.has(s.state));
  expect(bad, 'a task that ran was reported lost').toEqual([]);
  expect(world.agents.flatMap((a) => a.kills)).toEqual([]);
  expect(world.scheduler.errors).toEqual([]);
}

function settle(world: World, what: string): void {
  if (!world.runUntil(() => settled(world), SETTLE_MS)) {
    throw new Error(`did not settle ${what} by ${world.now} ms; last log lines:\n${world.logs.slice(-40).join('\n')}`);
  }
  world.run(2 * SIM_TIMING.reconcileEveryMs);
}

function runFailovers(seed: number): { world: World; launched: number } {
  console.log('master sim seed', seed);
  const world = new World({ seed, agents: 3, wantedTasks: INITIAL_TASKS });
  world.elect('master-1');
  settle(world, 'at start');
  let running = agreedRunning(world);
  for (let i = 0; i < FAILOVERS; i++) {
    const chaosEnd = world.now + world.rng.int(500, 4_000);
    while (world.now < chaosEnd) {
      world.run(world.rng.int(50, 500));
      if (world.rng.chance(0.2)) world.rng.pick(world.agents).dropLink(world.rng.int(50, 1_500));
      if (world.rng.chance(0.2) && world.scheduler.wanted < MAX_TASKS) world.scheduler.wanted++;
    }
    world.crashLeader();
    world.run(world.rng.int(100, 1_000));
    world.elect(world.leader?.name === 'master-1' ? 'master-2' : i % 2 === 0 ? 'master-2' : 'master-1');
    settle(world, `after failover ${i + 1}`);
    const after = agreedRunning(world);
    expect(after, `failover ${i + 1} lost running tasks`).toEqual(expect.arrayContaining(running));
    expectNothingLost(world);
    running = after;
  }
  return { world, launched: world.scheduler.launched };
}

describe('simulated leading-master failover', () => {
  it.each(seedsToRun(SEEDS))('keeps the same tasks RUNNING through %i-seeded failovers', (seed) => {
    const { world, launched } = runFailovers(seed);
    expect(world.term).toBe(FAILOVERS + 1);
    expect(launched).toBeGreaterThanOrEqual(world.scheduler.wanted);
    expect(world.logs.some((l) => l.includes('Re-registered agent'))).toBe(true);
  });

  it('replays a seed exactly', () => {
    const a = runFailovers(7).world;
    const b = runFailovers(7).world;
    expect(b.logs).toEqual(a.logs);
  });
});

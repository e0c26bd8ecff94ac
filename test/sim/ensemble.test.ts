// Whole ensembles in one process from a seed: leader crashes, followers that miss many writes,
// lossy election links and partitions — checked for safety, durability, convergence and progress.
// MINICLUSTER_SIM_SEED=<n> replays one seed of every scenario.
import { describe, expect, it } from 'vitest';
import { COMMITTED_LOG_FOR_DIFF } from '../../src/common/limits.js';
import { runScenario, seedsToRun } from './scenario.js';
import { chaos, followerBehind, leaderCrashes, lossyPartitions, majorityCrashes } from './scenarios.js';

const SEEDS = [1, 2, 3];

describe('simulated ensemble', () => {
  it.each(seedsToRun(SEEDS))('survives leader crashes and restarts (seed %i)', (seed) => {
    const r = runScenario(seed, leaderCrashes);
    expect(r.epochs).toBeGreaterThanOrEqual(3);
    expect(r.acked).toBeGreaterThan(100);
  });

  it.each(seedsToRun(SEEDS))('keeps acknowledged writes when a majority crashes at once (seed %i)', (seed) => {
    const r = runScenario(seed, majorityCrashes);
    expect(r.epochs).toBeGreaterThanOrEqual(3);
  });

  it.each(seedsToRun(SEEDS))('brings back followers that missed writes by DIFF and by SNAP (seed %i)', (seed) => {
    const r = runScenario(seed, followerBehind);
    const modes = new Set(r.world.logs.flatMap((l) => /by (DIFF|SNAP|TRUNC)$/.exec(l.msg)?.slice(1) ?? []));
    expect(modes).toContain('DIFF');
    expect(modes).toContain('SNAP');
    expect(r.acked).toBeGreaterThan(COMMITTED_LOG_FOR_DIFF);
  });

  it.each(seedsToRun(SEEDS))('stays safe with lossy election links, partitions and an observer (seed %i)', (seed) => {
    const r = runScenario(seed, lossyPartitions);
    expect(r.acked).toBeGreaterThan(50);
  });

  it.each(seedsToRun([7, 8]))('converges after random crashes, partitions and message loss (seed %i)', (seed) => {
    const r = runScenario(seed, chaos);
    expect(r.acked).toBeGreaterThan(50);
  });
});

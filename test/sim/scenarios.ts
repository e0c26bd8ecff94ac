// The fault schedules the simulation runs: leader crashes, a majority crashing at once, followers
// missing many writes, lossy election links with partitions and an observer.

import type { Rng } from './prng.js';
import type { Scenario } from './scenario.js';
import type { World } from './world.js';

/** The member leading right now, if any. */
const leaderOf = (world: World): number | undefined =>
  world.sids.find((sid) => world.member(sid)?.peerState === 'LEADING');

export const leaderCrashes: Scenario = {
  participants: 3,
  clients: 4,
  writeEveryMs: 20,
  durationMs: 12_000,
  snapCount: 200,
  faults: (world: World, rng: Rng) => {
    for (let i = 0; i < 3; i++) {
      world.after(500 + i * 4000 + rng.int(0, 1000), () => {
        const victim = leaderOf(world) ?? rng.pick(world.sids);
        world.crash(victim);
        world.after(rng.int(200, 2500), () => world.restart(victim));
      });
    }
  },
};

export const followerBehind: Scenario = {
  participants: 3,
  clients: 6,
  writeEveryMs: 4,
  durationMs: 9_000,
  faults: (world: World, rng: Rng) => {
    const pickFollower = (): number => rng.pick(world.sids.filter((sid) => sid !== leaderOf(world)));
    const first = pickFollower();
    world.after(200, () => world.crash(first));
    world.after(700, () => world.restart(first));
    world.after(2000, () => {
      const second = pickFollower();
      world.crash(second);
      world.after(4000, () => world.restart(second));
    });
  },
};

export const lossyPartitions: Scenario = {
  participants: 3,
  observers: 1,
  clients: 4,
  writeEveryMs: 25,
  durationMs: 15_000,
  snapCount: 150,
  faults: (world: World, rng: Rng) => {
    world.electionLoss = 0.25;
    for (let t = 500; t < 14_000; t += rng.int(1500, 3000)) {
      world.after(t, () => {
        const alone = rng.chance(0.5) ? (leaderOf(world) ?? rng.pick(world.sids)) : rng.pick(world.sids);
        world.partition([[alone], world.sids.filter((sid) => sid !== alone)]);
        world.after(rng.int(300, 2000), () => world.heal());
      });
    }
    world.after(rng.int(2000, 8000), () => {
      const victim = rng.pick(world.sids);
      world.crash(victim);
      world.after(rng.int(500, 3000), () => world.restart(victim));
    });
  },
};

/**
 * The leader and a follower die together while the other follower lags behind a stalled link: the
 * follower that comes back first must still hold every write it acknowledged.
 */
export const majorityCrashes: Scenario = {
  participants: 3,
  clients: 4,
  writeEveryMs: 10,
  durationMs: 12_000,
  snapCount: 100,
  faults: (world: World, rng: Rng) => {
    for (let i = 0; i < 3; i++) {
      world.after(500 + i * 4000 + rng.int(0, 500), () => {
        const leader = leaderOf(world) ?? rng.pick(world.sids);
        const [follower, lagging] = world.sids.filter((sid) => sid !== leader).sort(() => rng.next() - 0.5) as [
          number,
          number,
        ];
        world.partition([[lagging], world.sids.filter((sid) => sid !== lagging)]);
        world.after(rng.int(100, 300), () => {
          world.crash(leader);
          world.crash(follower);
          world.after(rng.int(20, 300), () => {
            world.heal();
            world.restart(follower);
          });
          world.after(rng.int(1500, 3000), () => world.restart(leader));
        });
      });
    }
  },
};

/** Anything at any time: crashes of any members (two at once too), arbitrary partitions, lossy election links. */
export const chaos: Scenario = {
  participants: 3,
  observers: 1,
  clients: 5,
  writeEveryMs: 15,
  durationMs: 20_000,
  snapCount: 120,
  faults: (world: World, rng: Rng) => {
    world.electionLoss = 0.3;
    for (let t = rng.int(100, 800); t < 19_000; t += rng.int(200, 1500)) {
      world.after(t, () => {
        const roll = rng.next();
        if (roll < 0.35) {
          const victim = rng.pick(world.sids);
          world.crash(victim);
          world.after(rng.int(50, 4000), () => world.restart(victim));
        } else if (roll < 0.7) {
          const groups: number[][] = [[], []];
          for (const sid of world.sids) groups[rng.int(0, 1)]?.push(sid);
          world.partition(groups);
          world.after(rng.int(100, 3000), () => world.heal());
        } else if (roll < 0.8) {
          world.heal();
        }
      });
    }
  },
};

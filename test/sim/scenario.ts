// Runs one simulated scenario from a seed — clients writing through random members while faults are
// injected, then healing — and checks the invariants: one leader per epoch, no acknowledged write
// lost, identical replicas and logs, progress after healing.

import { encodeTxn } from '../../src/ensemble/wire/txn.js';
import { SimClient } from './client.js';
import type { Rng } from './prng.js';
import { World } from './world.js';

export interface Scenario {
  participants: number;
  observers?: number;
  clients: number;
  writeEveryMs: number;
  /** How long faults are injected for. */
  durationMs: number;
  snapCount?: number;
  /** Schedules this scenario's faults on the world, starting now. */
  faults: (world: World, rng: Rng) => void;
}

export interface ScenarioResult {
  world: World;
  acked: number;
  epochs: number;
}

/** The seed to run: MINICLUSTER_SIM_SEED replays one run exactly. */
export function seedsToRun(fixed: number[]): number[] {
  const forced = process.env.MINICLUSTER_SIM_SEED;
  return forced === undefined || forced === '' ? fixed : [Number(forced)];
}

/** `watch` sees the world before anything runs (to tap its effects). */
export function runScenario(seed: number, s: Scenario, watch?: (world: World) => void): ScenarioResult {
  console.log('sim seed', seed);
  const world = new World({ seed, participants: s.participants, observers: s.observers, snapCount: s.snapCount });
  watch?.(world);
  const sessionTimeoutMs = 10 * world.tickMs;
  const clients = Array.from(
    { length: s.clients },
    (_, i) =>
      new SimClient(world, i + 1, world.rng.fork(), { writeEveryMs: s.writeEveryMs, maxInFlight: 4, sessionTimeoutMs }),
  );
  for (const c of clients) c.start();
  world.runUntil('the first leader', () => world.stableLeader() !== undefined, 20_000);

  s.faults(world, world.rng.fork());
  world.run(s.durationMs);

  world.electionLoss = 0;
  world.heal();
  for (const sid of world.sids) world.restart(sid);
  world.runUntil('a stable leader after healing', () => world.stableLeader() !== undefined, 60_000);

  const ackedBefore = countAcked(clients);
  world.runUntil('a write acknowledged after healing', () => countAcked(clients) > ackedBefore, 20_000);

  for (const c of clients) c.stop();
  world.run(3 * 20 * world.tickMs);
  world.runUntil('replicas converging', () => converged(world), 20_000);

  check(world, clients);
  return { world, acked: countAcked(clients), epochs: world.leaders.size };
}

const countAcked = (clients: SimClient[]): number => clients.reduce((n, c) => n + c.acked.size, 0);

function converged(world: World): boolean {
  if (world.stableLeader() === undefined) return false;
  const zxids = new Set(world.sids.map((sid) => world.member(sid)?.replicated.lastZxid));
  return zxids.size === 1;
}

function check(world: World, clients: SimClient[]): void {
  if (world.violations.length > 0) throw new Error(`safety violated: ${world.violations.join('; ')}`);
  const digests = new Map<number, string>();
  for (const sid of world.sids) {
    const m = world.member(sid);
    if (m === null) throw new Error(`member ${sid} is down at the end`);
    digests.set(sid, m.replicated.digest());
    for (const c of clients) {
      for (const path of c.acked) {
        if (m.replicated.exists(path) === undefined)
          throw new Error(`acknowledged write ${path} is missing on member ${sid}`);
      }
    }
  }
  if (new Set(digests.values()).size !== 1)
    throw new Error(`replicas differ: ${[...digests].map(([sid, d]) => `${sid}=${d.slice(0, 12)}`).join(' ')}`);
  checkLogsAgree(world);
}

/** Wherever two members logged the same zxid, they logged the same txn. */
function checkLogsAgree(world: World): void {
  const seen = new Map<bigint, { sid: number; bytes: string }>();
  for (const sid of world.sids) {
    for (const t of world.storage(sid).load().txns) {
      const bytes = encodeTxn(t).toString('hex');
      const other = seen.get(t.zxid);
      if (other !== undefined && other.bytes !== bytes)
        throw new Error(`members ${other.sid} and ${sid} logged different txns at 0x${t.zxid.toString(16)}`);
      seen.set(t.zxid, { sid, bytes });
    }
  }
}

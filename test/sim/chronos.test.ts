// A day of 100 Chronos jobs (scheduled ones every few minutes to daily across a DST change, finite and disabled
// ones, and dependent ones in chains and joins) on a virtual clock, with the leading Chronos failing over at
// random moments (some between storing a launch and sending it, one for 40 minutes), each new leader restored
// from what was stored. Every start runs exactly once, or once for all the starts missed while none led; no
// child runs before all its parents succeeded since it last ran, and none is lost.
import { describe, expect, it } from 'vitest';
import { CHRONOS_TIMING } from '../../src/chronos/config.js';
import { parsePeriod } from '../../src/chronos/core/iso8601.js';
import { addToMoment, type Moment, readSchedule } from '../../src/chronos/core/schedule.js';
import { ChronosSim } from '../helpers/chronos-sim.js';
import type { Rng } from './prng.js';
import { seedsToRun } from './scenario.js';

const START = Date.parse('2030-03-30T12:00:00.000Z');
const DAY_MS = 86_400_000;
const END = START + DAY_MS;
/** A start with a leader throughout this long after it must have launched. */
const GRACE_MS = 30_000;
/** Work due this close to the end may still be under way. */
const MARGIN_MS = 10 * 60_000;
const PERIODS = ['PT5M', 'PT7M', 'PT10M', 'PT15M', 'PT20M', 'PT30M', 'PT1H', 'PT2H', 'PT6H'];

interface ScheduledSpec {
  name: string;
  schedule: string;
  scheduleTimeZone: string;
  repeat: number | null;
  disabled: boolean;
}

interface Workload {
  scheduled: ScheduledSpec[];
  dependent: { name: string; parents: string[] }[];
  bodies: Record<string, unknown>[];
}

function workload(rng: Rng): Workload {
  const scheduled: ScheduledSpec[] = [];
  const bodies: Record<string, unknown>[] = [];
  const job = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    name,
    command: `run ${name}`,
    retries: rng.int(0, 2),
    cpus: 0.1,
    mem: 32,
    disk: 10,
    ...extra,
  });
  for (let i = 0; i < 60; i++) {
    const name = `s${i}`;
    const daily = i < 4;
    const period = daily ? 'P1D' : rng.pick(PERIODS);
    const phase = rng.int(0, 3_600_000);
    const start = daily ? `2030-03-3${i % 2}T0${i}:30:00Z` : new Date(START + phase).toISOString();
    const repeat = i >= 50 && i < 56 ? rng.int(3, 30) : null;
    const spec = {
      name,
      schedule: `R${repeat ?? ''}/${start}/${period}`,
      scheduleTimeZone: daily ? 'Europe/Berlin' : '',
      repeat,
      disabled: i >= 58,
    };
    scheduled.push(spec);
    bodies.push(
      job(name, { schedule: spec.schedule, scheduleTimeZone: spec.scheduleTimeZone, disabled: spec.disabled }),
    );
  }
  const dependent: { name: string; parents: string[] }[] = [];
  const parentPool = scheduled.filter((s) => !s.disabled && s.repeat === null && !s.schedule.endsWith('P1D'));
  for (let i = 0; i < 40; i++) {
    const name = `d${i}`;
    const pool = [...parentPool.map((s) => s.name), ...dependent.map((d) => d.name)];
    const parents = [...new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(pool)))];
    dependent.push({ name, parents });
    bodies.push(job(name, { parents }));
  }
  return { scheduled, dependent, bodies };
}

function leaderless(sim: ChronosSim, from: number, to: number): boolean {
  return sim.outages.some((o) => o.from < to && o.to > from) || (sim.failing !== null && sim.failing < to);
}

/** The starts of a schedule from its first one until `until`, in the arithmetic the core uses. */
function starts(spec: ScheduledSpec, until: number): number[] {
  const at = readSchedule(spec.schedule, spec.scheduleTimeZone, START);
  const period = parsePeriod(at?.interval.periodText ?? '');
  if (at === null || period === null) throw new Error(spec.schedule);
  const first: Moment = { instant: at.start, local: at.startLocal };
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const t = addToMoment(first, period, at.zone, k).instant;
    if (t > until) return out;
    out.push(t);
  }
}

function checkScheduled(sim: ChronosSim, spec: ScheduledSpec): void {
  const all = sim.launches.filter((l) => l.job === spec.name);
  const firsts = all.filter((l) => l.attempt === 0).map((l) => l.at);
  if (spec.disabled) return void expect(all, spec.name).toEqual([]);
  const occurrences = starts(spec, END);
  for (let k = 0; k + 1 < occurrences.length; k++) {
    const from = occurrences[k] as number;
    const to = occurrences[k + 1] as number;
    if (to > END - MARGIN_MS || to <= START) continue;
    const here = firsts.filter((t) => t >= from && t < to);
    const where = `${spec.name}: start ${new Date(from).toISOString()}`;
    expect(here.length, `${where} ran twice`).toBeLessThanOrEqual(1);
    const runsLeft = spec.repeat === null || all.filter((l) => l.at < from).length < spec.repeat;
    if (runsLeft && !leaderless(sim, from, from + GRACE_MS)) expect(here.length, `${where} never ran`).toBe(1);
  }
  if (spec.repeat !== null) expect(all.length, `${spec.name} beyond R${spec.repeat}`).toBeLessThanOrEqual(spec.repeat);
}

function checkDependent(sim: ChronosSim, child: { name: string; parents: string[] }): void {
  const launches = sim.stored.filter((l) => l.job === child.name && l.attempt === 0);
  let since = 0;
  for (const launch of launches) {
    for (const parent of child.parents) {
      const fresh = sim.successes.some((s) => s.job === parent && s.seq > since && s.seq < launch.seq);
      expect(fresh, `${child.name} at ${new Date(launch.at).toISOString()} before ${parent} succeeded again`).toBe(
        true,
      );
    }
    since = launch.seq;
  }
  const pending = child.parents.map((p) => sim.successes.find((s) => s.job === p && s.seq > since));
  if (pending.every((s) => s !== undefined && s.at < END - MARGIN_MS))
    throw new Error(`${child.name}: every parent succeeded since its last run, but it never ran again`);
}

function scheduleFaults(sim: ChronosSim, rng: Rng): void {
  for (let i = 0; i < 40; i++) {
    const at = START + rng.int(60_000, DAY_MS - 2 * MARGIN_MS);
    sim.schedule(at, () => sim.failover({ downMs: rng.int(500, 30_000), afterPersist: rng.chance(0.5) }));
  }
  sim.schedule(START + 9 * 3_600_000, () => sim.failover({ downMs: 40 * 60_000 }));
}

describe('a day of Chronos jobs with failovers', () => {
  it.each(seedsToRun([1, 2]))(
    'runs every start once and no child early (seed %i)',
    (seed) => {
      console.log('sim seed', seed);
      const sim = new ChronosSim({
        seed,
        start: START,
        options: { timing: { ...CHRONOS_TIMING.demo, tickMs: 1000 } },
        behaviour: (_task, rng) => ({
          durationMs: rng.int(2_000, 60_000),
          exit: rng.chance(0.1) ? 'TASK_FAILED' : 'TASK_FINISHED',
        }),
      });
      const w = workload(sim.rng.fork());
      sim.runFor(1000);
      for (const body of w.bodies) {
        const endpoint = body.parents === undefined ? 'iso8601' : 'dependency';
        const reply = sim.command((core, now) => core.putJob({ body, endpoint, now }));
        expect(reply, String(body.name)).toEqual({ ok: true });
      }
      scheduleFaults(sim, sim.rng.fork());
      sim.runUntilTime(END);

      const ids = sim.launches.map((l) => l.taskId);
      expect(new Set(ids).size, 'a task launched twice').toBe(ids.length);
      const reached = new Set(ids);
      const lost = sim.stored.filter((l) => l.at < END - MARGIN_MS && !reached.has(l.taskId));
      expect(lost, 'stored launches that never reached the master').toEqual([]);
      for (const spec of w.scheduled) checkScheduled(sim, spec);
      for (const child of w.dependent) checkDependent(sim, child);
      expect(sim.outages.length).toBeGreaterThan(30);
      expect(sim.launches.length).toBeGreaterThan(3000);
    },
    120_000,
  );
});

// What happens to a job's runs against the simulated master: retries after --failure_retry, softError and
// children, concurrency, run now with arguments, kill, delete with children, dependency counters across a
// failover, runs missed while no Chronos led, launches Mesos never saw, disabled and exhausted jobs, and
// bursts spread over offers.
import { describe, expect, it } from 'vitest';
import { CHRONOS_TIMING } from '../../../src/chronos/config.js';
import { ChronosCore } from '../../../src/chronos/core/chronos.js';
import { CHRONOS_MAX_TASKS_PER_OFFER } from '../../../src/common/limits.js';
import {
  ChronosSim,
  callsOf,
  chronosOptions,
  launchesOf,
  offerOf,
  type TaskBehaviour,
} from '../../helpers/chronos-sim.js';

const START = Date.parse('2030-03-01T12:00:00.000Z');
const RETRY_MS = CHRONOS_TIMING.demo.failureRetryMs;

/** Tasks succeed after a second, unless their command says `fail` or `sleep`. */
function behaviour(task: { command?: { value?: string } }): TaskBehaviour {
  const command = task.command?.value ?? '';
  if (command.includes('sleep')) return { durationMs: 60_000, exit: 'TASK_FINISHED' };
  return { durationMs: 1000, exit: command.includes('fail') ? 'TASK_FAILED' : 'TASK_FINISHED' };
}

function newSim(): ChronosSim {
  const sim = new ChronosSim({ seed: 7, start: START, behaviour, allocationMs: 100 });
  sim.runFor(500);
  return sim;
}

function put(sim: ChronosSim, body: Record<string, unknown>): void {
  const endpoint = body.parents === undefined ? 'iso8601' : 'dependency';
  const reply = sim.command((core, now) => core.putJob({ body, endpoint, now }));
  if (!reply.ok) throw new Error(reply.body.message);
}

const launched = (sim: ChronosSim, job: string): string[] =>
  sim.launches.filter((l) => l.job === job).map((l) => l.taskId);

const scheduleOf = (sim: ChronosSim, name: string): string | undefined => {
  const job = sim.store.jobs.get(name);
  return job?.kind === 'scheduled' ? job.schedule : undefined;
};

/** The first task id of a job's launches, as a number (its due time). */
const dueOf = (taskId: string | undefined): number => Number(taskId?.split(':')[1]);

describe('retries', () => {
  it('retry a failed attempt after --failure_retry while attempts are left, then count one failure', () => {
    const sim = newSim();
    put(sim, { name: 'flaky', command: 'fail', schedule: `R1//PT1H`, retries: 2 });
    sim.runFor(3 * RETRY_MS + 5000);
    const ids = launched(sim, 'flaky');
    expect(ids.map((id) => id.split(':')[2])).toEqual(['0', '1', '2']);
    expect(dueOf(ids[1]) - dueOf(ids[0])).toBeGreaterThanOrEqual(RETRY_MS);
    expect(sim.store.jobs.get('flaky')).toMatchObject({ errorCount: 1, errorsSinceLastSuccess: 1, successCount: 0 });
    expect(sim.store.jobs.get('flaky')?.lastError).not.toBe('');
  });

  it('give no retries to a job whose last run ended in an error', () => {
    const sim = newSim();
    put(sim, { name: 'flaky', command: 'fail', schedule: `R2//PT1M`, retries: 0 });
    sim.runFor(5000);
    put(sim, { ...sim.store.jobs.get('flaky'), retries: 3, schedule: 'R//PT1H' } as Record<string, unknown>);
    sim.runFor(5000);
    expect(launched(sim, 'flaky').map((id) => id.split(':')[2])).toEqual(['0', '0']);
    expect(sim.store.jobs.get('flaky')?.errorCount).toBe(2);
  });
});

describe('children', () => {
  it('run after a parent succeeds, or fails for good with softError, never after a retried attempt', () => {
    const sim = newSim();
    put(sim, { name: 'hard', command: 'fail', schedule: 'R1//PT1H', retries: 1 });
    put(sim, { name: 'soft', command: 'fail', schedule: 'R1//PT1H', retries: 0, softError: true });
    put(sim, { name: 'after-hard', command: 'true', parents: ['hard'] });
    put(sim, { name: 'after-soft', command: 'true', parents: ['soft'] });
    sim.runFor(2 * RETRY_MS + 5000);
    expect(launched(sim, 'hard')).toHaveLength(2);
    expect(launched(sim, 'after-hard')).toEqual([]);
    expect(launched(sim, 'after-soft')).toHaveLength(1);
  });

  it('with two parents run once both succeeded since the child last started, counters kept across a failover', () => {
    const sim = newSim();
    put(sim, { name: 'a', command: 'true', schedule: 'R//PT1M' });
    put(sim, { name: 'b', command: 'true', schedule: 'R/2030-03-01T12:02:30Z/PT5M' });
    put(sim, { name: 'join', command: 'true', parents: ['a', 'b'] });
    sim.runFor(62_000);
    expect(launched(sim, 'a')).toHaveLength(2);
    expect(sim.store.runs.get('join')?.parentSuccesses).toEqual({ a: 2 });
    sim.failover({ downMs: 20_000 });
    sim.runUntilTime(Date.parse('2030-03-01T12:02:40Z'));
    expect(launched(sim, 'b')).toHaveLength(1);
    expect(launched(sim, 'join')).toHaveLength(1);
    expect(sim.store.runs.get('join')?.parentSuccesses).toEqual({});
    sim.runUntilTime(Date.parse('2030-03-01T12:07:00Z'));
    expect(launched(sim, 'join')).toHaveLength(1);
    sim.runUntilTime(Date.parse('2030-03-01T12:07:40Z'));
    expect(launched(sim, 'join')).toHaveLength(2);
  });

  it('of a deleted scheduled job become scheduled jobs on its schedule; of a deleted dependent job are re-attached', () => {
    const sim = newSim();
    put(sim, { name: 'root', command: 'true', schedule: 'R/2030-03-02T00:00:00Z/P1D', scheduleTimeZone: 'UTC' });
    put(sim, { name: 'mid', command: 'true', parents: ['root'], container: { image: 'busybox' } });
    put(sim, { name: 'leaf', command: 'true', parents: ['mid'], environmentVariables: [{ name: 'A', value: '1' }] });
    sim.command((core, now) => core.deleteJob('mid', now));
    expect(sim.store.jobs.get('leaf')).toMatchObject({ kind: 'dependent', parents: ['root'] });
    sim.command((core, now) => core.deleteJob('root', now));
    expect(sim.store.jobs.get('leaf')).toMatchObject({
      kind: 'scheduled',
      schedule: 'R/2030-03-02T00:00:00Z/P1D',
      scheduleTimeZone: 'UTC',
      environmentVariables: [],
    });
    expect([...sim.store.jobs.keys()]).toEqual(['leaf']);
  });
});

describe('running', () => {
  it('holds a run of a job that is running until it ends, unless the job is concurrent', () => {
    const sim = newSim();
    put(sim, { name: 'serial', command: 'sleep', schedule: 'R//PT1H' });
    put(sim, { name: 'parallel', command: 'sleep', schedule: 'R//PT1H', concurrent: true });
    sim.runFor(2000);
    for (const name of ['serial', 'parallel']) sim.command((core, now) => core.runJob({ name, arguments: null, now }));
    sim.runFor(2000);
    expect(launched(sim, 'serial')).toHaveLength(1);
    expect(launched(sim, 'parallel')).toHaveLength(2);
    sim.runFor(60_000);
    expect(launched(sim, 'serial')).toHaveLength(2);
  });

  it('runs now with arguments in the task id and after the command, ; removed', () => {
    const sim = newSim();
    put(sim, { name: 'report', command: 'echo', schedule: 'R/2031-01-01T00:00:00Z/P1D', arguments: ['x'] });
    sim.command((core, now) => core.runJob({ name: 'report', arguments: '--day;rm 1', now }));
    sim.runFor(1000);
    expect(launched(sim, 'report')).toEqual([`ct:${START + 500}:0:report:--dayrm 1`]);
    expect(scheduleOf(sim, 'report')).toBe('R/2031-01-01T00:00:00.000Z/P1D');
  });

  it('kills the tasks of a job: TASK_KILLED is neither a failure nor a success', () => {
    const sim = newSim();
    put(sim, { name: 'long', command: 'sleep', schedule: 'R//PT1H', retries: 2 });
    sim.runFor(2000);
    expect(sim.command((core, now) => core.killTasks('long', now))).toEqual({ ok: true });
    sim.runFor(RETRY_MS * 2);
    expect(launched(sim, 'long')).toHaveLength(1);
    expect(sim.store.jobs.get('long')).toMatchObject({ errorCount: 0, successCount: 0 });
    expect(sim.store.histories.get('long')?.map((r) => r.state)).toEqual(['TASK_KILLED']);
  });

  it('never queues a disabled job, and disables a finite one after its last success', () => {
    const sim = newSim();
    put(sim, { name: 'off', command: 'true', schedule: 'R//PT1M', disabled: true });
    put(sim, { name: 'twice', command: 'true', schedule: 'R2//PT1M' });
    sim.runFor(5 * 60_000);
    expect(launched(sim, 'off')).toEqual([]);
    expect(launched(sim, 'twice')).toHaveLength(2);
    expect(sim.store.jobs.get('twice')).toMatchObject({ disabled: true, successCount: 2 });
    expect(scheduleOf(sim, 'twice')).toMatch(/^R0\//);
    sim.command((core, now) => core.runJob({ name: 'twice', arguments: null, now }));
    sim.runFor(5000);
    expect(launched(sim, 'twice')).toHaveLength(2);
  });
});

describe('failover', () => {
  it('runs the starts missed while no Chronos led once, then keeps the phase of the schedule', () => {
    const sim = newSim();
    put(sim, { name: 'minutely', command: 'true', schedule: 'R/2030-03-01T12:00:30Z/PT1M' });
    sim.runUntilTime(Date.parse('2030-03-01T12:01:00Z'));
    sim.failover({ downMs: 5 * 60_000 });
    sim.runUntilTime(Date.parse('2030-03-01T12:08:00Z'));
    const times = sim.launches
      .filter((l) => l.job === 'minutely')
      .map((l) => new Date(l.at).toISOString().slice(11, 19));
    expect(times).toHaveLength(4);
    expect(times[0]).toBe('12:00:30');
    expect(times[1]?.slice(0, 5)).toBe('12:06');
    expect(times.slice(2).map((t) => t.slice(0, 5))).toEqual(['12:06', '12:07']);
    expect(scheduleOf(sim, 'minutely')).toBe('R/2030-03-01T12:08:30.000Z/PT1M');
  });

  it('launches again, once, a run whose launch was stored but never sent', () => {
    const sim = newSim();
    put(sim, { name: 'once', command: 'true', schedule: 'R/2030-03-01T12:00:10Z/PT1H' });
    sim.runUntilTime(Date.parse('2030-03-01T12:00:09.900Z'));
    sim.failover({ downMs: 3000, afterPersist: true });
    sim.runUntilTime(Date.parse('2030-03-01T12:00:10.500Z'));
    expect(sim.leading).toBe(false);
    expect(sim.store.runs.get('once')?.tasks).toHaveLength(1);
    expect(sim.launches).toEqual([]);
    sim.runFor(30_000);
    expect(launched(sim, 'once')).toHaveLength(1);
    expect(sim.store.jobs.get('once')).toMatchObject({ schedule: 'R/2030-03-01T13:00:10.000Z/PT1H', successCount: 1 });
  });
});

describe('offers', () => {
  it('take at most CHRONOS_MAX_TASKS_PER_OFFER tasks each; the rest of the offer comes back at once', () => {
    const core = new ChronosCore({ options: chronosOptions() });
    core.input({ type: 'subscribed', frameworkId: 'fw', master: 'http://m', now: START });
    for (let i = 0; i < CHRONOS_MAX_TASKS_PER_OFFER + 20; i++) {
      const body = { name: `burst-${i}`, command: 'true', schedule: 'R1//PT1M', cpus: 0.001, mem: 1, disk: 1 };
      expect(core.putJob({ body, endpoint: 'iso8601', now: START }).reply).toEqual({ ok: true });
    }
    core.input({ type: 'tick', now: START + 10 });
    const effects = core.input({ type: 'offers', offers: [offerOf({ id: 'o1', agentId: 'a1' })], now: START + 20 });
    expect(launchesOf(effects)).toHaveLength(CHRONOS_MAX_TASKS_PER_OFFER);
    const accept = callsOf(effects).find((c) => c.type === 'ACCEPT');
    expect(accept?.type === 'ACCEPT' && accept.accept.filters).toEqual({ refuse_seconds: 0 });
    const next = core.input({ type: 'offers', offers: [offerOf({ id: 'o2', agentId: 'a1' })], now: START + 120 });
    expect(launchesOf(next)).toHaveLength(20);
  });
});

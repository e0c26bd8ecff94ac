// What makes a job body unacceptable, in Chronos's words where it has them, and (beyond Chronos 3) schedule with
// parents, the wrong endpoint, missing parents, cycles, and what could not be stored or launched.
import {
  CHRONOS_MAX_JOB_BYTES,
  CHRONOS_MAX_JOB_NAME_LENGTH,
  CHRONOS_MAX_JOBS,
  MESOS_MAX_ID_LENGTH,
} from '../../common/limits.js';
import { cycleThrough } from './graph.js';
import { isZeroPeriod } from './iso8601.js';
import { type Job, writeJob } from './job.js';
import { isObject, present } from './json.js';
import { readSchedule } from './schedule.js';
import { taskIdOf } from './task.js';

export type Endpoint = 'iso8601' | 'dependency';

/** 1970-01-01T00:00:01Z: Chronos refuses starts before it. */
const EARLIEST_START_MS = 1000;
const NAME = /^[\w.-]+$/;

/** Problems of the raw body that reading it would hide (parents win over a schedule). */
export function bodyProblem(body: unknown, endpoint: Endpoint): string | null {
  if (!isObject(body)) return 'The request body must be a JSON object describing a job';
  const name = typeof body.name === 'string' ? body.name : '';
  if (present(body.schedule) && present(body.parents))
    return (
      `Job '${name}': schedule and parents are mutually exclusive ` +
      '(a scheduled job goes to /scheduler/iso8601, a dependent one to /scheduler/dependency)'
    );
  if (endpoint === 'iso8601' && present(body.parents))
    return `Job '${name}' has parents: dependent jobs go to /scheduler/dependency`;
  if (endpoint === 'dependency' && !present(body.parents))
    return `Job '${name}' has no parents: scheduled jobs go to /scheduler/iso8601`;
  return null;
}

export function jobProblem(job: Job, o: { jobs: ReadonlyMap<string, Job>; now: number }): string | null {
  return (
    nameProblem(job.name) ??
    (job.kind === 'scheduled' ? scheduleProblem(job.schedule, job.scheduleTimeZone, o.now) : null) ??
    (job.uris.length > 0 && job.fetch.length > 0
      ? `Tried to add both uri (deprecated) and fetch parameters on ${job.name}`
      : null) ??
    resourcesProblem(job) ??
    (job.kind === 'dependent' ? parentsProblem(job.name, job.parents, o.jobs) : null) ??
    sizeProblem(job, o.jobs)
  );
}

function nameProblem(name: string): string | null {
  if (!NAME.test(name)) return "requirement failed: the job's name is invalid. Allowed names: '([\\w\\.-]+)'";
  if (name.length > CHRONOS_MAX_JOB_NAME_LENGTH)
    return `the job's name is longer than ${CHRONOS_MAX_JOB_NAME_LENGTH} characters`;
  return null;
}

export function scheduleProblem(schedule: string, scheduleTimeZone: string, now: number): string | null {
  const at = readSchedule(schedule, scheduleTimeZone, now);
  if (at === null) return `Cannot parse schedule '${schedule}' (wtf bro)`;
  if (at.start < EARLIEST_START_MS) return `Scheduled start date '${startText(schedule)}' is before 1970!`;
  if (at.interval.repeat === null && isZeroPeriod(at.interval.period))
    return `Schedule '${schedule}' repeats forever with a zero period`;
  return null;
}

function startText(schedule: string): string {
  return schedule.split('/')[1] ?? '';
}

function resourcesProblem(job: Job): string | null {
  const negative = (['cpus', 'mem', 'disk'] as const).find((r) => job[r] < 0);
  if (negative !== undefined) return `${negative} must not be negative`;
  return job.retries < 0 ? 'retries must not be negative' : null;
}

function parentsProblem(name: string, parents: readonly string[], jobs: ReadonlyMap<string, Job>): string | null {
  if (parents.length === 0) return 'Error, parent does not exist';
  const missing = parents.filter((p) => p !== name && !jobs.has(p));
  if (missing.length > 0)
    return `requirement failed: Job ${name} does not have all parents defined! Missing: ${missing.join(', ')}`;
  const cycle = cycleThrough(jobs, name, parents);
  return cycle === null ? null : `Job '${name}' would close a dependency cycle: ${cycle.join(' -> ')}`;
}

function sizeProblem(job: Job, jobs: ReadonlyMap<string, Job>): string | null {
  if (!jobs.has(job.name) && jobs.size >= CHRONOS_MAX_JOBS) return `Too many jobs (at most ${CHRONOS_MAX_JOBS})`;
  const bytes = new TextEncoder().encode(JSON.stringify(writeJob(job))).length;
  if (bytes > CHRONOS_MAX_JOB_BYTES)
    return `Job '${job.name}' is too big to store (${bytes} bytes, at most ${CHRONOS_MAX_JOB_BYTES})`;
  return taskIdProblem(job.name, job.arguments.join(' '));
}

/** Task ids carry the arguments; Mesos refuses ids longer than NAME_MAX. */
export function taskIdProblem(name: string, args: string): string | null {
  const longest = taskIdOf({ due: 9_999_999_999_999, attempt: 99, job: name, arguments: args });
  return longest.length > MESOS_MAX_ID_LENGTH
    ? `Job '${name}': its task ids would be longer than ${MESOS_MAX_ID_LENGTH} characters (shorten name or arguments)`
    : null;
}

// The API's commands on the leading Chronos: create or replace a job (POST/PUT /iso8601 and /dependency), delete
// one (its children re-attached or turned into scheduled jobs), run one now, kill its tasks, mark it successful.
import { bodyProblem, type Endpoint, jobProblem, taskIdProblem } from './job-checks.js';
import { type Job, orphanedChild, readJob } from './job.js';
import { JobError } from './json.js';
import type { ApiError, Ok } from './messages.js';
import { enqueue, killTasks, recordSuccess, storeJob, timestampOf } from './runs.js';
import type { ChronosState, Out } from './state.js';

export function badRequest(message: string): ApiError {
  return { ok: false, status: 400, body: { message, status: 'Bad Request' } };
}

export function jobNotFound(name: string): ApiError {
  return badRequest(`requirement failed: Job '${name}' not found`);
}

function scheduleNotFound(name: string): ApiError {
  return badRequest(`requirement failed: JobSchedule '${name}' not found`);
}

/** Creates or replaces a job wholesale (its counters come from the body); nothing is written when it is refused. */
export function putJob(s: ChronosState, out: Out, o: { body: unknown; endpoint: Endpoint }): Ok | ApiError {
  const refused = bodyProblem(o.body, o.endpoint);
  if (refused !== null) return badRequest(refused);
  let job: Job;
  try {
    job = readJob(o.body, { defaults: s.options.defaults, runOnceSchedule: `R1/${timestampOf(out.now)}/PT24H` });
  } catch (err) {
    if (err instanceof JobError) return badRequest(err.message);
    throw err;
  }
  const problem = jobProblem(job, { jobs: s.jobs, now: out.now });
  if (problem !== null) return badRequest(problem);
  const old = s.jobs.get(job.name);
  storeJob(s, out, job);
  keepRuns(s, out, job, old);
  out.event({ type: 'job', job: job.name, change: old === undefined ? 'added' : 'replaced' });
  out.info(`${old === undefined ? 'Added' : 'Replaced'} ${job.kind} job ${job.name}`);
  return { ok: true };
}

/**
 * A replaced job keeps its tasks and the counters of the parents it still has; a queued scheduled run of a job that
 * is no longer scheduled goes.
 */
function keepRuns(s: ChronosState, out: Out, job: Job, old: Job | undefined): void {
  const runs = s.runs.get(job.name);
  if (old === undefined || runs === undefined) return;
  const parents = job.kind === 'dependent' ? job.parents : [];
  const kept = Object.fromEntries(Object.entries(runs.parentSuccesses).filter(([p]) => parents.includes(p)));
  const dropQueued = runs.queued?.trigger === 'schedule' && job.kind !== 'scheduled';
  if (Object.keys(kept).length === Object.keys(runs.parentSuccesses).length && !dropQueued) return;
  runs.parentSuccesses = kept;
  if (dropQueued) {
    runs.queued = null;
    s.queue.delete(job.name);
  }
  out.persistRuns(job.name);
}

/**
 * Deletes a job. Its dependent children are re-attached to its parents (a deleted dependent job) or become
 * scheduled jobs on its schedule (a deleted scheduled job); its running tasks are killed.
 */
export function deleteJob(s: ChronosState, out: Out, name: string): Ok | ApiError {
  const job = s.jobs.get(name);
  if (job === undefined) return scheduleNotFound(name);
  for (const child of s.childrenOf(name)) {
    if (child.kind !== 'dependent') continue;
    const runs = s.runsOf(child.name);
    const rest = Object.fromEntries(Object.entries(runs.parentSuccesses).filter(([p]) => p !== name));
    if (job.kind === 'scheduled') {
      storeJob(s, out, orphanedChild(child, job, s.options.defaults));
      runs.parentSuccesses = {};
    } else {
      const parents = [...new Set([...child.parents.filter((p) => p !== name), ...job.parents])];
      storeJob(s, out, { ...child, parents });
      runs.parentSuccesses = rest;
    }
    out.persistRuns(child.name);
    const now = job.kind === 'scheduled' ? `now on ${job.schedule}` : 're-attached';
    out.info(`Job ${child.name} lost its parent ${name}: ${now}`);
  }
  const killed = killTasks(s, out, name);
  s.forget(name);
  out.persist({ kind: 'delete-job', name });
  out.event({ type: 'job', job: name, change: 'removed' });
  out.info(`Deleted job ${name}${killed > 0 ? ` and killed its ${killed} task(s)` : ''}`);
  return { ok: true };
}

/**
 * PUT /job/{name}: queues a run now (ignored when one is queued already). `arguments` (`;` removed, blank for
 * the job's own) go into the task id and after the command.
 */
export function runJob(s: ChronosState, out: Out, o: { name: string; arguments: string | null }): Ok | ApiError {
  const job = s.jobs.get(o.name);
  if (job === undefined) return jobNotFound(o.name);
  const given = o.arguments?.replaceAll(';', '') ?? '';
  const args = given.trim() === '' ? null : given;
  const tooLong = args === null ? null : taskIdProblem(job.name, args);
  if (tooLong !== null) return badRequest(tooLong);
  if (enqueue(s, out, job, { due: out.now, attempt: 0, arguments: args, trigger: 'manual' }))
    out.info(`Job ${job.name} queued to run now`);
  return { ok: true };
}

/** DELETE /task/kill/{name}: KILL every task of the job in flight (the queue is left alone). */
export function killJobTasks(s: ChronosState, out: Out, name: string): Ok | ApiError {
  if (!s.jobs.has(name)) return scheduleNotFound(name);
  const killed = killTasks(s, out, name);
  out.info(`Killing ${killed} task(s) of job ${name}`);
  return { ok: true };
}

/** PUT /job/success/{name}: a success without a run (counters, the job's own counters reset, then its children). */
export function markSuccess(s: ChronosState, out: Out, name: string): { ok: true; known: boolean } {
  const job = s.jobs.get(name);
  if (job === undefined) return { ok: true, known: false };
  const runs = s.runsOf(name);
  runs.parentSuccesses = {};
  out.persistRuns(name);
  recordSuccess(s, out, job);
  return { ok: true, known: true };
}

// A job's runs from queue to outcome: due jobs queued, runs launched on offers (schedule advanced and counters reset in
// the launch's own write), status updates turned into successes, retries, failures, children and repeated launches.
import {
  CHRONOS_JOB_HISTORY_LIMIT,
  CHRONOS_MAX_RELAUNCHES,
  CHRONOS_MAX_TASKS_PER_JOB,
  CHRONOS_MAX_TASKS_PER_OFFER,
} from '../../common/limits.js';
import type { Offer, TaskInfo, TaskStatus } from '../../framework/mesos-types.js';
import { formatInstant } from './iso8601.js';
import type { Job } from './job.js';
import type { QueuedRun, RunningTask, RunTrigger } from './messages.js';
import { advanceSchedule, readSchedule } from './schedule.js';
import type { ChronosState, Out } from './state.js';
import { fits, offeredScalars, parseTaskId, type Scalars, taskIdOf, taskInfoOf, takeScalars } from './task.js';
import { UTC } from './zone.js';

/** Joda's DateTime.toString in UTC, as `lastSuccess` and `lastError` hold it. */
export function timestampOf(ms: number): string {
  return formatInstant(ms, UTC);
}

/** Stores a job (and where its schedule stands). */
export function storeJob(s: ChronosState, out: Out, job: Job): void {
  s.setJob(job);
  out.persist({ kind: 'job', job });
}

// ---- the queue ----

export interface RunRequest {
  due: number;
  attempt: number;
  /** The arguments text; null for the job's own. */
  arguments: string | null;
  trigger: RunTrigger;
  notBefore?: number;
  relaunches?: number;
}

/**
 * Queues a run unless the job already has one queued (a queued scheduled run gives way: the schedule brings it
 * back). Returns whether it was queued.
 */
export function enqueue(s: ChronosState, out: Out, job: Job, r: RunRequest): boolean {
  const waiting = s.queue.get(job.name);
  if (waiting !== undefined && (waiting.trigger !== 'schedule' || r.trigger === 'schedule')) return false;
  const args = r.arguments ?? job.arguments.join(' ');
  const run: QueuedRun = {
    taskId: taskIdOf({ due: r.due, attempt: r.attempt, job: job.name, arguments: args }),
    due: r.due,
    attempt: r.attempt,
    arguments: args,
    trigger: r.trigger,
    notBefore: r.notBefore ?? out.now,
    relaunches: r.relaunches ?? 0,
    highPriority: job.highPriority,
  };
  s.queue.delete(job.name);
  s.queue.set(job.name, run);
  s.runsOf(job.name).queued = run;
  if (!isImplied(run)) out.persistRuns(job.name);
  return true;
}

/** A first try of a scheduled run is implied by the schedule (not advanced until it launches): it is not stored. */
function isImplied(run: QueuedRun): boolean {
  return run.trigger === 'schedule' && run.relaunches === 0;
}

function dequeue(s: ChronosState, out: Out, name: string): void {
  const run = s.queue.get(name);
  s.queue.delete(name);
  const runs = s.runs.get(name);
  if (runs === undefined || runs.queued === null) return;
  runs.queued = null;
  if (run === undefined || !isImplied(run)) out.persistRuns(name);
}

/** The loop's work: every enabled scheduled job with runs left whose start has passed gets a run queued. */
export function enqueueDue(s: ChronosState, out: Out): void {
  for (const [name, start] of s.starts) {
    if (start >= out.now || s.queue.has(name)) continue;
    const job = s.jobs.get(name);
    if (job !== undefined) enqueue(s, out, job, { due: out.now, attempt: 0, arguments: null, trigger: 'schedule' });
  }
}

/** The earliest start of a scheduled job not queued yet, for the shell to wake at; null when none. */
export function nextDueAt(s: ChronosState): number | null {
  let next: number | null = null;
  for (const [name, start] of s.starts) if (!s.queue.has(name) && (next === null || start < next)) next = start;
  return next;
}

// ---- offers ----

interface Pool {
  offer: Offer;
  left: Scalars;
  tasks: TaskInfo[];
}

/** High-priority runs first, each queue first come first served. */
function queueOrder(s: ChronosState): [string, QueuedRun][] {
  const all = [...s.queue.entries()];
  return [...all.filter(([, r]) => r.highPriority), ...all.filter(([, r]) => !r.highPriority)];
}

/** Whether a queued run may launch now: not before its time, nor while its job runs (unless concurrent). */
function canLaunch(s: ChronosState, job: Job, run: QueuedRun, now: number): boolean {
  const running = s.runs.get(job.name)?.tasks.length ?? 0;
  const busy = job.concurrent ? running >= CHRONOS_MAX_TASKS_PER_JOB : running > 0;
  return run.notBefore <= now && !busy && !job.disabled;
}

/** The job of a queued run that may launch now; a run that never can (its job gone or disabled) is dropped. */
function launchable(s: ChronosState, out: Out, name: string, run: QueuedRun): Job | null {
  const job = s.jobs.get(name);
  if (job === undefined || job.disabled) {
    dequeue(s, out, name);
    out.info(`Dropping task ${run.taskId}: job ${name} is ${job === undefined ? 'gone' : 'disabled'}`);
    return null;
  }
  return canLaunch(s, job, run, out.now) ? job : null;
}

/**
 * Places the queued runs that may launch on the offers (at most CHRONOS_MAX_TASKS_PER_OFFER each, so one input's
 * writes stay small); what an offer has left comes back at once while launchable runs wait, else after the
 * decline filter.
 */
export function handleOffers(s: ChronosState, out: Out, offers: readonly Offer[]): void {
  const pools: Pool[] = offers.map((offer) => ({ offer, left: offeredScalars(offer, s.options.role), tasks: [] }));
  let waiting = false;
  for (const [name, run] of queueOrder(s)) {
    const job = launchable(s, out, name, run);
    if (job === null) continue;
    const pool = pools.find((p) => p.tasks.length < CHRONOS_MAX_TASKS_PER_OFFER && fits(job, p.offer, p.left));
    if (pool === undefined) {
      waiting = true;
      continue;
    }
    pool.left = takeScalars(pool.left, job);
    pool.tasks.push(launch(s, out, job, run, pool.offer));
  }
  const filters = { refuse_seconds: s.options.timing.declineRefuseSeconds };
  for (const { offer, tasks } of pools) {
    const rest = waiting ? { refuse_seconds: 0 } : filters;
    if (tasks.length === 0) out.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters } });
    else
      out.call({
        type: 'ACCEPT',
        accept: {
          offer_ids: [offer.id],
          operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
          filters: rest,
        },
      });
  }
}

/**
 * The task of a queued run, recorded in flight. A first launch advances a scheduled job's schedule (one run
 * fewer, the start past now) and resets a dependent job's counters, in the same write.
 */
function launch(s: ChronosState, out: Out, job: Job, run: QueuedRun, offer: Offer): TaskInfo {
  const parts = { due: run.due, attempt: run.attempt, job: job.name, arguments: run.arguments };
  const info = taskInfoOf({ job, taskId: run.taskId, parts, offer, role: s.options.role });
  const runs = s.runsOf(job.name);
  dequeue(s, out, job.name);
  runs.tasks.push({
    taskId: run.taskId,
    agentId: offer.agent_id.value,
    due: run.due,
    attempt: run.attempt,
    arguments: run.arguments,
    trigger: run.trigger,
    relaunches: run.relaunches,
    launchedAt: out.now,
    startedAt: null,
    state: 'TASK_STAGING',
  });
  s.taskIndex.set(run.taskId, job.name);
  if (run.relaunches === 0 && job.kind === 'scheduled') {
    const schedule = advanceSchedule(job.schedule, job.scheduleTimeZone, out.now) ?? job.schedule;
    storeJob(s, out, { ...job, schedule });
  }
  if (run.relaunches === 0) runs.parentSuccesses = {};
  out.persistRuns(job.name);
  out.event({
    type: 'task',
    job: job.name,
    taskId: run.taskId,
    state: 'TASK_STAGING',
    host: offer.hostname,
    message: null,
  });
  out.info(`Launching task ${run.taskId} of job ${job.name} (${run.trigger}) on ${offer.hostname}`);
  return info;
}

// ---- status updates ----

/** States that end a task without saying it ran: a task never seen running that ends so never started. */
const NOT_LAUNCHED = new Set(['TASK_DROPPED', 'TASK_GONE', 'TASK_UNKNOWN', 'TASK_GONE_BY_OPERATOR']);
const LAUNCH_REASONS = new Set(['REASON_RECONCILIATION', 'REASON_INVALID_OFFERS', 'REASON_AGENT_REMOVED']);

export function handleUpdate(s: ChronosState, out: Out, status: TaskStatus): void {
  const taskId = status.task_id.value;
  if (status.uuid !== undefined && status.agent_id !== undefined)
    out.call({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
    });
  const name = s.taskIndex.get(taskId);
  const job = name === undefined ? undefined : s.jobs.get(name);
  const task = name === undefined ? undefined : s.runsOf(name).tasks.find((t) => t.taskId === taskId);
  if (job === undefined || task === undefined) return untracked(s, out, status);
  s.kills.delete(taskId);
  switch (status.state) {
    case 'TASK_STAGING':
    case 'TASK_STARTING':
    case 'TASK_RUNNING':
    case 'TASK_KILLING':
    case 'TASK_UNREACHABLE':
      return progressed(out, job, task, status);
    case 'TASK_FINISHED':
      return succeeded(s, out, job, task, status);
    case 'TASK_KILLED':
      return void ended(s, out, job, task, status);
    case 'TASK_FAILED':
    case 'TASK_ERROR':
    case 'TASK_LOST':
    case 'TASK_DROPPED':
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
    case 'TASK_UNKNOWN':
      return neverLaunched(task, status) ? relaunch(s, out, job, task, status) : failed(s, out, job, task, status);
  }
}

function neverLaunched(task: RunningTask, status: TaskStatus): boolean {
  if (task.startedAt !== null) return false;
  return NOT_LAUNCHED.has(status.state) || (status.state === 'TASK_LOST' && LAUNCH_REASONS.has(status.reason ?? ''));
}

function progressed(out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  const changed = task.state !== status.state;
  task.state = status.state;
  const started = task.startedAt === null && (status.state === 'TASK_RUNNING' || status.state === 'TASK_STARTING');
  if (started) task.startedAt = out.now;
  if (changed) taskEvent(out, job, task, status);
}

function taskEvent(out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  out.event({
    type: 'task',
    job: job.name,
    taskId: task.taskId,
    state: status.state,
    host: null,
    message: status.message ?? null,
  });
}

/** Removes the task from the job's tasks in flight and records it in the job's history. */
function ended(s: ChronosState, out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  const runs = s.runsOf(job.name);
  runs.tasks = runs.tasks.filter((t) => t !== task);
  s.taskIndex.delete(task.taskId);
  const history = s.histories.get(job.name) ?? [];
  history.push({
    taskId: task.taskId,
    agentId: task.agentId,
    attempt: task.attempt,
    trigger: task.trigger,
    launchedAt: task.launchedAt,
    startedAt: task.startedAt,
    endedAt: out.now,
    state: status.state,
    ...(status.message === undefined ? {} : { message: status.message }),
  });
  s.histories.set(job.name, history.slice(-CHRONOS_JOB_HISTORY_LIMIT));
  out.persistRuns(job.name);
  out.persistHistory(job.name);
  taskEvent(out, job, task, status);
}

function succeeded(s: ChronosState, out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  ended(s, out, job, task, status);
  recordSuccess(s, out, job);
}

/** A success (a finished task or PUT /job/success): counters, the Rn exhaustion check, then the children. */
export function recordSuccess(s: ChronosState, out: Out, job: Job): void {
  const exhausted =
    job.kind === 'scheduled' && readSchedule(job.schedule, job.scheduleTimeZone, out.now)?.interval.repeat === 0;
  storeJob(s, out, {
    ...job,
    successCount: job.successCount + 1,
    lastSuccess: timestampOf(out.now),
    errorsSinceLastSuccess: 0,
    disabled: job.disabled || exhausted,
  });
  if (exhausted && !job.disabled) {
    out.event({ type: 'job', job: job.name, change: 'disabled' });
    out.info(`Job ${job.name} has exhausted all of its recurrences and is now disabled`);
  }
  childrenOf(s, out, job.name);
}

/**
 * Each child counts this parent's success; it fires when this parent's count equals the smallest among its
 * parents (every parent has succeeded at least as often since the child last started). Disabled children
 * count but do not fire.
 */
function childrenOf(s: ChronosState, out: Out, parent: string): void {
  for (const child of s.childrenOf(parent)) {
    if (child.kind !== 'dependent') continue;
    const runs = s.runsOf(child.name);
    const count = (runs.parentSuccesses[parent] ?? 0) + 1;
    runs.parentSuccesses = { ...runs.parentSuccesses, [parent]: count };
    out.persistRuns(child.name);
    const least = Math.min(...child.parents.map((p) => runs.parentSuccesses[p] ?? 0));
    if (count !== least || child.disabled) continue;
    if (enqueue(s, out, child, { due: out.now, attempt: 0, arguments: null, trigger: 'dependency' }))
      out.info(`Job ${child.name} queued: all its parents succeeded since it last ran (the last ${parent})`);
  }
}

/** A failed attempt: retried after --failure_retry while attempts are left, else a failure of the job. */
function failed(s: ChronosState, out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  ended(s, out, job, task, status);
  const lastErrorWon =
    job.lastError !== '' && Date.parse(job.lastSuccess || '1970-01-01T00:00:00Z') < Date.parse(job.lastError);
  if (task.attempt < job.retries && !lastErrorWon) {
    const due = out.now + s.options.timing.failureRetryMs;
    const retry = {
      due,
      attempt: task.attempt + 1,
      arguments: task.arguments,
      trigger: 'retry' as const,
      notBefore: due,
    };
    if (enqueue(s, out, job, retry))
      return void out.info(`Job ${job.name} failed; attempt ${retry.attempt} at ${timestampOf(due)}`);
  }
  const errors = job.errorsSinceLastSuccess + 1;
  const disable = s.options.disableAfterFailures > 0 && errors >= s.options.disableAfterFailures;
  storeJob(s, out, {
    ...job,
    errorCount: job.errorCount + 1,
    errorsSinceLastSuccess: errors,
    lastError: timestampOf(out.now),
    disabled: job.disabled || disable,
  });
  if (disable) out.event({ type: 'job', job: job.name, change: 'disabled' });
  const why = status.message ?? status.state;
  out.warn(`Job ${job.name} failed${disable ? ` ${errors} times in a row, now disabled` : ''}: ${why}`);
  if (job.softError) childrenOf(s, out, job.name);
}

/** A launch Mesos never saw (the leader died before the ACCEPT, or the offer was gone): queued again as it was. */
function relaunch(s: ChronosState, out: Out, job: Job, task: RunningTask, status: TaskStatus): void {
  if (task.relaunches >= CHRONOS_MAX_RELAUNCHES) return failed(s, out, job, task, status);
  const runs = s.runsOf(job.name);
  runs.tasks = runs.tasks.filter((t) => t !== task);
  s.taskIndex.delete(task.taskId);
  const waiting = s.queue.get(job.name);
  if (waiting !== undefined) {
    s.queue.delete(job.name);
    runs.queued = null;
    out.info(`Job ${job.name}: the queued task ${waiting.taskId} is merged into the relaunch of ${task.taskId}`);
  }
  const { due, attempt, arguments: args, trigger } = task;
  enqueue(s, out, job, { due, attempt, arguments: args, trigger, relaunches: task.relaunches + 1 });
  out.persistRuns(job.name);
  out.info(`Task ${task.taskId} of job ${job.name} never started (${status.state}); launching it again`);
}

/** A task this scheduler does not track: taken back if its job exists and it lives, killed if its job is gone. */
function untracked(s: ChronosState, out: Out, status: TaskStatus): void {
  const parts = parseTaskId(status.task_id.value);
  if (parts === null || isEnded(status)) return;
  const job = s.jobs.get(parts.job);
  if (job === undefined) {
    out.call({
      type: 'KILL',
      kill: { task_id: status.task_id, ...(status.agent_id === undefined ? {} : { agent_id: status.agent_id }) },
    });
    return out.info(`Killing task ${status.task_id.value}: its job ${parts.job} is gone`);
  }
  const runs = s.runsOf(job.name);
  runs.tasks.push({
    taskId: status.task_id.value,
    agentId: status.agent_id?.value ?? '',
    due: parts.due,
    attempt: parts.attempt,
    arguments: parts.arguments,
    trigger: parts.attempt > 0 ? 'retry' : 'schedule',
    relaunches: 0,
    launchedAt: parts.due,
    startedAt: status.state === 'TASK_RUNNING' ? out.now : null,
    state: status.state,
  });
  s.taskIndex.set(status.task_id.value, job.name);
  out.persistRuns(job.name);
  out.info(`Received status update for untracked job ${job.name}: task ${status.task_id.value} is ${status.state}`);
}

function isEnded(status: TaskStatus): boolean {
  return !['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE'].includes(status.state);
}

// ---- kills and reconciliation ----

export function killTasks(s: ChronosState, out: Out, name: string): number {
  const tasks = s.runs.get(name)?.tasks ?? [];
  for (const t of tasks) {
    out.call({
      type: 'KILL',
      kill: { task_id: { value: t.taskId }, ...(t.agentId === '' ? {} : { agent_id: { value: t.agentId } }) },
    });
    s.kills.set(t.taskId, out.now);
  }
  return tasks.length;
}

/** KILLs not answered within killRetryMs go out again. */
export function retryKills(s: ChronosState, out: Out): void {
  for (const [taskId, at] of s.kills) {
    const name = s.taskIndex.get(taskId);
    const task = name === undefined ? undefined : s.runs.get(name)?.tasks.find((t) => t.taskId === taskId);
    if (task === undefined) s.kills.delete(taskId);
    else if (out.now - at >= s.options.timing.killRetryMs) {
      out.call({
        type: 'KILL',
        kill: { task_id: { value: taskId }, ...(task.agentId === '' ? {} : { agent_id: { value: task.agentId } }) },
      });
      s.kills.set(taskId, out.now);
    }
  }
}

/** Explicit reconciliation of every task in flight (known from the store even after a failover), then implicit. */
export function reconcile(s: ChronosState, out: Out): void {
  const tasks = [...s.runs.values()].flatMap((r) =>
    r.tasks.map((t) => ({
      task_id: { value: t.taskId },
      ...(t.agentId === '' ? {} : { agent_id: { value: t.agentId } }),
    })),
  );
  if (tasks.length > 0) out.call({ type: 'RECONCILE', reconcile: { tasks } });
  out.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
  s.nextReconcileAt = out.now + s.options.timing.reconciliationIntervalMs;
}

/** REVIVE when more runs can launch than after the last input; SUPPRESS once nothing is queued. */
export function reviveOrSuppress(s: ChronosState, out: Out): void {
  if (!s.subscribed) return;
  let launchable = 0;
  for (const [name, run] of s.queue) {
    const job = s.jobs.get(name);
    if (job !== undefined && canLaunch(s, job, run, out.now)) launchable += 1;
  }
  if (launchable > s.launchable) {
    out.call({ type: 'REVIVE', revive: { roles: [s.options.role] } });
    s.suppressed = false;
  } else if (s.queue.size === 0 && !s.suppressed) {
    out.call({ type: 'SUPPRESS', suppress: { roles: [s.options.role] } });
    s.suppressed = true;
  }
  s.launchable = launchable;
}

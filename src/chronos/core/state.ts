// The Chronos core's memory (jobs, their runs, the queue, the task index, the link's state) and Out, which turns
// one input's or command's work into effects in the order persist → calls → events → logs.
import type { CallWithoutFramework } from '../../framework/mesos-types.js';
import type { ChronosTiming } from '../config.js';
import type { Job, JobDefaults } from './job.js';
import type { ChronosEvent, Effect, JobRuns, QueuedRun, RunRecord, StoredState, StoreWrite } from './messages.js';
import { readSchedule } from './schedule.js';

/** The start instant of a schedule with runs left (0 for an empty start, due at any time), else null. */
function startOf(schedule: string, scheduleTimeZone: string): number | null {
  const at = readSchedule(schedule, scheduleTimeZone, 0);
  if (at === null || at.interval.repeat === 0) return null;
  return at.interval.start === null ? 0 : at.start;
}

export interface ChronosOptions {
  /** --mesos_framework_name. */
  frameworkName: string;
  /** --mesos_role. */
  role: string;
  /** --hostname, advertised in FrameworkInfo. */
  hostname: string;
  webuiUrl: string;
  /** --failover_timeout. */
  failoverTimeoutSeconds: number;
  /** --mesos_task_cpu/mem/disk and --user. */
  defaults: JobDefaults;
  /** --disable_after_failures: a job is disabled after this many failures in a row; 0 never. */
  disableAfterFailures: number;
  timing: ChronosTiming;
}

export class ChronosState {
  frameworkId: string | null;
  readonly jobs = new Map<string, Job>();
  readonly runs = new Map<string, JobRuns>();
  /** Each job's finished tasks, the newest last. */
  readonly histories = new Map<string, RunRecord[]>();
  /** The queued runs in the order they were queued (high-priority ones are served first). */
  readonly queue = new Map<string, QueuedRun>();
  /** Task id → job name, for every task in flight. */
  readonly taskIndex = new Map<string, string>();
  /** Task id → when its KILL was sent, to send it again. */
  readonly kills = new Map<string, number>();
  /** Start instants of the scheduled jobs that may run (enabled, runs left); 0 for an empty start (always due). */
  readonly starts = new Map<string, number>();
  subscribed = false;
  master: string | null = null;
  /** SUPPRESS sent and no REVIVE since. */
  suppressed = false;
  /** Queued runs that could launch after the last input, to REVIVE when there are more. */
  launchable = 0;
  nextReconcileAt: number | null = null;

  constructor(
    readonly options: ChronosOptions,
    stored: StoredState | undefined,
  ) {
    this.frameworkId = stored?.frameworkId ?? null;
    for (const job of stored?.jobs ?? []) this.setJob(job);
    const runs = [...(stored?.runs ?? [])].sort((a, b) => (a.queued?.due ?? 0) - (b.queued?.due ?? 0));
    for (const r of runs) {
      if (!this.jobs.has(r.name)) continue;
      this.runs.set(r.name, r);
      if (r.queued !== null) this.queue.set(r.name, r.queued);
      for (const t of r.tasks) this.taskIndex.set(t.taskId, r.name);
    }
    for (const h of stored?.histories ?? []) if (this.jobs.has(h.name)) this.histories.set(h.name, h.runs);
  }

  /** Keeps a job and where its schedule stands. */
  setJob(job: Job): void {
    this.jobs.set(job.name, job);
    const start = job.kind === 'scheduled' && !job.disabled ? startOf(job.schedule, job.scheduleTimeZone) : null;
    if (start === null) this.starts.delete(job.name);
    else this.starts.set(job.name, start);
  }

  /** The job's runs record (a fresh one, not yet stored, for a job that never ran). */
  runsOf(name: string): JobRuns {
    const known = this.runs.get(name);
    if (known !== undefined) return known;
    const fresh: JobRuns = { name, parentSuccesses: {}, queued: null, tasks: [] };
    this.runs.set(name, fresh);
    return fresh;
  }

  /** Dependent jobs with `name` among their parents. */
  childrenOf(name: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.kind === 'dependent' && j.parents.includes(name));
  }

  forget(name: string): void {
    const runs = this.runs.get(name);
    for (const t of runs?.tasks ?? []) this.taskIndex.delete(t.taskId);
    this.runs.delete(name);
    this.histories.delete(name);
    this.queue.delete(name);
    this.jobs.delete(name);
    this.starts.delete(name);
  }
}

function writeKey(w: StoreWrite): string {
  switch (w.kind) {
    case 'framework-id':
      return 'framework-id';
    case 'job':
      return `job:${w.job.name}`;
    case 'runs':
      return `runs:${w.runs.name}`;
    case 'history':
      return `history:${w.history.name}`;
    case 'delete-job':
      return `job:${w.name}`;
  }
}

/**
 * Collects what one input or command does: the writes (a later write of a record replaces an earlier one; a
 * job's runs are written after the job), then the Mesos calls (dropped while no master is subscribed:
 * reconciliation and the queue cover them), the events and the log lines.
 */
export class Out {
  private readonly writes = new Map<string, StoreWrite>();
  private readonly runWrites = new Map<string, StoreWrite>();
  private readonly calls: CallWithoutFramework[] = [];
  private readonly events: ChronosEvent[] = [];
  private readonly logs: Effect[] = [];

  constructor(
    readonly now: number,
    private readonly s: ChronosState,
  ) {}

  persist(write: StoreWrite): void {
    const key = writeKey(write);
    if (write.kind === 'delete-job')
      for (const k of [`runs:${write.name}`, `history:${write.name}`]) this.runWrites.delete(k);
    const map = write.kind === 'runs' || write.kind === 'history' ? this.runWrites : this.writes;
    map.delete(key);
    map.set(key, write);
  }

  /** Stores the job's runs record as it is now (once per Out, whatever else changes it later). */
  persistRuns(name: string): void {
    this.persist({ kind: 'runs', runs: this.s.runsOf(name) });
  }

  persistHistory(name: string): void {
    this.persist({ kind: 'history', history: { name, runs: this.s.histories.get(name) ?? [] } });
  }

  call(call: CallWithoutFramework): void {
    if (this.s.subscribed) this.calls.push(call);
  }

  event(event: ChronosEvent): void {
    this.events.push(event);
  }

  info(msg: string): void {
    this.logs.push({ type: 'log', level: 'info', msg });
  }

  warn(msg: string): void {
    this.logs.push({ type: 'log', level: 'warn', msg });
  }

  effects(): Effect[] {
    const writes = [...this.writes.values(), ...this.runWrites.values()].map(snapshot);
    return [
      ...(writes.length === 0 ? [] : [{ type: 'persist', writes } satisfies Effect]),
      ...this.calls.map((call): Effect => ({ type: 'call', call })),
      ...this.events.map((event): Effect => ({ type: 'event', event })),
      ...this.logs,
    ];
  }
}

/** A copy of the record as it is when the effects are taken, so later changes in memory do not leak into it. */
function snapshot(w: StoreWrite): StoreWrite {
  return structuredClone(w);
}

// The Chronos core's seam: what the shell feeds it (the master's events, ticks, API commands), what it returns
// (store writes, Mesos calls, events, log lines, run persist → send → reply) and the records it keeps.
import type { CallWithoutFramework, LinkInput, TaskState } from '../../framework/mesos-types.js';
import type { Job } from './job.js';

/** Why a run is queued. */
export type RunTrigger = 'schedule' | 'manual' | 'dependency' | 'retry';

/** The one run of a job waiting for an offer. */
export interface QueuedRun {
  taskId: string;
  /** When the run was due, ms (the task id's first number). */
  due: number;
  attempt: number;
  /** The arguments text of the run (the task id's last part). */
  arguments: string;
  trigger: RunTrigger;
  /** Not launched before this (a retry waits --failure_retry). */
  notBefore: number;
  /**
   * Launches of this run Mesos never saw (a leader died between storing a launch and sending it). Above 0 the
   * schedule was already advanced and the parents' counters reset for it.
   */
  relaunches: number;
  highPriority: boolean;
}

/** A launched task of a job that has not ended. */
export interface RunningTask {
  taskId: string;
  agentId: string;
  due: number;
  attempt: number;
  arguments: string;
  trigger: RunTrigger;
  relaunches: number;
  launchedAt: number;
  /**
   * When TASK_RUNNING was seen; null before. A task that then vanishes ran: it failed. Stored with the job's next
   * write, not on its own (one write fewer per run): a task that vanishes after a failover before then is launched
   * again instead.
   */
  startedAt: number | null;
  state: TaskState;
}

/** A finished task, for `jobs history` and `/job/stat`. */
export interface RunRecord {
  taskId: string;
  agentId: string;
  attempt: number;
  trigger: RunTrigger;
  launchedAt: number;
  startedAt: number | null;
  endedAt: number;
  state: TaskState;
  message?: string;
}

/**
 * What Chronos keeps in memory only and loses on failover, kept here in the store: the parents' success
 * counters, the queued run (unless it is a scheduled one the schedule implies) and the tasks in flight.
 */
export interface JobRuns {
  name: string;
  /** Parent → successes since this job last started (Chronos's edge counters). */
  parentSuccesses: Record<string, number>;
  queued: QueuedRun | null;
  tasks: RunningTask[];
}

/** A job's finished tasks, the newest last, at most CHRONOS_JOB_HISTORY_LIMIT (stored apart, written as tasks end). */
export interface JobHistory {
  name: string;
  runs: RunRecord[];
}

/** One record to write to (or remove from) the store under /chronos/state. */
export type StoreWrite =
  | { kind: 'framework-id'; frameworkId: string }
  | { kind: 'job'; job: Job }
  | { kind: 'runs'; runs: JobRuns }
  | { kind: 'history'; history: JobHistory }
  /** The job, its runs and its history. */
  | { kind: 'delete-job'; name: string };

/** Everything the store holds; read when this scheduler becomes the leader. */
export interface StoredState {
  frameworkId: string | null;
  jobs: Job[];
  runs: JobRuns[];
  histories: JobHistory[];
}

/** What the timeline and the event bus hear: a job's task changed state, or a job changed. */
export type ChronosEvent =
  | { type: 'task'; job: string; taskId: string; state: TaskState; host: string | null; message: string | null }
  | { type: 'job'; job: string; change: 'added' | 'replaced' | 'removed' | 'disabled' };

export type Effect =
  | { type: 'persist'; writes: StoreWrite[] }
  | { type: 'call'; call: CallWithoutFramework }
  | { type: 'event'; event: ChronosEvent }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

export type ChronosInput = LinkInput | { type: 'tick'; now: number };

/** Chronos's error answer: 400 (or 500) with `{message, status}`. */
export interface ApiError {
  ok: false;
  status: number;
  body: { message: string; status: string };
}

/** What a command returns: the effects to run first, then the reply. */
export interface Output<R> {
  effects: Effect[];
  reply: R | ApiError;
}

export type Ok = { ok: true };

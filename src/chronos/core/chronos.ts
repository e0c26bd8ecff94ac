// ChronosCore: the Chronos-style job scheduler as one synchronous object. Fed the master's events, ticks and
// API commands; returns effects (store writes, Mesos calls, events, log lines) to run in that order.
import type { FrameworkInfo } from '../../framework/mesos-types.js';
import { deleteJob, killJobTasks, markSuccess, putJob, runJob } from './commands.js';
import { graphCsv, graphDot } from './graph.js';
import type { Endpoint } from './job-checks.js';
import { type Job, writeJob } from './job.js';
import type { Json } from './json.js';
import type { ApiError, ChronosInput, Effect, JobRuns, Ok, Output, StoredState } from './messages.js';
import { enqueueDue, handleOffers, handleUpdate, nextDueAt, reconcile, retryKills, reviveOrSuppress } from './runs.js';
import { nextRunAt } from './schedule.js';
import { type ChronosOptions, ChronosState, Out } from './state.js';
import {
  type JobSummary,
  lastStatus,
  listJobs,
  liveState,
  type PercentileName,
  type SearchQuery,
  searchJobs,
  sortedJobs,
  statOf,
  statsOf,
  summaryOf,
} from './views.js';

export type { ChronosOptions } from './state.js';

export class ChronosCore {
  private readonly s: ChronosState;

  constructor(o: { options: ChronosOptions; state?: StoredState }) {
    this.s = new ChronosState(o.options, o.state);
  }

  /** FrameworkInfo for SUBSCRIBE, with the framework id once known (so a new leader fails over to it). */
  frameworkInfo(): FrameworkInfo {
    const o = this.s.options;
    return {
      user: o.defaults.user,
      name: o.frameworkName,
      ...(this.s.frameworkId === null ? {} : { id: { value: this.s.frameworkId } }),
      failover_timeout: o.failoverTimeoutSeconds,
      checkpoint: true,
      role: o.role,
      hostname: o.hostname,
      webui_url: o.webuiUrl,
    };
  }

  input(i: ChronosInput): Effect[] {
    const out = new Out(i.now, this.s);
    switch (i.type) {
      case 'subscribed':
        this.onSubscribed(out, i.frameworkId, i.master);
        break;
      case 'disconnected':
        Object.assign(this.s, { subscribed: false, master: null });
        out.warn(`Disconnected from the Mesos master: ${i.message}`);
        break;
      case 'offers':
        handleOffers(this.s, out, i.offers);
        break;
      case 'rescind':
        // Offers are answered in the input that brings them, so none is held to drop.
        break;
      case 'update':
        handleUpdate(this.s, out, i.status);
        break;
      case 'tick':
        this.tick(out);
        break;
      default: {
        const never: never = i;
        return never;
      }
    }
    reviveOrSuppress(this.s, out);
    return out.effects();
  }

  putJob(o: { body: unknown; endpoint: Endpoint; now: number }): Output<Ok> {
    return this.command(o.now, (out) => putJob(this.s, out, o));
  }

  deleteJob(name: string, now: number): Output<Ok> {
    return this.command(now, (out) => deleteJob(this.s, out, name));
  }

  runJob(o: { name: string; arguments: string | null; now: number }): Output<Ok> {
    return this.command(o.now, (out) => runJob(this.s, out, o));
  }

  killTasks(name: string, now: number): Output<Ok> {
    return this.command(now, (out) => killJobTasks(this.s, out, name));
  }

  markSuccess(name: string, now: number): Output<{ ok: true; known: boolean }> {
    return this.command(now, (out) => markSuccess(this.s, out, name));
  }

  // ---- views ----

  get frameworkId(): string | null {
    return this.s.frameworkId;
  }

  get subscribed(): boolean {
    return this.s.subscribed;
  }

  get master(): string | null {
    return this.s.master;
  }

  job(name: string): Job | undefined {
    return this.s.jobs.get(name);
  }

  jobs(): Job[] {
    return sortedJobs(this.s);
  }

  runsOf(name: string): JobRuns | undefined {
    return this.s.runs.get(name);
  }

  /** The job as GET /job/{name} answers it, or null. */
  jobJson(name: string): Json | null {
    const job = this.s.jobs.get(name);
    return job === undefined ? null : writeJob(job);
  }

  listJobs(): Json[] {
    return listJobs(this.s);
  }

  search(q: SearchQuery): Json[] {
    return searchJobs(this.s, q);
  }

  summary(): JobSummary[] {
    return summaryOf(this.s);
  }

  graphDot(): string {
    return graphDot(sortedJobs(this.s));
  }

  graphCsv(): string {
    return graphCsv(sortedJobs(this.s), (job) => ({ status: lastStatus(job), state: liveState(this.s, job.name) }));
  }

  stat(name: string): Json | null {
    const job = this.s.jobs.get(name);
    return job === undefined ? null : statOf(this.s, job);
  }

  stats(percentile: PercentileName): { jobNameLabel: string; time: number }[] {
    return statsOf(this.s, percentile);
  }

  /** When a scheduled job runs next (its start, maybe past: overdue); null for dependent, disabled or finished jobs. */
  nextRunAt(name: string, now: number): number | null {
    const job = this.s.jobs.get(name);
    if (job === undefined || job.kind !== 'scheduled' || job.disabled) return null;
    return nextRunAt(job.schedule, job.scheduleTimeZone, now);
  }

  /** When the shell should feed the next tick at the latest: the earliest start not yet queued. */
  nextDueAt(): number | null {
    return nextDueAt(this.s);
  }

  private onSubscribed(out: Out, frameworkId: string, master: string): void {
    const known = this.s.frameworkId === frameworkId;
    if (!known) out.persist({ kind: 'framework-id', frameworkId });
    Object.assign(this.s, { frameworkId, subscribed: true, master, suppressed: false, launchable: 0 });
    out.info(
      `${known ? 'Re-registered' : 'Registered'} as framework ${frameworkId} with the Mesos master at ${master}`,
    );
    reconcile(this.s, out);
  }

  private tick(out: Out): void {
    enqueueDue(this.s, out);
    retryKills(this.s, out);
    if (this.s.subscribed && this.s.nextReconcileAt !== null && out.now >= this.s.nextReconcileAt)
      reconcile(this.s, out);
  }

  /** A command's effects, then its reply; a refused command changes nothing and has no effects. */
  private command<R extends { ok: true }>(now: number, run: (out: Out) => R | ApiError): Output<R> {
    const out = new Out(now, this.s);
    const reply = run(out);
    if (!reply.ok) return { effects: [], reply };
    reviveOrSuppress(this.s, out);
    return { effects: out.effects(), reply };
  }
}

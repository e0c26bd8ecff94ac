// What the API reads: the job list (with uris and fetch mirrored, as GET /jobs answers), search, the summary
// (last status and live state), the graph, a job's stat (run-time histogram and task history) and the stats.
import { formatInstant } from './iso8601.js';
import { type Job, writeJob } from './job.js';
import type { Json } from './json.js';
import type { RunningTask, RunRecord } from './messages.js';
import type { ChronosState } from './state.js';
import { UTC } from './zone.js';

export type LastStatus = 'success' | 'failure' | 'fresh';

/** The more recent of the last success and the last error (an error on a tie); fresh when neither happened. */
export function lastStatus(job: Job): LastStatus {
  if (job.lastSuccess === '' && job.lastError === '') return 'fresh';
  if (job.lastError === '') return 'success';
  if (job.lastSuccess === '') return 'failure';
  return Date.parse(job.lastSuccess) > Date.parse(job.lastError) ? 'success' : 'failure';
}

/** `<n> running`, else `queued`, else `idle`. */
export function liveState(s: ChronosState, name: string): string {
  const running = s.runs.get(name)?.tasks.length ?? 0;
  if (running > 0) return `${running} running`;
  return s.queue.has(name) ? 'queued' : 'idle';
}

export interface JobSummary {
  name: string;
  status: LastStatus;
  state: string;
  schedule: string;
  parents: string[];
  disabled: boolean;
}

export function summaryOf(s: ChronosState): JobSummary[] {
  return sortedJobs(s).map((job) => ({
    name: job.name,
    status: lastStatus(job),
    state: liveState(s, job.name),
    schedule: job.kind === 'scheduled' ? job.schedule : '',
    parents: job.kind === 'dependent' ? job.parents : [],
    disabled: job.disabled,
  }));
}

export function sortedJobs(s: ChronosState): Job[] {
  return [...s.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** GET /jobs: every job, `fetch` filled from `uris` and `uris` from `fetch` where one of them is empty. */
export function listJobs(s: ChronosState): Json[] {
  return sortedJobs(s).map((job) => {
    const json = writeJob(job);
    if (job.fetch.length === 0 && job.uris.length > 0)
      json.fetch = job.uris.map((uri) => ({ uri, executable: false, cache: false, extract: true }));
    if (job.uris.length === 0 && job.fetch.length > 0) json.uris = job.fetch.map((f) => f.uri);
    return json;
  });
}

export interface SearchQuery {
  name: string;
  command: string;
  any: string;
  limit: number;
  offset: number;
}

/** Case-insensitive: name and command must both contain theirs; failing that, either may contain `any`. */
export function searchJobs(s: ChronosState, q: SearchQuery): Json[] {
  const has = (text: string, part: string): boolean => text.toLowerCase().includes(part.toLowerCase());
  const matches = sortedJobs(s).filter((job) => {
    const both = (q.name === '' || has(job.name, q.name)) && (q.command === '' || has(job.command, q.command));
    return both || (q.any !== '' && (has(job.name, q.any) || has(job.command, q.any)));
  });
  return matches.slice(q.offset, q.offset + q.limit).map(writeJob);
}

export const PERCENTILES = {
  '99thPercentile': 0.99,
  '98thPercentile': 0.98,
  '95thPercentile': 0.95,
  '75thPercentile': 0.75,
  median: 0.5,
  mean: 0.5,
} as const;
export type PercentileName = keyof typeof PERCENTILES;

/** Run times (ms) of the job's successful runs in its history. */
function runTimes(history: readonly RunRecord[]): number[] {
  return history
    .filter((r) => r.state === 'TASK_FINISHED')
    .map((r) => r.endedAt - (r.startedAt ?? r.launchedAt))
    .sort((a, b) => a - b);
}

/** A Codahale snapshot's value at quantile `q` (interpolated between the two nearest samples); 0 without samples. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length + 1);
  const index = Math.floor(pos);
  if (index < 1) return sorted[0] ?? 0;
  if (index >= sorted.length) return sorted[sorted.length - 1] ?? 0;
  const lower = sorted[index - 1] ?? 0;
  const upper = sorted[index] ?? 0;
  return lower + (pos - index) * (upper - lower);
}

/** GET /job/stat/{name}; `mean` is the median, as Chronos computes it. */
export function statOf(s: ChronosState, job: Job): Json {
  const runs = s.runs.get(job.name);
  const history = s.histories.get(job.name) ?? [];
  const times = runTimes(history);
  const histogram = Object.fromEntries(
    Object.entries(PERCENTILES).map(([name, q]) => [name, quantile(times, q)] as const),
  );
  const ended = [...history].reverse().map((r) => historyEntry(job.name, r));
  const running = (runs?.tasks ?? []).map((t) => runningEntry(job.name, t));
  return { histogram: { ...histogram, count: times.length }, taskStatHistory: [...running, ...ended] };
}

/** GET /stats/{percentile}: every job's run time at that percentile in seconds, the longest first. */
export function statsOf(s: ChronosState, percentile: PercentileName): { jobNameLabel: string; time: number }[] {
  return sortedJobs(s)
    .map((job) => ({
      jobNameLabel: job.name,
      time: quantile(runTimes(s.histories.get(job.name) ?? []), PERCENTILES[percentile]) / 1000,
    }))
    .sort((a, b) => b.time - a.time);
}

function historyEntry(jobName: string, r: RunRecord): Json {
  const start = r.startedAt ?? r.launchedAt;
  return {
    taskId: r.taskId,
    jobName,
    slaveId: r.agentId,
    startTime: statTime(start),
    endTime: statTime(r.endedAt),
    duration: duration(r.endedAt - start),
    status: r.state === 'TASK_FINISHED' ? 'Success' : 'Fail',
  };
}

function runningEntry(jobName: string, t: RunningTask): Json {
  return {
    taskId: t.taskId,
    jobName,
    slaveId: t.agentId,
    startTime: statTime(t.startedAt ?? t.launchedAt),
    endTime: 'N/A',
    status: 'Running',
  };
}

/** `MM/dd/yy HH:mm:ss` in UTC. */
function statTime(ms: number): string {
  const [date = '', time = ''] = formatInstant(ms, UTC).split('T');
  const [year = '', month = '', day = ''] = date.split('-');
  return `${month}/${day}/${year.slice(2)} ${time.slice(0, 8)}`;
}

/** `1d2h3m4s`, leaving out the leading zero units. */
function duration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
  }
  return `${parts.join('')}${rest}s`;
}

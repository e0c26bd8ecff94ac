// A typed client of the Chronos REST API (ours or a real Chronos 3), and what the `jobs` commands show from it: jobs
// with schedule, next run, outcomes and counts, a job's history, the dependency graph as text.
export type Json = Record<string, unknown>;

/** A non-2xx answer: its status and Chronos's `{message, status}` body, or its text. */
export class ChronosHttpError extends Error {
  override readonly name = 'ChronosHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Chronos answered ${status}: ${messageOf(body)}`);
  }
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return typeof body === 'string' && body !== '' ? body : 'no message';
}

export interface JobJson extends Json {
  name: string;
  command: string;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  disabled: boolean;
  schedule?: string;
  scheduleTimeZone?: string;
  parents?: string[];
}

export interface JobSummaryJson {
  name: string;
  status: 'success' | 'failure' | 'fresh';
  state: string;
  schedule: string;
  parents: string[];
  disabled: boolean;
}

export interface TaskStatJson {
  taskId: string;
  slaveId: string;
  startTime: string;
  endTime: string;
  duration?: string;
  status: string;
}

const PREFIX = '/v1/scheduler';

export class ChronosClient {
  constructor(readonly url: string) {}

  jobs(): Promise<JobJson[]> {
    return this.call('GET', '/jobs');
  }

  async summary(): Promise<JobSummaryJson[]> {
    return (await this.call<{ jobs: JobSummaryJson[] }>('GET', '/jobs/summary')).jobs;
  }

  job(name: string): Promise<JobJson> {
    return this.call('GET', `/job/${encodeURIComponent(name)}`);
  }

  /** Creates or replaces a job: a dependent one (with parents) at /dependency, a scheduled one at /iso8601. */
  async put(job: Json): Promise<void> {
    await this.call('POST', job.parents === undefined || job.parents === null ? '/iso8601' : '/dependency', job);
  }

  /** Runs the job now; `args` replace its arguments. */
  async run(name: string, args?: string): Promise<void> {
    const query = args === undefined ? '' : `?arguments=${encodeURIComponent(args)}`;
    await this.call('PUT', `/job/${encodeURIComponent(name)}${query}`);
  }

  async kill(name: string): Promise<void> {
    await this.call('DELETE', `/task/kill/${encodeURIComponent(name)}`);
  }

  async remove(name: string): Promise<void> {
    await this.call('DELETE', `/job/${encodeURIComponent(name)}`);
  }

  async history(name: string): Promise<TaskStatJson[]> {
    return (await this.call<{ taskStatHistory: TaskStatJson[] }>('GET', `/job/stat/${encodeURIComponent(name)}`))
      .taskStatHistory;
  }

  graph(format: 'dot' | 'csv'): Promise<string> {
    return this.call('GET', `/graph/${format}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${PREFIX}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').includes('json') && text !== '';
    const parsed: unknown = json ? JSON.parse(text) : text;
    if (!res.ok) throw new ChronosHttpError(res.status, parsed);
    return parsed as T;
  }
}

/** The jobs of a file: one job object, or an array of them (added in order, parents first). */
export function jobsOfFile(text: string): Json[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  const jobs = Array.isArray(parsed) ? parsed : [parsed];
  for (const job of jobs)
    if (typeof job !== 'object' || job === null || Array.isArray(job))
      throw new Error('a job file holds a job object or an array of them');
  return jobs as Json[];
}

export interface JobRow {
  name: string;
  /** The schedule's period and repetitions (`every PT1M`, `3 more, every P1D`), or `after a, b`. */
  schedule: string;
  /** When it runs next: a time, `now` (overdue), or `-` (dependent, disabled, no runs left). */
  nextRun: string;
  lastSuccess: string;
  lastFailure: string;
  successes: number;
  failures: number;
  /** `idle`, `queued`, `N running`, `disabled`. */
  state: string;
}

/** The rows of `jobs list`, by name. */
export function jobRows(jobs: readonly JobJson[], summary: readonly JobSummaryJson[], now: number): JobRow[] {
  const states = new Map(summary.map((s) => [s.name, s.state]));
  return [...jobs]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((job) => ({
      name: job.name,
      schedule: job.parents !== undefined ? `after ${job.parents.join(', ')}` : scheduleText(job.schedule ?? ''),
      nextRun: nextRunText(job, now),
      lastSuccess: job.lastSuccess || '-',
      lastFailure: job.lastError || '-',
      successes: job.successCount,
      failures: job.errorCount,
      state: job.disabled ? 'disabled' : (states.get(job.name) ?? 'idle'),
    }));
}

function scheduleText(schedule: string): string {
  const [repeat = '', , period = ''] = schedule.split('/');
  const runs = repeat === 'R' ? '' : `${repeat.slice(1)} more, `;
  return `${runs}every ${period}${repeat === 'R0' ? ' (done)' : ''}`;
}

/**
 * The start of the schedule, as Chronos's own UI shows it: the time written in the schedule (Chronos rewrites it
 * with the zone's offset once it has run), `now` when it is past or empty.
 */
function nextRunText(job: JobJson, now: number): string {
  const [repeat = '', start = ''] = (job.schedule ?? '').split('/');
  if (job.parents !== undefined || job.disabled || repeat === 'R0' || job.schedule === undefined) return '-';
  if (start === '') return 'now';
  const at = Date.parse(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(start) || !start.includes('T') ? start : `${start}Z`);
  if (Number.isNaN(at)) return start;
  return at <= now ? 'now' : new Date(at).toISOString();
}

/** The graph from its CSV as text: every job with the jobs that run after it, indented beneath. */
export function graphText(csv: string): string {
  const nodes: { name: string; status: string; state: string }[] = [];
  const children = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const line of csv.split('\n')) {
    const [kind, a = '', b = '', c = ''] = line.split(',');
    if (kind === 'node') nodes.push({ name: a, status: b, state: c });
    if (kind === 'link') {
      children.set(a, [...(children.get(a) ?? []), b]);
      hasParent.add(b);
    }
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const lines: string[] = [];
  const walk = (name: string, depth: number, path: readonly string[]): void => {
    const node = byName.get(name);
    const label = node === undefined ? name : `${name} (${node.status}, ${node.state})`;
    lines.push(`${'  '.repeat(depth)}${depth === 0 ? '' : '└─ '}${label}`);
    if (path.includes(name)) return;
    for (const child of children.get(name) ?? []) walk(child, depth + 1, [...path, name]);
  };
  for (const node of nodes) if (!hasParent.has(node.name)) walk(node.name, 0, []);
  return lines.length === 0 ? 'no jobs' : lines.join('\n');
}

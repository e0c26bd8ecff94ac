// Chronos's scheduler resources (under /v1/scheduler and /scheduler): jobs, search, summary, a job's definition, run,
// delete, success and stat, the two job endpoints, task kill and progress, the graph, the stats.
import { Router, type Request, type Response } from 'express';
import type { ChronosCore } from '../core/chronos.js';
import type { Endpoint } from '../core/job-checks.js';
import type { ApiError, Output } from '../core/messages.js';
import { parseTaskId } from '../core/task.js';
import { PERCENTILES, type PercentileName } from '../core/views.js';
import type { ChronosHttpContext } from './context.js';

/** Chronos's search answers this many jobs unless asked for another number. */
const SEARCH_DEFAULT_LIMIT = 10;

type Lead = Extract<ReturnType<ChronosHttpContext['leadership']>, { leading: true }>;

export function chronosError(status: number, message: string): ApiError['body'] {
  const text: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    413: 'Request Entity Too Large',
    415: 'Unsupported Media Type',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return { message, status: text[status] ?? 'Error' };
}

function fail(res: Response, status: number, message: string): void {
  res.status(status).json(chronosError(status, message));
}

/** The leading term, or a 503 when leadership moved between the proxy and here. */
function leading(ctx: ChronosHttpContext, res: Response): Lead | null {
  const lead = ctx.leadership();
  if (lead.leading) return lead;
  fail(res, 503, 'This Chronos stopped leading; try again');
  return null;
}

function read(ctx: ChronosHttpContext, answer: (core: ChronosCore, req: Request, res: Response) => void) {
  return (req: Request, res: Response): void => {
    const lead = leading(ctx, res);
    if (lead !== null) answer(lead.core, req, res);
  };
}

/** Runs a command and answers its reply: `ok` writes the success answer (204 by default). */
function command<R extends { ok: true }>(
  ctx: ChronosHttpContext,
  make: (core: ChronosCore, req: Request, now: number) => Output<R> | ApiError,
  ok: (res: Response, reply: R) => void = (res) => void res.status(204).end(),
) {
  return async (req: Request, res: Response): Promise<void> => {
    const lead = leading(ctx, res);
    if (lead === null) return;
    const output = make(lead.core, req, ctx.now());
    const reply = 'effects' in output ? await lead.run(output) : output;
    if (reply.ok) ok(res, reply);
    else res.status(reply.status).json(reply.body);
  };
}

function jsonBody(req: Request): { ok: true; body: unknown } | ApiError {
  const text = typeof req.body === 'string' ? req.body : '';
  try {
    return { ok: true, body: text.trim() === '' ? undefined : JSON.parse(text) };
  } catch (err) {
    return { ok: false, status: 400, body: chronosError(400, `Invalid JSON: ${(err as Error).message}`) };
  }
}

function putJob(ctx: ChronosHttpContext, endpoint: Endpoint) {
  return command(ctx, (core, req, now) => {
    const parsed = jsonBody(req);
    return parsed.ok ? core.putJob({ body: parsed.body, endpoint, now }) : parsed;
  });
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

function query(req: Request, name: string): string | null {
  const value = req.query[name];
  return typeof value === 'string' ? value : null;
}

/** A non-negative integer query parameter; null (after a 400) when it is not one. */
function count(req: Request, res: Response, name: string, fallback: number): number | null {
  const raw = query(req, name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  fail(res, 400, `${name} must be a non-negative integer, not '${raw}'`);
  return null;
}

export function schedulerRouter(ctx: ChronosHttpContext): Router {
  const r = Router();
  r.get(
    '/jobs',
    read(ctx, (core, _req, res) => void res.json(core.listJobs())),
  );
  r.get(
    '/jobs/search',
    read(ctx, (core, req, res) => {
      const limit = count(req, res, 'limit', SEARCH_DEFAULT_LIMIT);
      const offset = limit === null ? null : count(req, res, 'offset', 0);
      if (limit === null || offset === null) return;
      const text = (name: string): string => query(req, name) ?? '';
      res.json(core.search({ name: text('name'), command: text('command'), any: text('any'), limit, offset }));
    }),
  );
  r.get(
    '/jobs/summary',
    read(ctx, (core, _req, res) => void res.json({ jobs: core.summary() })),
  );
  r.get(
    '/job/stat/:name',
    read(ctx, (core, req, res) => {
      const stat = core.stat(param(req, 'name'));
      if (stat === null) fail(res, 400, `requirement failed: Job '${param(req, 'name')}' not found`);
      else res.json(stat);
    }),
  );
  r.get(
    '/job/:name',
    read(ctx, (core, req, res) => {
      const job = core.jobJson(param(req, 'name'));
      if (job === null) fail(res, 400, `requirement failed: Job '${param(req, 'name')}' not found`);
      else res.json(job);
    }),
  );
  for (const method of ['post', 'put'] as const) {
    r[method]('/iso8601', putJob(ctx, 'iso8601'));
    r[method]('/dependency', putJob(ctx, 'dependency'));
  }
  r.put(
    '/job/success/:name',
    command(
      ctx,
      (core, req, now) => core.markSuccess(param(req, 'name'), now),
      (res, reply) =>
        void res.type('text/plain').send(`marked job ${res.req.params.name} as successful: ${reply.known}`),
    ),
  );
  r.put(
    '/job/:name',
    command(ctx, (core, req, now) =>
      core.runJob({ name: param(req, 'name'), arguments: query(req, 'arguments'), now }),
    ),
  );
  r.delete(
    '/job/:name',
    command(ctx, (core, req, now) => core.deleteJob(param(req, 'name'), now)),
  );
  r.delete(
    '/task/kill/:name',
    command(ctx, (core, req, now) => core.killTasks(param(req, 'name'), now)),
  );
  r.get(
    '/graph/dot',
    read(ctx, (core, _req, res) => void res.type('text/plain').send(core.graphDot())),
  );
  r.get(
    '/graph/csv',
    read(ctx, (core, _req, res) => void res.type('text/plain').send(core.graphCsv())),
  );
  r.get(
    '/stats/:percentile',
    read(ctx, (core, req, res) => {
      const name = param(req, 'percentile');
      if (!(name in PERCENTILES))
        return fail(res, 400, `Unknown percentile '${name}': one of ${Object.keys(PERCENTILES).join(', ')}`);
      res.json(core.stats(name as PercentileName));
    }),
  );
  r.post('/job/:name/task/:taskId/progress', read(ctx, progress));
  return r;
}

/** POST …/progress: Chronos records it in Cassandra, which this one has not; it only checks the request. */
function progress(core: ChronosCore, req: Request, res: Response): void {
  const name = param(req, 'name');
  const job = core.job(name);
  if (job === undefined) return fail(res, 400, `requirement failed: JobSchedule '${name}' not found`);
  if (parseTaskId(param(req, 'taskId'))?.job !== name)
    return fail(res, 400, `requirement failed: '${param(req, 'taskId')}' is not a task id of job ${name}`);
  if (!job.dataProcessingJobType)
    return fail(res, 400, `requirement failed: Job '${name}' is not a data processing job`);
  let n: unknown;
  try {
    n = (JSON.parse(typeof req.body === 'string' ? req.body : '') as { numAdditionalElementsProcessed?: unknown })
      .numAdditionalElementsProcessed;
  } catch {
    n = undefined;
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    return fail(res, 400, 'requirement failed: numAdditionalElementsProcessed must be a non-negative integer');
  res.status(204).end();
}

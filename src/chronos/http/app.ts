// The Chronos REST API of one scheduler (express): the request guard, /ping, /metrics and the leader's id on any
// node, a standby's requests proxied to the leader, /v1/scheduler and /scheduler, `{message, status}` errors.
import express, { type NextFunction, type Request, type Response } from 'express';
import { MAX_CHRONOS_BODY_BYTES } from '../../common/limits.js';
import type { Dialect, RequestGuard } from '../../common/request-guard.js';
import { forwardToLeader } from '../../framework/leader-proxy.js';
import type { ChronosHttpContext } from './context.js';
import { chronosError, schedulerRouter } from './routes.js';

/** An idle proxied exchange is abandoned after this long. */
const LEADER_PROXY_TIMEOUT_MS = 10_000;
const VIA_HEADER = 'x-chronos-via';

/** Jersey's @Consumes JSON: the media type without its parameters; refusals in Chronos's error shape. */
export const CHRONOS_DIALECT: Dialect = {
  bodyProblem: (contentType) =>
    contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json'
      ? null
      : { status: 415, message: 'Unsupported Media Type: job definitions are application/json' },
  send: (res, refusal) => void res.status(refusal.status).json(chronosError(refusal.status, refusal.message)),
};

export function createChronosApp(ctx: ChronosHttpContext, guard: RequestGuard): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(guard.http);
  app.get('/ping', (_req, res) => {
    res.set('Cache-Control', 'must-revalidate,no-cache,no-store').type('text/plain').send('pong\n');
  });
  app.get('/metrics', (_req, res) => void res.json(metrics(ctx)));
  app.get(['/leader', '/scheduler/leader', '/v1/scheduler/leader'], (_req, res) => {
    const leader = ctx.leaderId();
    if (leader === null) res.status(404).json(chronosError(404, 'There is no leader'));
    else res.json({ leader });
  });
  app.use(standbyProxy(ctx));
  app.use(express.text({ type: () => true, limit: MAX_CHRONOS_BODY_BYTES }));
  const scheduler = schedulerRouter(ctx);
  app.use('/v1/scheduler', scheduler);
  app.use('/scheduler', scheduler);
  app.use((req, res) => void res.status(404).json(chronosError(404, `No resource at ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}

/** Passes requests on when this Chronos leads; otherwise answers for the leader (503 while none is known). */
function standbyProxy(ctx: ChronosHttpContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const lead = ctx.leadership();
    if (lead.leading) return next();
    if (lead.leaderUrl === null) return void res.status(503).json(chronosError(503, 'No Chronos is leading yet'));
    const sent = forwardToLeader(req, res, {
      leaderUrl: lead.leaderUrl,
      viaHeader: VIA_HEADER,
      self: `1.1 ${ctx.hostPort}`,
      timeoutMs: LEADER_PROXY_TIMEOUT_MS,
      unreachable: (r, err) =>
        void r
          .status(500)
          .json(
            chronosError(500, `Error proxying request to leader (maybe the leadership just changed?): ${err.message}`),
          ),
    });
    if (!sent) res.status(502).json(chronosError(500, 'Detected proxying loop'));
  };
}

/** Codahale's MetricsServlet shape, with the scheduler's gauges (a standby's are zero). */
function metrics(ctx: ChronosHttpContext): Record<string, unknown> {
  const lead = ctx.leadership();
  const jobs = lead.leading ? lead.core.summary() : [];
  const gauge = (value: number): { value: number } => ({ value });
  return {
    version: '3.0.0',
    gauges: {
      'jobs.count': gauge(jobs.length),
      'jobs.disabled': gauge(jobs.filter((j) => j.disabled).length),
      'jobs.queued': gauge(jobs.filter((j) => j.state === 'queued').length),
      'jobs.running': gauge(jobs.filter((j) => j.state.endsWith('running')).length),
      leader: gauge(lead.leading ? 1 : 0),
    },
    counters: {},
    histograms: {},
    meters: {},
    timers: {},
  };
}

function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return void res.destroy();
  const status = (err as { status?: unknown }).status;
  if (status === 413)
    return void res
      .status(413)
      .json(chronosError(413, `Request entity too large (at most ${MAX_CHRONOS_BODY_BYTES} bytes)`));
  if (typeof status === 'number' && status >= 400 && status < 500)
    return void res.status(400).json(chronosError(400, err instanceof Error ? err.message : String(err)));
  res.status(500).json(chronosError(500, err instanceof Error ? err.message : String(err)));
}

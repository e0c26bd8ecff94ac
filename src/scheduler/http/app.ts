// The Marathon v2 REST API of one scheduler (express): the request guard, the web UI at /ui/, standby proxying,
// the leader's headers, bounded JSON bodies, the resource routers, /v2/events, JSON 404s and JSON errors.
import express, { type NextFunction, type Request, type Response } from 'express';
import { MAX_MARATHON_BODY_BYTES } from '../../common/limits.js';
import type { RequestGuard } from '../../common/request-guard.js';
import { appsRouter } from './apps.js';
import type { MarathonHttpContext } from './context.js';
import { deploymentsRouter } from './deployments.js';
import { eventsHandler } from './events.js';
import { eventSubscriptionsRouter } from './event-subscriptions.js';
import { groupsRouter } from './groups.js';
import { standbyProxy } from './proxy.js';
import { queueRouter } from './queue.js';
import { notFound } from './respond.js';
import { systemRouter } from './system.js';
import { tasksRouter } from './tasks.js';
import { marathonUi } from './ui.js';

export function createMarathonApp(ctx: MarathonHttpContext, guard: RequestGuard): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(guard.http);
  app.use(marathonUi());
  app.use(standbyProxy(ctx));
  app.use((_req, res, next) => {
    res.set({
      'X-Marathon-Leader': `http://${ctx.flags.hostname}:${ctx.flags.httpPort}`,
      'X-Frame-Options': 'DENY',
      'X-XSS-Protection': '1; mode=block',
    });
    next();
  });
  app.get('/v2/events', eventsHandler(ctx));
  app.use(express.text({ type: () => true, limit: MAX_MARATHON_BODY_BYTES }));
  app.use(
    appsRouter(ctx),
    tasksRouter(ctx),
    deploymentsRouter(ctx),
    groupsRouter(ctx),
    queueRouter(ctx),
    systemRouter(ctx),
    eventSubscriptionsRouter(ctx),
  );
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = (err as { status?: unknown }).status;
  if (status === 413) {
    res.status(413).json({ message: `Request entity too large (at most ${MAX_MARATHON_BODY_BYTES} bytes)` });
    return;
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    res.status(400).json({ message: 'Invalid JSON', details: err instanceof Error ? err.message : String(err) });
    return;
  }
  res.status(500).json({ message: err instanceof Error ? err.message : String(err) });
}

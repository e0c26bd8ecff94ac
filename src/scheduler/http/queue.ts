// /v2/queue: apps waiting to launch instances, with their launch delay and offer statistics (with
// `embed=lastUnusedOffers`, each agent's last unused offer and why), and DELETE /v2/queue/{appId}/delay (204).
import express, { type Request, type Response } from 'express';
import { resolvePathId } from '../core/path-id.js';
import { renderQueue } from '../core/render.js';
import type { MarathonHttpContext } from './context.js';
import { type Leading, apiError, execute, leading, notFound, queryList, sendError } from './respond.js';

export function queueRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  const role = ctx.flags.mesosRole === '' ? '*' : ctx.flags.mesosRole;
  router.get(
    '/v2/queue',
    leading(ctx, (lead, req, res) => {
      const lastUnusedOffers = queryList(req, 'embed').includes('lastUnusedOffers');
      res.json(renderQueue(lead.core, { now: ctx.now(), role, lastUnusedOffers }));
    }),
  );
  router.delete(
    '/v2/queue/*path',
    leading(ctx, (lead, req, res) => resetDelay(ctx, lead, req, res)),
  );
  return router;
}

async function resetDelay(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): Promise<void> {
  const segments = (req.params as { path?: string[] }).path ?? [];
  if (segments.at(-1) !== 'delay') return notFound(req, res);
  const appId = resolvePathId(segments.slice(0, -1).join('/'), '/');
  const now = ctx.now();
  const queued = lead.core.queue(now).some((entry) => entry.appId === appId);
  if (!queued && lead.core.delay(appId) === undefined)
    return sendError(res, apiError(404, `Application ${appId} not found in tasks queue.`));
  const reply = await execute(lead, lead.core.resetDelay(appId, now));
  if (!reply.ok) return sendError(res, reply);
  res.status(204).end();
}

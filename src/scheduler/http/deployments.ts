// /v2/deployments: the running plans (§9.3), and DELETE to roll one back (200 with the rollback plan)
// or, with force=true, to stop it where it stands (202).
import express, { type Request, type Response } from 'express';
import { renderDeployments } from '../core/render.js';
import type { MarathonHttpContext } from './context.js';
import { type Leading, apiError, execute, leading, queryFlag, sendDeployment, sendError } from './respond.js';

export function deploymentsRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  router.get(
    '/v2/deployments',
    leading(ctx, (lead, _req, res) => void res.json(renderDeployments(lead.core))),
  );
  router.delete(
    '/v2/deployments/:id',
    leading(ctx, (lead, req, res) => cancel(ctx, lead, req, res)),
  );
  return router;
}

async function cancel(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): Promise<void> {
  const id = String(req.params['id']);
  if (!lead.core.deployments().some((plan) => plan.id === id))
    return sendError(res, apiError(404, `DeploymentPlan ${id} does not exist`));
  const force = queryFlag(req, 'force', false);
  const reply = await execute(lead, lead.core.cancelDeployment(id, { force, now: ctx.now() }));
  if (!reply.ok) return sendError(res, reply);
  if (reply.plan === undefined) return void res.status(202).end();
  sendDeployment(res, reply.plan);
}

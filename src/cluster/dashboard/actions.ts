// The dashboard's actions (POST, JSON, bearer token; GET /token only checks it, GET /elections/N reads a
// recorded election): kill and start a component through the supervisor; deploy, scale and destroy apps
// through the Marathon API as the CLI does, Marathon's error answers passed back with their status.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DeployError, startDeployment } from '../../api/deploy.js';
import { MarathonClient, MarathonHttpError } from '../../api/marathon.js';
import { UserError, errorMessage } from '../../common/errors.js';
import { MAX_MARATHON_BODY_BYTES } from '../../common/limits.js';
import type { Logger } from '../../common/logging.js';
import { electionOf } from '../control.js';
import type { ElectionHistory } from '../elections/log.js';
import type { KillResult, StartResult } from '../status.js';

export interface ActionTarget {
  kill(name: string): Promise<KillResult>;
  start(name: string): Promise<StartResult>;
  /** `http://host:port` of the Marathon API, null when the cluster runs no scheduler. */
  marathon(): string | null;
  readonly elections: ElectionHistory;
}

export function actionsRouter(target: ActionTarget, log: Logger): Router {
  const router = express.Router();
  router.use(express.json({ limit: MAX_MARATHON_BODY_BYTES, strict: false }));
  router.get('/token', (_req, res) => void res.json({ ok: true }));
  router.get('/elections/:id', (req, res) => void res.json(electionOf(target.elections, req.params['id'] ?? '')));
  router.post('/components/:name/kill', async (req, res) => void res.json(await target.kill(req.params['name'] ?? '')));
  router.post(
    '/components/:name/start',
    async (req, res) => void res.json(await target.start(req.params['name'] ?? '')),
  );
  router.post(
    '/apps/deploy',
    async (req, res) => void res.json(await startDeployment(marathon(target), req.body, false)),
  );
  router.post('/apps/scale', async (req, res) => {
    const { id, instances } = appRequest(req.body);
    if (typeof instances !== 'number' || !Number.isInteger(instances) || instances < 0)
      throw new UserError(`instances must be a whole number, got ${String(instances)}`);
    res.json(await marathon(target).putApp(id, { instances }));
  });
  router.post(
    '/apps/destroy',
    async (req, res) => void res.json(await marathon(target).deleteApp(appRequest(req.body).id)),
  );
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const [status, body] = errorAnswer(err);
    if (status === 500) log.error({ err }, 'dashboard action failed');
    res.status(status).json(body);
  });
  return router;
}

function marathon(target: ActionTarget): MarathonClient {
  const url = target.marathon();
  if (url === null) throw new UserError('this cluster runs no scheduler');
  return new MarathonClient(url);
}

function appRequest(body: unknown): { id: string; instances?: unknown } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (typeof fields['id'] !== 'string' || fields['id'] === '') throw new UserError('the request names no app "id"');
  return { id: fields['id'], instances: fields['instances'] };
}

/** Marathon's own answer where there is one, else `{message}` with a status that says whose fault it was. */
export function errorAnswer(err: unknown): [number, unknown] {
  if (err instanceof MarathonHttpError)
    return [err.status, typeof err.body === 'object' && err.body !== null ? err.body : { message: String(err.body) }];
  if (err instanceof DeployError) return [422, { message: err.message }];
  if (err instanceof UserError) return [409, { message: err.message }];
  // express.json's errors: 400 for a body that is no JSON, 413 for one too large
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) return [status, { message: errorMessage(err) }];
  return [500, { message: errorMessage(err) }];
}

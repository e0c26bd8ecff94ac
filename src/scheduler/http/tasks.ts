// /v2/tasks (JSON or the text/plain list, `status` filter) and POST /v2/tasks/delete; the task kills
// that /v2/apps/{id}/tasks shares (scale, wipe, force; one task, an app's tasks on a host, or a list).
import express, { type Request, type Response } from 'express';
import type { AppVersion, Instance } from '../core/model.js';
import { isObject } from '../core/json-read.js';
import { renderTask, renderTasksText } from '../core/render.js';
import type { MarathonHttpContext } from './context.js';
import {
  type Leading,
  apiError,
  execute,
  leading,
  queryFlag,
  queryList,
  readJson,
  sendDeployment,
  sendError,
} from './respond.js';

/** Which tasks a kill names. */
export type KillSelection =
  | { kind: 'one'; appId: string; taskId: string }
  /** All tasks of an app, or those on one agent host (`*` = all). */
  | { kind: 'app'; appId: string; host?: string }
  | { kind: 'ids'; ids: string[] };

export interface KillCall {
  ctx: MarathonHttpContext;
  lead: Leading;
  req: Request;
  res: Response;
  select: KillSelection;
}

/** Task ids Marathon can parse: `<app>.<uuid>`, `<app>_<uuid>`, `<app>.instance-<uuid>._app.<n>`. */
const TASK_ID = /^(.+)([._])([^_.]+)$/;

export function tasksRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  router.get(
    '/v2/tasks',
    leading(ctx, (lead, req, res) => listTasks(lead, req, res)),
  );
  router.post(
    '/v2/tasks/delete',
    leading(ctx, (lead, req, res) => deleteTasks(ctx, lead, req, res)),
  );
  return router;
}

function listTasks(lead: Leading, req: Request, res: Response): void {
  const states = new Set(queryList(req, 'status').map((s) => `TASK_${s.toUpperCase()}`));
  const instances = lead.core.instances().filter((i) => states.size === 0 || states.has(i.state));
  const apps = Object.values(lead.core.root.apps).sort((a, b) => a.id.localeCompare(b.id));
  sendTaskList(lead, req, res, { apps, instances });
}

/** `{"tasks": [...]}`, or the text list of the apps' running tasks when the client asks for text/plain. */
export function sendTaskList(
  lead: Leading,
  req: Request,
  res: Response,
  list: { apps: AppVersion[]; instances: Instance[] },
): void {
  if (req.accepts(['application/json', 'text/plain']) === 'text/plain') {
    res.type('text/plain').send(renderTasksText(lead.core, list.apps));
    return;
  }
  res.json({ tasks: list.instances.map(renderTask) });
}

async function deleteTasks(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): Promise<void> {
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const ids = isObject(body.value) ? body.value['ids'] : undefined;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    return sendError(res, {
      ok: false,
      status: 422,
      body: { message: 'Invalid JSON', details: [{ path: '/ids', errors: ['error.expected.jsarray'] }] },
    });
  }
  const bad = ids.find((id) => !TASK_ID.test(id));
  if (bad !== undefined)
    return sendError(
      res,
      apiError(400, `Invalid task id '${bad}'. [expected <app>.<id> or <app>.instance-<uuid>._app.<n>]`),
    );
  return killTasks({ ctx, lead, req, res, select: { kind: 'ids', ids } });
}

export async function killTasks(call: KillCall): Promise<void> {
  const { ctx, lead, req, res, select } = call;
  const scale = queryFlag(req, 'scale', false);
  const wipe = queryFlag(req, 'wipe', false);
  if (scale && wipe) return sendError(res, apiError(400, 'You cannot use scale and wipe at the same time.'));
  const chosen = selected(lead, select);
  if (chosen === undefined)
    return sendError(res, apiError(404, `Task '${select.kind === 'one' ? select.taskId : ''}' does not exist`));
  const force = queryFlag(req, 'force', false);
  const ids = chosen.map((i) => i.taskId);
  const reply = await execute(lead, lead.core.killTasks({ ids, scale, wipe, force, now: ctx.now() }));
  if (!reply.ok) return sendError(res, reply);
  if (reply.plan !== undefined) return sendDeployment(res, reply.plan);
  if (select.kind !== 'one') return void res.json({ tasks: reply.killed.map(renderTask) });
  const [killed = chosen[0]] = reply.killed;
  res.json({ task: killed === undefined ? null : renderTask(killed) });
}

/** The instances a kill names; undefined when a single named task is unknown. */
function selected(lead: Leading, select: KillSelection): Instance[] | undefined {
  switch (select.kind) {
    case 'one': {
      const instance = lead.core.instance(select.taskId);
      return instance?.appId === select.appId ? [instance] : undefined;
    }
    case 'app': {
      const all = lead.core.instancesOf(select.appId);
      const host = select.host;
      return host === undefined || host === '*' ? all : all.filter((i) => i.host === host);
    }
    case 'ids':
      return select.ids.flatMap((id) => {
        const instance = lead.core.instance(id);
        return instance ? [instance] : [];
      });
  }
}

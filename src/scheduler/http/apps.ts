// /v2/apps: list (cmd/id/label filters, embed), create, update (PUT/PATCH, also in bulk), delete,
// restart, an app's tasks (list, kill), versions; `{id}/*` lists a group's apps.
import express, { type Request, type Response } from 'express';
import { normalizeApp } from '../core/app.js';
import { type AppLookup, type AppUpdateOptions, applyAppUpdate, applyAppUpdates } from '../core/app-update.js';
import { matchesLabels, parseLabelSelector } from '../core/label-selector.js';
import type { AppVersion } from '../core/model.js';
import { resolvePathId } from '../core/path-id.js';
import { LIST_EMBED, NO_EMBED, SINGLE_EMBED, readAppEmbed, renderApp, renderAppInfo } from '../core/render.js';
import type { MarathonHttpContext } from './context.js';
import {
  type Leading,
  absoluteUrl,
  apiError,
  deploy,
  deployAndAnswer,
  leading,
  notFound,
  queryFlag,
  queryList,
  queryString,
  readJson,
  sendDeployment,
  sendError,
  warn,
} from './respond.js';
import { killTasks, sendTaskList } from './tasks.js';

/** What follows /v2/apps/ once the reserved last segments are taken off. */
type AppPath =
  | { kind: 'app'; id: string }
  | { kind: 'groupApps'; group: string }
  | { kind: 'restart'; id: string }
  | { kind: 'tasks'; id: string }
  | { kind: 'task'; id: string; taskId: string }
  | { kind: 'versions'; id: string }
  | { kind: 'version'; id: string; version: string };

function parseAppPath(segments: readonly string[]): AppPath {
  const id = (n: number): string => resolvePathId(segments.slice(0, segments.length - n).join('/'), '/');
  const last = segments.at(-1);
  const secondLast = segments.at(-2);
  if (last === '*') return { kind: 'groupApps', group: id(1) };
  if (last === 'restart') return { kind: 'restart', id: id(1) };
  if (last === 'tasks') return { kind: 'tasks', id: id(1) };
  if (last === 'versions') return { kind: 'versions', id: id(1) };
  if (secondLast === 'tasks') return { kind: 'task', id: id(2), taskId: last ?? '' };
  if (secondLast === 'versions') return { kind: 'version', id: id(2), version: last ?? '' };
  return { kind: 'app', id: id(0) };
}

export function appsRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  router.get(
    '/v2/apps',
    leading(ctx, (lead, req, res) => listApps(ctx, lead, req, res)),
  );
  router.post(
    '/v2/apps',
    leading(ctx, (lead, req, res) => createApp(ctx, lead, req, res)),
  );
  router.put(
    '/v2/apps',
    leading(ctx, (lead, req, res) =>
      updateApps(ctx, lead, req, res, { partialUpdate: queryFlag(req, 'partialUpdate', true), mustExist: false }),
    ),
  );
  router.patch(
    '/v2/apps',
    leading(ctx, (lead, req, res) => updateApps(ctx, lead, req, res, { partialUpdate: true, mustExist: true })),
  );
  router.all(
    '/v2/apps/*path',
    leading(ctx, (lead, req, res) => appResource(ctx, lead, req, res)),
  );
  return router;
}

function listApps(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): void {
  const filter = appFilter(req);
  if (typeof filter === 'string') return sendError(res, apiError(422, filter));
  const embed = readAppEmbed(queryList(req, 'embed'), LIST_EMBED);
  const apps = sortedApps(lead).filter(filter);
  res.json({ apps: apps.map((app) => renderAppInfo(lead.core, app, embed, { now: ctx.now() })) });
}

/** `cmd` and `id` (case-insensitive substrings) and `label` (a selector); a message when the selector is bad. */
function appFilter(req: Request): ((app: AppVersion) => boolean) | string {
  const cmd = queryString(req, 'cmd')?.toLowerCase();
  const id = queryString(req, 'id')?.toLowerCase();
  const label = queryString(req, 'label');
  const parsed = label === undefined ? undefined : parseLabelSelector(label);
  if (parsed !== undefined && !parsed.ok) return parsed.message;
  return (app) =>
    (cmd === undefined || (app.cmd ?? '').toLowerCase().includes(cmd)) &&
    (id === undefined || app.id.toLowerCase().includes(id)) &&
    (parsed === undefined || matchesLabels(parsed.selector, app.labels));
}

function sortedApps(lead: Leading): AppVersion[] {
  return Object.values(lead.core.root.apps).sort((a, b) => a.id.localeCompare(b.id));
}

async function createApp(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): Promise<void> {
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const normalized = normalizeApp(body.value);
  if (!normalized.ok) return sendError(res, { ok: false, status: normalized.status, body: normalized.error });
  const { app, warnings } = normalized;
  const force = queryFlag(req, 'force', false);
  const result = await deploy({ ctx, lead, req, input: { upsert: [app], createOnly: true, force }, warnings });
  if (!result.ok) return sendError(res, result);
  const created = result.apps.find((a) => a.id === app.id);
  if (created === undefined) throw new Error(`the scheduler did not return the app ${app.id} it created`);
  warn(res, warnings);
  const info = renderAppInfo(lead.core, created, { ...NO_EMBED, counts: true }, { now: ctx.now() });
  res
    .status(201)
    .location(absoluteUrl(req, `/v2/apps${app.id}`))
    .set('Marathon-Deployment-Id', result.plan.deploymentId)
    .json({ ...info, deployments: [{ id: result.plan.deploymentId }] });
}

function lookup(lead: Leading): AppLookup {
  return { current: (id) => lead.core.root.apps[id], at: (id, version) => lead.core.appAt(id, version) };
}

async function updateApp(
  ctx: MarathonHttpContext,
  lead: Leading,
  req: Request,
  res: Response,
  opts: AppUpdateOptions & { id: string },
): Promise<void> {
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const update = applyAppUpdate({ ...opts, body: body.value }, lookup(lead));
  if (!update.ok) return sendError(res, update);
  const force = queryFlag(req, 'force', false);
  const result = await deploy({ ctx, lead, req, input: { upsert: [update.app], force }, warnings: update.warnings });
  if (!result.ok) return sendError(res, result);
  warn(res, update.warnings);
  if (update.created) res.location(absoluteUrl(req, `/v2/apps${opts.id}`));
  sendDeployment(res, result.plan, update.created ? 201 : 200);
}

async function updateApps(
  ctx: MarathonHttpContext,
  lead: Leading,
  req: Request,
  res: Response,
  opts: AppUpdateOptions,
): Promise<void> {
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const update = applyAppUpdates(body.value, opts, lookup(lead));
  if (!update.ok) return sendError(res, update);
  const force = queryFlag(req, 'force', false);
  const result = await deploy({ ctx, lead, req, input: { upsert: update.apps, force }, warnings: update.warnings });
  if (!result.ok) return sendError(res, result);
  warn(res, update.warnings);
  sendDeployment(res, result.plan);
}

async function appResource(ctx: MarathonHttpContext, lead: Leading, req: Request, res: Response): Promise<void> {
  const segments = (req.params as { path?: string[] }).path ?? [];
  const path = parseAppPath(segments);
  const method = req.method;
  switch (path.kind) {
    case 'app':
      return appMethods(ctx, lead, req, res, path.id);
    case 'groupApps':
      if (method !== 'GET') return notFound(req, res);
      return void res.json({
        '*': appsUnder(lead, path.group).map((app) => renderAppInfo(lead.core, app, SINGLE_EMBED, { now: ctx.now() })),
      });
    case 'restart':
      if (method !== 'POST') return notFound(req, res);
      return restartApp(ctx, lead, req, res, path.id);
    case 'tasks':
      return appTasks(ctx, lead, req, res, path.id);
    case 'task':
      if (method !== 'DELETE') return notFound(req, res);
      if (existing(lead, res, path.id) === undefined) return;
      return killTasks({ ctx, lead, req, res, select: { kind: 'one', appId: path.id, taskId: path.taskId } });
    case 'versions':
      if (method !== 'GET') return notFound(req, res);
      if (existing(lead, res, path.id) === undefined) return;
      return void res.json({ versions: lead.core.versions(path.id) });
    case 'version':
      return appVersion(lead, req, res, path);
  }
}

async function appMethods(
  ctx: MarathonHttpContext,
  lead: Leading,
  req: Request,
  res: Response,
  id: string,
): Promise<void> {
  switch (req.method) {
    case 'GET': {
      const app = existing(lead, res, id);
      if (app === undefined) return;
      const embed = readAppEmbed(queryList(req, 'embed'), SINGLE_EMBED);
      return void res.json({ app: renderAppInfo(lead.core, app, embed, { now: ctx.now() }) });
    }
    case 'PUT':
      return updateApp(ctx, lead, req, res, {
        id,
        partialUpdate: queryFlag(req, 'partialUpdate', true),
        mustExist: false,
      });
    case 'PATCH':
      return updateApp(ctx, lead, req, res, { id, partialUpdate: true, mustExist: true });
    case 'DELETE':
      if (existing(lead, res, id) === undefined) return;
      return deployAndAnswer({ ctx, lead, req, res }, { remove: [id], force: queryFlag(req, 'force', true) });
    default:
      return notFound(req, res);
  }
}

async function restartApp(
  ctx: MarathonHttpContext,
  lead: Leading,
  req: Request,
  res: Response,
  id: string,
): Promise<void> {
  if (existing(lead, res, id) === undefined) return;
  return deployAndAnswer({ ctx, lead, req, res }, { restart: [id], force: queryFlag(req, 'force', false) });
}

async function appTasks(
  ctx: MarathonHttpContext,
  lead: Leading,
  req: Request,
  res: Response,
  id: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'DELETE') return notFound(req, res);
  const app = existing(lead, res, id);
  if (app === undefined) return;
  if (req.method === 'GET') return sendTaskList(lead, req, res, { apps: [app], instances: lead.core.instancesOf(id) });
  const host = queryString(req, 'host');
  return killTasks({
    ctx,
    lead,
    req,
    res,
    select: { kind: 'app', appId: id, ...(host !== undefined ? { host } : {}) },
  });
}

function appVersion(lead: Leading, req: Request, res: Response, path: Extract<AppPath, { kind: 'version' }>): void {
  if (req.method !== 'GET') return notFound(req, res);
  if (existing(lead, res, path.id) === undefined) return;
  const app = lead.core.appAt(path.id, path.version);
  if (app === undefined)
    return sendError(res, apiError(404, `App '${path.id}' does not exist in version ${path.version}`));
  res.json(renderApp(app));
}

/** The app, or a 404 `App '/x' does not exist` already sent. */
function existing(lead: Leading, res: Response, id: string): AppVersion | undefined {
  const app = lead.core.root.apps[id];
  if (app === undefined) sendError(res, apiError(404, `App '${id}' does not exist`));
  return app;
}

function appsUnder(lead: Leading, group: string): AppVersion[] {
  const prefix = group === '/' ? '/' : `${group}/`;
  return sortedApps(lead).filter((app) => app.id.startsWith(prefix));
}

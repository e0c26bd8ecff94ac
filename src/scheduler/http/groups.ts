// /v2/groups: the group tree (embed), creating a group with its apps and subgroups, replacing a
// group's lists or scaling it (`scaleBy`), and removing a group with everything under it.
import express, { type Request } from 'express';
import { readGroupUpdate } from '../core/app-update.js';
import type { AppDefinition } from '../core/app-types.js';
import { isObject } from '../core/json-read.js';
import { parentOf, resolvePathId } from '../core/path-id.js';
import { groupIds, readGroupEmbed, renderGroup } from '../core/render.js';
import type { MarathonHttpContext } from './context.js';
import {
  type RouteCall,
  absoluteUrl,
  apiError,
  deploy,
  deployAndAnswer,
  leading,
  queryFlag,
  queryList,
  readJson,
  sendDeployment,
  sendError,
  warn,
} from './respond.js';

type Route = RouteCall;

export function groupsRouter(ctx: MarathonHttpContext): express.Router {
  const router = express.Router();
  const handle = (fn: (route: Route) => void | Promise<void>) =>
    leading(ctx, (lead, req, res) => fn({ ctx, lead, req, res }));
  router.get(['/v2/groups', '/v2/groups/*path'], handle(getGroup));
  router.post(['/v2/groups', '/v2/groups/*path'], handle(createGroup));
  router.put('/v2/groups/*path', handle(updateGroup));
  router.delete(['/v2/groups', '/v2/groups/*path'], handle(deleteGroup));
  return router;
}

function pathSegments(req: Request): string[] {
  return (req.params as { path?: string[] }).path ?? [];
}

function groupIdOf(segments: readonly string[]): string {
  return resolvePathId(segments.join('/'), '/');
}

function getGroup({ ctx, lead, req, res }: Route): void {
  const segments = pathSegments(req);
  const versions = segments.at(-1) === 'versions';
  const id = groupIdOf(versions ? segments.slice(0, -1) : segments);
  const group = renderGroup(lead.core, id, readGroupEmbed(queryList(req, 'embed')), { now: ctx.now() });
  if (group === undefined) return sendError(res, apiError(404, `Group '${id}' does not exist`));
  res.json(versions ? [group['version']] : group);
}

async function createGroup(route: Route): Promise<void> {
  const { lead, req, res } = route;
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const base = groupIdOf(pathSegments(req));
  const rawId = isObject(body.value) ? body.value['id'] : undefined;
  const groupId = typeof rawId === 'string' ? resolvePathId(rawId, base) : base;
  if (lead.core.root.apps[groupId] !== undefined)
    return sendError(res, apiError(409, `An app with the path ${groupId} already exists.`));
  if (groupIds(lead.core).has(groupId)) {
    return sendError(res, apiError(409, `Group ${groupId} is already created. Use PUT to change this group.`));
  }
  const update = readGroupUpdate(body.value, groupId);
  if (!update.ok) return sendError(res, update);
  const input = {
    upsert: update.apps,
    upsertGroups: update.groups,
    createOnly: true,
    force: queryFlag(req, 'force', false),
  };
  const result = await deploy({ ...route, input, warnings: update.warnings });
  if (!result.ok) return sendError(res, result);
  warn(res, update.warnings);
  res.location(absoluteUrl(req, `/v2/groups${groupId}`));
  sendDeployment(res, result.plan, 201);
}

async function updateGroup(route: Route): Promise<void> {
  const { lead, req, res } = route;
  const body = readJson(req);
  if (!body.ok) return sendError(res, body);
  const groupId = groupIdOf(pathSegments(req));
  const force = queryFlag(req, 'force', false);
  const scaleBy = isObject(body.value) ? body.value['scaleBy'] : undefined;
  if (typeof scaleBy === 'number') return deployAndAnswer(route, { upsert: scaled(route, groupId, scaleBy), force });
  if (isObject(body.value) && body.value['version'] != null) {
    return sendError(
      res,
      apiError(422, 'Rolling a group back to a version is not supported; roll back its apps with PUT /v2/apps/{id}.'),
    );
  }
  const update = readGroupUpdate(body.value, groupId);
  if (!update.ok) return sendError(res, update);
  const appIds = new Set(update.apps.map((a) => a.id));
  const subgroups = new Set(update.groups.map((g) => g.id));
  const remove = Object.keys(lead.core.root.apps).filter(
    (id) => update.appListsOf.includes(parentOf(id)) && !appIds.has(id),
  );
  const removeGroups = [...groupIds(lead.core)].filter(
    (id) => id !== '/' && update.groupListsOf.includes(parentOf(id)) && !subgroups.has(id),
  );
  warn(res, update.warnings);
  return deployAndAnswer(
    route,
    { upsert: update.apps, upsertGroups: update.groups, remove, removeGroups, force },
    update.warnings,
  );
}

/** Every app under the group with `instances` multiplied by `factor`, rounded up. */
function scaled({ lead }: Route, groupId: string, factor: number): AppDefinition[] {
  const prefix = groupId === '/' ? '/' : `${groupId}/`;
  return Object.values(lead.core.root.apps)
    .filter((app) => app.id.startsWith(prefix))
    .map(({ version: _version, versionInfo: _info, ...app }) => ({
      ...app,
      instances: Math.ceil(app.instances * factor),
    }));
}

async function deleteGroup(route: Route): Promise<void> {
  const { lead, req, res } = route;
  const groupId = groupIdOf(pathSegments(req));
  const force = queryFlag(req, 'force', false);
  if (groupId === '/') {
    const topGroups = [...groupIds(lead.core)].filter((id) => id !== '/' && parentOf(id) === '/');
    const rootApps = Object.keys(lead.core.root.apps).filter((id) => parentOf(id) === '/');
    return deployAndAnswer(route, { remove: rootApps, removeGroups: topGroups, force });
  }
  if (!groupIds(lead.core).has(groupId)) return sendError(res, apiError(404, `Group '${groupId}' does not exist`));
  return deployAndAnswer(route, { removeGroups: [groupId], force });
}

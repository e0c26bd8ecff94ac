// PUT/PATCH semantics of /v2/apps: partial updates merged into the existing app's JSON before
// validation, full replacement, create-if-missing, `{"version": ts}` rollbacks, bulk arrays and group bodies.
import { MAX_APP_ID_LENGTH } from '../../common/limits.js';
import { normalizeApp } from './app.js';
import type { AppDefinition } from './app-types.js';
import { type Json, isObject } from './json-read.js';
import type { ApiError } from './messages.js';
import type { AppVersion, Timestamp } from './model.js';
import { isValidPathId, parentOf, resolvePathId } from './path-id.js';
import { renderApp } from './render.js';

/** Where updates find the apps they change. */
export interface AppLookup {
  current(appId: string): AppVersion | undefined;
  at(appId: string, version: Timestamp): AppVersion | undefined;
}

export interface AppUpdateOptions {
  /** Merge the body into the existing app (Marathon's default) instead of replacing it. */
  partialUpdate: boolean;
  /** PATCH: 404 for an unknown app instead of creating it. */
  mustExist: boolean;
}

export interface AppUpdateRequest extends AppUpdateOptions {
  /** Absolute id from the URL; it wins over an `id` in the body. */
  id: string;
  body: unknown;
}

export type AppUpdateResult = { ok: true; app: AppDefinition; created: boolean; warnings: string[] } | ApiError;

export type AppsUpdateResult = { ok: true; apps: AppDefinition[]; created: string[]; warnings: string[] } | ApiError;

export const VERSION_ONLY_MESSAGE = "The 'version' field may only be combined with the 'id' field.";

export function applyAppUpdate(req: AppUpdateRequest, lookup: AppLookup): AppUpdateResult {
  if (!isObject(req.body)) return invalidJson('/', 'error.expected.jsobject', 400);
  const body = withoutNulls(req.body);
  const existing = lookup.current(req.id);
  if (existing === undefined && req.mustExist) return notFound(`App '${req.id}' does not exist`);
  if (body['version'] !== undefined) return rollback(req.id, body, lookup);
  const merged = req.partialUpdate && existing ? mergeInto(existing, body) : body;
  const normalized = normalizeApp({ ...merged, id: req.id });
  if (!normalized.ok) return { ok: false, status: normalized.status, body: normalized.error };
  return { ok: true, app: normalized.app, created: existing === undefined, warnings: normalized.warnings };
}

/** PUT/PATCH /v2/apps: an array of app updates, each naming its app with `id`. */
export function applyAppUpdates(body: unknown, opts: AppUpdateOptions, lookup: AppLookup): AppsUpdateResult {
  if (!Array.isArray(body)) return invalidJson('/', 'error.expected.jsarray', 400);
  const apps: AppDefinition[] = [];
  const created: string[] = [];
  const warnings: string[] = [];
  for (const [index, item] of body.entries()) {
    const result = updateItem(item, index, opts, lookup);
    if (!result.ok) return result;
    apps.push(result.app);
    if (result.created) created.push(result.app.id);
    warnings.push(...result.warnings.map((w) => `(${index})${w}`));
  }
  return { ok: true, apps, created, warnings };
}

function updateItem(item: unknown, index: number, opts: AppUpdateOptions, lookup: AppLookup): AppUpdateResult {
  const path = `/(${index})`;
  if (!isObject(item)) return invalidJson(path, 'error.expected.jsobject');
  const raw = item['id'];
  if (typeof raw !== 'string')
    return invalidJson(`${path}/id`, raw == null ? 'error.path.missing' : 'error.expected.jsstring');
  if (!isValidPathId(raw)) return invalidJson(`${path}/id`, 'error.pattern');
  const result = applyAppUpdate({ ...opts, id: resolvePathId(raw, '/'), body: item }, lookup);
  return result.ok ? result : prefixDetails(result, path);
}

/** `{"version": ts}` (optionally with `id`): the stored definition of that version, to deploy again. */
function rollback(appId: string, body: Json, lookup: AppLookup): AppUpdateResult {
  if (Object.keys(body).some((key) => key !== 'id' && key !== 'version')) {
    return {
      ok: false,
      status: 422,
      body: { message: 'Object is not valid', details: [{ path: '/', errors: [VERSION_ONLY_MESSAGE] }] },
    };
  }
  const version = body['version'];
  if (typeof version !== 'string') return invalidJson('/version', 'error.expected.jsstring');
  if (lookup.current(appId) === undefined) return notFound(`App '${appId}' does not exist`);
  const stored = lookup.at(appId, version);
  if (stored === undefined) return notFound(`App '${appId}' does not exist in version ${version}`);
  const { version: _version, versionInfo: _info, ...app } = stored;
  return { ok: true, app, created: false, warnings: [] };
}

/**
 * The body's fields over the existing app's JSON. A field that replaces another form of the same
 * setting drops the existing one (`ports` → portDefinitions, `uris` → fetch, `cmd` ↔ `args`, a legacy
 * docker network → networks), and leaving host networking drops the port definitions.
 */
function mergeInto(existing: AppVersion, body: Json): Json {
  const { version: _version, versionInfo: _info, ...base } = renderApp(existing);
  const dropped = new Set<string>();
  if ('ports' in body) dropped.add('portDefinitions');
  if ('uris' in body) dropped.add('fetch');
  if ('cmd' in body) dropped.add('args');
  if ('args' in body) dropped.add('cmd');
  if (legacyNetwork(body) !== undefined) dropped.add('networks');
  if (leavesHostNetworking(body) && !('portDefinitions' in body)) dropped.add('portDefinitions');
  const kept = Object.fromEntries(Object.entries(base).filter(([key]) => !dropped.has(key)));
  return { ...kept, ...body };
}

function legacyNetwork(body: Json): unknown {
  const container = body['container'];
  const docker = isObject(container) ? container['docker'] : undefined;
  return isObject(docker) ? (docker['network'] ?? undefined) : undefined;
}

function leavesHostNetworking(body: Json): boolean {
  const legacy = legacyNetwork(body);
  if (typeof legacy === 'string') return legacy.toUpperCase() !== 'HOST';
  const networks = body['networks'];
  return Array.isArray(networks) && networks.some((n) => isObject(n) && n['mode'] !== 'host');
}

function withoutNulls(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
}

/** A typed-read failure: 422, or 400 when the body as a whole has the wrong type (as normalizeApp). */
function invalidJson(path: string, error: string, status = 422): ApiError {
  return { ok: false, status, body: { message: 'Invalid JSON', details: [{ path, errors: [error] }] } };
}

function notFound(message: string): ApiError {
  return { ok: false, status: 404, body: { message } };
}

function prefixDetails(error: ApiError, prefix: string): ApiError {
  const details = error.body.details;
  if (!Array.isArray(details)) return error;
  const prefixed = details.map((d: { path: string; errors: string[] }) => ({
    ...d,
    path: d.path === '/' ? prefix : `${prefix}${d.path}`,
  }));
  return { ...error, body: { ...error.body, details: prefixed } };
}

/** A GroupUpdate body (POST/PUT /v2/groups) read into the apps and groups it names. */
export interface GroupUpdate {
  groupId: string;
  apps: AppDefinition[];
  groups: { id: string; dependencies: string[] }[];
  /** Groups whose `apps` list the body gives (PUT replaces their direct apps with it). */
  appListsOf: string[];
  /** Groups whose `groups` list the body gives (PUT replaces their direct subgroups with it). */
  groupListsOf: string[];
  warnings: string[];
}

export type GroupUpdateResult = ({ ok: true } & GroupUpdate) | ApiError;

/** Reads a GroupUpdate: ids of nested apps and groups are resolved against their enclosing group. */
export function readGroupUpdate(body: unknown, groupId: string): GroupUpdateResult {
  if (!isObject(body)) return invalidJson('/', 'error.expected.jsobject', 400);
  const out: GroupUpdate = { groupId, apps: [], groups: [], appListsOf: [], groupListsOf: [], warnings: [] };
  const error = readGroupInto(out, { body, groupId, path: '' });
  return error ?? { ok: true, ...out };
}

interface GroupNode {
  body: Json;
  groupId: string;
  /** Validation path prefix of this group in the body ('' for the top). */
  path: string;
}

function readGroupInto(out: GroupUpdate, node: GroupNode): ApiError | undefined {
  const { body, groupId, path } = node;
  if (groupId.length > MAX_APP_ID_LENGTH) return invalidJson(`${path}/id`, 'error.maxLength');
  const dependencies = body['dependencies'];
  const deps = Array.isArray(dependencies) ? dependencies.filter((d): d is string => typeof d === 'string') : [];
  const resolved = deps.map((d) => resolvePathId(d, groupId));
  if (resolved.some((d) => d.length > MAX_APP_ID_LENGTH)) return invalidJson(`${path}/dependencies`, 'error.maxLength');
  if (groupId !== '/') out.groups.push({ id: groupId, dependencies: resolved });
  const apps = body['apps'];
  if (Array.isArray(apps)) {
    out.appListsOf.push(groupId);
    for (const [i, app] of apps.entries()) {
      const error = readGroupApp(out, { app, groupId, path: `${path}/apps(${i})` });
      if (error) return error;
    }
  }
  const groups = body['groups'];
  if (!Array.isArray(groups)) return undefined;
  out.groupListsOf.push(groupId);
  for (const [i, group] of groups.entries()) {
    const at = `${path}/groups(${i})`;
    if (!isObject(group) || typeof group['id'] !== 'string') return invalidJson(`${at}/id`, 'error.path.missing');
    const error = readGroupInto(out, { body: group, groupId: resolvePathId(group['id'], groupId), path: at });
    if (error) return error;
  }
  return undefined;
}

function readGroupApp(out: GroupUpdate, o: { app: unknown; groupId: string; path: string }): ApiError | undefined {
  const normalized = normalizeApp(o.app, { baseGroup: o.groupId });
  if (!normalized.ok) return prefixDetails({ ok: false, status: normalized.status, body: normalized.error }, o.path);
  const { app } = normalized;
  if (parentOf(app.id) !== o.groupId) {
    const message = `identifier ${app.id} is not child of ${o.groupId}. Hint: use relative paths.`;
    return {
      ok: false,
      status: 422,
      body: { message: 'Object is not valid', details: [{ path: `${o.path}/id`, errors: [message] }] },
    };
  }
  out.apps.push(app);
  out.warnings.push(...normalized.warnings.map((w) => `${o.path}${w}`));
  return undefined;
}

// What every Marathon route shares: leading-only handlers, JSON body reading with Marathon's 400s,
// query flags, running core commands (with the API's own events and logs first) and their answers.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppDefinition } from '../core/app-types.js';
import type { ApiError, DeployRequest, DeploymentRef, Effect, Output } from '../core/messages.js';
import type { AppVersion } from '../core/model.js';
import { timestamp } from '../core/model.js';
import { renderApp } from '../core/render.js';
import type { Leadership, MarathonHttpContext } from './context.js';

export type Leading = Extract<Leadership, { leading: true }>;

export type LeadingHandler = (lead: Leading, req: Request, res: Response) => void | Promise<void>;

/** A handler that needs the leading core; 503 when this scheduler stopped leading meanwhile. */
export function leading(ctx: MarathonHttpContext, handler: LeadingHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const lead = ctx.leadership();
    if (!lead.leading) {
      res.status(503).json({ message: NO_LEADER_MESSAGE });
      return;
    }
    Promise.resolve(handler(lead, req, res)).catch(next);
  };
}

export const NO_LEADER_MESSAGE = 'Could not determine the current leader';

export function sendError(res: Response, error: ApiError): void {
  res.status(error.status).json(error.body);
}

export function apiError(status: number, message: string): ApiError {
  return { ok: false, status, body: { message } };
}

/** 404 `URI not found: /v2/foo` for paths (or methods) no route answers. */
export function notFound(req: Request, res: Response): void {
  sendError(res, apiError(404, `URI not found: ${req.path}`));
}

export type BodyRead = { ok: true; value: unknown } | ApiError;

/** The request body as JSON (read as text by the app); Marathon's 400s for an empty or malformed one. */
export function readJson(req: Request): BodyRead {
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') {
    return {
      ok: false,
      status: 400,
      body: { message: 'Please specify data in JSON format', details: 'No content to map due to end-of-input' },
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return {
      ok: false,
      status: 400,
      body: { message: 'Invalid JSON', details: err instanceof Error ? err.message : String(err) },
    };
  }
}

/** Every value of a repeatable query parameter (`embed=a&embed=b`, also `name[]=`). */
export function queryList(req: Request, name: string): string[] {
  const query = req.query as Record<string, unknown>;
  return [query[name], query[`${name}[]`]]
    .flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]))
    .map(String);
}

export function queryString(req: Request, name: string): string | undefined {
  return queryList(req, name)[0];
}

/** A boolean query flag (`force`, `scale`, `wipe`, `partialUpdate`); anything but `true` is false. */
export function queryFlag(req: Request, name: string, fallback: boolean): boolean {
  const value = queryString(req, name);
  return value === undefined ? fallback : value.toLowerCase() === 'true';
}

/**
 * Runs a command's output with the API's own events (before the core's events, after its persists and
 * calls) and log lines (after the core's), keeping the persist → call → event → log order.
 */
export async function execute<R extends { ok: true }>(
  lead: Leading,
  output: Output<R>,
  extra: Effect[] = [],
): Promise<R | ApiError> {
  if (!output.reply.ok || extra.length === 0) return lead.run(output);
  const of = (type: Effect['type'], effects: Effect[]): Effect[] => effects.filter((e) => e.type === type);
  const { effects } = output;
  const ordered = [
    ...of('persist', effects),
    ...of('call', effects),
    ...of('event', extra),
    ...of('event', effects),
    ...of('log', effects),
    ...of('log', extra),
  ];
  return lead.run({ ...output, effects: ordered });
}

export type DeployInput = Partial<Omit<DeployRequest, 'now'>>;

export interface Deployed {
  ok: true;
  plan: DeploymentRef;
  apps: AppVersion[];
}

export interface DeployCall {
  ctx: MarathonHttpContext;
  lead: Leading;
  req: Request;
  input: DeployInput;
  /** normalizeApp warnings of the apps in `input.upsert`, logged with the command's effects. */
  warnings?: readonly string[];
}

/** A deployment from the API, announced with api_post_event for every app it creates or updates. */
export async function deploy(call: DeployCall): Promise<Deployed | ApiError> {
  const { ctx, lead, req, input } = call;
  const output = lead.core.deploy({
    upsert: [],
    remove: [],
    removeGroups: [],
    upsertGroups: [],
    restart: [],
    killInstances: [],
    force: false,
    createOnly: false,
    ...input,
    now: ctx.now(),
  });
  const apps = output.reply.ok ? output.reply.apps : [];
  const posted = apps.filter((app) => input.upsert?.some((u) => u.id === app.id));
  const logs = warningLogs(input.upsert ?? [], call.warnings ?? []);
  return execute(lead, output, [...logs, ...posted.map((app) => apiPostEvent(ctx, app, req))]);
}

export interface RouteCall {
  ctx: MarathonHttpContext;
  lead: Leading;
  req: Request;
  res: Response;
}

/** Deploys and answers `{deploymentId, version}`, or the core's refusal. */
export async function deployAndAnswer(
  call: RouteCall,
  input: DeployInput,
  warnings: readonly string[] = [],
): Promise<void> {
  const result = await deploy({ ...call, input, warnings });
  if (!result.ok) return sendError(call.res, result);
  sendDeployment(call.res, result.plan);
}

function apiPostEvent(ctx: MarathonHttpContext, app: AppVersion, req: Request): Effect {
  return {
    type: 'event',
    event: {
      eventType: 'api_post_event',
      timestamp: timestamp(ctx.now()),
      clientIp: req.ip ?? req.socket.remoteAddress ?? '',
      uri: req.originalUrl.split('?')[0] ?? req.path,
      appDefinition: renderApp(app),
    },
  };
}

/** `{deploymentId, version}` with the `Marathon-Deployment-Id` header. */
export function sendDeployment(res: Response, plan: DeploymentRef, status = 200): void {
  res
    .status(status)
    .set('Marathon-Deployment-Id', plan.deploymentId)
    .json({ deploymentId: plan.deploymentId, version: plan.version });
}

/** Legacy inputs that normalizeApp converted: `Warning: 299 - "…"` headers (RFC 7234). */
export function warn(res: Response, warnings: readonly string[]): void {
  for (const w of warnings) res.append('Warning', `299 - "${w.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
}

function warningLogs(apps: readonly AppDefinition[], warnings: readonly string[]): Effect[] {
  if (warnings.length === 0) return [];
  const ids = apps.map((a) => a.id);
  return [
    { type: 'log', level: 'warn', msg: 'legacy app fields converted', fields: { apps: ids, warnings: [...warnings] } },
  ];
}

export function absoluteUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
}

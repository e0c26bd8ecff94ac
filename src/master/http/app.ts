// The HTTP endpoints of one master (express): Mesos's paths under /master/ and, by delegation, at the
// top level; leader-only ones answered with 307 to the leading master (503 while none is known);
// JSON or JSONP (`?jsonp=`); the v1 scheduler API is in scheduler.ts, the master's log under /files/ in
// files.ts; the web UI (ui/master) at `/`; every request passes the request guard first.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { MaintenanceScheduleJson } from '../../api/mesos.js';
import type { AttachedLog } from '../../common/files-read.js';
import { maintenanceSchedule, maintenanceStatus } from '../core/maintenance.js';
import type { MasterView } from '../core/master.js';
import type { Call, MasterInfo } from '../core/v1.js';
import {
  frameworksJson,
  metricsSnapshot,
  rolesJson,
  slavesJson,
  standbyMetrics,
  stateJson,
  stateSummaryJson,
  tasksJson,
  type MasterIdentity,
  type TasksQuery,
} from '../core/view.js';
import type { CallAnswer } from '../leading.js';
import { filesRouter } from './files.js';
import { updateScheduleRoute } from './maintenance.js';
import { schedulerRoute } from './scheduler.js';
import type { SchedulerStreams } from './streams.js';
import { queryParam, sendJson } from '../../common/jsonp.js';
import type { RequestGuard } from '../../common/request-guard.js';
import { uiRouter } from '../../common/ui-assets.js';

export type HttpRole =
  | { kind: 'leading'; view: MasterView }
  /** Elected, still reading the registry. */
  | { kind: 'recovering' }
  | { kind: 'standby'; leader: MasterInfo | null };

/** What the endpoints need from a master. */
export interface MasterHttpTarget {
  role(): HttpRole;
  /** This master. */
  readonly info: MasterInfo;
  readonly identity: MasterIdentity;
  readonly streams: SchedulerStreams;
  /** This master's log as text, for `/files/read?path=/master/log`. */
  readonly log: AttachedLog['log'];
  now(): number;
  /** A scheduler call on the leading master; rejects if it stops leading meanwhile. */
  schedulerCall(streamId: string | null, call: Call): Promise<CallAnswer | null>;
  /** A new maintenance schedule for the leading master; rejects if it stops leading meanwhile. */
  updateMaintenance(schedule: MaintenanceScheduleJson): Promise<CallAnswer | null>;
}

type Json = object;
type LeadingHandler = (view: MasterView, req: Request) => Json;

export function createMasterApp(target: MasterHttpTarget, guard: RequestGuard): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(guard.http);
  const master = masterRoutes(target);
  app.use('/master', master);
  app.get('/metrics/snapshot', (req, res) => sendJson(req, res, metrics(target)));
  app.get('/version', (req, res) => sendJson(req, res, versionJson(target.identity)));
  app.use(filesRouter(target.log));
  app.use('/', uiRouter('master'));
  app.use('/', master);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status;
    res
      .status(typeof status === 'number' ? status : 500)
      .type('text/plain')
      .send(err instanceof Error ? err.message : String(err));
  });
  return app;
}

/** The routes of the `master` actor; mounted at /master and, as Mesos delegates, at /. */
function masterRoutes(target: MasterHttpTarget): express.Router {
  const router = express.Router();
  const leading = (handler: LeadingHandler) => (req: Request, res: Response) => {
    const role = target.role();
    if (role.kind === 'leading') sendJson(req, res, handler(role.view, req));
    else notLeading(role, req, res);
  };
  router.get(
    ['/state', '/state.json'],
    leading((view) => stateJson(view, target.identity)),
  );
  router.get(
    ['/state-summary', '/state-summary.json'],
    leading((view) => stateSummaryJson(view, target.identity)),
  );
  router.get(
    ['/frameworks', '/frameworks.json'],
    leading((view, req) =>
      frameworksJson(view, optional<{ frameworkId?: string }>({ frameworkId: queryParam(req, 'framework_id') })),
    ),
  );
  router.get(
    ['/slaves', '/slaves.json'],
    leading((view, req) => slavesJson(view, optional<{ slaveId?: string }>({ slaveId: queryParam(req, 'slave_id') }))),
  );
  router.get(
    ['/tasks', '/tasks.json'],
    leading((view, req) => tasksJson(view, tasksQuery(req))),
  );
  router.get(
    ['/roles', '/roles.json'],
    leading((view) => rolesJson(view)),
  );
  router.get(
    '/maintenance/schedule',
    leading((view) => maintenanceSchedule(view.state)),
  );
  router.post('/maintenance/schedule', (req, res, next) => {
    const role = target.role();
    if (role.kind !== 'leading') notLeading(role, req, res);
    else updateScheduleRoute(req, res, (schedule) => target.updateMaintenance(schedule)).catch(next);
  });
  router.get(
    '/maintenance/status',
    leading((view) => maintenanceStatus(view.state)),
  );
  router.get('/redirect', (_req, res) => redirectToLeader(target, res));
  router.get('/health', (_req, res) => void res.status(200).end());
  router.get(['/flags', '/flags.json'], (req, res) => sendJson(req, res, { flags: target.identity.flags }));
  router.all('/api/v1/scheduler', (req, res, next) => {
    const role = target.role();
    if (role.kind !== 'leading') notLeading(role, req, res);
    else schedulerRoute(target, req, res).catch(next);
  });
  return router;
}

/** A standby answers 307 to the leading master with the path as the master actor saw it; 503 without one. */
function notLeading(role: Exclude<HttpRole, { kind: 'leading' }>, req: Request, res: Response): void {
  if (role.kind === 'recovering') {
    res.status(503).type('text/plain').send('Master has not finished recovery');
    return;
  }
  if (role.leader === null) {
    res.status(503).type('text/plain').send('No leader elected');
    return;
  }
  const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  res
    .status(307)
    .location(`${leaderBase(role.leader)}/master${req.path}${search}`)
    .end();
}

/** `/master/redirect`: 307 to the leading master's bare base URL (this master's own when it leads). */
function redirectToLeader(target: MasterHttpTarget, res: Response): void {
  const role = target.role();
  const leader = role.kind === 'standby' ? role.leader : target.info;
  if (leader === null) res.status(503).type('text/plain').send('No leader elected');
  else res.status(307).location(leaderBase(leader)).end();
}

/** Protocol-relative base URL of a master, as Mesos redirects: `//hostname:port`. */
function leaderBase(leader: MasterInfo): string {
  return `//${leader.hostname ?? leader.address?.hostname ?? leader.address?.ip ?? ''}:${leader.port}`;
}

function metrics(target: MasterHttpTarget): Record<string, number> {
  const role = target.role();
  const times = { now: target.now(), startedAt: target.identity.startedAt };
  return role.kind === 'leading' ? metricsSnapshot(role.view, times) : standbyMetrics(times);
}

function versionJson(identity: MasterIdentity): Record<string, unknown> {
  const { version, build_date, build_time, build_user } = identity;
  return { version, build_date, build_time, build_user };
}

function optional<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function tasksQuery(req: Request): TasksQuery {
  const number = (name: string): number | undefined => {
    const n = Number(queryParam(req, name));
    return Number.isInteger(n) && n >= 0 ? n : undefined;
  };
  const order = queryParam(req, 'order');
  return optional<TasksQuery>({
    frameworkId: queryParam(req, 'framework_id'),
    taskId: queryParam(req, 'task_id'),
    limit: number('limit'),
    offset: number('offset'),
    order: order === 'asc' || order === 'desc' ? order : undefined,
  });
}

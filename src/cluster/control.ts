// The control API: HTTP on 127.0.0.1 behind the request guard, bearer token from the cluster file. The CLI
// (src/api/control.ts) uses it to read status, kill and start components, follow the timeline, read the
// recorded elections and stop the cluster.
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { UserError, errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { CONTROL_DIALECT, requestGuard, sameSecret, type Site } from '../common/request-guard.js';
import type { StartChoice } from './core/start-choice.js';
import type { ElectionRecord } from '../common/election-record.js';
import type { ElectionHistory } from './elections/log.js';
import type { TimelineStore } from './timeline-store.js';
import type { ClusterStatus, KillResult, StartResult } from './status.js';

/** What the control API drives; the Supervisor implements it. */
export interface ControlTarget {
  status(): Promise<ClusterStatus>;
  kill(name: string): Promise<KillResult>;
  start(name: string): Promise<StartResult>;
  /** What `start` would bring back for this name or word (`leader`), without starting it. */
  whichToStart(name: string): StartChoice;
  /** Stops every component; the API answers once they are gone. */
  down(): Promise<void>;
  /** Called after the answer to POST /down has been sent. */
  afterDown(): void;
  readonly timeline: TimelineStore;
  readonly elections: ElectionHistory;
}

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  target: ControlTarget;
  token: string;
  log: Logger;
  site: Site;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { target } = options;
  const app = express();
  app.use(requestGuard({ dialect: CONTROL_DIALECT, log: options.log, site: options.site }).http);
  app.use(requireToken(options.token));
  app.get('/status', async (_req, res) => void res.json(await target.status()));
  app.post('/kill/:name', async (req, res) => void res.json(await target.kill(req.params['name'] ?? '')));
  app.get('/start/:name', (req, res) => void res.json(target.whichToStart(req.params['name'] ?? '')));
  app.post('/start/:name', async (req, res) => void res.json(await target.start(req.params['name'] ?? '')));
  app.post('/down', async (_req, res) => {
    await target.down();
    res.on('finish', () => target.afterDown());
    res.json({ stopped: true });
  });
  app.get('/events', (req, res) => streamEvents(target.timeline, req, res));
  app.get('/elections', (_req, res) => void res.json(target.elections.summaries()));
  app.get('/elections/:id', (req, res) => void res.json(electionOf(target.elections, req.params['id'] ?? '')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!(err instanceof UserError)) options.log.error({ err }, 'control request failed');
    res.status(err instanceof UserError ? 409 : 500).json({ error: errorMessage(err) });
  });
  const server = await listen(app);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://${LOOPBACK}:${port}`,
    close: () => closeServer(server),
  };
}

/** Serves `app` on loopback at `port` (0: any free port). */
export function listen(app: express.Express, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, LOOPBACK, (err?: Error) => (err === undefined ? resolve(server) : reject(err)));
  });
}

/** Stops listening and drops open connections (streams included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Answers 401 unless the request carries `Authorization: Bearer <token>`. */
export function requireToken(token: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) next();
    else res.status(401).json({ error: 'missing or wrong control token' });
  };
}

/** A kept election by its number; a UserError naming the ones kept when it is not. */
export function electionOf(elections: ElectionHistory, id: string): ElectionRecord {
  const found = /^\d+$/.test(id) ? elections.record(Number(id)) : undefined;
  if (found !== undefined) return found;
  const kept = elections.summaries().map((s) => s.id);
  const range = kept.length === 0 ? 'none is recorded yet' : `kept: ${Math.min(...kept)} to ${Math.max(...kept)}`;
  throw new UserError(`no election ${id} (${range})`);
}

/** NDJSON: events after `?after=<seq>`, then, with `?follow=1`, new ones as they happen. */
function streamEvents(timeline: TimelineStore, req: Request, res: Response): void {
  const after = Number(req.query['after'] ?? 0);
  res.type('application/x-ndjson');
  const write = (event: object): boolean => res.write(`${JSON.stringify(event)}\n`);
  for (const event of timeline.since(Number.isFinite(after) ? after : 0)) write(event);
  if (req.query['follow'] !== '1') {
    res.end();
    return;
  }
  res.flushHeaders();
  const unsubscribe = timeline.subscribe(write);
  res.on('close', unsubscribe);
}

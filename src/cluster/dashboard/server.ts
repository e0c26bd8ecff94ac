// The supervisor's dashboard: the page at `/` (it loads without the token and asks for it), its
// snapshots over the WebSocket `/ws?token=…`, and its actions under `/api/` with a bearer token, all
// on its own loopback port behind the request guard. Its URL carries the cluster's control token, as Jupyter's does.
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../common/logging.js';
import { LOOPBACK } from '../../common/ports.js';
import {
  CONTROL_DIALECT,
  type Refusal,
  type RequestGuard,
  type Site,
  refuseUpgrade,
  requestGuard,
  sameSecret,
} from '../../common/request-guard.js';
import { uiRouter } from '../../common/ui-assets.js';
import { closeServer, listen, requireToken } from '../control.js';
import type { TimelineStore } from '../timeline-store.js';
import type { ClusterStatus } from '../status.js';
import { actionsRouter, type ActionTarget } from './actions.js';
import { SnapshotFeed } from './feed.js';

/** Largest message a browser may send on the socket (it sends none). */
const MAX_INBOUND_MESSAGE_BYTES = 1024;

export interface DashboardTarget extends ActionTarget {
  status(): Promise<ClusterStatus>;
  readonly timeline: TimelineStore;
}

export interface DashboardOptions {
  target: DashboardTarget;
  /** Emits 'change' on every component report. */
  changes: EventEmitter;
  port: number;
  token: string;
  log: Logger;
  site: Site;
}

export interface Dashboard {
  /** `http://127.0.0.1:port/?token=…`. */
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { target, changes, token, log } = options;
  const guard = requestGuard({ dialect: CONTROL_DIALECT, log, site: options.site });
  const app = express();
  app.use(guard.http);
  app.use('/api', requireToken(token), actionsRouter(target, log));
  app.use('/', uiRouter('dashboard'));
  const server = await listen(app, options.port);
  const feed = new SnapshotFeed({
    status: () => target.status(),
    timeline: target.timeline,
    elections: target.elections,
    log,
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_INBOUND_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => upgrade({ req, socket, head, token, feed, sockets, guard }));
  const onChange = (): void => feed.changed();
  changes.on('change', onChange);
  const unsubscribe = target.timeline.subscribe(onChange);
  return {
    url: `http://${LOOPBACK}:${portOf(server)}/?token=${token}`,
    close: async () => {
      changes.off('change', onChange);
      unsubscribe();
      feed.close();
      sockets.close();
      await closeServer(server);
    },
  };
}

interface Upgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  token: string;
  feed: SnapshotFeed;
  sockets: WebSocketServer;
  guard: RequestGuard;
}

/** `/ws?token=…` from one of the cluster's pages with the right token becomes a feed client; anything else is refused. */
function upgrade({ req, socket, head, token, feed, sockets, guard }: Upgrade): void {
  const refusal = guard.upgrade(req) ?? refusalOf(new URL(req.url ?? '/', `http://${LOOPBACK}`), token, feed);
  if (refusal !== null) refuseUpgrade(socket, refusal);
  else sockets.handleUpgrade(req, socket, head, (ws) => feed.add(ws));
}

function refusalOf(url: URL, token: string, feed: SnapshotFeed): Refusal | null {
  if (url.pathname !== '/ws') return { status: 404, message: 'Not Found' };
  if (!sameSecret(url.searchParams.get('token') ?? '', token))
    return { status: 401, message: 'missing or wrong token' };
  return feed.full ? { status: 503, message: 'too many dashboard clients' } : null;
}

function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

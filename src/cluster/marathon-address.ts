// The cluster's one Marathon address: a port kept across restarts that passes every request on to the
// leading scheduler (as Marathon's standbys proxy to their leader), streams included, so the URL `up`
// prints keeps working across a scheduler failover. With no scheduler leading it says how to start one.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { MARATHON_DIALECT, requestGuard, type Site } from '../common/request-guard.js';

export interface MarathonAddressOptions {
  port: number;
  /** `http://host:port` of the leading scheduler, or null while none leads. */
  leader(): string | null;
  /** What to say while no scheduler leads, e.g. "start one with `minicluster start scheduler-1`". */
  noLeaderHint(): string;
  log: Logger;
  site: Site;
}

export interface MarathonAddress {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMarathonAddress(options: MarathonAddressOptions): Promise<MarathonAddress> {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestGuard({ dialect: MARATHON_DIALECT, log: options.log, site: options.site }).http);
  app.use((req, res) => forward(req, res, options));
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${LOOPBACK}:${port}`, close: () => closeServer(server) };
}

/** Sends the request on to the leading scheduler unchanged (its Host too, for the Location it builds). */
function forward(req: IncomingMessage, res: ServerResponse, options: MarathonAddressOptions): void {
  const leader = options.leader();
  if (leader === null) return unavailable(res, `No scheduler is leading: ${options.noLeaderHint()}`);
  const upstream = request(new URL(req.url ?? '/', leader), { method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) unavailable(res, `The leading scheduler did not answer (${err.message}); try again`);
    else res.destroy();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function unavailable(res: ServerResponse, message: string): void {
  res.writeHead(503, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message }));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// A standby's side of the API: every request is forwarded to the leader (method, path, query, body,
// headers, plus X-Marathon-Via) and its answer relayed; /v2/events is redirected (307); 503 with no leader.
import http from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MarathonHttpContext } from './context.js';
import { NO_LEADER_MESSAGE } from './respond.js';
import { hostPort } from './system.js';

/** Marathon's --leader_proxy_read_timeout default: an idle proxied exchange is abandoned after it. */
export const LEADER_PROXY_READ_TIMEOUT_MS = 10_000;

const VIA_HEADER = 'x-marathon-via';
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Passes requests on when this scheduler leads; otherwise answers for the leader. */
export function standbyProxy(ctx: MarathonHttpContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const lead = ctx.leadership();
    if (lead.leading) return next();
    if (lead.leaderUrl === null) return void res.status(503).type('text/plain').send(NO_LEADER_MESSAGE);
    if (req.path === '/v2/events') return void res.redirect(307, `${lead.leaderUrl}${req.originalUrl}`);
    const via = viaOf(req);
    const self = `1.1 ${hostPort(ctx)}`;
    if (via.includes(self)) return void res.status(502).type('text/plain').send('Detected proxying loop.');
    forward(req, res, { leaderUrl: lead.leaderUrl, via: [...via, self].join(',') });
  };
}

function viaOf(req: Request): string[] {
  const header = req.headers[VIA_HEADER];
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function forward(req: Request, res: Response, o: { leaderUrl: string; via: string }): void {
  const target = new URL(req.originalUrl, o.leaderUrl);
  const headers = withoutHopByHop(req.headers);
  headers[VIA_HEADER] = o.via;
  const upstream = http.request(
    target,
    { method: req.method, headers, timeout: LEADER_PROXY_READ_TIMEOUT_MS },
    (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(withoutHopByHop(answer.headers))) {
        if (value !== undefined) res.setHeader(name, value);
      }
      answer.pipe(res);
    },
  );
  upstream.on('timeout', () => upstream.destroy(new Error('the leader did not answer in time')));
  upstream.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else res.status(502).type('text/plain').send(`Could not reach the leader at ${o.leaderUrl}: ${err.message}`);
  });
  req.pipe(upstream);
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

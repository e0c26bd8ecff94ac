// A standby's side of the API: every request is forwarded to the leader (method, path, query, body,
// headers, plus X-Marathon-Via) and its answer relayed; /v2/events is redirected (307); with no leader, 503
// (404 `There is no leader` for /v2/leader).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forwardToLeader } from '../../framework/leader-proxy.js';
import type { MarathonHttpContext } from './context.js';
import { NO_LEADER_MESSAGE } from './respond.js';
import { hostPort } from './system.js';

/** Marathon's --leader_proxy_read_timeout default: an idle proxied exchange is abandoned after it. */
export const LEADER_PROXY_READ_TIMEOUT_MS = 10_000;

const VIA_HEADER = 'x-marathon-via';

/** Passes requests on when this scheduler leads; otherwise answers for the leader. */
export function standbyProxy(ctx: MarathonHttpContext): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const lead = ctx.leadership();
    if (lead.leading) return next();
    if (lead.leaderUrl === null && req.path === '/v2/leader')
      return void res.status(404).json({ message: 'There is no leader' });
    if (lead.leaderUrl === null) return void res.status(503).type('text/plain').send(NO_LEADER_MESSAGE);
    if (req.path === '/v2/events') return void res.redirect(307, `${lead.leaderUrl}${req.originalUrl}`);
    const leaderUrl = lead.leaderUrl;
    const sent = forwardToLeader(req, res, {
      leaderUrl,
      viaHeader: VIA_HEADER,
      self: `1.1 ${hostPort(ctx)}`,
      timeoutMs: LEADER_PROXY_READ_TIMEOUT_MS,
      unreachable: (r, err) =>
        void r.status(502).type('text/plain').send(`Could not reach the leader at ${leaderUrl}: ${err.message}`),
    });
    if (!sent) res.status(502).type('text/plain').send('Detected proxying loop.');
  };
}

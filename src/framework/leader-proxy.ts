// A standby's side of a framework's API: a request is forwarded to the leader (method, path, query, body and
// headers, plus this server in a Via header of the framework's, so a loop is noticed) and the answer relayed.
import http from 'node:http';
import type { Request, Response } from 'express';

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

export interface ProxyTarget {
  /** `http://host:port` of the leader. */
  leaderUrl: string;
  /** The framework's Via header (`x-marathon-via`) and this server's entry in it (`1.1 host:port`). */
  viaHeader: string;
  self: string;
  /** An idle exchange is abandoned after this long. */
  timeoutMs: number;
  /** Answers a request the leader could not be reached for. */
  unreachable(res: Response, err: Error): void;
}

/** Forwards the request to the leader; false (nothing sent) when it already passed through this server. */
export function forwardToLeader(req: Request, res: Response, t: ProxyTarget): boolean {
  const via = viaOf(req, t.viaHeader);
  if (via.includes(t.self)) return false;
  const headers = withoutHopByHop(req.headers);
  headers[t.viaHeader] = [...via, t.self].join(',');
  const upstream = http.request(
    new URL(req.originalUrl, t.leaderUrl),
    { method: req.method, headers, timeout: t.timeoutMs },
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
    else t.unreachable(res, err);
  });
  req.pipe(upstream);
  return true;
}

function viaOf(req: Request, header: string): string[] {
  const value = req.headers[header];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

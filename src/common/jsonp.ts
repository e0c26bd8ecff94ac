// Mesos-style JSON answers shared by the master and agent endpoints: plain JSON, or
// `callback(json);` when the caller asks for JSONP with `?jsonp=name` (as the Mesos web UI does).
import type { Request, Response } from 'express';

const JSONP_CALLBACK = /^[A-Za-z_$][\w$.]*$/;

/** A query parameter as one string (the first, when given several times). */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : undefined;
}

export function sendJson(req: Request, res: Response, body: unknown): void {
  const callback = queryParam(req, 'jsonp');
  if (callback === undefined) {
    res.json(body);
    return;
  }
  if (!JSONP_CALLBACK.test(callback)) {
    res.status(400).type('text/plain').send(`Invalid JSONP callback '${callback}'`);
    return;
  }
  res.type('text/javascript').send(`${callback}(${JSON.stringify(body)});`);
}

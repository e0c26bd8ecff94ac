// Requests with headers fetch() will not set as given (Host, Origin), as a browser page or a rebinding DNS name
// would send them, and WebSocket upgrades with such headers; answers as status and text.
import http from 'node:http';
import { WebSocket } from 'ws';

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** One request to `url` with exactly these headers (Host included when given). */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = {
      ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
      ...request.headers,
    };
    const req = http.request(url, { method: request.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'] ?? '',
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Tries a WebSocket upgrade: 101 when it opens (then closes it), else the status of the refusal. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

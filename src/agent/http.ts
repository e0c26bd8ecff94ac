// The agent's HTTP endpoints: `/slave(1)/state` (≡ `/state`), `/slave(1)/health`, `/metrics/snapshot`
// and `/files/browse|read|download|debug` over sandboxes only; JSON answers honour `?jsonp=`; every request
// passes the request guard first.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import express, { type Request, type Response } from 'express';
import { errorMessage } from '../common/errors.js';
import { MAX_FILES_READ_BYTES } from '../common/limits.js';
import type { RequestGuard } from '../common/request-guard.js';
import type { AgentView } from './core/agent.js';
import { agentMetrics, agentState, type StateExtras } from './core/view.js';
import { attachedSandboxes, browse, resolveSandboxPath } from './files.js';
import { queryParam, sendJson } from '../common/jsonp.js';

export interface AgentHttpOptions {
  view(): AgentView;
  extras(): StateExtras;
  /** Seconds since the agent started. */
  uptimeSecs(): number;
  guard: RequestGuard;
}

type Handler = (req: Request, res: Response, o: AgentHttpOptions) => Promise<void> | void;

function fail(res: Response, status: number, message = ''): void {
  res.status(status).type('text/plain').send(message);
}

function attached(o: AgentHttpOptions): Map<string, string> {
  const { state: s, options } = o.view();
  return attachedSandboxes([...s.completed, ...s.tasks.values()], { workDir: options.workDir, agentId: s.agentId });
}

/** The real path of `?path=` inside a sandbox, or null after answering 400/403/404. */
async function sandboxFile(
  req: Request,
  res: Response,
  o: AgentHttpOptions,
): Promise<{ real: string; virtual: string } | null> {
  const virtual = queryParam(req, 'path');
  if (virtual === undefined || virtual === '') {
    fail(res, 400, "Expecting 'path=value' in query.\n");
    return null;
  }
  const resolved = await resolveSandboxPath(virtual, attached(o));
  if (resolved.kind === 'found') return { real: resolved.path, virtual };
  if (resolved.kind === 'forbidden') fail(res, 403, `${resolved.message}.\n`);
  else fail(res, 404);
  return null;
}

/** `?name=` as an integer (default `fallback`), or null after answering 400. */
function integerParam(req: Request, res: Response, name: string, fallback: number): number | null {
  const text = queryParam(req, name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < -1) {
    fail(res, 400, `Failed to parse ${name}: '${text ?? ''}' is not a valid value.\n`);
    return null;
  }
  return value;
}

const readFile: Handler = async (req, res, o) => {
  const offsetParam = integerParam(req, res, 'offset', -1);
  const lengthParam = offsetParam === null ? null : integerParam(req, res, 'length', -1);
  if (offsetParam === null || lengthParam === null) return;
  const file = await sandboxFile(req, res, o);
  if (file === null) return;
  const st = await stat(file.real);
  if (st.isDirectory()) return fail(res, 400, 'Cannot read a directory.\n');
  const offset = offsetParam === -1 ? st.size : offsetParam;
  if (offset >= st.size) return sendJson(req, res, { offset: st.size, data: '' });
  const length = Math.min(lengthParam === -1 ? st.size - offset : lengthParam, MAX_FILES_READ_BYTES);
  const handle = await open(file.real, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    sendJson(req, res, { offset, data: buffer.subarray(0, bytesRead).toString('utf8') });
  } finally {
    await handle.close();
  }
};

const download: Handler = async (req, res, o) => {
  const file = await sandboxFile(req, res, o);
  if (file === null) return;
  if ((await stat(file.real)).isDirectory()) return fail(res, 400, 'Cannot download a directory.\n');
  res.attachment(basename(file.real));
  createReadStream(file.real)
    .on('error', () => res.destroy())
    .pipe(res);
};

const browseDir: Handler = async (req, res, o) => {
  const file = await sandboxFile(req, res, o);
  if (file !== null) sendJson(req, res, await browse(file.real, file.virtual));
};

const state: Handler = (req, res, o) => sendJson(req, res, agentState(o.view(), o.extras()));
const health: Handler = (_req, res) => void res.status(200).end();

const ROUTES: Record<string, Handler> = {
  '/slave(1)/state': state,
  '/slave(1)/state.json': state,
  '/state': state,
  '/state.json': state,
  '/slave(1)/health': health,
  '/health': health,
  '/metrics/snapshot': (req, res, o) => sendJson(req, res, agentMetrics(o.view(), o.uptimeSecs())),
  '/files/browse': browseDir,
  '/files/read': readFile,
  '/files/download': download,
  '/files/debug': (req, res, o) => sendJson(req, res, Object.fromEntries(attached(o))),
};

export function agentApp(o: AgentHttpOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(o.guard.http);
  app.use((req, res, next) => {
    // Some clients escape the parentheses of `/slave(1)/…`.
    const path = req.path.replace(/%28/gi, '(').replace(/%29/gi, ')');
    const handler = req.method === 'GET' || req.method === 'HEAD' ? ROUTES[path] : undefined;
    if (handler === undefined) return next();
    Promise.resolve(handler(req, res, o)).catch(next);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) =>
    fail(res, 500, `${errorMessage(err)}\n`),
  );
  return app;
}

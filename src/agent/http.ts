// The agent's HTTP endpoints: `/slave(1)/state` (≡ `/state`), `/slave(1)/monitor/statistics`, `/slave(1)/health`,
// `/metrics/snapshot` and `/files/browse|read|download|debug` over sandboxes and the agent's log (`/slave/log`);
// JSON answers honour `?jsonp=`; every request passes the request guard first.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import express, { type Request, type Response } from 'express';
import type { ExecutorStatisticsJson } from '../api/agent.js';
import { errorMessage } from '../common/errors.js';
import {
  fail,
  pathParam,
  readQuery,
  sendChunk,
  serveLog,
  type AttachedLog,
  type ChunkSource,
} from '../common/files-read.js';
import type { RequestGuard } from '../common/request-guard.js';
import type { AgentView } from './core/agent.js';
import { agentMetrics, agentState, type StateExtras } from './core/view.js';
import { attachedSandboxes, browse, resolveSandboxPath } from './files.js';
import { sendJson } from '../common/jsonp.js';

export interface AgentHttpOptions {
  view(): AgentView;
  extras(): StateExtras;
  /** Seconds since the agent started. */
  uptimeSecs(): number;
  /** What the running executors use (`/slave(1)/monitor/statistics`). */
  statistics(): Promise<ExecutorStatisticsJson[]>;
  /** The agent's log, attached at `/slave/log`. */
  log: AttachedLog;
  guard: RequestGuard;
}

type Handler = (req: Request, res: Response, o: AgentHttpOptions) => Promise<void> | void;

function attached(o: AgentHttpOptions): Map<string, string> {
  const { state: s, options } = o.view();
  return attachedSandboxes([...s.completed, ...s.tasks.values()], { workDir: options.workDir, agentId: s.agentId });
}

/** The real path of `path` inside a sandbox, or null after answering 403/404. */
async function sandboxFile(res: Response, o: AgentHttpOptions, virtual: string): Promise<string | null> {
  const resolved = await resolveSandboxPath(virtual, attached(o));
  if (resolved.kind === 'found') return resolved.path;
  if (resolved.kind === 'forbidden') fail(res, 403, `${resolved.message}.\n`);
  else fail(res, 404);
  return null;
}

function fileChunks(path: string, size: number): ChunkSource {
  return {
    size: async () => size,
    read: async (offset, length) => {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return { offset, data: buffer.subarray(0, bytesRead) };
      } finally {
        await handle.close();
      }
    },
  };
}

const readFile: Handler = async (req, res, o) => {
  const query = readQuery(req, res);
  const path = query === null ? null : pathParam(req, res);
  if (query === null || path === null || (await serveLog('read', req, res, { attached: o.log, path }))) return;
  const real = await sandboxFile(res, o, path);
  if (real === null) return;
  const st = await stat(real);
  if (st.isDirectory()) return fail(res, 400, 'Cannot read a directory.\n');
  await sendChunk(req, res, fileChunks(real, st.size), query);
};

const download: Handler = async (req, res, o) => {
  const path = pathParam(req, res);
  if (path === null || (await serveLog('download', req, res, { attached: o.log, path }))) return;
  const real = await sandboxFile(res, o, path);
  if (real === null) return;
  if ((await stat(real)).isDirectory()) return fail(res, 400, 'Cannot download a directory.\n');
  res.attachment(basename(real));
  createReadStream(real)
    .on('error', () => res.destroy())
    .pipe(res);
};

const browseDir: Handler = async (req, res, o) => {
  const path = pathParam(req, res);
  const real = path === null ? null : await sandboxFile(res, o, path);
  if (path !== null && real !== null) sendJson(req, res, await browse(real, path));
};

const debug: Handler = (req, res, o) =>
  sendJson(req, res, { ...Object.fromEntries(attached(o)), [o.log.virtualPath]: o.log.log.file });
const state: Handler = (req, res, o) => sendJson(req, res, agentState(o.view(), o.extras()));
const statistics: Handler = async (req, res, o) => sendJson(req, res, await o.statistics());
const health: Handler = (_req, res) => void res.status(200).end();

const ROUTES: Record<string, Handler> = {
  '/slave(1)/state': state,
  '/slave(1)/state.json': state,
  '/state': state,
  '/state.json': state,
  '/slave(1)/monitor/statistics': statistics,
  '/slave(1)/monitor/statistics.json': statistics,
  '/monitor/statistics': statistics,
  '/monitor/statistics.json': statistics,
  '/slave(1)/health': health,
  '/health': health,
  '/metrics/snapshot': (req, res, o) => sendJson(req, res, agentMetrics(o.view(), o.uptimeSecs())),
  '/files/browse': browseDir,
  '/files/read': readFile,
  '/files/download': download,
  '/files/debug': debug,
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

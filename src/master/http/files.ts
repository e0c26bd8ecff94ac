// The master's /files/*: Mesos attaches only the master's log, at `/master/log` (readable text, the lines
// `minicluster logs` prints), which `/files/read` pages through and `/files/download` hands out.
import express, { type Request, type Response } from 'express';
import { fail, pathParam, serveLog, type AttachedLog } from '../../common/files-read.js';
import { sendJson } from '../../common/jsonp.js';

export const MASTER_LOG_PATH = '/master/log';

export function filesRouter(log: AttachedLog['log']): express.Router {
  const router = express.Router();
  const attached: AttachedLog = { virtualPath: MASTER_LOG_PATH, log };
  const serve = (endpoint: 'read' | 'download') => async (req: Request, res: Response) => {
    const path = pathParam(req, res);
    if (path !== null && !(await serveLog(endpoint, req, res, { attached, path }))) fail(res, 404);
  };
  router.get(['/files/read', '/files/read.json'], serve('read'));
  router.get('/files/download', serve('download'));
  router.get(['/files/debug', '/files/debug.json'], (req, res) => sendJson(req, res, { [MASTER_LOG_PATH]: log.file }));
  return router;
}

// POST /api/v1/scheduler on the leading master, with Mesos's transport rules: method, Content-Type and
// Accept checks, the call's shape, then SUBSCRIBE opens a RecordIO event stream (200 + Mesos-Stream-Id)
// and every other call, naming its stream in the Mesos-Stream-Id header, gets 202 or the core's refusal.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { MAX_SCHEDULER_CALL_BYTES } from '../../common/limits.js';
import { MESOS_DIALECT } from '../../common/request-guard.js';
import type { Call } from '../core/v1.js';
import type { MasterHttpTarget } from './app.js';
import { answerOf, plain } from './answer.js';
import { parseCall } from './call-shape.js';

const JSON_TYPE = 'application/json';
const STREAM_ID_HEADER = 'Mesos-Stream-Id';

const readBody = express.text({ type: () => true, limit: MAX_SCHEDULER_CALL_BYTES });

export async function schedulerRoute(target: MasterHttpTarget, req: Request, res: Response): Promise<void> {
  if (req.method !== 'POST') {
    res.set('Allow', 'POST');
    return plain(res, 405, `Expecting one of { 'POST' }, but received '${req.method}'`);
  }
  const problem = MESOS_DIALECT.bodyProblem(req.get('Content-Type'));
  if (problem !== null) return plain(res, problem.status, problem.message);
  await new Promise<void>((resolve, reject) =>
    readBody(req, res, (err?: unknown) => (err === undefined ? resolve() : reject(err))),
  );
  const parsed = parseCall(typeof req.body === 'string' ? req.body : '');
  if (!parsed.ok) return plain(res, parsed.status, parsed.message);
  if (parsed.call.type === 'SUBSCRIBE') return subscribe(target, req, res, parsed.call);
  const answer = await answerOf(target.schedulerCall(req.get(STREAM_ID_HEADER) ?? null, parsed.call));
  plain(res, answer.status, answer.message ?? '');
}

async function subscribe(target: MasterHttpTarget, req: Request, res: Response, call: Call): Promise<void> {
  if (req.accepts(JSON_TYPE) === false) return plain(res, 406, `Expecting 'Accept' to allow '${JSON_TYPE}'`);
  if (req.get(STREAM_ID_HEADER) !== undefined)
    return plain(res, 400, `Subscribe calls should not include the '${STREAM_ID_HEADER}' header`);
  const streamId = randomUUID();
  target.streams.create(streamId, res);
  const answer = await answerOf(target.schedulerCall(streamId, call));
  if (answer.status === 200) {
    target.streams.open(streamId);
    return;
  }
  target.streams.discard(streamId);
  plain(res, answer.status, answer.message ?? '');
}

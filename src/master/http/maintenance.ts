// POST /master/maintenance/schedule on the leading master: the body read as JSON and checked against
// Mesos's maintenance::Schedule (400 saying what is wrong), then handed to the core, which validates it,
// stores it in the registry and answers (200 with no body, or 400 in Mesos's words).
import express, { type Request, type Response } from 'express';
import type { MaintenanceScheduleJson } from '../../api/mesos.js';
import { MAX_SCHEDULER_CALL_BYTES } from '../../common/limits.js';
import type { CallAnswer } from '../leading.js';
import { list, num, obj, str } from '../shape.js';
import { answerOf, plain } from './answer.js';

const readBody = express.text({ type: () => true, limit: MAX_SCHEDULER_CALL_BYTES });

const machineId = obj({}, { hostname: str, ip: str });
const schedule = obj(
  {},
  {
    windows: list(
      obj(
        { unavailability: obj({ start: obj({ nanoseconds: num }) }, { duration: obj({ nanoseconds: num }) }) },
        { machine_ids: list(machineId) },
      ),
    ),
  },
);

/** The body as a schedule, or why it is not one. */
function parseSchedule(body: string): { ok: true; schedule: MaintenanceScheduleJson } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `Failed to parse JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const problem = schedule(value, '');
  if (problem !== null) return { ok: false, message: `Failed to convert JSON into Schedule protobuf: ${problem}` };
  return { ok: true, schedule: value as MaintenanceScheduleJson };
}

export async function updateScheduleRoute(
  req: Request,
  res: Response,
  update: (schedule: MaintenanceScheduleJson) => Promise<CallAnswer | null>,
): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    readBody(req, res, (err?: unknown) => (err === undefined ? resolve() : reject(err))),
  );
  const parsed = parseSchedule(typeof req.body === 'string' ? req.body : '');
  if (!parsed.ok) return plain(res, 400, parsed.message);
  const answer = await answerOf(update(parsed.schedule));
  plain(res, answer.status, answer.message ?? '');
}

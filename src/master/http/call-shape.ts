// The body of a v1 scheduler call: JSON text → a Call the core can rely on, or the status and message
// Mesos answers (400 for unparsable or invalid calls, 501 for call types this master does not serve).
import type { Call } from '../core/v1.js';
import {
  filters,
  frameworkInfo,
  id,
  killPolicy,
  list,
  obj,
  oneOf,
  str,
  strings,
  taskInfo,
  type Check,
} from '../shape.js';

export type ParsedCall = { ok: true; call: Call } | { ok: false; status: 400 | 501; message: string };

interface Payload {
  field: string;
  /** Mesos's validation insists on it ("Expecting 'accept' to be present"). */
  required: boolean;
  check: Check;
}

const roles = obj({}, { roles: strings });
const operation: Check = (v, p) => {
  const problem = obj(
    { type: oneOf(['LAUNCH', 'LAUNCH_GROUP', 'RESERVE', 'UNRESERVE', 'CREATE', 'DESTROY']) },
    { launch: obj({}, { task_infos: list(taskInfo) }) },
  )(v, p);
  if (problem !== null) return problem;
  const op = v as { type: string; launch?: unknown };
  return op.type === 'LAUNCH' && op.launch === undefined ? `Expecting '${p}.launch' to be present` : null;
};

/** Call types this master serves, with the payload field each one carries. */
const PAYLOADS: Record<Call['type'], Payload | null> = {
  SUBSCRIBE: {
    field: 'subscribe',
    required: true,
    check: obj({ framework_info: frameworkInfo }, { suppressed_roles: strings }),
  },
  TEARDOWN: null,
  ACCEPT: {
    field: 'accept',
    required: true,
    check: obj({}, { offer_ids: list(id), operations: list(operation), filters }),
  },
  DECLINE: { field: 'decline', required: true, check: obj({}, { offer_ids: list(id), filters }) },
  REVIVE: { field: 'revive', required: false, check: roles },
  SUPPRESS: { field: 'suppress', required: false, check: roles },
  KILL: { field: 'kill', required: true, check: obj({ task_id: id }, { agent_id: id, kill_policy: killPolicy }) },
  ACKNOWLEDGE: { field: 'acknowledge', required: true, check: obj({ agent_id: id, task_id: id, uuid: str }) },
  RECONCILE: {
    field: 'reconcile',
    required: true,
    check: obj({}, { tasks: list(obj({ task_id: id }, { agent_id: id })) }),
  },
};

/** Valid Mesos call types that this master answers with 501. */
const NOT_SERVED = [
  'ACCEPT_INVERSE_OFFERS',
  'DECLINE_INVERSE_OFFERS',
  'SHUTDOWN',
  'ACKNOWLEDGE_OPERATION_STATUS',
  'RECONCILE_OPERATIONS',
  'MESSAGE',
  'REQUEST',
  'UPDATE_FRAMEWORK',
  'UNKNOWN',
];

const served = (type: string): type is Call['type'] => Object.hasOwn(PAYLOADS, type);
const invalid = (message: string): ParsedCall => ({
  ok: false,
  status: 400,
  message: `Failed to validate scheduler::Call: ${message}`,
});
const unconvertible = (message: string): ParsedCall => ({
  ok: false,
  status: 400,
  message: `Failed to convert JSON into Call protobuf: ${message}`,
});

export function parseCall(body: string): ParsedCall {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return {
      ok: false,
      status: 400,
      message: `Failed to parse body into JSON: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const structure = obj({ type: str }, { framework_id: id })(json, '');
  if (structure !== null) return unconvertible(structure);
  const call = json as Record<string, unknown> & { type: string };
  if (NOT_SERVED.includes(call.type))
    return { ok: false, status: 501, message: `Call type ${call.type} is not supported by this master` };
  const type = call.type;
  if (!served(type)) return unconvertible(`Unknown call type '${type}'`);
  return checkPayload({ ...call, type }, PAYLOADS[type]);
}

function checkPayload(call: Record<string, unknown> & { type: Call['type'] }, payload: Payload | null): ParsedCall {
  if (call.type !== 'SUBSCRIBE' && call['framework_id'] === undefined)
    return invalid("Expecting 'framework_id' to be present");
  if (payload === null) return { ok: true, call: call as Call };
  if (call[payload.field] === undefined || call[payload.field] === null) {
    if (payload.required) return invalid(`Expecting '${payload.field}' to be present`);
    return { ok: true, call: call as Call };
  }
  const problem = payload.check(call[payload.field], payload.field);
  if (problem === null) return { ok: true, call: call as Call };
  return problem.startsWith('Expecting') ? invalid(problem) : unconvertible(problem);
}

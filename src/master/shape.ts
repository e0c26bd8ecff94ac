// Structural checks of untrusted JSON against the v1 shapes the master reads (scheduler calls, agent
// messages). A check answers null or the problem, naming the field; absent repeated fields become []
// as in protobuf, so the core can rely on them.
import { TASK_STATES } from './core/v1.js';

export interface Check {
  (value: unknown, path: string): string | null;
  /** A protobuf repeated field: absent means empty. */
  readonly repeated?: true;
}

type Fields = Record<string, Check>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const wrong = (path: string, what: string): string => `Field '${path}' must be ${what}`;

export const str: Check = (v, p) => (typeof v === 'string' ? null : wrong(p, 'a string'));
export const num: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? null : wrong(p, 'a number'));
export const bool: Check = (v, p) => (typeof v === 'boolean' ? null : wrong(p, 'a boolean'));
/** Any JSON object, passed through unchecked. */
export const anyObject: Check = (v, p) => (isRecord(v) ? null : wrong(p, 'an object'));

export function oneOf(values: readonly string[]): Check {
  return (v, p) => (typeof v === 'string' && values.includes(v) ? null : wrong(p, `one of ${values.join(', ')}`));
}

export function list(item: Check): Check {
  const check = (v: unknown, p: string): string | null => {
    if (!Array.isArray(v)) return wrong(p, 'an array');
    for (const [i, x] of v.entries()) {
      const problem = item(x, `${p}[${i}]`);
      if (problem !== null) return problem;
    }
    return null;
  };
  return Object.assign(check, { repeated: true as const });
}

/** An object with `required` and `optional` fields; other fields pass through. JSON null counts as absent. */
export function obj(required: Fields, optional: Fields = {}): Check {
  return (v, p) => {
    if (!isRecord(v)) return wrong(p, 'an object');
    const missing = Object.keys(required).filter((k) => v[k] === undefined || v[k] === null);
    if (missing.length > 0) return `Missing required fields: ${missing.map((k) => field(p, k)).join(', ')}`;
    for (const [key, check] of [...Object.entries(required), ...Object.entries(optional)]) {
      if (v[key] === null) delete v[key];
      if (v[key] === undefined) {
        if (check.repeated === true) v[key] = [];
        continue;
      }
      const problem = check(v[key], field(p, key));
      if (problem !== null) return problem;
    }
    return null;
  };
}

// ---- v1 building blocks ----

export const id = obj({ value: str });
export const strings = list(str);
const capabilities = list(obj({ type: str }));
const labels = obj({}, { labels: list(obj({ key: str }, { value: str })) });
const ranges = obj({}, { range: list(obj({ begin: num, end: num })) });
const scalar = obj({ value: num });
const set = obj({}, { item: strings });

const resource = obj(
  { name: str, type: oneOf(['SCALAR', 'RANGES', 'SET']) },
  { scalar, ranges, set, role: str, allocation_info: obj({ role: str }) },
);
const attribute = obj(
  { name: str, type: oneOf(['SCALAR', 'RANGES', 'SET', 'TEXT']) },
  { scalar, ranges, set, text: obj({ value: str }) },
);

export const frameworkInfo = obj(
  { user: str, name: str },
  {
    id,
    failover_timeout: num,
    checkpoint: bool,
    role: str,
    roles: strings,
    hostname: str,
    principal: str,
    webui_url: str,
    capabilities,
    labels,
  },
);

export const agentInfo = obj(
  { hostname: str },
  { port: num, resources: list(resource), attributes: list(attribute), id },
);

export const taskState = oneOf(TASK_STATES);

export const taskStatus = obj(
  { task_id: id, state: taskState },
  {
    message: str,
    source: oneOf(['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR']),
    reason: str,
    data: str,
    agent_id: id,
    executor_id: id,
    timestamp: num,
    uuid: str,
    healthy: bool,
    labels,
    container_status: anyObject,
    unreachable_time: obj({ nanoseconds: num }),
  },
);

const commandInfo = obj(
  {},
  { value: str, shell: bool, arguments: strings, environment: anyObject, uris: list(obj({ value: str })), user: str },
);
const containerInfo = obj(
  { type: oneOf(['DOCKER', 'MESOS']) },
  { docker: obj({ image: str }), volumes: list(obj({ container_path: str })), hostname: str },
);
export const killPolicy = obj({}, { grace_period: obj({ nanoseconds: num }) });

export const taskInfo = obj(
  { name: str, task_id: id, agent_id: id },
  {
    resources: list(resource),
    command: commandInfo,
    executor: obj({ executor_id: id }, { command: commandInfo, resources: list(resource), container: containerInfo }),
    container: containerInfo,
    health_check: anyObject,
    check: anyObject,
    kill_policy: killPolicy,
    labels,
    discovery: anyObject,
    data: str,
  },
);

export const task = obj(
  { name: str, task_id: id, framework_id: id, agent_id: id, state: taskState },
  {
    executor_id: id,
    resources: list(resource),
    statuses: list(taskStatus),
    status_update_state: taskState,
    status_update_uuid: str,
    labels,
    discovery: anyObject,
    container: containerInfo,
    health_check: anyObject,
    kill_policy: killPolicy,
    user: str,
  },
);

export const filters = obj({}, { refuse_seconds: num });

// The environment Marathon gives a task (reference §8.1): ports by index, number and name, HOST, the app's
// id, version, image, resources and labels, MESOS_TASK_ID; then the app's own `env`, which wins.
import { MARATHON_MAX_ENV_VAR_LENGTH } from '../../common/limits.js';
import type { AppDefinition } from './app-types.js';
import type { AppVersion } from './model.js';
import { type PortRequest, portRequests } from './service-ports.js';

const LABEL_PREFIX = 'MARATHON_APP_LABEL_';

/** Scala's Double.toString for the resource values Marathon prints: `1.0`, `0.5`, `128.0`. */
const double = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

function contextEnv(app: AppVersion, taskId: string): Record<string, string> {
  const image = app.container?.docker?.image;
  return {
    MESOS_TASK_ID: taskId,
    MARATHON_APP_ID: app.id,
    MARATHON_APP_VERSION: app.version,
    ...(image !== undefined ? { MARATHON_APP_DOCKER_IMAGE: image } : {}),
    MARATHON_APP_RESOURCE_CPUS: double(app.cpus),
    MARATHON_APP_RESOURCE_MEM: double(app.mem),
    MARATHON_APP_RESOURCE_DISK: double(app.disk),
    MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
  };
}

/** MARATHON_APP_LABELS (space-separated keys) and one MARATHON_APP_LABEL_<KEY> each; keys sanitised, long ones left out. */
export function labelsEnv(labels: Record<string, string>): Record<string, string> {
  const valid = Object.entries(labels)
    .filter(
      ([key, value]) =>
        key.length < MARATHON_MAX_ENV_VAR_LENGTH - LABEL_PREFIX.length && value.length < MARATHON_MAX_ENV_VAR_LENGTH,
    )
    .map(([key, value]): [string, string] => [key.replace(/[^a-zA-Z0-9_]+/g, '_').toUpperCase(), value]);
  return {
    MARATHON_APP_LABELS: valid.map(([key]) => key).join(' '),
    ...Object.fromEntries(valid.map(([key, value]) => [`${LABEL_PREFIX}${key}`, value])),
  };
}

/** Each request's effective host port: the next of `hostPorts` for requests that have a host port. */
function effectivePorts(requests: readonly PortRequest[], hostPorts: readonly number[]): (number | undefined)[] {
  let next = 0;
  return requests.map((r) => (r.hostPort === undefined ? undefined : hostPorts[next++]));
}

/**
 * PORT<i> (the host port, or a fixed container port when the mapping has no host port), PORT_<declared>
 * (PORT_<hostPort> when declared 0), PORT_<NAME> (the host port, also in BRIDGE), PORT and PORTS (host ports).
 * Container-only mappings with containerPort 0 get no variables (Marathon would invent a random port).
 */
function portsEnv(app: AppDefinition, hostPorts: readonly number[]): Record<string, string> {
  const requests = portRequests(app);
  if (requests.length === 0) return {};
  const effective = effectivePorts(requests, hostPorts);
  const byIndex: Record<string, string> = {};
  const byNumber: Record<string, string> = {};
  const byName: Record<string, string> = {};
  requests.forEach((r, i) => {
    const port = effective[i] ?? (r.declared === 0 ? undefined : r.declared);
    if (port === undefined) return;
    byIndex[`PORT${i}`] = String(port);
    byNumber[`PORT_${r.declared === 0 ? port : r.declared}`] = String(port);
    if (r.name !== undefined && effective[i] !== undefined) byName[`PORT_${r.name.toUpperCase()}`] = String(port);
  });
  const assigned = effective.filter((p): p is number => p !== undefined);
  return {
    ...byIndex,
    ...byNumber,
    ...byName,
    ...(assigned[0] !== undefined ? { PORT: String(assigned[0]) } : {}),
    PORTS: assigned.join(','),
  };
}

/** The app's `env` with string values; secret references are left to the secrets feature. */
function appEnv(app: AppDefinition): Record<string, string> {
  return Object.fromEntries(Object.entries(app.env).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
}

/**
 * The environment of one task of `app` on agent `host`. `hostPorts`: the task's host ports in the order of
 * the app's port definitions / port mappings, skipping mappings without a host port.
 */
export function taskEnvironment(o: {
  app: AppVersion;
  taskId: string;
  host: string;
  hostPorts: readonly number[];
}): Record<string, string> {
  return {
    ...contextEnv(o.app, o.taskId),
    ...labelsEnv(o.app.labels),
    ...portsEnv(o.app, o.hostPorts),
    HOST: o.host,
    ...appEnv(o.app),
  };
}

// Reading and validation of an app's placement constraints and health checks
// (operators and their value rules, check protocols, defaults and port references).
import {
  type Constraint,
  type ConstraintOperator,
  HEALTH_CHECK_DEFAULTS,
  type HealthCheck,
  type HealthCheckProtocol,
} from './app-types.js';
import {
  type ReadContext,
  child,
  invalid,
  item,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readRequired,
  readString,
} from './json-read.js';

const OPERATORS: readonly ConstraintOperator[] = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];
const OPERATOR_MESSAGE = 'operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS';
const INTEGER = /^\d+$/;
const IS_VALUE = /^[a-zA-Z0-9_/.-]*$/;

export function readConstraints(ctx: ReadContext, value: unknown): Constraint[] {
  return readArray(ctx, value, '/constraints', (v, p) => readConstraint(ctx, v, p)) ?? [];
}

function readConstraint(ctx: ReadContext, value: unknown, path: string): Constraint | undefined {
  const parts = readArray(ctx, value, path, (v, p) => readString(ctx, v, p));
  if (parts === undefined) return undefined;
  if (parts.length < 2 || parts.length > 3)
    return void invalid(ctx, path, 'Each constraint must have either 2 or 3 fields');
  const [field = '', rawOperator = '', rawValue] = parts;
  const operator = OPERATORS.find((o) => o === rawOperator.toUpperCase());
  if (field === '') return void invalid(ctx, path, 'illegal constraint specification');
  if (operator === undefined) return void invalid(ctx, path, OPERATOR_MESSAGE);
  const legacyUnique = operator === 'UNIQUE' && rawValue === '';
  if (legacyUnique) ctx.warnings.push(`${path}: empty UNIQUE value dropped`);
  const checked = legacyUnique ? undefined : rawValue;
  const error = constraintValueError(operator, checked);
  if (error !== undefined) return void invalid(ctx, path, error);
  return checked === undefined ? [field, operator] : [field, operator, checked];
}

function constraintValueError(operator: ConstraintOperator, value: string | undefined): string | undefined {
  switch (operator) {
    case 'UNIQUE':
      return value === undefined ? undefined : 'UNIQUE does not accept a value';
    case 'CLUSTER':
      return undefined;
    case 'GROUP_BY':
      return value === undefined || INTEGER.test(value)
        ? undefined
        : 'GROUP BY must define an integer value or else no value at all';
    case 'LIKE':
    case 'UNLIKE':
      return regexError(value);
    case 'MAX_PER':
      return value !== undefined && INTEGER.test(value) ? undefined : 'MAX_PER requires an integer value';
    case 'IS':
      return value !== undefined && IS_VALUE.test(value)
        ? undefined
        : 'IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)';
  }
}

function regexError(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return 'LIKE and UNLIKE require a non-empty, regular expression value';
  try {
    new RegExp(value);
    return undefined;
  } catch {
    return 'is not a valid regular expression';
  }
}

const PROTOCOLS: readonly HealthCheckProtocol[] = [
  'HTTP',
  'HTTPS',
  'TCP',
  'COMMAND',
  'MESOS_HTTP',
  'MESOS_HTTPS',
  'MESOS_TCP',
];
const SECONDS = { integer: true, min: 0 };
type CountField =
  | 'gracePeriodSeconds'
  | 'intervalSeconds'
  | 'timeoutSeconds'
  | 'maxConsecutiveFailures'
  | 'delaySeconds';

export function readHealthChecks(ctx: ReadContext, value: unknown, hostPorts: number): HealthCheck[] {
  const checks = readArray(ctx, value, '/healthChecks', (v, p) => readHealthCheck(ctx, v, p)) ?? [];
  checks.forEach((check, i) => {
    if (check.portIndex !== undefined && check.portIndex >= hostPorts) {
      invalid(
        ctx,
        item('/healthChecks', i),
        'Health check port indices must address an element of the ports array or container port mappings.',
      );
    }
  });
  if (checks.filter((c) => isMesosCheck(c.protocol)).length > 1) {
    invalid(ctx, '/', 'AppDefinition can contain at most one Mesos health check');
  }
  return checks;
}

function readHealthCheck(ctx: ReadContext, value: unknown, path: string): HealthCheck | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const protocol = readEnum(ctx, obj['protocol'], child(path, 'protocol'), PROTOCOLS) ?? HEALTH_CHECK_DEFAULTS.protocol;
  const port = readNumber(ctx, obj['port'], child(path, 'port'), { integer: true, min: 0, max: 65535 });
  const portIndex = readNumber(ctx, obj['portIndex'], child(path, 'portIndex'), { integer: true, min: 0 });
  const num = (key: CountField): number =>
    readNumber(ctx, obj[key], child(path, key), SECONDS) ?? HEALTH_CHECK_DEFAULTS[key];
  return {
    protocol,
    ...pathFor(ctx, protocol, obj['path'], child(path, 'path')),
    ...portFor(protocol, port, portIndex),
    ...commandFor(ctx, protocol, obj, path),
    gracePeriodSeconds: num('gracePeriodSeconds'),
    intervalSeconds: num('intervalSeconds'),
    timeoutSeconds: num('timeoutSeconds'),
    maxConsecutiveFailures: num('maxConsecutiveFailures'),
    ignoreHttp1xx:
      readBoolean(ctx, obj['ignoreHttp1xx'], child(path, 'ignoreHttp1xx')) ?? HEALTH_CHECK_DEFAULTS.ignoreHttp1xx,
    delaySeconds: num('delaySeconds'),
  };
}

function pathFor(ctx: ReadContext, protocol: HealthCheckProtocol, value: unknown, path: string): { path?: string } {
  if (!protocol.includes('HTTP')) return {};
  return { path: readString(ctx, value, path) ?? HEALTH_CHECK_DEFAULTS.path };
}

/** An explicit `port` wins; otherwise port-based checks address the app's first port (`portIndex: 0`). */
function portFor(
  protocol: HealthCheckProtocol,
  port: number | undefined,
  portIndex: number | undefined,
): { port?: number; portIndex?: number } {
  if (port !== undefined) return { port };
  if (protocol === 'COMMAND') return {};
  return { portIndex: portIndex ?? 0 };
}

function commandFor(
  ctx: ReadContext,
  protocol: HealthCheckProtocol,
  obj: Record<string, unknown>,
  path: string,
): { command?: { value: string } } {
  if (protocol !== 'COMMAND') return {};
  const command = readObject(ctx, readRequired(ctx, obj, 'command', path), child(path, 'command'));
  const value =
    command &&
    readString(ctx, readRequired(ctx, command, 'value', child(path, 'command')), child(path, 'command/value'));
  return value === undefined ? {} : { command: { value } };
}

function isMesosCheck(protocol: HealthCheckProtocol): boolean {
  return protocol === 'COMMAND' || protocol.startsWith('MESOS_');
}

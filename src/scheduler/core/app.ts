// normalizeApp: validates an app JSON as Marathon does, fills Marathon's defaults, and migrates
// legacy tutorial inputs (string numbers, 0.6 containers, ports, uris) into the 1.5+ app shape.
import { MARATHON_MAX_PATH_LENGTH, MARATHON_MAX_URI_LENGTH, MAX_APP_ID_LENGTH } from '../../common/limits.js';
import { readConstraints, readHealthChecks } from './app-checks.js';
import { isLegacyContainer, translateLegacyContainer } from './app-legacy.js';
import { type Networking, readNetworking } from './app-networking.js';
import { readReadinessChecks } from './app-readiness.js';
import {
  APP_DEFAULTS,
  type AppDefinition,
  type EnvValue,
  type FetchUri,
  type UnreachableStrategy,
  type UpgradeStrategy,
} from './app-types.js';
import {
  type Json,
  type ReadContext,
  type Violation,
  child,
  invalid,
  isObject,
  newContext,
  readArray,
  readBoolean,
  readEnum,
  readMap,
  readNumber,
  readObject,
  readPattern,
  readRequired,
  readString,
  readStringMap,
  stringMap,
  violate,
} from './json-read.js';
import { RESERVED_MESSAGE, endsWithReserved, isValidPathId, parentOf, resolvePathId } from './path-id.js';

export interface NormalizeOptions {
  /** Group that relative ids are resolved against (the enclosing group or URL path); default `/`. */
  baseGroup?: string;
}

export interface ErrorBody {
  message: string;
  details: { path: string; errors: string[] }[];
}

export type NormalizeResult =
  | { ok: true; app: AppDefinition; warnings: string[] }
  | { ok: false; status: 400 | 422; error: ErrorBody };

export function normalizeApp(input: unknown, opts: NormalizeOptions = {}): NormalizeResult {
  if (!isObject(input)) return failure(400, 'Invalid JSON', [{ path: '/', error: 'error.expected.jsobject' }]);
  const ctx = newContext();
  const app = readApp(ctx, input, opts.baseGroup ?? '/');
  if (ctx.violations.length > 0) return failure(422, 'Invalid JSON', ctx.violations);
  if (ctx.invalid.length > 0) return failure(422, 'Object is not valid', ctx.invalid);
  return { ok: true, app, warnings: ctx.warnings };
}

function failure(status: 400 | 422, message: string, violations: Violation[]): NormalizeResult {
  const byPath = new Map<string, string[]>();
  for (const v of violations) byPath.set(v.path, [...(byPath.get(v.path) ?? []), v.error]);
  return { ok: false, status, error: { message, details: [...byPath].map(([path, errors]) => ({ path, errors })) } };
}

const RESOURCE = { min: 0 };
const COUNT = { integer: true, min: 0 };
const EXECUTOR = /^(?:\/\/cmd|\/?[^/]+(?:\/[^/]+)*|)$/;

function readApp(ctx: ReadContext, input: Json, baseGroup: string): AppDefinition {
  const id = readAppId(ctx, readRequired(ctx, input, 'id', '/'), baseGroup);
  const legacy = readLegacyContainer(ctx, input);
  const networking = readNetworking(ctx, input, legacy.container);
  const command = readCommand(ctx, input, networking);
  return omitUndefined({
    id,
    ...command,
    user: readString(ctx, input['user'], '/user'),
    instances: readNumber(ctx, input['instances'], '/instances', COUNT) ?? APP_DEFAULTS.instances,
    cpus: readNumber(ctx, input['cpus'], '/cpus', { min: 0.001 }) ?? APP_DEFAULTS.cpus,
    mem: readNumber(ctx, input['mem'], '/mem', RESOURCE) ?? APP_DEFAULTS.mem,
    disk: readNumber(ctx, input['disk'], '/disk', RESOURCE) ?? APP_DEFAULTS.disk,
    gpus: readNumber(ctx, input['gpus'], '/gpus', COUNT) ?? APP_DEFAULTS.gpus,
    executor: readPattern(ctx, input['executor'], '/executor', EXECUTOR) ?? APP_DEFAULTS.executor,
    env: stringMap([...Object.entries(legacy.env), ...Object.entries(readEnv(ctx, input['env']))]),
    labels: readStringMap(ctx, input['labels'], '/labels') ?? stringMap(),
    constraints: readConstraints(ctx, input['constraints']),
    acceptedResourceRoles: readStrings(ctx, input['acceptedResourceRoles'], '/acceptedResourceRoles'),
    ...networking,
    healthChecks: readHealthChecks(ctx, input['healthChecks'], hostPortCount(networking)),
    readinessChecks: readReadinessChecks(ctx, input['readinessChecks'], portNames(networking)),
    dependencies: readDependencies(ctx, input['dependencies'], parentOf(id)),
    upgradeStrategy: readUpgradeStrategy(ctx, input['upgradeStrategy']),
    backoffSeconds: readNumber(ctx, input['backoffSeconds'], '/backoffSeconds', COUNT) ?? APP_DEFAULTS.backoffSeconds,
    backoffFactor: readNumber(ctx, input['backoffFactor'], '/backoffFactor', { min: 1 }) ?? APP_DEFAULTS.backoffFactor,
    maxLaunchDelaySeconds:
      readNumber(ctx, input['maxLaunchDelaySeconds'], '/maxLaunchDelaySeconds', COUNT) ??
      APP_DEFAULTS.maxLaunchDelaySeconds,
    taskKillGracePeriodSeconds: readNumber(
      ctx,
      input['taskKillGracePeriodSeconds'],
      '/taskKillGracePeriodSeconds',
      COUNT,
    ),
    fetch: readFetchAndUris(ctx, input),
    killSelection:
      readEnum(ctx, input['killSelection'], '/killSelection', ['YOUNGEST_FIRST', 'OLDEST_FIRST'] as const) ??
      APP_DEFAULTS.killSelection,
    unreachableStrategy: readUnreachableStrategy(ctx, input['unreachableStrategy']),
  });
}

function omitUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function readAppId(ctx: ReadContext, value: unknown, baseGroup: string): string {
  const raw = readString(ctx, value, '/id');
  if (raw === undefined) return '/';
  if (!isValidPathId(raw)) return violate(ctx, '/id', 'error.pattern') ?? '/';
  if (endsWithReserved(raw)) invalid(ctx, '/id', RESERVED_MESSAGE);
  const id = resolvePathId(raw, baseGroup);
  if (id === '/') invalid(ctx, '/id', 'Path must contain at least one path element');
  if (id.length > MAX_APP_ID_LENGTH) violate(ctx, '/id', 'error.maxLength');
  return id;
}

function readLegacyContainer(ctx: ReadContext, input: Json): { container?: Json; env: Record<string, string> } {
  const container = readObject(ctx, input['container'], '/container');
  if (container === undefined) return { env: stringMap() };
  return isLegacyContainer(container) ? translateLegacyContainer(ctx, container) : { container, env: stringMap() };
}

/** Exactly one of cmd/args, or neither when a container brings its own entrypoint. */
function readCommand(ctx: ReadContext, input: Json, networking: Networking): { cmd?: string; args?: string[] } {
  const cmd = readString(ctx, input['cmd'], '/cmd');
  const args = readStrings(ctx, input['args'], '/args');
  if (cmd !== undefined && cmd.length <= 1) invalid(ctx, '/cmd', 'must not be an empty string');
  const given = [cmd, args].filter((v) => v !== undefined).length;
  if (given > 1 || (given === 0 && networking.container === undefined)) {
    invalid(ctx, '/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.");
  }
  return { cmd, args };
}

function readStrings(ctx: ReadContext, value: unknown, path: string): string[] | undefined {
  return readArray(ctx, value, path, (v, p) => readString(ctx, v, p));
}

function readEnv(ctx: ReadContext, value: unknown): Record<string, EnvValue> {
  const read = (v: unknown, path: string): EnvValue | undefined =>
    isObject(v) ? readSecretRef(ctx, v, path) : readString(ctx, v, path);
  return readMap(ctx, value, '/env', read) ?? stringMap();
}

function readSecretRef(ctx: ReadContext, obj: Json, path: string): { secret: string } | undefined {
  const secret = readString(ctx, readRequired(ctx, obj, 'secret', path), child(path, 'secret'));
  return secret === undefined ? undefined : { secret };
}

function hostPortCount(networking: Networking): number {
  const mappings = networking.container?.portMappings ?? [];
  return networking.portDefinitions.length + mappings.filter((m) => m.hostPort !== undefined).length;
}

/** Names a readiness check may refer to: those of the port definitions and the port mappings. */
function portNames(networking: Networking): string[] {
  const ports = [...networking.portDefinitions, ...(networking.container?.portMappings ?? [])];
  return ports.flatMap((p) => (p.name === undefined ? [] : [p.name]));
}

function readDependencies(ctx: ReadContext, value: unknown, parent: string): string[] {
  const read = readArray(ctx, value, '/dependencies', (v, p) => {
    const dep = readString(ctx, v, p);
    if (dep === undefined) return undefined;
    if (!isValidPathId(dep)) return violate(ctx, p, 'error.pattern');
    const id = resolvePathId(dep, parent);
    return id.length > MAX_APP_ID_LENGTH ? violate(ctx, p, 'error.maxLength') : id;
  });
  return read ?? [];
}

/** Lenient as the 1.4 reader: a missing key is 1. */
function readUpgradeStrategy(ctx: ReadContext, value: unknown): UpgradeStrategy {
  const path = '/upgradeStrategy';
  const obj = readObject(ctx, value, path) ?? {};
  const read = (key: keyof UpgradeStrategy): number => {
    const n = readNumber(ctx, obj[key], child(path, key)) ?? APP_DEFAULTS.upgradeStrategy[key];
    if (n > 1) invalid(ctx, child(path, key), 'is greater than 1');
    if (n < 0) invalid(ctx, child(path, key), 'is less than 0');
    return n;
  };
  return { minimumHealthCapacity: read('minimumHealthCapacity'), maximumOverCapacity: read('maximumOverCapacity') };
}

function readUnreachableStrategy(ctx: ReadContext, value: unknown): UnreachableStrategy {
  const path = '/unreachableStrategy';
  if (typeof value === 'string') return readEnum(ctx, value, path, ['disabled'] as const) ?? 'disabled';
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return { ...APP_DEFAULTS.unreachableStrategy };
  const inactiveAfterSeconds =
    readNumber(ctx, obj['inactiveAfterSeconds'], child(path, 'inactiveAfterSeconds'), COUNT) ?? 0;
  const expungeAfterSeconds =
    readNumber(ctx, obj['expungeAfterSeconds'], child(path, 'expungeAfterSeconds'), COUNT) ?? 0;
  if (inactiveAfterSeconds > expungeAfterSeconds) {
    invalid(
      ctx,
      child(path, 'inactiveAfterSeconds'),
      'inactiveAfterSeconds must be less or equal to expungeAfterSeconds',
    );
  }
  return { inactiveAfterSeconds, expungeAfterSeconds };
}

const ARCHIVE = /\.(tgz|tar\.gz|tbz2|tar\.bz2|txz|tar\.xz|zip)$/;

function readFetchAndUris(ctx: ReadContext, input: Json): FetchUri[] {
  const fetch = readArray(ctx, input['fetch'], '/fetch', (v, p) => readFetchUri(ctx, v, p)) ?? [];
  const uris = readStrings(ctx, input['uris'], '/uris') ?? [];
  if (uris.length === 0) return fetch;
  if (fetch.length > 0) invalid(ctx, '/uris', 'may not be set in conjunction with fetch');
  ctx.warnings.push('/uris: read as fetch');
  return uris.map((uri) => ({ uri, extract: ARCHIVE.test(uri), executable: false, cache: false }));
}

function readFetchUri(ctx: ReadContext, value: unknown, path: string): FetchUri | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const uri = readString(ctx, readRequired(ctx, obj, 'uri', path), child(path, 'uri'), MARATHON_MAX_URI_LENGTH);
  if (uri !== undefined && uri.length === 0) violate(ctx, child(path, 'uri'), 'error.minLength');
  const destPath = readString(ctx, obj['destPath'], child(path, 'destPath'), MARATHON_MAX_PATH_LENGTH);
  if (uri === undefined) return undefined;
  return {
    uri,
    extract: readBoolean(ctx, obj['extract'], child(path, 'extract')) ?? true,
    executable: readBoolean(ctx, obj['executable'], child(path, 'executable')) ?? false,
    cache: readBoolean(ctx, obj['cache'], child(path, 'cache')) ?? false,
    ...(destPath !== undefined ? { destPath } : {}),
  };
}

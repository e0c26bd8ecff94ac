// Reading of an app's container, networks, portDefinitions/ports and portMappings, migrating the
// deprecated `container.docker.network` / `docker.portMappings` / `ports` into the 1.5+ shape.
import { MARATHON_MAX_NETWORK_NAME_LENGTH } from '../../common/limits.js';
import type {
  Container,
  Docker,
  HostVolume,
  Network,
  NetworkMode,
  PortDefinition,
  PortMapping,
  Protocol,
} from './app-types.js';
import {
  type Json,
  type ReadContext,
  child,
  invalid,
  readArray,
  readBoolean,
  readEnum,
  readNumber,
  readObject,
  readPattern,
  readRequired,
  readString,
  readStringMap,
  stringMap,
} from './json-read.js';

export interface Networking {
  container?: Container;
  networks: Network[];
  portDefinitions: PortDefinition[];
  requirePorts: boolean;
}

export const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'udp,tcp'];
const PORT = { integer: true, min: 0, max: 65535 };
const LEGACY_NETWORKS = { BRIDGE: 'container/bridge', HOST: 'host', USER: 'container' } as const;

export function readNetworking(ctx: ReadContext, app: Json, container: Json | undefined): Networking {
  const docker = readObject(ctx, container?.['docker'], '/container/docker');
  const networks = readNetworks(ctx, app, docker);
  const mode = networks[0]?.mode ?? 'host';
  const portMappings = readPortMappings(ctx, container, docker, mode);
  const requirePorts = readBoolean(ctx, app['requirePorts'], '/requirePorts') ?? false;
  return {
    ...(container ? { container: readContainer(ctx, container, docker, portMappings) } : {}),
    networks,
    portDefinitions: readPortDefinitions(ctx, app, mode),
    requirePorts: mode === 'host' && requirePorts,
  };
}

function readNetworks(ctx: ReadContext, app: Json, docker: Json | undefined): Network[] {
  const legacy = readEnum(ctx, docker?.['network'], '/container/docker/network', ['BRIDGE', 'HOST', 'USER'] as const);
  const given = readArray(ctx, app['networks'], '/networks', (v, p) => readNetwork(ctx, v, p));
  if (legacy !== undefined && given !== undefined) {
    invalid(ctx, '/', 'must not specify both container.docker.network and networks');
  }
  if (legacy === undefined)
    return given !== undefined && given.length > 0 ? given : [{ mode: 'host', labels: stringMap() }];
  ctx.warnings.push(`/container/docker/network: ${legacy} read as networks [{"mode":"${LEGACY_NETWORKS[legacy]}"}]`);
  return [{ mode: LEGACY_NETWORKS[legacy], labels: stringMap() }];
}

function readNetwork(ctx: ReadContext, value: unknown, path: string): Network | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const modes: readonly NetworkMode[] = ['host', 'container', 'container/bridge'];
  const name = readString(ctx, obj['name'], child(path, 'name'), MARATHON_MAX_NETWORK_NAME_LENGTH);
  return {
    mode: readEnum(ctx, obj['mode'], child(path, 'mode'), modes) ?? 'container',
    ...(name !== undefined ? { name } : {}),
    labels: readStringMap(ctx, obj['labels'], child(path, 'labels')) ?? stringMap(),
  };
}

function readContainer(
  ctx: ReadContext,
  container: Json,
  docker: Json | undefined,
  portMappings: PortMapping[],
): Container {
  const type = readEnum(ctx, container['type'], '/container/type', ['DOCKER', 'MESOS'] as const) ?? 'DOCKER';
  if (type === 'DOCKER' && docker === undefined) invalid(ctx, '/container/docker', 'not defined');
  const volumes = readArray(ctx, container['volumes'], '/container/volumes', (v, p) => readVolume(ctx, v, p));
  return {
    type,
    ...(docker ? { docker: readDocker(ctx, docker) } : {}),
    portMappings,
    volumes: volumes ?? [],
  };
}

function readDocker(ctx: ReadContext, docker: Json): Docker {
  const path = '/container/docker';
  const image = readString(ctx, readRequired(ctx, docker, 'image', path), child(path, 'image')) ?? '';
  if (docker['image'] === '') invalid(ctx, child(path, 'image'), 'must not be empty');
  const parameters = readArray(ctx, docker['parameters'], child(path, 'parameters'), (v, p) => {
    const obj = readObject(ctx, v, p);
    if (obj === undefined) return undefined;
    const key = readString(ctx, readRequired(ctx, obj, 'key', p), child(p, 'key'));
    const value = readString(ctx, readRequired(ctx, obj, 'value', p), child(p, 'value'));
    return key !== undefined && value !== undefined ? { key, value } : undefined;
  });
  return {
    image,
    privileged: readBoolean(ctx, docker['privileged'], child(path, 'privileged')) ?? false,
    forcePullImage: readBoolean(ctx, docker['forcePullImage'], child(path, 'forcePullImage')) ?? false,
    parameters: parameters ?? [],
  };
}

function readVolume(ctx: ReadContext, value: unknown, path: string): HostVolume | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const containerPath = readString(ctx, readRequired(ctx, obj, 'containerPath', path), child(path, 'containerPath'));
  const hostPath = readString(ctx, readRequired(ctx, obj, 'hostPath', path), child(path, 'hostPath'));
  const mode = readEnum(ctx, readRequired(ctx, obj, 'mode', path), child(path, 'mode'), ['RO', 'RW'] as const);
  if (containerPath === '') invalid(ctx, child(path, 'containerPath'), 'must not be empty');
  if (hostPath === '') invalid(ctx, child(path, 'hostPath'), 'must not be empty');
  if (containerPath === undefined || hostPath === undefined || mode === undefined) return undefined;
  return { containerPath, hostPath, mode };
}

function readPortMappings(
  ctx: ReadContext,
  container: Json | undefined,
  docker: Json | undefined,
  mode: NetworkMode,
): PortMapping[] {
  const legacy = docker?.['portMappings'];
  const current = container?.['portMappings'];
  if (legacy != null && current != null) {
    invalid(ctx, '/container', 'must not specify both container.docker.portMappings and container.portMappings');
  }
  if (legacy != null) ctx.warnings.push('/container/docker/portMappings: read as container.portMappings');
  const path = legacy != null ? '/container/docker/portMappings' : '/container/portMappings';
  const given = readArray(ctx, legacy ?? current, path, (v, p) => readPortMapping(ctx, v, p, mode));
  if (mode === 'host') {
    if (given !== undefined && given.length > 0)
      invalid(ctx, path, 'portMappings are not allowed with host-networking');
    return [];
  }
  if (given === undefined)
    return [{ containerPort: 0, hostPort: 0, servicePort: 0, protocol: 'tcp', name: 'default', labels: stringMap() }];
  uniqueNames(ctx, given, path);
  return given;
}

function readPortMapping(ctx: ReadContext, value: unknown, path: string, mode: NetworkMode): PortMapping | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const hostPort =
    readNumber(ctx, obj['hostPort'], child(path, 'hostPort'), PORT) ?? (mode === 'container/bridge' ? 0 : undefined);
  const name = readPattern(ctx, obj['name'], child(path, 'name'), PORT_NAME);
  return {
    containerPort: readNumber(ctx, obj['containerPort'], child(path, 'containerPort'), PORT) ?? 0,
    ...(hostPort !== undefined ? { hostPort } : {}),
    servicePort: readNumber(ctx, obj['servicePort'], child(path, 'servicePort'), PORT) ?? 0,
    protocol: readEnum(ctx, obj['protocol'], child(path, 'protocol'), PROTOCOLS) ?? 'tcp',
    ...(name !== undefined ? { name } : {}),
    labels: readStringMap(ctx, obj['labels'], child(path, 'labels')) ?? stringMap(),
  };
}

function readPortDefinitions(ctx: ReadContext, app: Json, mode: NetworkMode): PortDefinition[] {
  const given = readArray(ctx, app['portDefinitions'], '/portDefinitions', (v, p) => readPortDefinition(ctx, v, p));
  const ports = readArray(ctx, app['ports'], '/ports', (v, p) => readNumber(ctx, v, p, PORT));
  if (mode !== 'host') {
    if (given !== undefined && given.length > 0)
      invalid(ctx, '/portDefinitions', 'portDefinitions are only allowed with host-networking');
    if (ports !== undefined && ports.length > 0)
      ctx.warnings.push('/ports: ignored, the app does not use host networking');
    return [];
  }
  const definitions = given ?? (ports ? fromPorts(ctx, ports) : [defaultPortDefinition()]);
  if (given !== undefined && ports !== undefined && !samePorts(given, ports)) {
    invalid(ctx, '/', 'cannot specify both ports and port definitions');
  }
  if (!distinct(definitions.map((d) => d.port).filter((p) => p !== 0)))
    invalid(ctx, '/portDefinitions', 'Ports must be unique.');
  uniqueNames(ctx, definitions, '/portDefinitions');
  return definitions;
}

function readPortDefinition(ctx: ReadContext, value: unknown, path: string): PortDefinition | undefined {
  const obj = readObject(ctx, value, path);
  if (obj === undefined) return undefined;
  const port = readNumber(ctx, readRequired(ctx, obj, 'port', path), child(path, 'port'), PORT);
  const name = readPattern(ctx, obj['name'], child(path, 'name'), PORT_NAME);
  if (port === undefined) return undefined;
  return {
    port,
    protocol: readEnum(ctx, obj['protocol'], child(path, 'protocol'), PROTOCOLS) ?? 'tcp',
    ...(name !== undefined ? { name } : {}),
    labels: readStringMap(ctx, obj['labels'], child(path, 'labels')) ?? stringMap(),
  };
}

function defaultPortDefinition(): PortDefinition {
  return { port: 0, protocol: 'tcp', name: 'default', labels: stringMap() };
}

function fromPorts(ctx: ReadContext, ports: number[]): PortDefinition[] {
  ctx.warnings.push('/ports: read as portDefinitions');
  return ports.map((port) => ({ port, protocol: 'tcp', labels: stringMap() }));
}

function samePorts(definitions: PortDefinition[], ports: number[]): boolean {
  return definitions.length === ports.length && definitions.every((d, i) => d.port === ports[i]);
}

function uniqueNames(ctx: ReadContext, ports: { name?: string }[], path: string): void {
  const names = ports.flatMap((p) => (p.name === undefined ? [] : [p.name]));
  if (!distinct(names)) invalid(ctx, path, 'Port names must be unique.');
}

function distinct<T>(values: T[]): boolean {
  return new Set(values).size === values.length;
}

// Service ports: where an app keeps them, and assignment of the 0s from the range: lowest free, unique
// across apps, kept across versions, explicit ones untouched, and the exhausted range.
import { describe, expect, it } from 'vitest';
import { SERVICE_PORT_MIN } from '../../../src/common/limits.js';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../../src/scheduler/core/app-types.js';
import { assignServicePorts, portRequests, servicePortsOf } from '../../../src/scheduler/core/service-ports.js';

function app(json: Record<string, unknown>): AppDefinition {
  const result = normalizeApp({ id: '/svc', cmd: 'sleep 100', ...json });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.app;
}

const hostPorts = (...ports: number[]): AppDefinition => app({ portDefinitions: ports.map((port) => ({ port })) });

const bridge = (...servicePorts: number[]): AppDefinition =>
  app({
    container: {
      type: 'DOCKER',
      docker: {
        image: 'nginx',
        network: 'BRIDGE',
        portMappings: servicePorts.map((servicePort) => ({ containerPort: 80, servicePort })),
      },
    },
  });

function assigned(a: AppDefinition, o: Parameters<typeof assignServicePorts>[1] = { taken: new Set() }): number[] {
  const result = assignServicePorts(a, o);
  if (!result.ok) throw new Error(result.message);
  return servicePortsOf(result.app);
}

describe('servicePortsOf and portRequests', () => {
  it('reads port definitions in host networking and port mappings otherwise', () => {
    expect(servicePortsOf(hostPorts(0, 10005))).toEqual([0, 10005]);
    expect(servicePortsOf(app({}))).toEqual([0]);
    expect(servicePortsOf(bridge(0, 12000))).toEqual([0, 12000]);
    expect(servicePortsOf(app({ portDefinitions: [] }))).toEqual([]);
  });

  it('asks the offer for any host port, the declared one with requirePorts, none for container-only mappings', () => {
    expect(portRequests(hostPorts(0)).map((r) => r.hostPort)).toEqual([0]);
    expect(
      portRequests(app({ portDefinitions: [{ port: 31005 }], requirePorts: true })).map((r) => r.hostPort),
    ).toEqual([31005]);
    expect(portRequests(bridge(0)).map((r) => [r.declared, r.hostPort])).toEqual([[80, 0]]);
    const user = app({
      networks: [{ mode: 'container', name: 'dcos' }],
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx' },
        portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }],
      },
    });
    expect(portRequests(user).map((r) => r.hostPort)).toEqual([undefined, 0]);
  });
});

describe('assignServicePorts', () => {
  it('fills 0s with the lowest free ports of the range, unique within the app and across apps', () => {
    expect(assigned(hostPorts(0, 0))).toEqual([SERVICE_PORT_MIN, SERVICE_PORT_MIN + 1]);
    expect(assigned(hostPorts(0, 0, 0), { taken: new Set([10000, 10002]) })).toEqual([10001, 10003, 10004]);
    expect(assigned(bridge(0), { taken: new Set([10000]) })).toEqual([10001]);
  });

  it('keeps non-zero ports as given and does not hand them out again', () => {
    expect(assigned(hostPorts(0, 10000))).toEqual([10001, 10000]);
    expect(assigned(hostPorts(8080), { taken: new Set([8080]) })).toEqual([8080]);
  });

  it('writes the numbers into portDefinitions or portMappings', () => {
    const result = assignServicePorts(bridge(0), { taken: new Set() });
    expect(result.ok && result.app.container?.portMappings[0]).toMatchObject({
      containerPort: 80,
      hostPort: 0,
      servicePort: 10000,
    });
    const host = assignServicePorts(hostPorts(0), { taken: new Set() });
    expect(host.ok && host.app.portDefinitions).toEqual([{ port: 10000, protocol: 'tcp', labels: {} }]);
  });

  it('keeps the ports the previous version was assigned at the same index', () => {
    const previous = hostPorts(10007, 10003);
    expect(assigned(hostPorts(0, 0), { previous, taken: new Set() })).toEqual([10007, 10003]);
    expect(assigned(hostPorts(0, 0, 0), { previous, taken: new Set() })).toEqual([10007, 10003, 10000]);
    expect(assigned(bridge(0), { previous: bridge(10042), taken: new Set() })).toEqual([10042]);
  });

  it('does not keep a previous port outside the range, taken by another app or now given explicitly', () => {
    expect(assigned(hostPorts(0), { previous: hostPorts(8080), taken: new Set() })).toEqual([10000]);
    expect(assigned(hostPorts(0), { previous: hostPorts(10005), taken: new Set([10005]) })).toEqual([10000]);
    expect(assigned(hostPorts(0, 10005), { previous: hostPorts(10005, 10009), taken: new Set() })).toEqual([
      10000, 10005,
    ]);
  });

  it('honours a custom range and reports an exhausted one', () => {
    expect(assigned(hostPorts(0, 0), { taken: new Set([20]), min: 20, max: 22 })).toEqual([21, 22]);
    expect(assignServicePorts(hostPorts(0, 0, 0), { taken: new Set([20]), min: 20, max: 22 })).toEqual({
      ok: false,
      message: 'All ports in the range 20-22 are already in use',
    });
  });
});

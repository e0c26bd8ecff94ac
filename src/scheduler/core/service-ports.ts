// An app's ports (reference §8.1): its service ports and their assignment from the service port range,
// and the host ports each port definition / port mapping asks of an offer.
import { SERVICE_PORT_MAX, SERVICE_PORT_MIN } from '../../common/limits.js';
import type { AppDefinition, NetworkMode, Protocol } from './app-types.js';

/** The app's networking mode: its first network's (normalised apps always have one). */
export function networkMode(app: AppDefinition): NetworkMode {
  return app.networks[0]?.mode ?? 'host';
}

/** One port definition (host networking) or port mapping (otherwise), as a task sees it. */
export interface PortRequest {
  /** The port definition's port (a service port) or the mapping's containerPort; 0 = dynamic. */
  declared: number;
  /** The host port wanted: 0 = any from the offer, another number = exactly it, undefined = none. */
  hostPort?: number;
  name?: string;
  protocol: Protocol;
  labels: Record<string, string>;
}

/** The app's port requests in order; with `requirePorts` a port definition's number is the host port. */
export function portRequests(app: AppDefinition): PortRequest[] {
  if (networkMode(app) === 'host') {
    return app.portDefinitions.map((d) => ({
      declared: d.port,
      hostPort: app.requirePorts ? d.port : 0,
      ...(d.name !== undefined ? { name: d.name } : {}),
      protocol: d.protocol,
      labels: d.labels,
    }));
  }
  return (app.container?.portMappings ?? []).map((m) => ({
    declared: m.containerPort,
    ...(m.hostPort !== undefined ? { hostPort: m.hostPort } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    protocol: m.protocol,
    labels: m.labels,
  }));
}

/** The app's service ports in order (portDefinitions[].port in host networking, container.portMappings[].servicePort otherwise). */
export function servicePortsOf(app: AppDefinition): number[] {
  if (networkMode(app) === 'host') return app.portDefinitions.map((d) => d.port);
  return (app.container?.portMappings ?? []).map((m) => m.servicePort);
}

function withServicePorts(app: AppDefinition, ports: readonly number[]): AppDefinition {
  const at = (i: number): number => ports[i] ?? 0;
  if (networkMode(app) === 'host')
    return { ...app, portDefinitions: app.portDefinitions.map((d, i) => ({ ...d, port: at(i) })) };
  if (app.container === undefined) return app;
  const portMappings = app.container.portMappings.map((m, i) => ({ ...m, servicePort: at(i) }));
  return { ...app, container: { ...app.container, portMappings } };
}

function lowestFree(used: ReadonlySet<number>, min: number, max: number): number | undefined {
  for (let port = min; port <= max; port++) if (!used.has(port)) return port;
  return undefined;
}

/**
 * Fills every service port 0 with a free port from [min, max] (defaults SERVICE_PORT_MIN/MAX from src/common/limits.ts),
 * keeping the ports `previous` (the app's previous version) had at the same index when they were auto-assigned
 * (in the range); non-zero ports are kept as given. `taken`: service ports of all other apps.
 * Exhausted range → { ok: false, message }.
 */
export function assignServicePorts(
  app: AppDefinition,
  o: { previous?: AppDefinition; taken: ReadonlySet<number>; min?: number; max?: number },
): { ok: true; app: AppDefinition } | { ok: false; message: string } {
  const min = o.min ?? SERVICE_PORT_MIN;
  const max = o.max ?? SERVICE_PORT_MAX;
  const ports = servicePortsOf(app);
  const before = o.previous === undefined ? [] : servicePortsOf(o.previous);
  const used = new Set([...o.taken, ...ports.filter((p) => p !== 0)]);
  const assigned: number[] = [];
  for (const [i, port] of ports.entries()) {
    const kept = before[i];
    const keep = kept !== undefined && kept >= min && kept <= max && !used.has(kept);
    const pick = port !== 0 ? port : keep ? kept : lowestFree(used, min, max);
    if (pick === undefined) return { ok: false, message: `All ports in the range ${min}-${max} are already in use` };
    used.add(pick);
    assigned.push(pick);
  }
  return { ok: true, app: withServicePorts(app, assigned) };
}

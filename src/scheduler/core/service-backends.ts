// Which tasks serve each app's service ports (reference §15): per app and port index, the running (and,
// with health checks, healthy) instances at host:hostPorts[n], for the built-in load balancer.
//
// Labels honoured, as marathon-lb reads them: `HAPROXY_{n}_ENABLED` = "false" leaves port n out;
// `HAPROXY_{n}_PORT` binds port n on that port instead of its service port. HAPROXY_GROUP is not
// honoured: every app is exposed. UDP-only ports are left out (the balancer proxies TCP).
import type { AppVersion, Instance, RootGroup } from './model.js';
import { instanceHealth } from './health.js';

export interface ServiceBackend {
  appId: string;
  portIndex: number;
  /** The port to listen on: HAPROXY_{n}_PORT when set, else the app's service port n. */
  servicePort: number;
  backends: { host: string; port: number }[];
}

export interface BackendsView {
  root: RootGroup;
  instances(): Instance[];
}

/** An app's service ports in index order, as they are declared for its networking mode. */
export function appServicePorts(app: AppVersion): { port: number; tcp: boolean }[] {
  if ((app.networks[0]?.mode ?? 'host') === 'host') {
    return app.portDefinitions.map((d) => ({ port: d.port, tcp: d.protocol.includes('tcp') }));
  }
  return (app.container?.portMappings ?? []).map((m) => ({ port: m.servicePort, tcp: m.protocol.includes('tcp') }));
}

/** HAPROXY_{n}_PORT as a port number, or undefined when unset or not a valid port. */
export function labelPort(labels: Record<string, string>, index: number): number | undefined {
  const text = labels[`HAPROXY_${index}_PORT`];
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const port = Number(text);
  return port > 0 && port <= 65_535 ? port : undefined;
}

/** HAPROXY_{n}_ENABLED is "false" (any case). */
export function labelDisabled(labels: Record<string, string>, index: number): boolean {
  return labels[`HAPROXY_${index}_ENABLED`]?.trim().toLowerCase() === 'false';
}

function serving(app: AppVersion, instance: Instance): boolean {
  if (instance.state !== 'TASK_RUNNING' || instance.goal !== 'running') return false;
  return app.healthChecks.length === 0 || instanceHealth(instance) === true;
}

export function serviceBackends(view: BackendsView): ServiceBackend[] {
  const byApp = new Map<string, Instance[]>();
  for (const instance of view.instances()) {
    const list = byApp.get(instance.appId);
    if (list === undefined) byApp.set(instance.appId, [instance]);
    else list.push(instance);
  }
  return Object.values(view.root.apps)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .flatMap((app) =>
      appBackends(
        app,
        (byApp.get(app.id) ?? []).filter((i) => serving(app, i)),
      ),
    );
}

function appBackends(app: AppVersion, instances: Instance[]): ServiceBackend[] {
  return appServicePorts(app).flatMap(({ port, tcp }, portIndex) => {
    const servicePort = labelPort(app.labels, portIndex) ?? port;
    if (!tcp || servicePort === 0 || labelDisabled(app.labels, portIndex)) return [];
    const backends = instances.flatMap((i) => {
      const hostPort = i.hostPorts[portIndex];
      return hostPort === undefined || hostPort === 0 ? [] : [{ host: i.host, port: hostPort }];
    });
    return [{ appId: app.id, portIndex, servicePort, backends }];
  });
}

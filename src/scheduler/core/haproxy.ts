// haproxy.cfg from Marathon's `GET /v2/apps?embed=apps.tasks`, read the way marathon-lb reads it
// (reference §13, §15), rendered from template fragments with `{placeholder}` substitution.
//
// Honoured labels (n = service port index): HAPROXY_{n}_ENABLED ("false" leaves the port out),
// HAPROXY_{n}_PORT, HAPROXY_{n}_MODE, HAPROXY_{n}_BALANCE, HAPROXY_{n}_BIND_ADDR, and
// HAPROXY_{n}_<TEMPLATE> replacing one fragment for that port. HAPROXY_GROUP is not honoured.
import { labelDisabled, labelPort } from './service-backends.js';

/** The template fragments, named as marathon-lb names them. */
export const HAPROXY_TEMPLATE_NAMES = [
  'HAPROXY_HEAD',
  'HAPROXY_FRONTEND_HEAD',
  'HAPROXY_BACKEND_HEAD',
  'HAPROXY_BACKEND_HTTP_OPTIONS',
  'HAPROXY_BACKEND_SERVER_OPTIONS',
] as const;
export type HaproxyTemplateName = (typeof HAPROXY_TEMPLATE_NAMES)[number];

/** The parts of Marathon's app and task JSON this reads; both output profiles (1.4 and 1.5+) fit. */
export interface AppsJson {
  apps: AppJson[];
}

export interface AppJson {
  id: string;
  labels?: Record<string, string> | null;
  container?: {
    docker?: { network?: string; portMappings?: PortMappingJson[] | null } | null;
    portMappings?: PortMappingJson[] | null;
  } | null;
  networks?: { mode?: string }[] | null;
  ipAddress?: unknown;
  portDefinitions?: { port?: number }[] | null;
  ports?: number[] | null;
  healthChecks?: { protocol?: string; portIndex?: number; port?: number }[] | null;
  tasks?: TaskJson[] | null;
}

interface PortMappingJson {
  containerPort?: number;
  servicePort?: number;
}

export interface TaskJson {
  id: string;
  host: string;
  state?: string;
  ports?: number[] | null;
  ipAddresses?: { ipAddress: string }[] | null;
  healthCheckResults?: { alive: boolean }[] | null;
}

export interface RenderOptions {
  apps: AppsJson;
  templates: Record<string, string>;
  /** Default bind address of every frontend (marathon-lb: `*`). */
  bindAddress?: string;
}

type NetworkingMode = 'host' | 'container/bridge' | 'container';

interface Server {
  host: string;
  port: number;
}

export function renderHaproxyConfig(o: RenderOptions): string {
  const apps = [...o.apps.apps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const services = apps.flatMap((app) => servicesOf(app).map((service) => renderService(o, app, service)));
  return [template(o.templates, 'HAPROXY_HEAD'), ...services].join('');
}

interface Service {
  index: number;
  servicePort: number;
  servers: Server[];
}

function servicesOf(app: AppJson): Service[] {
  const mode = networkingMode(app);
  const mappings = portMappings(app);
  const tasks = (app.tasks ?? []).filter((task) => serving(app, task));
  return servicePorts(app, mode, mappings).flatMap((port, index) => {
    const labels = app.labels ?? {};
    if (labelDisabled(labels, index)) return [];
    const servers = tasks.flatMap((task) =>
      serverOf(task, index, mode === 'container' ? mappings[index]?.containerPort : undefined),
    );
    return [{ index, servicePort: labelPort(labels, index) ?? port, servers }];
  });
}

/** marathon-lb's order: `ipAddress` means IP-per-task, docker BRIDGE means bridge, `networks` decides last. */
function networkingMode(app: AppJson): NetworkingMode {
  const networks = app.networks ?? [];
  const last = networks[networks.length - 1];
  if (last !== undefined) return last.mode === 'host' || last.mode === 'container/bridge' ? last.mode : 'container';
  if (app.container?.docker?.network === 'BRIDGE') return 'container/bridge';
  return app.ipAddress != null ? 'container' : 'host';
}

function portMappings(app: AppJson): PortMappingJson[] {
  return app.container?.docker?.portMappings ?? app.container?.portMappings ?? [];
}

/** Service ports: port mappings' servicePort (non-host modes), else portDefinitions[].port, else `ports`. */
function servicePorts(app: AppJson, mode: NetworkingMode, mappings: PortMappingJson[]): number[] {
  const fromMappings =
    mode === 'host' ? [] : mappings.flatMap((m) => (m.servicePort === undefined ? [] : [m.servicePort]));
  if (fromMappings.length > 0) return fromMappings;
  if (app.portDefinitions != null) return app.portDefinitions.flatMap((d) => (d.port === undefined ? [] : [d.port]));
  return app.ports ?? [];
}

/** Running tasks only (a task without a state is from a Marathon too old to report one); with health checks, only alive ones. */
function serving(app: AppJson, task: TaskJson): boolean {
  if (task.state !== undefined && task.state !== 'TASK_RUNNING') return false;
  if ((app.healthChecks ?? []).length === 0) return true;
  const results = task.healthCheckResults ?? [];
  return results.length > 0 && results.every((r) => r.alive);
}

/** Host networking and bridge: the task's host at its host port n; IP-per-task: its first IP at the container port. */
function serverOf(task: TaskJson, index: number, containerPort: number | undefined): Server[] {
  if (containerPort !== undefined) {
    const ip = task.ipAddresses?.[0]?.ipAddress;
    return ip === undefined ? [] : [{ host: ip, port: containerPort }];
  }
  const port = task.ports?.[index];
  return port === undefined ? [] : [{ host: task.host, port }];
}

function renderService(o: RenderOptions, app: AppJson, service: Service): string {
  const labels = app.labels ?? {};
  const label = (name: string): string | undefined => labels[`HAPROXY_${service.index}_${name}`];
  const mode = modeOf(label('MODE'), hasHttpCheck(app, service.index));
  const values = {
    backend: `${app.id.replace(/^\//, '').replaceAll('/', '_')}_${service.servicePort}`,
    bindAddr: label('BIND_ADDR') ?? o.bindAddress ?? '*',
    servicePort: String(service.servicePort),
    mode,
    balance: label('BALANCE') ?? 'roundrobin',
  };
  const fragment = (name: HaproxyTemplateName): string =>
    label(name.slice('HAPROXY_'.length)) ?? template(o.templates, name);
  const servers = service.servers.map((s) =>
    fill(fragment('HAPROXY_BACKEND_SERVER_OPTIONS'), {
      serverName: serverName(s),
      host_ipv4: s.host,
      port: String(s.port),
    }),
  );
  return [
    fill(fragment('HAPROXY_FRONTEND_HEAD'), values),
    fill(fragment('HAPROXY_BACKEND_HEAD'), values),
    mode === 'http' ? fill(fragment('HAPROXY_BACKEND_HTTP_OPTIONS'), values) : '',
    ...servers,
  ].join('');
}

/** HAPROXY_{n}_MODE when set, else http when the port has an HTTP health check. */
function modeOf(label: string | undefined, httpCheck: boolean): 'http' | 'tcp' {
  if (label === undefined) return httpCheck ? 'http' : 'tcp';
  return label.trim().toLowerCase() === 'http' ? 'http' : 'tcp';
}

/** An HTTP health check on port n makes marathon-lb use `mode http`. */
function hasHttpCheck(app: AppJson, index: number): boolean {
  return (app.healthChecks ?? []).some((check) => {
    const protocol = (check.protocol ?? 'HTTP').toUpperCase();
    const portIndex = check.portIndex ?? (check.port === undefined ? 0 : undefined);
    return (protocol === 'HTTP' || protocol === 'MESOS_HTTP') && portIndex === index;
  });
}

function serverName(server: Server): string {
  return `${server.host}_${server.port}`.replace(/[^A-Za-z0-9-]/g, '_');
}

function template(templates: Record<string, string>, name: HaproxyTemplateName): string {
  const text = templates[name];
  if (text === undefined) throw new Error(`haproxy template ${name} is missing`);
  return text;
}

/** Replaces `{name}` with its value; names without a value (marathon-lb options this does not render) become empty. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => values[name] ?? '');
}

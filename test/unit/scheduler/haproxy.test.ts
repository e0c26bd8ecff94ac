// haproxy.cfg rendering from Marathon's apps JSON with the shipped templates: the tutorial's BRIDGE
// nginx (1.4 output profile), a host-networking app with an HTTP health check (1.5+ profile), the
// HAPROXY_{n}_* labels and IP-per-task networking.
import { describe, expect, it } from 'vitest';
import { type AppsJson, fill, renderHaproxyConfig } from '../../../src/scheduler/core/haproxy.js';
import { loadHaproxyTemplates } from '../../../src/scheduler/io/haproxy-templates.js';

const task = (o: { id: string; host?: string; ports: number[]; state?: string; alive?: boolean[] }) => ({
  id: o.id,
  appId: '/x',
  host: o.host ?? '127.0.0.1',
  ports: o.ports,
  state: o.state ?? 'TASK_RUNNING',
  slaveId: 'S0',
  stagedAt: '2024-03-01T10:00:00.000Z',
  version: '2024-03-01T10:00:00.000Z',
  ...(o.alive === undefined
    ? {}
    : {
        healthCheckResults: o.alive.map((alive) => ({
          alive,
          consecutiveFailures: alive ? 0 : 3,
          firstSuccess: null,
          lastSuccess: null,
          lastFailure: null,
          lastFailureCause: null,
          instanceId: o.id,
        })),
      }),
});

/** The tutorial's nginx as a 1.4 Marathon shows it: docker.network BRIDGE, docker.portMappings, `ports`. */
const NGINX = {
  id: '/nginx',
  cmd: null,
  instances: 3,
  container: {
    type: 'DOCKER',
    docker: {
      image: 'nginx',
      network: 'BRIDGE',
      portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 10000, protocol: 'tcp' }],
    },
  },
  ports: [10000],
  portDefinitions: [{ port: 10000, protocol: 'tcp', labels: {} }],
  labels: {},
  healthChecks: [],
  tasks: [
    task({ id: 'nginx.a1', ports: [31005] }),
    task({ id: 'nginx.a2', host: 'agent-2.local', ports: [31502] }),
    task({ id: 'nginx.a3', ports: [31007], state: 'TASK_STAGING' }),
  ],
};

/** A 1.5+ host-networking app with an HTTP health check on port 0; one task is failing it. */
const API = {
  id: '/shop/api',
  cmd: 'python3 -m http.server $PORT0',
  instances: 2,
  networks: [{ mode: 'host' }],
  portDefinitions: [
    { port: 10001, protocol: 'tcp', name: 'http', labels: {} },
    { port: 10002, protocol: 'tcp', name: 'admin', labels: {} },
  ],
  labels: { HAPROXY_0_BALANCE: 'leastconn', HAPROXY_1_PORT: '9000' },
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/',
      portIndex: 0,
      gracePeriodSeconds: 300,
      intervalSeconds: 60,
      timeoutSeconds: 20,
      maxConsecutiveFailures: 3,
    },
  ],
  tasks: [
    task({ id: 'api.b1', ports: [31010, 31011], alive: [true] }),
    task({ id: 'api.b2', ports: [31012, 31013], alive: [false] }),
  ],
};

async function render(apps: unknown[], bindAddress?: string): Promise<string> {
  return renderHaproxyConfig({
    apps: { apps } as AppsJson,
    templates: await loadHaproxyTemplates(),
    ...(bindAddress === undefined ? {} : { bindAddress }),
  });
}

/** The lines of one section (from its header to the next blank line). */
function section(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section "${header}" in:\n${config}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('renderHaproxyConfig', () => {
  it('BRIDGE nginx: a tcp frontend on the service port and the running tasks at their host ports', async () => {
    const config = await render([NGINX]);
    expect(config.startsWith('# haproxy.cfg rendered by `minicluster lb config`')).toBe(true);
    expect(section(config, 'frontend nginx_10000')).toEqual([
      'frontend nginx_10000',
      '  bind *:10000',
      '  mode tcp',
      '  use_backend nginx_10000',
    ]);
    expect(section(config, 'backend nginx_10000')).toEqual([
      'backend nginx_10000',
      '  balance roundrobin',
      '  mode tcp',
      '  server 127_0_0_1_31005 127.0.0.1:31005',
      '  server agent-2_local_31502 agent-2.local:31502',
    ]);
    expect(config).not.toContain('31007');
  });

  it('an HTTP health check: mode http, only alive tasks, the labels of each port', async () => {
    const config = await render([API], '127.0.0.1');
    expect(section(config, 'frontend shop_api_10001')).toEqual([
      'frontend shop_api_10001',
      '  bind 127.0.0.1:10001',
      '  mode http',
      '  use_backend shop_api_10001',
    ]);
    expect(section(config, 'backend shop_api_10001')).toEqual([
      'backend shop_api_10001',
      '  balance leastconn',
      '  mode http',
      '  option forwardfor',
      '  http-request set-header X-Forwarded-Port %[dst_port]',
      '  http-request add-header X-Forwarded-Proto https if { ssl_fc }',
      '  server 127_0_0_1_31010 127.0.0.1:31010',
    ]);
    expect(section(config, 'frontend shop_api_9000')).toContain('  mode tcp');
    expect(section(config, 'backend shop_api_9000')).toContain('  server 127_0_0_1_31011 127.0.0.1:31011');
    expect(config).not.toContain('31012');
    expect(config).not.toContain('31013');
  });

  it('apps come out sorted by id; HAPROXY_{n}_ENABLED=false and label templates apply per port', async () => {
    const custom = {
      ...NGINX,
      id: '/a/custom',
      labels: {
        HAPROXY_0_MODE: 'http',
        HAPROXY_0_BACKEND_SERVER_OPTIONS: '  server {serverName} {host_ipv4}:{port} check{cookieOptions}\n',
      },
    };
    const disabled = { ...NGINX, id: '/b/off', labels: { HAPROXY_0_ENABLED: 'false' } };
    const config = await render([NGINX, disabled, custom]);
    expect(config.indexOf('frontend a_custom_10000')).toBeLessThan(config.indexOf('frontend nginx_10000'));
    expect(section(config, 'backend a_custom_10000')).toContain('  server 127_0_0_1_31005 127.0.0.1:31005 check');
    expect(section(config, 'backend a_custom_10000')).toContain('  mode http');
    expect(config).not.toContain('b_off');
  });

  it('IP-per-task (networks mode container): the task IP at the container port', async () => {
    const overlay = {
      id: '/overlay',
      networks: [{ mode: 'container', name: 'dcos' }],
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx' },
        portMappings: [{ containerPort: 8080, servicePort: 10100 }],
      },
      healthChecks: [],
      tasks: [{ ...task({ id: 'overlay.c1', ports: [] }), ipAddresses: [{ ipAddress: '9.0.0.7', protocol: 'IPv4' }] }],
    };
    expect(section(await render([overlay]), 'backend overlay_10100')).toContain('  server 9_0_0_7_8080 9.0.0.7:8080');
  });

  it('fill substitutes known placeholders, empties unknown ones and leaves HAProxy braces alone', () => {
    expect(fill('bind {bindAddr}:{servicePort}{bindOptions} if { ssl_fc }', { bindAddr: '*', servicePort: '80' })).toBe(
      'bind *:80 if { ssl_fc }',
    );
  });
});

// Which instances serve which service port: running only, healthy only when the app has checks, host
// ports by index for host and bridge networking, and the HAPROXY_{n}_PORT / _ENABLED labels.
import { describe, expect, it } from 'vitest';
import type { HealthResult } from '../../../src/scheduler/core/model.js';
import { serviceBackends } from '../../../src/scheduler/core/service-backends.js';
import { appVersion, instance, view } from './health-fixtures.js';

const result = (alive: boolean): HealthResult => ({
  alive,
  consecutiveFailures: alive ? 0 : 1,
  firstSuccess: null,
  lastSuccess: null,
  lastFailure: null,
  lastFailureCause: null,
});

const API = appVersion({ id: '/api', cmd: 'serve', instances: 3, portDefinitions: [{ port: 10010 }, { port: 10011 }] });
const NGINX = appVersion({
  id: '/web/nginx',
  instances: 3,
  container: {
    type: 'DOCKER',
    docker: { image: 'nginx', network: 'BRIDGE', portMappings: [{ containerPort: 80, servicePort: 10020 }] },
  },
  healthChecks: [{ protocol: 'HTTP', portIndex: 0 }],
});

describe('serviceBackends', () => {
  it('host networking: one entry per port definition with the running instances at host port n', () => {
    const instances = [
      instance({ appId: '/api', hostPorts: [31000, 31001] }),
      instance({ appId: '/api', hostPorts: [31002, 31003], state: 'TASK_STAGING' }),
      instance({ appId: '/api', hostPorts: [31004, 31005], goal: 'decommissioned' }),
      instance({ appId: '/api', host: 'agent-2', hostPorts: [31500, 31501] }),
    ];
    expect(serviceBackends(view([API], instances))).toEqual([
      {
        appId: '/api',
        portIndex: 0,
        servicePort: 10010,
        backends: [
          { host: '127.0.0.1', port: 31000 },
          { host: 'agent-2', port: 31500 },
        ],
      },
      {
        appId: '/api',
        portIndex: 1,
        servicePort: 10011,
        backends: [
          { host: '127.0.0.1', port: 31001 },
          { host: 'agent-2', port: 31501 },
        ],
      },
    ]);
  });

  it('an app with health checks: only instances whose results are all alive', () => {
    const instances = [
      instance({ appId: '/web/nginx', hostPorts: [31100], health: [result(true)] }),
      instance({ appId: '/web/nginx', hostPorts: [31101], health: [result(false)] }),
      instance({ appId: '/web/nginx', hostPorts: [31102], health: [] }),
    ];
    expect(serviceBackends(view([NGINX], instances))).toEqual([
      { appId: '/web/nginx', portIndex: 0, servicePort: 10020, backends: [{ host: '127.0.0.1', port: 31100 }] },
    ]);
  });

  it('an app without instances still has its service ports, with no backends', () => {
    expect(serviceBackends(view([NGINX, API], []))).toEqual([
      { appId: '/api', portIndex: 0, servicePort: 10010, backends: [] },
      { appId: '/api', portIndex: 1, servicePort: 10011, backends: [] },
      { appId: '/web/nginx', portIndex: 0, servicePort: 10020, backends: [] },
    ]);
  });

  it('HAPROXY_{n}_PORT moves the listener, HAPROXY_{n}_ENABLED=false leaves a port out', () => {
    const labelled = appVersion({
      id: '/api',
      cmd: 'serve',
      portDefinitions: [{ port: 10010 }, { port: 10011 }],
      labels: { HAPROXY_0_PORT: '8080', HAPROXY_1_ENABLED: 'false' },
    });
    const instances = [instance({ appId: '/api', hostPorts: [31000, 31001] })];
    expect(serviceBackends(view([labelled], instances))).toEqual([
      { appId: '/api', portIndex: 0, servicePort: 8080, backends: [{ host: '127.0.0.1', port: 31000 }] },
    ]);
  });

  it('leaves out UDP-only ports and instances of unknown apps', () => {
    const dns = appVersion({
      id: '/dns',
      cmd: 'serve',
      portDefinitions: [
        { port: 10053, protocol: 'udp' },
        { port: 10054, protocol: 'udp,tcp' },
      ],
    });
    const instances = [
      instance({ appId: '/dns', hostPorts: [31053, 31054] }),
      instance({ appId: '/gone', hostPorts: [31060] }),
    ];
    expect(serviceBackends(view([dns], instances))).toEqual([
      { appId: '/dns', portIndex: 1, servicePort: 10054, backends: [{ host: '127.0.0.1', port: 31054 }] },
    ]);
  });
});

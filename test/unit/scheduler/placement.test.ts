// Placing one instance on one offer: the tutorial's nginx.json in BRIDGE mode, fixed and required host
// ports, decline reasons in Marathon's order, the command, container and health check of the TaskInfo,
// the task environment, and repeated placement on what an offer has left.
import { describe, expect, it } from 'vitest';
import { parseResourceText, resourcesFromV1, resourcesToV1 } from '../../../src/master/core/resources.js';
import type { Attribute, Offer, TaskInfo } from '../../../src/master/core/v1.js';
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import { agentAttributes } from '../../../src/scheduler/core/constraints.js';
import type { AppVersion } from '../../../src/scheduler/core/model.js';
import { toHostname } from '../../../src/common/marathon-ids.js';
import { type PlaceResult, placeInstance } from '../../../src/scheduler/core/placement.js';
import { assignServicePorts } from '../../../src/scheduler/core/service-ports.js';
import { taskEnvironment } from '../../../src/scheduler/core/task-env.js';

const VERSION = '2024-03-01T10:00:00.000Z';

/** A stored app version: normalised, service ports assigned. */
function app(json: Record<string, unknown>): AppVersion {
  const result = normalizeApp(json);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  const assigned = assignServicePorts(result.app, { taken: new Set() });
  if (!assigned.ok) throw new Error(assigned.message);
  return { ...assigned.app, version: VERSION, versionInfo: { lastScalingAt: VERSION, lastConfigChangeAt: VERSION } };
}

/** An offer as our masters make them: unreserved resources allocated to `*`. */
function offer(resources = 'cpus:4;mem:7680;disk:20000;ports:[31000-31499]', attributes: Attribute[] = []): Offer {
  return {
    id: { value: 'M-O7' },
    framework_id: { value: 'M-0001' },
    agent_id: { value: 'A-S1' },
    hostname: '127.0.0.1',
    resources: resourcesToV1(resourcesFromV1(parseResourceText(resources)), '*'),
    attributes,
    executor_ids: [],
    allocation_info: { role: '*' },
  };
}

const NGINX = {
  id: 'nginx',
  container: {
    type: 'DOCKER',
    docker: {
      image: 'nginx',
      network: 'BRIDGE',
      portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp' }],
    },
  },
  instances: 1,
  cpus: 0.1,
  mem: 64,
};

const SLEEPER = { id: '/tools/sleeper', cmd: 'sleep 1000', cpus: 0.5, mem: 32 };

function place(a: AppVersion, o: Offer = offer(), taskId = 'nginx.instance-1._app.1'): PlaceResult {
  return placeInstance({ app: a, instanceId: 'nginx.instance-1', taskId, offer: o, placed: [] });
}

function placed(result: PlaceResult): Extract<PlaceResult, { ok: true }> {
  if (!result.ok) throw new Error(`declined: ${result.reason}`);
  return result;
}

function env(info: TaskInfo): Record<string, string> {
  return Object.fromEntries((info.command?.environment?.variables ?? []).map((v) => [v.name, v.value ?? '']));
}

const scalarOf = (o: Offer, name: string): number | undefined =>
  o.resources.find((r) => r.name === name)?.scalar?.value;
const portsOf = (o: Offer): unknown => o.resources.find((r) => r.name === 'ports')?.ranges?.range;

describe('placeInstance: the tutorial nginx.json', () => {
  const result = placed(place(app(NGINX)));

  it('takes cpus, mem and the lowest host port, allocated to the offer’s role', () => {
    expect(result.hostPorts).toEqual([31000]);
    expect(result.taskInfo.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, role: '*', allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, role: '*', allocation_info: { role: '*' } },
      {
        name: 'ports',
        type: 'RANGES',
        ranges: { range: [{ begin: 31000, end: 31000 }] },
        role: '*',
        allocation_info: { role: '*' },
      },
    ]);
  });

  it('names the task after the app, runs the image’s entrypoint and maps the host port to container port 80', () => {
    expect(result.taskInfo).toMatchObject({
      name: 'nginx',
      task_id: { value: 'nginx.instance-1._app.1' },
      agent_id: { value: 'A-S1' },
    });
    expect(result.taskInfo.command).toMatchObject({ shell: false });
    expect(result.taskInfo.command?.value).toBeUndefined();
    expect(result.taskInfo.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'nginx',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31000, container_port: 80, protocol: 'tcp' }],
        privileged: false,
        force_pull_image: false,
      },
    });
    expect(result.taskInfo.discovery).toEqual({
      visibility: 'FRAMEWORK',
      name: 'nginx',
      ports: { ports: [{ number: 31000, protocol: 'tcp' }] },
    });
  });

  it('gives the task Marathon’s environment', () => {
    expect(env(result.taskInfo)).toEqual({
      MESOS_TASK_ID: 'nginx.instance-1._app.1',
      MARATHON_APP_ID: '/nginx',
      MARATHON_APP_VERSION: VERSION,
      MARATHON_APP_DOCKER_IMAGE: 'nginx',
      MARATHON_APP_RESOURCE_CPUS: '0.1',
      MARATHON_APP_RESOURCE_MEM: '64.0',
      MARATHON_APP_RESOURCE_DISK: '0.0',
      MARATHON_APP_RESOURCE_GPUS: '0',
      MARATHON_APP_LABELS: '',
      PORT0: '31000',
      PORT_80: '31000',
      PORT: '31000',
      PORTS: '31000',
      HOST: '127.0.0.1',
    });
  });

  it('leaves the offer minus what the task took', () => {
    expect(scalarOf(result.remaining, 'cpus')).toBe(3.9);
    expect(scalarOf(result.remaining, 'mem')).toBe(7616);
    expect(scalarOf(result.remaining, 'disk')).toBe(20000);
    expect(portsOf(result.remaining)).toEqual([{ begin: 31001, end: 31499 }]);
    expect(result.remaining.id).toEqual({ value: 'M-O7' });
  });
});

describe('placeInstance: host ports', () => {
  it('requirePorts takes the declared numbers themselves, or declines', () => {
    const a = app({ ...SLEEPER, portDefinitions: [{ port: 31005 }, { port: 31002 }], requirePorts: true });
    const r = placed(place(a));
    expect(r.hostPorts).toEqual([31005, 31002]);
    expect(r.taskInfo.resources.find((x) => x.name === 'ports')?.ranges?.range).toEqual([
      { begin: 31002, end: 31002 },
      { begin: 31005, end: 31005 },
    ]);
    expect(portsOf(r.remaining)).toEqual([
      { begin: 31000, end: 31001 },
      { begin: 31003, end: 31004 },
      { begin: 31006, end: 31499 },
    ]);
    expect(place(a, offer('cpus:4;mem:1024;ports:[31000-31004]'))).toEqual({ ok: false, reason: 'InsufficientPorts' });
  });

  it('without requirePorts host ports are picked from the offer whatever the service ports are', () => {
    const a = app({ ...SLEEPER, portDefinitions: [{ port: 10100, name: 'http' }, { port: 0 }] });
    const r = placed(place(a, offer('cpus:1;mem:64;ports:[31000-31000,31200-31210]')));
    expect(r.hostPorts).toEqual([31000, 31200]);
    expect(env(r.taskInfo)).toMatchObject({
      PORT0: '31000',
      PORT1: '31200',
      PORT_10100: '31000',
      PORT_HTTP: '31000',
      PORTS: '31000,31200',
    });
  });

  it('a fixed BRIDGE hostPort must be offered; dynamic ones skip it; containerPort 0 is the host port', () => {
    const a = app({
      ...NGINX,
      container: {
        type: 'DOCKER',
        docker: {
          image: 'nginx',
          network: 'BRIDGE',
          portMappings: [{ containerPort: 0 }, { containerPort: 443, hostPort: 31000, name: 'https' }],
        },
      },
    });
    const r = placed(place(a));
    expect(r.hostPorts).toEqual([31001, 31000]);
    expect(r.taskInfo.container?.docker?.port_mappings).toEqual([
      { host_port: 31001, container_port: 31001, protocol: 'tcp' },
      { host_port: 31000, container_port: 443, protocol: 'tcp' },
    ]);
    expect(env(r.taskInfo)).toMatchObject({
      PORT0: '31001',
      PORT1: '31000',
      PORT_31001: '31001',
      PORT_443: '31000',
      PORT_HTTPS: '31000',
    });
    expect(place(a, offer('cpus:1;mem:128;ports:[31001-31010]'))).toEqual({ ok: false, reason: 'InsufficientPorts' });
  });

  it('an app without ports needs no port resource', () => {
    const r = placed(place(app({ ...SLEEPER, portDefinitions: [] }), offer('cpus:1;mem:64')));
    expect(r.hostPorts).toEqual([]);
    expect(r.taskInfo.resources.map((x) => x.name)).toEqual(['cpus', 'mem']);
    expect(env(r.taskInfo)['PORTS']).toBeUndefined();
  });
});

describe('placeInstance: declines', () => {
  const hungry = app({ ...SLEEPER, cpus: 2, mem: 512, disk: 100 });
  const gpuApp: AppVersion = { ...hungry, gpus: 1 };

  it('says what is missing first, in Marathon’s order: role, constraint, cpus, mem, disk, gpus, ports', () => {
    const reason = (a: AppVersion, resources: string): unknown =>
      (place(a, offer(resources)) as { reason?: string }).reason;
    expect(reason(hungry, 'cpus:1;mem:100;disk:10;ports:[31000-31000]')).toBe('InsufficientCpus');
    expect(reason(hungry, 'cpus:2;mem:100;disk:10')).toBe('InsufficientMemory');
    expect(reason(hungry, 'cpus:2;mem:512;disk:10')).toBe('InsufficientDisk');
    expect(reason(gpuApp, 'cpus:2;mem:512;disk:100')).toBe('InsufficientGpus');
    expect(reason(hungry, 'cpus:2;mem:512;disk:100')).toBe('InsufficientPorts');
    expect(reason(gpuApp, 'cpus:2;mem:512;disk:100;gpus:1;ports:[31000-31000]')).toBeUndefined();
  });

  it('refuses an offer without resources of an accepted role before looking at constraints', () => {
    const prodOnly = app({ ...SLEEPER, acceptedResourceRoles: ['prod'], constraints: [['rack', 'CLUSTER', 'r9']] });
    expect(place(prodOnly)).toEqual({ ok: false, reason: 'UnfulfilledRole' });
    const anyRole = app({ ...SLEEPER, acceptedResourceRoles: ['prod', '*'] });
    expect(place(anyRole).ok).toBe(true);
  });

  it('refuses an agent the constraints rule out, given the instances already placed', () => {
    const unique = app({ ...SLEEPER, constraints: [['hostname', 'UNIQUE']] });
    const o = offer(undefined, [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }]);
    const here = { instanceId: 'i0', agentId: 'A-S1', hostname: o.hostname, attributes: agentAttributes(o) };
    expect(placeInstance({ app: unique, instanceId: 'i1', taskId: 't1', offer: o, placed: [here] })).toEqual({
      ok: false,
      reason: 'UnfulfilledConstraint',
    });
    expect(
      placeInstance({ app: unique, instanceId: 'i1', taskId: 't1', offer: { ...o, hostname: 'other' }, placed: [here] })
        .ok,
    ).toBe(true);
  });
});

describe('placeInstance: repeated placement on what is left', () => {
  it('fills one offer until it is exhausted, each task with its own ports', () => {
    const a = app({ ...SLEEPER, cpus: 0.3, mem: 64 });
    let left = offer('cpus:1;mem:1024;ports:[31000-31009]');
    const ports: number[][] = [];
    for (;;) {
      const r = place(a, left, `t${ports.length}`);
      if (!r.ok) {
        expect(r.reason).toBe('InsufficientCpus');
        break;
      }
      ports.push(r.hostPorts);
      left = r.remaining;
    }
    expect(ports).toEqual([[31000], [31001], [31002]]);
    expect(scalarOf(left, 'cpus')).toBe(0.1);
    expect(scalarOf(left, 'mem')).toBe(832);
    expect(portsOf(left)).toEqual([{ begin: 31003, end: 31009 }]);
  });

  it('drops a resource once it is used up', () => {
    const r = placed(place(app({ ...SLEEPER, cpus: 1, mem: 64, portDefinitions: [] }), offer('cpus:1;mem:128')));
    expect(r.remaining.resources.map((x) => x.name)).toEqual(['mem']);
  });
});

describe('placeInstance: the TaskInfo', () => {
  it('cmd runs through the shell; args run without one (argv[0] as value unless an image brings the entrypoint)', () => {
    expect(placed(place(app(SLEEPER))).taskInfo.command).toMatchObject({ shell: true, value: 'sleep 1000' });
    const argv = placed(place(app({ id: '/argv', args: ['/bin/sleep', '1000'] }))).taskInfo.command;
    expect(argv).toMatchObject({ shell: false, value: '/bin/sleep', arguments: ['/bin/sleep', '1000'] });
    const inImage = placed(place(app({ ...NGINX, args: ['-g', 'daemon off;'] }))).taskInfo.command;
    expect(inImage).toMatchObject({ shell: false, arguments: ['-g', 'daemon off;'] });
    expect(inImage?.value).toBeUndefined();
  });

  it('carries user, fetch URIs, labels, the kill grace period and the Docker options', () => {
    const a = app({
      id: '/shop/web',
      cmd: 'nginx -g "daemon off;"',
      user: 'nobody',
      fetch: [{ uri: 'https://example.com/site.tgz', destPath: 'site.tgz' }],
      labels: { HAPROXY_GROUP: 'external' },
      taskKillGracePeriodSeconds: 5,
      container: {
        type: 'DOCKER',
        docker: {
          image: 'nginx:1.25',
          privileged: true,
          forcePullImage: true,
          parameters: [{ key: 'label', value: 'tier=web' }],
        },
        volumes: [{ containerPath: '/data', hostPath: '/srv/data', mode: 'RO' }],
      },
    });
    const info = placed(place(a)).taskInfo;
    expect(info.name).toBe('web.shop');
    expect(info.command).toMatchObject({
      shell: true,
      value: 'nginx -g "daemon off;"',
      user: 'nobody',
      uris: [
        {
          value: 'https://example.com/site.tgz',
          extract: true,
          executable: false,
          cache: false,
          output_file: 'site.tgz',
        },
      ],
    });
    expect(info.labels).toEqual({ labels: [{ key: 'HAPROXY_GROUP', value: 'external' }] });
    expect(info.kill_policy).toEqual({ grace_period: { nanoseconds: 5_000_000_000 } });
    expect(info.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'nginx:1.25',
        network: 'HOST',
        privileged: true,
        parameters: [{ key: 'label', value: 'tier=web' }],
        force_pull_image: true,
      },
      volumes: [{ container_path: '/data', host_path: '/srv/data', mode: 'RO' }],
    });
  });

  it('passes the first agent-run health check to Mesos: BRIDGE checks the container port, host networking the host port', () => {
    const checks = [
      { protocol: 'HTTP', path: '/' },
      {
        protocol: 'MESOS_HTTP',
        path: '/health',
        portIndex: 0,
        intervalSeconds: 5,
        timeoutSeconds: 2,
        gracePeriodSeconds: 30,
        maxConsecutiveFailures: 4,
        delaySeconds: 1,
      },
    ];
    const bridged = placed(place(app({ ...NGINX, healthChecks: checks }))).taskInfo;
    expect(bridged.health_check).toEqual({
      type: 'HTTP',
      http: { port: 80, path: '/health', scheme: 'http' },
      delay_seconds: 1,
      interval_seconds: 5,
      timeout_seconds: 2,
      consecutive_failures: 4,
      grace_period_seconds: 30,
    });
    const host = placed(place(app({ ...SLEEPER, healthChecks: [{ protocol: 'MESOS_TCP' }] }))).taskInfo;
    expect(host.health_check).toMatchObject({ type: 'TCP', tcp: { port: 31000 } });
    const command = placed(
      place(app({ ...SLEEPER, healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' } }] })),
    ).taskInfo;
    expect(command.health_check).toMatchObject({ type: 'COMMAND', command: { value: 'true' } });
    expect(
      placed(place(app({ ...SLEEPER, healthChecks: [{ protocol: 'HTTP' }] }))).taskInfo.health_check,
    ).toBeUndefined();
  });

  it('a MESOS container names its image', () => {
    const a = app({ id: '/ucr', cmd: 'sleep 10', container: { type: 'MESOS', docker: { image: 'busybox' } } });
    expect(placed(place(a)).taskInfo.container).toEqual({
      type: 'MESOS',
      mesos: { image: { type: 'DOCKER', docker: { name: 'busybox' } } },
    });
  });
});

describe('taskEnvironment', () => {
  const a = app({
    ...SLEEPER,
    cpus: 1,
    portDefinitions: [{ port: 0, name: 'admin-api' }],
    labels: { 'my.label-x': 'a', HAPROXY_GROUP: 'external', ['k'.repeat(493)]: 'too long' },
    env: { MESSAGE: 'hi', PORT0: 'mine', DB_PASSWORD: { secret: 'db' } },
  });
  const e = taskEnvironment({ app: a, taskId: 'tools_sleeper.instance-1._app.1', host: 'agent-1', hostPorts: [31042] });

  it('sanitises label keys into MARATHON_APP_LABEL_<KEY> and lists them; too long ones are left out', () => {
    expect(e['MARATHON_APP_LABELS']).toBe('MY_LABEL_X HAPROXY_GROUP');
    expect(e['MARATHON_APP_LABEL_MY_LABEL_X']).toBe('a');
    expect(e['MARATHON_APP_LABEL_HAPROXY_GROUP']).toBe('external');
    expect(Object.keys(e).filter((k) => k.startsWith('MARATHON_APP_LABEL_K'))).toEqual([]);
  });

  it('names ports by service port and port name; the app’s env wins; secrets are not expanded', () => {
    expect(e).toMatchObject({
      MARATHON_APP_ID: '/tools/sleeper',
      MARATHON_APP_RESOURCE_CPUS: '1.0',
      MESOS_TASK_ID: 'tools_sleeper.instance-1._app.1',
      HOST: 'agent-1',
      PORT: '31042',
      PORT_10000: '31042',
      'PORT_ADMIN-API': '31042',
      PORT0: 'mine',
      MESSAGE: 'hi',
    });
    expect(e['MARATHON_APP_DOCKER_IMAGE']).toBeUndefined();
    expect(e['DB_PASSWORD']).toBeUndefined();
  });

  it('a container-only mapping exposes its fixed container port but no host port', () => {
    const user = app({
      id: '/overlay',
      networks: [{ mode: 'container', name: 'dcos' }],
      container: {
        type: 'DOCKER',
        docker: { image: 'redis' },
        portMappings: [
          { containerPort: 6379, name: 'redis' },
          { containerPort: 9121, hostPort: 0 },
        ],
      },
    });
    const ev = taskEnvironment({ app: user, taskId: 't', host: 'h', hostPorts: [31007] });
    expect(ev).toMatchObject({
      PORT0: '6379',
      PORT_6379: '6379',
      PORT1: '31007',
      PORT_9121: '31007',
      PORT: '31007',
      PORTS: '31007',
    });
    expect(ev['PORT_REDIS']).toBeUndefined();
  });

  it('toHostname reverses the path', () => {
    expect(toHostname('/group/sub/app')).toBe('app.sub.group');
    expect(toHostname('/nginx')).toBe('nginx');
  });
});

// Records for the health, service-backend and probe tests: stored app versions normalised from
// Marathon app JSON, and instances as the scheduler keeps them.
import { normalizeApp } from '../../../src/scheduler/core/app.js';
import type { AppVersion, Instance, RootGroup } from '../../../src/scheduler/core/model.js';

export const VERSION = '2024-03-01T10:00:00.000Z';

/** A stored app version from app JSON (service ports must be given: nothing assigns them here). */
export function appVersion(json: Record<string, unknown>): AppVersion {
  const result = normalizeApp(json);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { ...result.app, version: VERSION, versionInfo: { lastScalingAt: VERSION, lastConfigChangeAt: VERSION } };
}

let sequence = 0;

/** A running instance of `appId` on 127.0.0.1, no health results yet. */
export function instance(o: Partial<Instance> & { appId: string }): Instance {
  sequence++;
  const instanceId = `${o.appId.slice(1).replaceAll('/', '_')}.instance-${sequence}`;
  return {
    instanceId,
    taskId: `${instanceId}._app.1`,
    version: VERSION,
    agentId: 'A-S0',
    host: '127.0.0.1',
    hostPorts: [],
    servicePorts: [],
    state: 'TASK_RUNNING',
    stagedAt: VERSION,
    startedAt: VERSION,
    goal: 'running',
    health: [],
    ipAddresses: [{ ipAddress: '127.0.0.1', protocol: 'IPv4' }],
    ...o,
  };
}

/** The view the probes and the load balancer read. */
export function view(apps: AppVersion[], instances: Instance[]): { root: RootGroup; instances(): Instance[] } {
  const root: RootGroup = { version: VERSION, apps: Object.fromEntries(apps.map((a) => [a.id, a])), groups: {} };
  return { root, instances: () => instances };
}

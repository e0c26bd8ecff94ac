// Marathon-level health (reference §5): folding probe results into an instance's HealthResult, the
// grace period and the kill rule, an instance's overall health, and where a probe is aimed.
import type { HealthCheck, HealthCheckProtocol } from './app-types.js';
import { timestamp, type AppVersion, type HealthResult, type Instance } from './model.js';

export interface RecordHealthOptions {
  check: HealthCheck;
  previous: HealthResult | null;
  alive: boolean;
  cause: string | null;
  /** ms since the epoch. */
  now: number;
  /** The instance's first TASK_RUNNING, ms since the epoch. */
  startedAt: number;
}

/**
 * Folds one Marathon-level probe result into an instance's result for one check: failures before the
 * first success within gracePeriodSeconds of startedAt are ignored (returns previous); kill when
 * consecutiveFailures reaches maxConsecutiveFailures (> 0; 0 = never kill).
 */
export function recordHealth(o: RecordHealthOptions): { result: HealthResult | null; kill: boolean } {
  const at = timestamp(o.now);
  if (o.alive) {
    const base = o.previous ?? emptyResult();
    return {
      result: { ...base, alive: true, consecutiveFailures: 0, firstSuccess: base.firstSuccess ?? at, lastSuccess: at },
      kill: false,
    };
  }
  if (inGracePeriod(o)) return { result: o.previous, kill: false };
  const base = o.previous ?? emptyResult();
  const result: HealthResult = {
    ...base,
    alive: false,
    consecutiveFailures: base.consecutiveFailures + 1,
    lastFailure: at,
    lastFailureCause: o.cause,
  };
  const max = o.check.maxConsecutiveFailures;
  return { result, kill: max > 0 && result.consecutiveFailures >= max };
}

function inGracePeriod(o: RecordHealthOptions): boolean {
  const neverSucceeded = o.previous?.firstSuccess == null;
  return neverSucceeded && o.now < o.startedAt + o.check.gracePeriodSeconds * 1000;
}

function emptyResult(): HealthResult {
  return {
    alive: false,
    consecutiveFailures: 0,
    firstSuccess: null,
    lastSuccess: null,
    lastFailure: null,
    lastFailureCause: null,
  };
}

/** true / false / null (no results yet) per reference §5.2: healthy = ≥1 result and all alive; unhealthy = any result not alive. */
export function instanceHealth(instance: Instance): boolean | null {
  const results = instance.health.filter((r): r is HealthResult => r !== null);
  if (results.length === 0) return null;
  return results.every((r) => r.alive);
}

/** Checks the scheduler itself runs; COMMAND and MESOS_* run on the agent. */
export function isMarathonLevel(protocol: HealthCheckProtocol): protocol is 'HTTP' | 'HTTPS' | 'TCP' {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
    case 'TCP':
      return true;
    case 'COMMAND':
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS':
    case 'MESOS_TCP':
      return false;
  }
}

/** The app's service port index a check addresses: its portIndex, 0 when neither port nor portIndex is set, null for a fixed port. */
export function checkPortIndex(check: HealthCheck): number | null {
  if (check.port !== undefined) return null;
  return check.portIndex ?? 0;
}

/** Where a Marathon-level probe goes: the fixed `port`, else the instance's host port at portIndex; null when there is none. */
export function probeTarget(
  app: AppVersion,
  instance: Instance,
  checkIndex: number,
): { host: string; port: number } | null {
  const check = app.healthChecks[checkIndex];
  if (check === undefined) return null;
  const index = checkPortIndex(check);
  const port = index === null ? check.port : instance.hostPorts[index];
  return port === undefined || port === 0 ? null : { host: instance.host, port };
}

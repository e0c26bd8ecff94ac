// Readiness probes (reference §5.3): while a deployment's current step scales or restarts an app with a
// readiness check, each TASK_RUNNING instance of its target version is probed every intervalSeconds until ready.
import type { Logger } from '../../common/logging.js';
import type { ReadinessCheck } from '../core/app-types.js';
import type { SchedulerInput } from '../core/messages.js';
import type { AppVersion, DeploymentAction, DeploymentActionName, DeploymentPlan, Instance } from '../core/model.js';
import { isDying, isOldVersion } from '../core/rolling.js';
import { portRequests } from '../core/service-ports.js';
import { type HttpAnswer, ProbeLoop, httpGet } from './probes.js';

export interface ReadinessProbesOptions {
  onResult(input: SchedulerInput): void;
  /** ms since the epoch. */
  now(): number;
  logger: Logger;
}

export interface ReadinessView {
  deployments(): DeploymentPlan[];
  instancesOf(appId: string): Instance[];
}

export interface ReadinessSpec {
  taskId: string;
  host: string;
  port: number;
  check: ReadinessCheck;
}

export class ReadinessProbes {
  private readonly loop: ProbeLoop<ReadinessSpec, HttpAnswer>;

  constructor(private readonly o: ReadinessProbesOptions) {
    this.loop = new ProbeLoop({ probe: readinessGet, report: (spec, answer) => this.report(spec, answer) });
  }

  /** Starts probes for the instances deployments wait on and stops those that are ready or no longer waited on. */
  sync(view: ReadinessView): void {
    this.loop.sync(new Map(awaitingReadiness(view).map((spec) => [spec.taskId, spec])));
  }

  /** Probes currently scheduled (for tests and status). */
  get size(): number {
    return this.loop.size;
  }

  close(): void {
    this.loop.close();
  }

  private report(spec: ReadinessSpec, answer: HttpAnswer): void {
    const ready = answer.kind === 'status' && spec.check.httpStatusCodesForReady.includes(answer.status);
    if (!ready) this.o.logger.debug({ task: spec.taskId, answer }, 'Readiness check: not ready');
    this.o.onResult({ type: 'readiness', taskId: spec.taskId, ready, now: this.o.now() });
  }
}

/** GET the check's path; HTTPS certificates are not verified. */
function readinessGet(spec: ReadinessSpec): Promise<HttpAnswer> {
  const { check } = spec;
  return httpGet({
    host: spec.host,
    port: spec.port,
    path: check.path,
    https: check.protocol === 'HTTPS',
    timeoutMs: check.timeoutSeconds * 1000,
  });
}

/** Every instance a running deployment waits to become ready, with where its readiness check goes. */
export function awaitingReadiness(view: ReadinessView): ReadinessSpec[] {
  return view.deployments().flatMap((plan) => currentActions(plan).flatMap((action) => awaitingIn(view, plan, action)));
}

function currentActions(plan: DeploymentPlan): DeploymentAction[] {
  return plan.steps[plan.currentStep - 1]?.actions ?? [];
}

/** Only actions that wait for new instances to be healthy and ready. */
function waitsForReadiness(action: DeploymentActionName): boolean {
  switch (action) {
    case 'ScaleApplication':
    case 'RestartApplication':
      return true;
    case 'StartApplication':
    case 'StopApplication':
      return false;
  }
}

function awaitingIn(view: ReadinessView, plan: DeploymentPlan, action: DeploymentAction): ReadinessSpec[] {
  const app = plan.target[action.app];
  const check = app?.readinessChecks[0];
  if (app === undefined || check === undefined || !waitsForReadiness(action.action)) return [];
  return view.instancesOf(app.id).flatMap((instance) => {
    const waiting =
      instance.state === 'TASK_RUNNING' &&
      instance.ready !== true &&
      !isDying(instance) &&
      !isOldVersion(app, instance);
    const target = waiting ? readinessTarget(app, check.portName, instance) : null;
    return target === null ? [] : [{ taskId: instance.taskId, ...target, check }];
  });
}

/**
 * Where the check goes: the instance's host port of the named port definition / port mapping, or for a
 * mapping without a host port the task's IP at the container port; null when neither is known.
 */
export function readinessTarget(
  app: AppVersion,
  portName: string,
  instance: Instance,
): { host: string; port: number } | null {
  const requests = portRequests(app);
  const index = requests.findIndex((r) => r.name === portName);
  const request = requests[index];
  if (request === undefined) return null;
  if (request.hostPort === undefined) {
    const ip = instance.ipAddresses[0]?.ipAddress;
    return ip === undefined || request.declared === 0 ? null : { host: ip, port: request.declared };
  }
  const port = instance.hostPorts[requests.slice(0, index).filter((r) => r.hostPort !== undefined).length];
  return port === undefined ? null : { host: instance.host, port };
}

// Marathon-level health probes (HTTP, HTTPS, TCP) of running instances: one interval timer and at most
// one probe in flight per (instance, check); each result goes to the core as a `health` input.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Logger } from '../../common/logging.js';
import { errorMessage } from '../../common/errors.js';
import type { HealthCheck } from '../core/app-types.js';
import { isMarathonLevel, probeTarget } from '../core/health.js';
import type { SchedulerInput } from '../core/messages.js';
import type { Instance, RootGroup } from '../core/model.js';

export interface HealthProbesOptions {
  onResult(input: SchedulerInput): void;
  /** ms since the epoch. */
  now(): number;
  logger: Logger;
}

export interface ProbedView {
  root: RootGroup;
  instances(): Instance[];
}

/** A probe's verdict; `ignored` (an HTTP 1xx with ignoreHttp1xx) leaves the health unchanged. */
export type ProbeOutcome = { kind: 'pass' } | { kind: 'fail'; cause: string } | { kind: 'ignored' };

interface ProbeSpec {
  taskId: string;
  checkIndex: number;
  host: string;
  port: number;
  check: HealthCheck;
}

interface RunningProbe {
  spec: ProbeSpec;
  /** Identity of the spec, to restart the probe when the check or its target changes. */
  key: string;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  stopped: boolean;
}

export class HealthProbes {
  private readonly probes = new Map<string, RunningProbe>();

  constructor(private readonly o: HealthProbesOptions) {}

  /** Starts probes for running instances with Marathon-level checks and stops those no longer wanted. */
  sync(view: ProbedView): void {
    const wanted = new Map(wantedProbes(view).map((spec) => [`${spec.taskId}#${spec.checkIndex}`, spec]));
    for (const [id, probe] of this.probes) {
      const spec = wanted.get(id);
      if (spec === undefined || specKey(spec) !== probe.key) this.stop(id);
    }
    for (const [id, spec] of wanted) if (!this.probes.has(id)) this.start(id, spec);
  }

  /** Probes currently scheduled (for tests and status). */
  get size(): number {
    return this.probes.size;
  }

  close(): void {
    for (const id of [...this.probes.keys()]) this.stop(id);
  }

  private start(id: string, spec: ProbeSpec): void {
    const probe: RunningProbe = { spec, key: specKey(spec), inFlight: false, stopped: false, timer: setInterval(() => this.run(probe), spec.check.intervalSeconds * 1000) };
    this.probes.set(id, probe);
    this.run(probe);
  }

  private stop(id: string): void {
    const probe = this.probes.get(id);
    if (probe === undefined) return;
    probe.stopped = true;
    clearInterval(probe.timer);
    this.probes.delete(id);
  }

  private run(probe: RunningProbe): void {
    if (probe.inFlight) return;
    probe.inFlight = true;
    void runProbe(probe.spec).then((outcome) => {
      probe.inFlight = false;
      if (!probe.stopped) this.report(probe.spec, outcome);
    });
  }

  private report(spec: ProbeSpec, outcome: ProbeOutcome): void {
    switch (outcome.kind) {
      case 'ignored':
        return;
      case 'pass':
        return this.o.onResult({ type: 'health', taskId: spec.taskId, checkIndex: spec.checkIndex, alive: true, cause: null, now: this.o.now() });
      case 'fail':
        this.o.logger.debug({ task: spec.taskId, check: spec.checkIndex, cause: outcome.cause }, 'Health check failed');
        return this.o.onResult({ type: 'health', taskId: spec.taskId, checkIndex: spec.checkIndex, alive: false, cause: outcome.cause, now: this.o.now() });
    }
  }
}

function specKey(spec: ProbeSpec): string {
  return JSON.stringify([spec.host, spec.port, spec.check]);
}

function wantedProbes(view: ProbedView): ProbeSpec[] {
  return view.instances().flatMap((instance) => {
    const app = view.root.apps[instance.appId];
    if (app === undefined || instance.state !== 'TASK_RUNNING') return [];
    return app.healthChecks.flatMap((check, checkIndex) => {
      const target = isMarathonLevel(check.protocol) ? probeTarget(app, instance, checkIndex) : null;
      return target === null ? [] : [{ taskId: instance.taskId, checkIndex, ...target, check }];
    });
  });
}

function runProbe(spec: ProbeSpec): Promise<ProbeOutcome> {
  const timeoutMs = spec.check.timeoutSeconds * 1000;
  switch (spec.check.protocol) {
    case 'HTTP':
    case 'HTTPS':
      return httpProbe({ ...spec, timeoutMs, path: spec.check.path ?? '/', https: spec.check.protocol === 'HTTPS', ignoreHttp1xx: spec.check.ignoreHttp1xx });
    case 'TCP':
      return tcpProbe({ ...spec, timeoutMs });
    case 'COMMAND':
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS':
    case 'MESOS_TCP':
      return Promise.resolve({ kind: 'ignored' });
  }
}

export interface ProbeTarget {
  host: string;
  port: number;
  timeoutMs: number;
}

export interface HttpProbeOptions extends ProbeTarget {
  path: string;
  https: boolean;
  /** A 1xx answer is discarded instead of failing. */
  ignoreHttp1xx: boolean;
}

/** GET path: 200–399 within the timeout passes; HTTPS certificates are not verified. Also the agent's MESOS_HTTP(S) check. */
export function httpProbe(o: HttpProbeOptions): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const options = { host: o.host, port: o.port, path: o.path, method: 'GET', agent: false } as const;
    const req: ClientRequest = o.https ? httpsRequest({ ...options, rejectUnauthorized: false }) : httpRequest(options);
    const done = (outcome: ProbeOutcome): void => {
      resolve(outcome);
      req.destroy();
    };
    const deadline = setTimeout(() => done({ kind: 'fail', cause: `no answer within ${o.timeoutMs} ms` }), o.timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('information', (info: { statusCode: number }) => done(informational(info.statusCode, o.ignoreHttp1xx)));
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      done(statusOutcome(res.statusCode ?? 0));
    });
    req.on('error', (err) => done({ kind: 'fail', cause: errorMessage(err) }));
    req.end();
  });
}

function informational(status: number, ignore: boolean): ProbeOutcome {
  return ignore ? { kind: 'ignored' } : { kind: 'fail', cause: `HTTP status ${status}` };
}

function statusOutcome(status: number): ProbeOutcome {
  return status >= 200 && status <= 399 ? { kind: 'pass' } : { kind: 'fail', cause: `HTTP status ${status}` };
}

/** Passes when a TCP connection is established within the timeout. Also the agent's MESOS_TCP check. */
export function tcpProbe(o: ProbeTarget): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: o.host, port: o.port });
    const done = (outcome: ProbeOutcome): void => {
      clearTimeout(deadline);
      resolve(outcome);
      socket.destroy();
    };
    const deadline = setTimeout(() => done({ kind: 'fail', cause: `no connection within ${o.timeoutMs} ms` }), o.timeoutMs);
    socket.once('connect', () => done({ kind: 'pass' }));
    socket.once('error', (err) => done({ kind: 'fail', cause: errorMessage(err) }));
  });
}

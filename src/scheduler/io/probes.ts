// Marathon-level health probes (HTTP, HTTPS, TCP) of running instances: one interval timer and at most
// one probe in flight per (instance, check); each result goes to the core as a `health` input. ProbeLoop and
// httpGet are shared with the readiness probes.
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

/** What a looped probe aims at; a changed target or check restarts the probe. */
export interface LoopedProbe {
  host: string;
  port: number;
  check: { intervalSeconds: number };
}

export interface ProbeLoopOptions<S, R> {
  probe(spec: S): Promise<R>;
  /** Called with each answer of a probe that is still wanted. */
  report(spec: S, result: R): void;
}

interface RunningProbe<S> {
  spec: S;
  key: string;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  stopped: boolean;
}

/** Probes by id: each starts at once, then runs every interval with at most one in flight, until unwanted. */
export class ProbeLoop<S extends LoopedProbe, R> {
  private readonly probes = new Map<string, RunningProbe<S>>();

  constructor(private readonly o: ProbeLoopOptions<S, R>) {}

  /** Starts the wanted probes not yet running and stops those no longer wanted or changed. */
  sync(wanted: ReadonlyMap<string, S>): void {
    for (const [id, probe] of this.probes) {
      const spec = wanted.get(id);
      if (spec === undefined || specKey(spec) !== probe.key) this.stop(id);
    }
    for (const [id, spec] of wanted) if (!this.probes.has(id)) this.start(id, spec);
  }

  get size(): number {
    return this.probes.size;
  }

  close(): void {
    for (const id of [...this.probes.keys()]) this.stop(id);
  }

  private start(id: string, spec: S): void {
    const probe: RunningProbe<S> = {
      spec,
      key: specKey(spec),
      inFlight: false,
      stopped: false,
      timer: setInterval(() => this.run(probe), spec.check.intervalSeconds * 1000),
    };
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

  private run(probe: RunningProbe<S>): void {
    if (probe.inFlight) return;
    probe.inFlight = true;
    void this.o.probe(probe.spec).then((result) => {
      probe.inFlight = false;
      if (!probe.stopped) this.o.report(probe.spec, result);
    });
  }
}

function specKey(spec: LoopedProbe): string {
  return JSON.stringify([spec.host, spec.port, spec.check]);
}

export class HealthProbes {
  private readonly loop: ProbeLoop<ProbeSpec, ProbeOutcome>;

  constructor(private readonly o: HealthProbesOptions) {
    this.loop = new ProbeLoop({
      probe: runProbe,
      report: (spec, outcome) => this.report(spec, outcome),
    });
  }

  /** Starts probes for running instances with Marathon-level checks and stops those no longer wanted. */
  sync(view: ProbedView): void {
    this.loop.sync(new Map(wantedProbes(view).map((spec) => [`${spec.taskId}#${spec.checkIndex}`, spec])));
  }

  /** Probes currently scheduled (for tests and status). */
  get size(): number {
    return this.loop.size;
  }

  close(): void {
    this.loop.close();
  }

  private report(spec: ProbeSpec, outcome: ProbeOutcome): void {
    switch (outcome.kind) {
      case 'ignored':
        return;
      case 'pass':
        return this.o.onResult({
          type: 'health',
          taskId: spec.taskId,
          checkIndex: spec.checkIndex,
          alive: true,
          cause: null,
          now: this.o.now(),
        });
      case 'fail':
        this.o.logger.debug({ task: spec.taskId, check: spec.checkIndex, cause: outcome.cause }, 'Health check failed');
        return this.o.onResult({
          type: 'health',
          taskId: spec.taskId,
          checkIndex: spec.checkIndex,
          alive: false,
          cause: outcome.cause,
          now: this.o.now(),
        });
    }
  }
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
      return httpProbe({
        ...spec,
        timeoutMs,
        path: spec.check.path ?? '/',
        https: spec.check.protocol === 'HTTPS',
        ignoreHttp1xx: spec.check.ignoreHttp1xx,
      });
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

export interface HttpGetOptions extends ProbeTarget {
  path: string;
  https: boolean;
}

export interface HttpProbeOptions extends HttpGetOptions {
  /** A 1xx answer is discarded instead of failing. */
  ignoreHttp1xx: boolean;
}

/** What one GET got: a final status, an informational (1xx) one first, or no answer in time. */
export type HttpAnswer = { kind: 'status' | 'informational'; status: number } | { kind: 'error'; cause: string };

/** GET path within the timeout; HTTPS certificates are not verified. Shared by health and readiness probes. */
export function httpGet(o: HttpGetOptions): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const options = { host: o.host, port: o.port, path: o.path, method: 'GET', agent: false } as const;
    const req: ClientRequest = o.https ? httpsRequest({ ...options, rejectUnauthorized: false }) : httpRequest(options);
    const done = (answer: HttpAnswer): void => {
      resolve(answer);
      req.destroy();
    };
    const deadline = setTimeout(
      () => done({ kind: 'error', cause: `no answer within ${o.timeoutMs} ms` }),
      o.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('information', (info: { statusCode: number }) => done({ kind: 'informational', status: info.statusCode }));
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      done({ kind: 'status', status: res.statusCode ?? 0 });
    });
    req.on('error', (err) => done({ kind: 'error', cause: errorMessage(err) }));
    req.end();
  });
}

/** GET path: 200–399 within the timeout passes. Also the agent's MESOS_HTTP(S) check. */
export async function httpProbe(o: HttpProbeOptions): Promise<ProbeOutcome> {
  const answer = await httpGet(o);
  switch (answer.kind) {
    case 'status':
      return answer.status >= 200 && answer.status <= 399
        ? { kind: 'pass' }
        : { kind: 'fail', cause: `HTTP status ${answer.status}` };
    case 'informational':
      return o.ignoreHttp1xx ? { kind: 'ignored' } : { kind: 'fail', cause: `HTTP status ${answer.status}` };
    case 'error':
      return { kind: 'fail', cause: answer.cause };
  }
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
    const deadline = setTimeout(
      () => done({ kind: 'fail', cause: `no connection within ${o.timeoutMs} ms` }),
      o.timeoutMs,
    );
    socket.once('connect', () => done({ kind: 'pass' }));
    socket.once('error', (err) => done({ kind: 'fail', cause: errorMessage(err) }));
  });
}

// Mesos-level health checks of running tasks (TaskInfo.health_check: COMMAND, HTTP, TCP), run by the
// agent as Mesos's executors run them; changes of health (and the kill verdict) go to the agent's core.
import Docker from 'dockerode';
import { execa } from 'execa';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { isTerminalState, type CommandInfo } from '../master/core/v1.js';
import { httpProbe, tcpProbe, type ProbeOutcome } from '../scheduler/io/probes.js';
import { taskEnvironment } from './containerizers/containerizer.js';
import { commandArgv } from './containerizers/process.js';
import type { AgentTask } from './core/protocol.js';

/** A TaskInfo.health_check with Mesos's defaults filled in. */
export interface MesosHealthCheck {
  delaySeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  consecutiveFailures: number;
  gracePeriodSeconds: number;
  probe: MesosProbe;
}

export type MesosProbe =
  | { type: 'COMMAND'; command: CommandInfo }
  | { type: 'HTTP'; port: number; path: string; https: boolean }
  | { type: 'TCP'; port: number };

/** Mesos's HealthCheck defaults (mesos.proto). */
const DEFAULTS = {
  delay_seconds: 15,
  interval_seconds: 10,
  timeout_seconds: 20,
  consecutive_failures: 3,
  grace_period_seconds: 10,
} as const;

function numberField(raw: Record<string, unknown>, key: keyof typeof DEFAULTS): number {
  const value = raw[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULTS[key];
}

function objectField(raw: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = raw[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The check of a TaskInfo, or null when it has none this agent can run. A missing `type` is inferred (pre-1.2 frameworks). */
export function readHealthCheck(raw: Record<string, unknown> | undefined): MesosHealthCheck | null {
  if (raw === undefined) return null;
  const probe = readProbe(raw);
  if (probe === null) return null;
  return {
    delaySeconds: numberField(raw, 'delay_seconds'),
    intervalSeconds: numberField(raw, 'interval_seconds'),
    timeoutSeconds: numberField(raw, 'timeout_seconds'),
    consecutiveFailures: numberField(raw, 'consecutive_failures'),
    gracePeriodSeconds: numberField(raw, 'grace_period_seconds'),
    probe,
  };
}

function readProbe(raw: Record<string, unknown>): MesosProbe | null {
  const http = objectField(raw, 'http');
  const tcp = objectField(raw, 'tcp');
  const command = objectField(raw, 'command');
  const type =
    raw['type'] ??
    (command !== undefined ? 'COMMAND' : http !== undefined ? 'HTTP' : tcp !== undefined ? 'TCP' : undefined);
  const port = (o: Record<string, unknown> | undefined): number | null =>
    typeof o?.['port'] === 'number' ? o['port'] : null;
  if (type === 'COMMAND' && command !== undefined) return { type, command: command as CommandInfo };
  if (type === 'HTTP' && port(http) !== null) {
    const path = typeof http?.['path'] === 'string' ? http['path'] : '/';
    return { type, port: port(http) ?? 0, path, https: http?.['scheme'] === 'https' };
  }
  if (type === 'TCP' && port(tcp) !== null) return { type, port: port(tcp) ?? 0 };
  return null;
}

/** Where one check stands: Mesos's health checker state. */
export interface CheckState {
  /** When checking began (ms); the grace period counts from here. */
  startedAt: number;
  succeeded: boolean;
  consecutiveFailures: number;
  /** Last health reported; null before the first report. */
  healthy: boolean | null;
}

export interface HealthReport {
  healthy: boolean;
  /** consecutive_failures reached: the task is to be killed. */
  kill: boolean;
}

/**
 * Folds one result into the state: failures before the first success inside the grace period are
 * ignored; a report goes out when health changes and when failures reach consecutive_failures (0 kills at once).
 */
export function foldResult(
  check: MesosHealthCheck,
  state: CheckState,
  o: { passed: boolean; now: number },
): { state: CheckState; report: HealthReport | null } {
  if (o.passed) {
    const next = { ...state, succeeded: true, consecutiveFailures: 0, healthy: true };
    return { state: next, report: state.healthy === true ? null : { healthy: true, kill: false } };
  }
  if (!state.succeeded && o.now < state.startedAt + check.gracePeriodSeconds * 1000) return { state, report: null };
  const failures = state.consecutiveFailures + 1;
  const kill = failures >= check.consecutiveFailures;
  const next = { ...state, consecutiveFailures: failures, healthy: false };
  return { state: next, report: state.healthy === false && !kill ? null : { healthy: false, kill } };
}

export interface HealthCheckersOptions {
  /** A check's health changed (or asks for the kill), with the failure's cause when unhealthy. */
  report(containerId: string, health: HealthReport & { cause: string | null }): void;
  /** The address tasks are told they are reachable on (HOST in their environment). */
  host: string;
  logger: Logger;
}

interface Checker {
  task: AgentTask;
  check: MesosHealthCheck;
  state: CheckState;
  timer: NodeJS.Timeout;
  inFlight: boolean;
  /** Stopped, or a kill was asked for: no more checks or reports. */
  done: boolean;
}

/** One checker per running task with a health check; started after delay_seconds, one check in flight at a time. */
export class HealthCheckers {
  private readonly checkers = new Map<string, Checker>();
  private docker: Docker | null = null;

  constructor(private readonly o: HealthCheckersOptions) {}

  /** Starts checkers for running, launched tasks with a check; stops those of tasks that ended or left. */
  sync(tasks: Iterable<AgentTask>, agentId: string | null): void {
    const live = new Set<string>();
    for (const task of tasks) {
      if (isTerminalState(task.state) || task.handle === null || agentId === null) continue;
      live.add(task.containerId);
      if (task.state === 'TASK_RUNNING' && !this.checkers.has(task.containerId)) this.start(task, agentId);
    }
    for (const [id, checker] of this.checkers) if (!live.has(id)) this.stop(id, checker);
  }

  close(): void {
    for (const [id, checker] of this.checkers) this.stop(id, checker);
  }

  private start(task: AgentTask, agentId: string): void {
    const check = readHealthCheck(task.info.health_check);
    if (check === null) return;
    const state: CheckState = { startedAt: Date.now(), succeeded: false, consecutiveFailures: 0, healthy: null };
    const checker: Checker = {
      task,
      check,
      state,
      inFlight: false,
      done: false,
      timer: setTimeout(() => this.begin(checker, agentId), check.delaySeconds * 1000),
    };
    this.checkers.set(task.containerId, checker);
  }

  /** After delay_seconds: a check now, then one every interval_seconds. */
  private begin(checker: Checker, agentId: string): void {
    checker.timer = setInterval(() => this.run(checker, agentId), Math.max(1, checker.check.intervalSeconds * 1000));
    this.run(checker, agentId);
  }

  private stop(id: string, checker: Checker): void {
    checker.done = true;
    clearInterval(checker.timer);
    this.checkers.delete(id);
  }

  private run(checker: Checker, agentId: string): void {
    if (checker.inFlight || checker.done) return;
    checker.inFlight = true;
    void this.probe(checker, agentId).then((outcome) => {
      checker.inFlight = false;
      if (checker.done || outcome.kind === 'ignored') return;
      const { state, report } = foldResult(checker.check, checker.state, {
        passed: outcome.kind === 'pass',
        now: Date.now(),
      });
      checker.state = state;
      if (report === null) return;
      const cause = outcome.kind === 'fail' ? outcome.cause : null;
      this.o.logger.info(
        { task: checker.task.info.task_id.value, healthy: report.healthy, kill: report.kill, cause },
        'Task health changed',
      );
      if (report.kill) checker.done = true;
      this.o.report(checker.task.containerId, { ...report, cause });
    });
  }

  private probe(checker: Checker, agentId: string): Promise<ProbeOutcome> {
    const { task, check } = checker;
    const timeoutMs = check.timeoutSeconds * 1000;
    switch (check.probe.type) {
      case 'COMMAND':
        return this.command(task, check.probe.command, { agentId, timeoutMs });
      case 'HTTP':
        return httpProbe({
          host: LOOPBACK,
          port: hostPort(task, check.probe.port),
          path: check.probe.path,
          https: check.probe.https,
          ignoreHttp1xx: false,
          timeoutMs,
        });
      case 'TCP':
        return tcpProbe({ host: LOOPBACK, port: hostPort(task, check.probe.port), timeoutMs });
    }
  }

  /**
   * `sh -c` (or the argv) in the task's environment: on the host in its sandbox (processes), or by
   * `docker exec`, which inherits the container's own environment (containers).
   */
  private async command(
    task: AgentTask,
    command: CommandInfo,
    o: { agentId: string; timeoutMs: number },
  ): Promise<ProbeOutcome> {
    const variables = Object.fromEntries((command.environment?.variables ?? []).map((v) => [v.name, v.value ?? '']));
    try {
      const argv = commandArgv(command);
      const code =
        task.handle?.type === 'docker'
          ? await this.dockerExec(task.handle.id, argv, variables, o.timeoutMs)
          : await hostExec(
              task.sandbox,
              argv,
              {
                ...taskEnvironment(task, { agentId: o.agentId, sandbox: task.sandbox, host: this.o.host }),
                ...variables,
              },
              o.timeoutMs,
            );
      return code === 0 ? { kind: 'pass' } : { kind: 'fail', cause: `Command exited with status ${code}` };
    } catch (err) {
      return { kind: 'fail', cause: errorMessage(err) };
    }
  }

  private async dockerExec(
    containerId: string,
    argv: string[],
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<number> {
    this.docker ??= new Docker();
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: argv,
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
      stream.resume();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`Command timed out after ${timeoutMs} ms`)), timeoutMs)),
    );
    try {
      await Promise.race([ended, timeout]);
    } finally {
      clearTimeout(timer);
      stream.destroy();
    }
    return (await exec.inspect()).ExitCode ?? -1;
  }
}

async function hostExec(cwd: string, argv: string[], env: Record<string, string>, timeoutMs: number): Promise<number> {
  const [file = '/bin/sh', ...args] = argv;
  const result = await execa(file, args, { cwd, env, timeout: timeoutMs, reject: false, stdio: 'ignore' });
  if (result.timedOut) throw new Error(`Command timed out after ${timeoutMs} ms`);
  return result.exitCode ?? -1;
}

/** HTTP and TCP checks target 127.0.0.1: a host port as is, a BRIDGE container port through its mapping. */
function hostPort(task: AgentTask, port: number): number {
  const docker = task.info.container?.docker;
  if (docker?.network !== 'BRIDGE') return port;
  return docker.port_mappings?.find((m) => m.container_port === port)?.host_port ?? port;
}

// One agent: its pure core wired to the checkpoint, containerizers, leader detector, master link, HTTP
// endpoints and a tick timer; checkpoint effects run first. Stopping leaves tasks running by default.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { BUILD } from '../common/build-info.js';
import { ChangeReporter } from '../common/change-reporter.js';
import { MAX_CONCURRENT_LAUNCHES_PER_AGENT } from '../common/limits.js';
import { errorMessage } from '../common/errors.js';
import { createLogger, type Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { ReadableLog } from '../common/readable-log.js';
import { MESOS_DIALECT, requestGuard } from '../common/request-guard.js';
import { parseAttributeText } from '../master/core/resources.js';
import { isTerminalState } from '../master/core/v1.js';
import { Checkpoint, metaDir } from './checkpoint.js';
import { agentResources, DEFAULT_CONTAINERIZERS, DEFAULT_KILL_GRACE_MS, type AgentWorkerConfig } from './config.js';
import type { Containerizer, Recovered } from './containerizers/containerizer.js';
import { DockerContainerizer } from './containerizers/docker.js';
import { ProcessContainerizer } from './containerizers/process.js';
import { AgentCore } from './core/agent.js';
import type {
  AgentInput,
  AgentOutput,
  AgentTask,
  AgentTicks,
  ContainerizerType,
  ContainerReport,
  ExitStatus,
} from './core/protocol.js';
import { describeMaster } from './core/state.js';
import { MasterDetector } from './detector.js';
import { HealthCheckers } from './health-checks.js';
import { agentApp } from './http.js';
import { MasterLinks } from './link.js';
import { UsageMonitor } from './monitor.js';

/** What the agent tells its host about itself. */
export interface AgentStatus {
  registered: boolean;
  agentId: string | null;
  /** `master@ip:port` of the master it is registered with (or trying to). */
  master: string | null;
  /** Tasks not in a terminal state (running or on their way). */
  tasks: number;
}

export interface AgentStartOptions {
  onStatus?(status: AgentStatus): void;
  /** Default: a JSON log at config.logFile. */
  logger?: Logger;
}

type WithoutTime<T> = T extends unknown ? Omit<T, 'now'> : never;
type Input = WithoutTime<AgentInput>;

const PERSIST_FIRST: ReadonlySet<AgentOutput['kind']> = new Set(['persistAgentId', 'persistTask', 'forgetTask']);
/** Extra time a shutdown waits for tasks beyond the longest grace period. */
const SHUTDOWN_SLACK_MS = 5_000;

function toTicks(ms: number, tickMs: number): number {
  return Math.max(1, Math.ceil(ms / tickMs));
}

function agentTicks(config: AgentWorkerConfig): AgentTicks {
  const t = config.timing;
  return {
    statusUpdateRetryMin: toTicks(t.statusUpdateRetryMinMs, t.tickMs),
    statusUpdateRetryMax: toTicks(t.statusUpdateRetryMaxMs, t.tickMs),
    registrationBackoffMin: toTicks(t.registrationBackoffMs, t.tickMs),
    registrationBackoffMax: toTicks(t.registrationBackoffMaxMs, t.tickMs),
    masterPingTimeout: toTicks(t.masterPingTimeoutMs, t.tickMs),
  };
}

export class Agent {
  private readonly startedAt = Date.now();
  private readonly links: MasterLinks;
  private readonly detector: MasterDetector;
  private core!: AgentCore;
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly statusReporter: ChangeReporter<AgentStatus>;
  /** Starting a process or a container blocks this thread for a moment: a few at a time. */
  private readonly launches = pLimit(MAX_CONCURRENT_LAUNCHES_PER_AGENT);
  private stopped = false;
  private readonly containerizers: Map<ContainerizerType, Containerizer>;
  private readonly healthChecks: HealthCheckers;

  private constructor(
    private readonly config: AgentWorkerConfig,
    private readonly logger: Logger,
    private readonly checkpoint: Checkpoint,
    runners: { docker: DockerContainerizer | null; processes: ProcessContainerizer | null },
    options: AgentStartOptions,
  ) {
    this.statusReporter = new ChangeReporter((status) => options.onStatus?.(status));
    this.containerizers = new Map<ContainerizerType, Containerizer>();
    if (runners.docker !== null) this.containerizers.set('docker', runners.docker);
    if (runners.processes !== null) this.containerizers.set('mesos', runners.processes);
    this.links = new MasterLinks(
      {
        opened: (connection) => this.input({ kind: 'connected', connection }),
        message: (connection, message) => this.input({ kind: 'message', connection, message }),
        closed: (connection) => this.input({ kind: 'disconnected', connection }),
      },
      logger,
    );
    this.healthChecks = new HealthCheckers({
      host: config.host ?? LOOPBACK,
      logger,
      report: (containerId, health) => this.input({ kind: 'health', containerId, ...health }),
    });
    this.detector = new MasterDetector({
      zk: config.zk,
      sessionTimeoutMs: config.timing.zkSessionTimeoutMs,
      logger,
      onLeader: (master) => this.input({ kind: 'leaderDetected', master }),
    });
  }

  /** Recovers from the checkpoint, serves HTTP, then detects the leading master and registers. */
  static async start(config: AgentWorkerConfig, options: AgentStartOptions = {}): Promise<Agent> {
    const logger = options.logger ?? createLogger({ component: config.name, file: config.logFile, sync: true });
    const host = config.host ?? LOOPBACK;
    const events = {
      exited: (containerId: string, status: ExitStatus | null) => agent.input({ kind: 'exited', containerId, status }),
    };
    const wanted = config.containerizers ?? DEFAULT_CONTAINERIZERS;
    const pollMs = config.timing.processPollMs;
    const docker = wanted.includes('docker')
      ? await DockerContainerizer.connect({ workDir: config.workDir, host, retryMs: pollMs, events, logger })
      : null;
    const stateDir = join(metaDir(config.workDir), 'processes');
    const processes = wanted.includes('mesos')
      ? new ProcessContainerizer({ workDir: config.workDir, stateDir, pollMs, host, events, logger })
      : null;
    const agent: Agent = new Agent(config, logger, new Checkpoint(config.workDir), { docker, processes }, options);
    await agent.boot(host);
    return agent;
  }

  get status(): AgentStatus {
    const { state } = this.core.view();
    const master = state.link.master;
    const tasks = [...state.tasks.values()].filter((t) => !isTerminalState(t.state)).length;
    return {
      registered: state.link.phase === 'registered',
      agentId: state.agentId,
      master: master === null ? null : describeMaster(master),
      tasks,
    };
  }

  /** Stops serving and following; tasks keep running unless `shutdownTasks` (then they are killed first). */
  async stop(o: { shutdownTasks?: boolean } = {}): Promise<void> {
    if (o.shutdownTasks === true) await this.shutdownTasks();
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.healthChecks.close();
    await this.detector.stop();
    this.links.closeAll();
    for (const c of this.containerizers.values()) c.close();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
    this.checkpoint.close();
    this.logger.info('Agent stopped');
    this.logger.flush();
  }

  private async boot(host: string): Promise<void> {
    const { config } = this;
    const hostname = config.hostname ?? host;
    const resources = agentResources({ text: config.resources, workDir: config.workDir });
    const attributes = parseAttributeText(config.attributes ?? '');
    this.core = new AgentCore({
      agentInfo: { hostname, port: config.port, resources, ...(attributes.length === 0 ? {} : { attributes }) },
      version: BUILD.version,
      workDir: config.workDir,
      containerizers: [...this.containerizers.keys()],
      ticks: agentTicks(config),
      defaultKillGraceMs: DEFAULT_KILL_GRACE_MS,
      ids: { containerId: () => randomUUID(), statusUuid: () => randomBytes(16).toString('base64') },
    });
    const checkpointed = this.checkpoint.read();
    this.input({ kind: 'recover', checkpointed, report: await this.recoverContainers(checkpointed.tasks) });
    await this.serve(host);
    this.logger.info(
      { port: this.config.port, resources: config.resources, containerizers: [...this.containerizers.keys()] },
      `Agent ${config.name} started`,
    );
    this.detector.start();
    this.timer = setInterval(() => this.input({ kind: 'tick' }), config.timing.tickMs);
  }

  private async recoverContainers(tasks: AgentTask[]): Promise<Recovered> {
    const containers = new Map<string, ContainerReport>();
    const orphans: Recovered['orphans'] = [];
    for (const [type, containerizer] of this.containerizers) {
      const found = await containerizer.recover(tasks.filter((t) => t.containerizer === type));
      for (const [id, report] of found.containers) containers.set(id, report);
      orphans.push(...found.orphans);
    }
    return { containers, orphans };
  }

  private serve(host: string): Promise<void> {
    const monitor = new UsageMonitor({ containerizers: this.containerizers, view: () => this.core.view() });
    const app = agentApp({
      view: () => this.core.view(),
      uptimeSecs: () => (Date.now() - this.startedAt) / 1000,
      extras: () => ({
        startTime: this.startedAt / 1000,
        pid: `slave(1)@${host}:${this.config.port}`,
        flags: this.flags(),
        build: BUILD,
      }),
      statistics: () => monitor.statistics(),
      log: { virtualPath: '/slave/log', log: new ReadableLog(this.config.logFile) },
      guard: requestGuard({
        dialect: MESOS_DIALECT,
        log: this.logger,
        site: { hostnames: [host, this.config.hostname], ports: this.config.sitePorts ?? [] },
      }),
    });
    return new Promise((resolve, reject) => {
      const server = app.listen(this.config.port, host, () => resolve());
      server.once('error', reject);
      this.server = server;
    });
  }

  private flags(): Record<string, string> {
    const { config } = this;
    return {
      master: config.zk,
      port: String(this.config.port),
      work_dir: config.workDir,
      log_dir: dirname(config.logFile),
      containerizers: [...this.containerizers.keys()].join(','),
      ...(config.resources === undefined ? {} : { resources: config.resources }),
      ...(config.attributes === undefined ? {} : { attributes: config.attributes }),
    };
  }

  private input(input: Input): void {
    if (this.stopped) return;
    const outputs = this.core.handle({ ...input, now: Date.now() } as AgentInput);
    const ordered = [
      ...outputs.filter((o) => PERSIST_FIRST.has(o.kind)),
      ...outputs.filter((o) => !PERSIST_FIRST.has(o.kind)),
    ];
    for (const output of ordered) this.perform(output);
    const { state } = this.core.view();
    this.healthChecks.sync(state.tasks.values(), state.agentId);
    this.publishStatus();
  }

  private perform(o: AgentOutput): void {
    switch (o.kind) {
      case 'persistAgentId':
        return this.checkpoint.saveAgentId(o.agentId);
      case 'persistTask':
        return this.checkpoint.saveTask(o.task);
      case 'forgetTask':
        return this.checkpoint.forgetTask(o.frameworkId, o.taskId);
      case 'detect':
        return this.detector.detect();
      case 'connect':
        return this.links.open(o.connection, o.master);
      case 'disconnect':
        return this.links.close(o.connection);
      case 'send':
        return this.links.send(o.connection, o.message);
      case 'launch':
        return void this.launch(o.task, o.agentId);
      case 'watch':
        return this.containerizer(o.task)?.watch(o.task);
      case 'kill':
        return void this.containerizer(o.task)
          ?.kill(o.task, o.graceMs)
          .catch((err: unknown) =>
            this.logger.warn(
              { task: o.task.info.task_id.value, err: errorMessage(err) },
              'Failed to kill the container',
            ),
          );
      case 'destroyOrphan':
        return void this.containerizers
          .get(o.container.containerizer)
          ?.destroy(o.container)
          .catch((err: unknown) =>
            this.logger.warn(
              { container: o.container.id, err: errorMessage(err) },
              'Failed to remove an orphaned container',
            ),
          );
      case 'log':
        return o.level === 'warn' ? this.logger.warn(o.message) : this.logger.info(o.message);
    }
  }

  private containerizer(task: AgentTask): Containerizer | undefined {
    return this.containerizers.get(task.containerizer);
  }

  private async launch(task: AgentTask, agentId: string): Promise<void> {
    const containerId = task.containerId;
    try {
      const containerizer = this.containerizer(task);
      if (containerizer === undefined) throw new Error(`the ${task.containerizer} containerizer is not available`);
      const launched = await this.launches(() => containerizer.launch(task, agentId));
      this.input({
        kind: 'launched',
        containerId,
        handle: launched.handle,
        ...(launched.containerStatus === undefined ? {} : { containerStatus: launched.containerStatus }),
      });
    } catch (err) {
      this.logger.warn({ task: task.info.task_id.value, err: errorMessage(err) }, 'Failed to launch the container');
      this.input({ kind: 'launchFailed', containerId, message: errorMessage(err) });
    }
  }

  /** Kills every task and waits (bounded) until all are terminal. */
  private async shutdownTasks(): Promise<void> {
    this.input({ kind: 'shutdown' });
    const graces = [...this.core.view().state.tasks.values()].map((t) => t.kill?.graceMs ?? 0);
    const deadline = Date.now() + Math.max(0, ...graces) + SHUTDOWN_SLACK_MS;
    const live = (): boolean => [...this.core.view().state.tasks.values()].some((t) => !isTerminalState(t.state));
    while (live() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, this.config.timing.tickMs));
  }

  private publishStatus(): void {
    this.statusReporter.report(this.status);
  }
}

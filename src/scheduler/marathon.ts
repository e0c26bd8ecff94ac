// One scheduler: the v2 API on its port, contending in the leader latch; while it leads, a term that
// recovers the state from ZooKeeper, subscribes to the leading master and runs the core, the health
// and readiness probes, the event callbacks and the load balancer. It reports its role to its host.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { userInfo } from 'node:os';
import { ChangeReporter } from '../common/change-reporter.js';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { MARATHON_DIALECT, requestGuard } from '../common/request-guard.js';
import { MARATHON_MAX_VERSIONS, SERVICE_PORT_MAX, SERVICE_PORT_MIN } from '../common/limits.js';
import { parseZkUrl } from '../master/zk-url.js';
import type { ApiError, Output, SchedulerInput, StoreWrite } from './core/messages.js';
import type { MarathonEvent } from './core/model.js';
import { SchedulerCore } from './core/scheduler.js';
import { serviceBackends } from './core/service-backends.js';
import { createMarathonApp } from './http/app.js';
import type { Leadership, MarathonFlags } from './http/context.js';
import { EffectRunner, LocalEventBus } from '../framework/effects.js';
import { SchedulerElection, type ElectionState } from '../framework/election.js';
import { MesosLink } from '../framework/mesos-link.js';
import { EventCallbacks, ZkSubscriberStore } from './io/event-callbacks.js';
import { LoadBalancer } from './io/load-balancer.js';
import { HealthProbes } from './io/probes.js';
import { ReadinessProbes } from './io/readiness.js';
import { StateStore } from './io/store.js';
import type { SchedulerWorkerConfig } from './worker-config.js';
import type { UnservedPort } from './io/load-balancer.js';

export interface SchedulerReport {
  role: 'leading' | 'standby';
  /** `http://host:port` of the leading scheduler, null while none is known. */
  leader: string | null;
  /** Subscribed to the leading master as a framework. */
  subscribed: boolean;
  frameworkId: string | null;
  /** While it leads: the apps' service ports its load balancer cannot listen on, and why. */
  unservedPorts: UnservedPort[];
}

export interface MarathonOptions {
  config: SchedulerWorkerConfig;
  log: Logger;
  onReport?: (report: SchedulerReport) => void;
  /** Every event of the Marathon event bus (what /v2/events streams). */
  onEvent?: (event: MarathonEvent) => void;
}

export class Marathon {
  private readonly server: Server;
  private readonly election: SchedulerElection;
  private readonly bus = new LocalEventBus<MarathonEvent>();
  private readonly flags: MarathonFlags;
  private term: LeadingTerm | null = null;
  private terms = 0;
  private readonly reporter: ChangeReporter<SchedulerReport>;

  private constructor(private readonly options: MarathonOptions) {
    const { config, log } = options;
    this.reporter = new ChangeReporter(options.onReport);
    if (options.onEvent !== undefined) this.bus.subscribe(options.onEvent);
    const zk = parseZkUrl(config.zk);
    this.flags = flagsOf(config);
    this.election = new SchedulerElection({
      zk,
      latch: 'leader-curator',
      sessionTimeoutMs: config.zkSessionTimeoutMs,
      participant: this.hostPort,
      log,
    });
    this.election.on('change', (state) => this.electionChanged(state));
    this.server = createServer(
      createMarathonApp(
        {
          leadership: () => this.leadership(),
          events: this.bus,
          flags: this.flags,
          mesosLeaderUiUrl: () => this.term?.masterUrl ?? null,
          now: () => Date.now(),
        },
        requestGuard({
          dialect: MARATHON_DIALECT,
          log,
          site: { hostnames: [config.host], ports: config.sitePorts ?? [] },
        }),
      ),
    );
  }

  /** Serves the API, then contends for leadership in the background. */
  static async start(options: MarathonOptions): Promise<Marathon> {
    const marathon = new Marathon(options);
    await marathon.listen();
    void marathon.election.start();
    return marathon;
  }

  get url(): string {
    return `http://${this.hostPort}`;
  }

  get report(): SchedulerReport {
    const leader = this.election.state.leader;
    return {
      role: this.term === null ? 'standby' : 'leading',
      leader: leader === null ? null : `http://${leader}`,
      subscribed: this.term?.subscribed ?? false,
      frameworkId: this.term?.frameworkId ?? null,
      unservedPorts: this.term?.unservedPorts ?? [],
    };
  }

  async stop(): Promise<void> {
    await this.endTerm();
    await this.election.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private get hostPort(): string {
    return `${this.options.config.host ?? LOOPBACK}:${this.options.config.port}`;
  }

  private leadership(): Leadership {
    const term = this.term;
    if (term?.ready === true)
      return {
        leading: true,
        core: term.core,
        run: (output) => term.runCommand(output),
        abdicate: () => this.abdicate('Abdicating on request (DELETE /v2/leader)'),
        subscriptions: term.callbacks,
      };
    const leader = this.election.state.leader;
    return { leading: false, leaderUrl: leader === null || leader === this.hostPort ? null : `http://${leader}` };
  }

  private listen(): Promise<void> {
    const { config, log } = this.options;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(config.port, config.host ?? LOOPBACK, () => {
        this.server.off('error', reject);
        log.info(
          `Started the Marathon v2 API on ${this.hostPort} (framework ${config.frameworkName}, --master ${config.master}, --zk ${config.zk})`,
        );
        resolve();
      });
    });
  }

  private electionChanged(state: ElectionState): void {
    const { log } = this.options;
    if (state.leading && this.term === null) {
      log.info('Elected as leading scheduler; recovering state from ZooKeeper');
      void this.beginTerm(++this.terms);
    }
    if (!state.leading && this.term !== null) {
      log.warn(`Lost leadership${state.leader === null ? '' : `; the leader is now ${state.leader}`}; standing by`);
      void this.endTerm();
    }
    this.reportChange();
  }

  private async beginTerm(number: number): Promise<void> {
    const { config, log } = this.options;
    const client = this.election.client;
    try {
      if (client === null) throw new Error('no ZooKeeper session');
      const statePath = `${parseZkUrl(config.zk).path}/state`;
      const store = new StateStore({ client, path: statePath, log });
      const state = await store.load();
      const subscribers = new ZkSubscriberStore(client, statePath);
      const callbacks = await EventCallbacks.start({ store: subscribers, bus: this.bus, log, now: () => Date.now() });
      if (number !== this.terms || !this.election.state.leading) return callbacks.close();
      this.term = new LeadingTerm({
        config,
        log,
        store,
        state,
        bus: this.bus,
        callbacks,
        onChange: () => this.reportChange(),
        onStoreFailure: () => this.abdicate('The state store failed; abdicating'),
      });
      this.term.start();
      this.reportChange();
    } catch (err) {
      this.abdicate(`Failed to recover the scheduler state: ${errorMessage(err)}`);
    }
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    this.term = null;
    await term?.stop();
    this.reportChange();
  }

  /** Gives up leadership and rejoins the latch (the state in memory can no longer be trusted, or a user asked). */
  private abdicate(why: string): void {
    this.options.log.error(why);
    void this.endTerm().then(() => this.election.abdicate());
  }

  private reportChange(): void {
    this.reporter.report(this.report);
  }
}

interface TermOptions {
  config: SchedulerWorkerConfig;
  log: Logger;
  store: StateStore;
  state: Awaited<ReturnType<StateStore['load']>>;
  bus: LocalEventBus<MarathonEvent>;
  callbacks: EventCallbacks;
  onChange(): void;
  onStoreFailure(): void;
}

/** One term as the leading scheduler. */
class LeadingTerm {
  readonly core: SchedulerCore;
  readonly callbacks: EventCallbacks;
  private readonly link: MesosLink;
  private readonly runner: EffectRunner<StoreWrite, MarathonEvent>;
  private readonly probes: HealthProbes;
  private readonly readiness: ReadinessProbes;
  private readonly lb: LoadBalancer | null;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  ready = false;

  constructor(private readonly options: TermOptions) {
    const { config, log, store, state, bus } = options;
    this.callbacks = options.callbacks;
    this.core = new SchedulerCore({
      options: {
        frameworkName: config.frameworkName,
        user: userInfo().username,
        role: '*',
        hostname: config.host ?? LOOPBACK,
        webuiUrl: `http://${config.host ?? LOOPBACK}:${config.port}/ui/`,
        failoverTimeoutSeconds: config.failoverTimeoutSeconds,
        newId: () => randomUUID(),
        timing: config.timing,
        servicePortRange: servicePortRangeOf(config),
      },
      state,
    });
    this.link = new MesosLink({
      master: config.master,
      zkSessionTimeoutMs: config.zkSessionTimeoutMs,
      frameworkInfo: () => this.core.frameworkInfo(),
      onInput: (input) => this.input(input),
      now: () => Date.now(),
      log,
    });
    this.runner = new EffectRunner({
      persist: (batches) => store.apply(batches),
      call: (call) => this.link.call(call),
      publish: (event) => bus.publish(event),
      log,
      onStoreFailure: () => options.onStoreFailure(),
    });
    this.probes = new HealthProbes({ onResult: (input) => this.input(input), now: () => Date.now(), logger: log });
    this.readiness = new ReadinessProbes({
      onResult: (input) => this.input(input),
      now: () => Date.now(),
      logger: log,
    });
    this.lb = config.loadBalancer
      ? new LoadBalancer({ logger: log, onUnservedChange: () => options.onChange() })
      : null;
  }

  get subscribed(): boolean {
    return this.core.subscribed;
  }

  get frameworkId(): string | null {
    return this.core.frameworkId;
  }

  get masterUrl(): string | null {
    return this.core.master;
  }

  get unservedPorts(): UnservedPort[] {
    return this.lb?.unserved() ?? [];
  }

  start(): void {
    this.ready = true;
    this.link.start();
    this.ticker = setInterval(() => this.input({ type: 'tick', now: Date.now() }), this.options.config.timing.tickMs);
    this.afterChange();
  }

  /** A command from the API: its effects run in order, then the reply goes back. */
  async runCommand<R>(output: Output<R>): Promise<R | ApiError> {
    const stored = await this.runner.run(output.effects);
    this.afterChange();
    if (!stored)
      return {
        ok: false,
        status: 503,
        body: { message: 'The scheduler lost its state store; try again on the next leader' },
      };
    return output.reply;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    clearInterval(this.ticker);
    this.probes.close();
    this.readiness.close();
    this.callbacks.close();
    await this.link.stop();
    await this.lb?.close();
  }

  private input(input: SchedulerInput): void {
    if (this.stopped) return;
    const before = this.core.subscribed;
    void this.runner.run(this.core.input(input));
    this.afterChange();
    if (before !== this.core.subscribed) this.options.onChange();
  }

  private afterChange(): void {
    this.probes.sync(this.core);
    this.readiness.sync(this.core);
    this.lb?.update(serviceBackends(this.core));
  }
}

function servicePortRangeOf(config: SchedulerWorkerConfig): { min: number; max: number } {
  return config.servicePorts ?? { min: SERVICE_PORT_MIN, max: SERVICE_PORT_MAX };
}

function flagsOf(config: SchedulerWorkerConfig): MarathonFlags {
  const { min, max } = servicePortRangeOf(config);
  return {
    master: config.master,
    zk: config.zk,
    hostname: config.host ?? LOOPBACK,
    httpPort: config.port,
    frameworkName: config.frameworkName,
    localPortMin: min,
    localPortMax: max,
    taskLaunchTimeoutMs: config.timing.taskLaunchTimeoutMs,
    reconciliationIntervalMs: config.timing.reconciliationIntervalMs,
    failoverTimeoutSeconds: config.failoverTimeoutSeconds,
    zkSessionTimeoutMs: config.zkSessionTimeoutMs,
    zkMaxVersions: MARATHON_MAX_VERSIONS,
    mesosUser: userInfo().username,
    mesosRole: '*',
  };
}

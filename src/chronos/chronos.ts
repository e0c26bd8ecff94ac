// One Chronos: the REST API on its port and the leader latch under <zk_path>/candidate; while it leads, a term that
// reads the jobs and runs back from ZooKeeper, subscribes with the stored framework id and runs the core.
import { createServer, type Server } from 'node:http';
import { userInfo } from 'node:os';
import { ChangeReporter } from '../common/change-reporter.js';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { requestGuard } from '../common/request-guard.js';
import { EffectRunner } from '../framework/effects.js';
import { type ElectionState, SchedulerElection } from '../framework/election.js';
import { MesosLink } from '../framework/mesos-link.js';
import { CHRONOS_DEFAULTS, type JobDefaults } from './core/job.js';
import { ChronosCore } from './core/chronos.js';
import type { ApiError, ChronosEvent, ChronosInput, Output, StoredState, StoreWrite } from './core/messages.js';
import { CHRONOS_DIALECT, createChronosApp } from './http/app.js';
import type { ChronosLeadership } from './http/context.js';
import { ChronosStateStore } from './io/store.js';
import type { ChronosWorkerConfig } from './worker-config.js';

/** Chronos's leader latch, under --zk_path. */
const LATCH = 'candidate';

export interface ChronosReport {
  role: 'leading' | 'standby';
  /** `http://host:port` of the leading Chronos, null while none is known. */
  leader: string | null;
  /** Subscribed to the leading master as a framework. */
  subscribed: boolean;
  frameworkId: string | null;
}

export interface ChronosOptions {
  config: ChronosWorkerConfig;
  log: Logger;
  onReport?: (report: ChronosReport) => void;
  /** Every event of the core (task state changes, jobs added, replaced, removed, disabled). */
  onEvent?: (event: ChronosEvent) => void;
}

export class Chronos {
  private readonly server: Server;
  private readonly election: SchedulerElection;
  private readonly defaults: JobDefaults;
  private term: LeadingTerm | null = null;
  private terms = 0;
  private readonly reporter: ChangeReporter<ChronosReport>;

  private constructor(private readonly options: ChronosOptions) {
    const { config, log } = options;
    this.reporter = new ChangeReporter(options.onReport);
    this.defaults = { ...CHRONOS_DEFAULTS, user: config.user ?? userInfo().username };
    this.election = new SchedulerElection({
      zk: { servers: config.zkHosts, path: config.zkPath, digest: null },
      latch: LATCH,
      sessionTimeoutMs: config.zkSessionTimeoutMs,
      participant: this.hostPort,
      log,
    });
    this.election.on('change', (state) => this.electionChanged(state));
    const guard = requestGuard({
      dialect: CHRONOS_DIALECT,
      log,
      site: { hostnames: [config.host], ports: config.sitePorts ?? [] },
    });
    const hostPort = this.hostPort;
    this.server = createServer(
      createChronosApp(
        {
          leadership: () => this.leadership(),
          leaderId: () => this.election.state.leader,
          hostPort,
          now: () => Date.now(),
        },
        guard,
      ),
    );
  }

  /** Serves the API, then contends for leadership in the background. */
  static async start(options: ChronosOptions): Promise<Chronos> {
    const chronos = new Chronos(options);
    await chronos.listen();
    void chronos.election.start();
    return chronos;
  }

  get url(): string {
    return `http://${this.hostPort}`;
  }

  get report(): ChronosReport {
    const leader = this.election.state.leader;
    return {
      role: this.term === null ? 'standby' : 'leading',
      leader: leader === null ? null : `http://${leader}`,
      subscribed: this.term?.core.subscribed ?? false,
      frameworkId: this.term?.core.frameworkId ?? null,
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

  private leadership(): ChronosLeadership {
    const term = this.term;
    if (term !== null) return { leading: true, core: term.core, run: (output) => term.runCommand(output) };
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
          `Started the Chronos API on ${this.hostPort} ` +
            `(--master ${config.master}, --zk_hosts ${config.zkHosts}, --zk_path ${config.zkPath})`,
        );
        resolve();
      });
    });
  }

  private electionChanged(state: ElectionState): void {
    const { log } = this.options;
    if (state.leading && this.term === null) {
      log.info('Elected as the leading Chronos; reading the jobs from ZooKeeper');
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
      const store = new ChronosStateStore({ client, path: config.zkPath, defaults: this.defaults, log });
      const state = await store.load();
      if (number !== this.terms || !this.election.state.leading) return;
      this.term = new LeadingTerm({
        config,
        log,
        defaults: this.defaults,
        store,
        state,
        onChange: () => this.reportChange(),
        onEvent: (event) => this.options.onEvent?.(event),
        onStoreFailure: () => this.abdicate('The state store failed; abdicating'),
      });
      this.term.start();
      this.reportChange();
    } catch (err) {
      this.abdicate(`Failed to read the Chronos state: ${errorMessage(err)}`);
    }
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    this.term = null;
    await term?.stop();
    this.reportChange();
  }

  /** The state in memory can no longer be trusted: give up leadership and rejoin the latch. */
  private abdicate(why: string): void {
    this.options.log.error(why);
    void this.endTerm().then(() => this.election.abdicate());
  }

  private reportChange(): void {
    this.reporter.report(this.report);
  }
}

interface TermOptions {
  config: ChronosWorkerConfig;
  log: Logger;
  defaults: JobDefaults;
  store: ChronosStateStore;
  state: StoredState;
  onChange(): void;
  onEvent(event: ChronosEvent): void;
  onStoreFailure(): void;
}

/** One term as the leading Chronos. */
class LeadingTerm {
  readonly core: ChronosCore;
  private readonly link: MesosLink;
  private readonly runner: EffectRunner<StoreWrite, ChronosEvent>;
  private ticker: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: TermOptions) {
    const { config, log, store, state } = options;
    const host = config.host ?? LOOPBACK;
    this.core = new ChronosCore({
      options: {
        frameworkName: config.frameworkName,
        role: '*',
        hostname: host,
        webuiUrl: `http://${host}:${config.port}/`,
        failoverTimeoutSeconds: config.failoverTimeoutSeconds,
        defaults: options.defaults,
        disableAfterFailures: 0,
        timing: config.timing,
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
      publish: (event) => options.onEvent(event),
      log,
      onStoreFailure: () => options.onStoreFailure(),
      detached: (call) => call.type === 'ACKNOWLEDGE',
    });
  }

  start(): void {
    this.link.start();
    this.ticker = setInterval(() => this.input({ type: 'tick', now: Date.now() }), this.options.config.timing.tickMs);
    this.input({ type: 'tick', now: Date.now() });
  }

  /** A command from the API: its effects run in order, then the reply goes back. */
  async runCommand<R>(output: Output<R>): Promise<R | ApiError> {
    const stored = await this.runner.run(output.effects);
    this.afterChange();
    if (!stored)
      return {
        ok: false,
        status: 503,
        body: {
          message: 'This Chronos lost its state store; try again on the next leader',
          status: 'Service Unavailable',
        },
      };
    return output.reply;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.wake);
    await this.link.stop();
  }

  private input(input: ChronosInput): void {
    if (this.stopped) return;
    const before = this.core.subscribed;
    void this.runner.run(this.core.input(input));
    this.afterChange();
    if (before !== this.core.subscribed) this.options.onChange();
  }

  /** Wakes the core just after the next start falls due, between ticks. */
  private afterChange(): void {
    clearTimeout(this.wake);
    const next = this.core.nextDueAt();
    if (next === null || this.stopped) return;
    const delay = Math.max(0, next + 1 - Date.now());
    if (delay < this.options.config.timing.tickMs)
      this.wake = setTimeout(() => this.input({ type: 'tick', now: Date.now() }), delay);
  }
}

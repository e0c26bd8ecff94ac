// Runs one cluster: allocates its ports, forks the ensemble members, starts masters and agents (see
// mesos.ts), the schedulers (schedulers.ts) and Chronos (chronos.ts), follows their roles, serves the control API and the
// dashboard (dashboard/) and stops everything on down. Members and worker threads die with it.
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError, errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK, PortAllocator } from '../common/ports.js';
import { parseZkUrl } from '../master/zk-url.js';
import {
  type ClusterFile,
  type MemberLayout,
  type SchedulerLayout,
  type SupervisorPhase,
  connectString,
  otherClusters,
  readClusterFile,
  writeClusterFile,
} from './cluster-file.js';
import { startControlServer, type ControlServer, type ControlTarget } from './control.js';
import { ElectionLog } from './elections/log.js';
import { EnsembleView, roleOf, type MemberView, type ViewInput } from './core/ensemble-view.js';
import { servicePortRange, type PortRange } from './core/layout.js';
import { describeEvent, type TimelineEntry, type TimelineEventBody } from './core/timeline.js';
import { chooseToStart, type ComponentKind, type StartChoice } from './core/start-choice.js';
import { startDashboard, type Dashboard } from './dashboard/server.js';
import { startMarathonAddress, type MarathonAddress } from './marathon-address.js';
import { StoppedTasksFold, takeStoppedTasks, writeStoppedTasks } from './stopped-tasks.js';
import { ForkHost } from './host.js';
import {
  MEMBER_NODE_FLAGS,
  memberArgs,
  parseMemberMessage,
  type MemberProcessConfig,
  type ServerEntry,
} from './member-config.js';
import { MesosComponents, agentSlices, layoutMesos, type MesosLayout } from './mesos.js';
import { makeClusterDir, packagePath, type ClusterPaths } from './paths.js';
import { LEADING_SCHEDULER, SchedulerComponents, layoutSchedulers } from './schedulers.js';
import { ChronosComponents, LEADING_CHRONOS, layoutChronos } from './chronos.js';
import type { ClusterSpec } from './spec.js';
import type { ClusterStatus, EnsembleMemberStatus, KillResult, StartResult } from './status.js';
import { TimelineStore } from './timeline-store.js';

/** Proves the ensemble serves writes (connect string → resolves once a write succeeded). */
export type WriteProbe = (connect: string) => Promise<void>;

export interface SupervisorOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
  log: Logger;
  probeWrite: WriteProbe;
  /** Member entry module; default: the compiled dist/ensemble/io/main.js of this package. */
  memberEntry?: string;
}

const ZK_LEADER = 'zk-leader';
const LEADING_MASTER = 'leader';
const PROBE_RETRY_MS = 200;
const OUTPUT_TAIL_BYTES = 4096;

export class Supervisor implements ControlTarget {
  readonly timeline: TimelineStore;
  /** Every election of the ensemble and of the masters, step by step (the newest MAX_ELECTIONS_KEPT). */
  readonly elections: ElectionLog;
  /** Resolves once the supervisor has stopped and closed its control API. */
  readonly closed: Promise<void>;
  private readonly view: EnsembleView;
  private readonly hosts = new Map<string, ForkHost>();
  private readonly mesos: MesosComponents;
  private readonly schedulers: SchedulerComponents;
  private readonly chronos: ChronosComponents;
  /** `zk://…/mesos`: our ensemble, or the ZooKeeper given with --zk. */
  private readonly zk: string;
  /** The ports of the web servers (masters, agents, schedulers, dashboard): their pages may drive each other. */
  private readonly sitePorts: number[];
  private readonly changes = new EventEmitter();
  private readonly token = randomBytes(24).toString('hex');
  private readonly startedAt = Date.now();
  private phase: SupervisorPhase = 'starting';
  /** Why the cluster is not ready yet, while it starts; null once it is (or failed). */
  private waiting: string | null = 'the ensemble members are starting';
  private control: ControlServer | null = null;
  private dashboard: Dashboard | null = null;
  private marathonAddress: MarathonAddress | null = null;
  private stopping: Promise<void> | null = null;
  /** Components killed while they led, oldest first: `start leader` brings back the last of them still down. */
  private killedLeading: string[] = [];
  /** What a stop waits for now, while the cluster stops. */
  private stopStep: (() => string) | null = null;
  /** The tasks the previous run's `down` stopped: their late updates make one timeline line. */
  private readonly stoppedTasks: StoppedTasksFold;
  private markClosed = (): void => {};

  /** Lays the cluster out: previous ports and port slices are kept where still free, other clusters' are avoided. */
  static async prepare(options: SupervisorOptions): Promise<Supervisor> {
    const { paths, spec } = options;
    makeClusterDir(paths);
    const previous = readClusterFile(paths);
    const others = otherClusters(paths);
    // A slice must not hold a port another cluster's components listen on.
    const slices = agentSlices(spec, previous, [
      ...others.portRanges,
      ...others.ports.map((p) => ({ begin: p, end: p })),
    ]);
    const servicePorts = servicePortRange({
      previous: previous?.servicePorts,
      taken: [...others.servicePortRanges, ...others.ports.map((p) => ({ begin: p, end: p }))],
    });
    const reserved = [...others.portRanges, ...others.servicePortRanges, ...slices, servicePorts];
    const ports = new PortAllocator([...others.ports, ...portsIn(reserved)]);
    const members = spec.externalZk === null ? await layoutEnsemble(spec, previous?.members ?? [], ports) : [];
    const mesos = await layoutMesos({ paths, spec, previous, ports, slices });
    const schedulers = {
      layout: await layoutSchedulers({ spec, previous, ports }),
      servicePorts,
      chronos: await layoutChronos({ spec, previous, ports }),
    };
    const webPorts = {
      dashboard: await ports.allocate(previous?.dashboard?.port),
      marathonAddress: await ports.allocate(previous?.marathonAddress?.port),
    };
    return new Supervisor(options, members, mesos, schedulers, webPorts);
  }

  private readonly schedulerLayout: SchedulerLayout[];
  private readonly chronosLayout: SchedulerLayout[];
  private readonly servicePorts: PortRange;

  private constructor(
    private readonly options: SupervisorOptions,
    private readonly layout: readonly MemberLayout[],
    private readonly mesosLayout: MesosLayout,
    schedulers: { layout: SchedulerLayout[]; servicePorts: PortRange; chronos: SchedulerLayout[] },
    private readonly webPorts: { dashboard: number; marathonAddress: number },
  ) {
    this.schedulerLayout = schedulers.layout;
    this.servicePorts = schedulers.servicePorts;
    this.chronosLayout = schedulers.chronos;
    this.timeline = new TimelineStore(options.paths.eventsFile);
    this.stoppedTasks = new StoppedTasksFold(takeStoppedTasks(options.paths.stoppedTasksFile));
    this.view = new EnsembleView(
      layout.map((m) => m.name),
      Date.now(),
    );
    this.elections = new ElectionLog({
      members: layout.map((m) => m.name),
      masters: mesosLayout.masters.map((m) => m.name),
      memberAt: (server) => layout.find((m) => `${m.host}:${m.clientPort}` === server)?.name ?? null,
    });
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    for (const member of layout) this.hosts.set(member.name, this.createHost(member));
    this.zk = options.spec.externalZk ?? `zk://${connectString(layout)}/mesos`;
    this.sitePorts = [
      ...mesosLayout.masters.map((m) => m.port),
      ...mesosLayout.agents.map((a) => a.port),
      ...this.schedulerLayout.map((s) => s.port),
      ...this.chronosLayout.map((c) => c.port),
      webPorts.dashboard,
      webPorts.marathonAddress,
    ];
    this.mesos = new MesosComponents({
      paths: options.paths,
      spec: options.spec,
      zk: this.zk,
      layout: mesosLayout,
      sitePorts: this.sitePorts,
      log: options.log,
      observe: (entries) => this.note(entries),
      onElectionStep: (master, step, at) => {
        this.elections.master(master, step, at);
        this.changes.emit('change');
      },
    });
    this.schedulers = new SchedulerComponents({
      paths: options.paths,
      spec: options.spec,
      zk: this.zk,
      layout: this.schedulerLayout,
      servicePorts: this.servicePorts,
      sitePorts: this.sitePorts,
      log: options.log,
      observe: (entries) => this.note(entries),
    });
    this.chronos = new ChronosComponents({
      paths: options.paths,
      spec: options.spec,
      zk: this.zk,
      layout: this.chronosLayout,
      sitePorts: this.sitePorts,
      log: options.log,
      observe: (entries) => this.note(entries),
    });
  }

  /** Starts the control API, the ensemble, masters and agents, then the schedulers; resolves once all are ready. */
  async up(): Promise<ClusterStatus> {
    const { paths, spec } = this.options;
    this.record({ type: 'cluster-starting', cluster: paths.name, profile: spec.profile });
    const site = { ports: this.sitePorts };
    this.control = await startControlServer({ target: this, token: this.token, log: this.options.log, site });
    this.dashboard = await startDashboard({
      target: this,
      changes: this.changes,
      port: this.webPorts.dashboard,
      token: this.token,
      log: this.options.log,
      site,
    });
    this.marathonAddress = await startMarathonAddress({
      port: this.webPorts.marathonAddress,
      leader: () => this.schedulers.leadingUrl(),
      noLeaderHint: () => this.schedulers.noLeaderHint(),
      log: this.options.log,
      site,
    });
    this.writeFile();
    const deadline = this.startedAt + spec.readyTimeoutMs;
    try {
      await Promise.all(this.layout.map((m) => this.startMember(m)));
      await this.waitEnsembleReady(deadline);
      this.waiting = 'the masters and agents are starting';
      await this.mesos.startAll();
      await this.waitMesosReady(deadline);
      this.waiting = 'the schedulers are starting';
      await Promise.all([this.schedulers.startAll(), this.chronos.startAll()]);
      await this.waitReady(deadline, () => this.schedulers.notReady() ?? this.chronos.notReady());
    } catch (err) {
      const reason = this.stopping === null ? errorMessage(err) : `cluster ${paths.name} was stopped while starting`;
      this.waiting = null;
      await this.fail(reason);
      throw new UserError(reason);
    }
    this.waiting = null;
    this.phase = 'ready';
    this.writeFile();
    this.record({ type: 'cluster-ready', cluster: paths.name, afterMs: Date.now() - this.startedAt });
    return this.status();
  }

  async status(): Promise<ClusterStatus> {
    const { masters, agents } = await this.mesos.status();
    return {
      name: this.options.paths.name,
      profile: this.options.spec.profile,
      phase: this.phase,
      waiting: this.stopStep?.() ?? this.waiting,
      supervisorPid: process.pid,
      zk: this.zk,
      ensemble: this.layout.map((m) => memberStatus(m, this.viewOf(m.name))),
      masters,
      agents,
      marathon: this.schedulerLayout.length === 0 ? null : (this.marathonAddress?.url ?? this.schedulers.url()),
      schedulers: this.schedulers.status(),
      chronos: this.chronos.url(),
      chronosInstances: this.chronos.status(),
      dashboard: this.dashboard?.url ?? null,
    };
  }

  async kill(target: string): Promise<KillResult> {
    const result = await this.killByName(this.resolve(target, true));
    if (result.role === 'leader' || result.role === 'leading')
      this.killedLeading = [...this.killedLeading.filter((n) => n !== result.name), result.name];
    return result;
  }

  private async killByName(name: string): Promise<KillResult> {
    if (this.mesos.has(name)) return this.mesos.kill(name);
    if (this.schedulers.has(name)) return this.schedulers.kill(name);
    if (this.chronos.has(name)) return this.chronos.kill(name);
    const host = this.hostOf(name);
    if (host.pid === null) throw new UserError(`${name} is not running`);
    const result: KillResult = { name, pid: host.pid, thread: false, role: roleOf(this.viewOf(name)), at: Date.now() };
    this.observe({ type: 'killed', member: name });
    await host.kill();
    return result;
  }

  async start(target: string): Promise<StartResult> {
    const { name, was } = this.whichToStart(target);
    return { ...(await this.startByName(name)), was };
  }

  /** The component `start` brings back: a name, or a word for a kind (`leader`: the master killed while it led). */
  whichToStart(target: string): StartChoice {
    return chooseToStart(target, this.kinds(), this.killedLeading) ?? { name: this.resolve(target, false), was: null };
  }

  private async startByName(name: string): Promise<StartResult> {
    if (this.mesos.has(name)) return this.mesos.start(name);
    if (this.schedulers.has(name)) return this.schedulers.start(name);
    if (this.chronos.has(name)) return this.chronos.start(name);
    const host = this.hostOf(name);
    if (host.pid !== null) throw new UserError(`${name} is already running (pid ${host.pid})`);
    const member = this.layout.find((m) => m.name === name);
    if (member !== undefined) await this.startMember(member);
    return { name, pid: host.pid ?? 0, thread: false, was: null };
  }

  /** The kinds `start` takes a word for, with the components of each that are down. */
  private kinds(): ComponentKind[] {
    const { masters, agents } = this.mesosLayout;
    const kinds: Omit<ComponentKind, 'down'>[] = [
      {
        words: [ZK_LEADER, 'zk'],
        noun: 'ensemble member',
        leader: 'the ensemble leader',
        names: [...this.hosts.keys()],
      },
      {
        words: [LEADING_MASTER, 'master'],
        noun: 'master',
        leader: 'the leading master',
        names: masters.map((m) => m.name),
      },
      { words: ['agent'], noun: 'agent', leader: null, names: agents.map((a) => a.name) },
      { words: [LEADING_SCHEDULER], noun: 'scheduler', leader: 'the leading scheduler', names: this.schedulers.names },
      { words: [LEADING_CHRONOS], noun: 'Chronos', leader: 'the leading Chronos', names: this.chronos.names },
    ];
    return kinds
      .filter((k) => k.names.length > 0)
      .map((k) => ({ ...k, down: k.names.filter((name) => !this.isUp(name)) }));
  }

  private isUp(name: string): boolean {
    if (this.mesos.has(name)) return this.mesos.isUp(name);
    if (this.schedulers.has(name)) return this.schedulers.isUp(name);
    if (this.chronos.has(name)) return this.chronos.isUp(name);
    return this.hostOf(name).pid !== null;
  }

  /** Stops every member (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  down(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  afterDown(): void {
    void this.close();
  }

  /** `http://host:port` of the Marathon API the dashboard's actions use. */
  marathon(): string | null {
    return this.schedulers.url();
  }

  /** Closes the control API and the dashboard; `closed` resolves. */
  async close(): Promise<void> {
    await Promise.all([this.control?.close(), this.dashboard?.close(), this.marathonAddress?.close()]);
    this.control = null;
    this.dashboard = null;
    this.marathonAddress = null;
    this.markClosed();
  }

  private async shutdown(): Promise<void> {
    const cluster = this.options.paths.name;
    this.phase = 'stopping';
    this.record({ type: 'cluster-stopping', cluster });
    await this.stopMembers();
    this.phase = 'stopped';
    this.writeFile();
    this.record({ type: 'cluster-stopped', cluster });
  }

  private async fail(reason: string): Promise<void> {
    this.record({ type: 'cluster-failed', cluster: this.options.paths.name, reason });
    this.stopping ??= this.stopMembers();
    await this.stopping;
    this.phase = 'failed';
    this.writeFile(reason);
    await this.close();
  }

  /**
   * Schedulers, agents (and their tasks, whose ids are kept for the next run), then masters, then the ensemble they
   * need until then; `stopStep` says where the stop is.
   */
  private async stopMembers(): Promise<void> {
    this.stopStep = () => 'the schedulers are stopping';
    await Promise.all([this.schedulers.stopAll(), this.chronos.stopAll()]);
    writeStoppedTasks(this.options.paths.stoppedTasksFile, await this.mesos.liveTaskIds());
    this.stopStep = () => this.mesos.agentsStopping();
    await this.mesos.stopAgents();
    this.stopStep = () => 'the masters are stopping';
    await this.mesos.stopMasters();
    this.stopStep = () => 'the ensemble members are stopping';
    await Promise.all([...this.hosts.values()].map((host) => host.stop()));
    this.stopStep = null;
  }

  private createHost(member: MemberLayout): ForkHost {
    const { paths, spec } = this.options;
    return new ForkHost({
      name: member.name,
      modulePath: this.options.memberEntry ?? packagePath('dist', 'ensemble', 'io', 'main.js'),
      args: memberArgs(this.memberConfig(member)),
      execArgv: MEMBER_NODE_FLAGS,
      outputFile: paths.output(member.name),
      readyTimeoutMs: spec.memberStartTimeoutMs,
      stopGraceMs: spec.memberStopGraceMs,
      events: {
        onLaunch: (pid) => this.observe({ type: 'forked', member: member.name, pid }),
        onMessage: (raw) => this.onMemberMessage(member.name, raw),
        onExit: (exit) => this.observe({ type: 'exited', member: member.name, ...exit }),
      },
    });
  }

  private memberConfig(member: MemberLayout): MemberProcessConfig {
    const { paths, spec } = this.options;
    return {
      ...serverEntry(member),
      ...spec.timing,
      dataDir: paths.memberDataDir(member.sid),
      logFile: paths.log(member.name),
      servers: this.layout.map(serverEntry),
      fourLetterWords: '*',
      supervisorPid: process.pid,
    };
  }

  private async startMember(member: MemberLayout): Promise<void> {
    if (this.stopping !== null) throw new UserError(`cluster ${this.options.paths.name} is stopping`);
    mkdirSync(this.options.paths.memberDataDir(member.sid), { recursive: true });
    try {
      await this.hostOf(member.name).start();
    } catch (err) {
      const reason = `${errorMessage(err)} (${this.whereIs(member)})${this.lastOutput(member)}`;
      this.record({ type: 'member-failed', member: member.name, reason });
      throw new UserError(`${member.name} failed to start: ${reason}`);
    }
  }

  private whereIs(member: MemberLayout): string {
    const { paths } = this.options;
    return [
      `client port ${member.clientPort}, quorum port ${member.quorumPort}, election port ${member.electionPort}`,
      `data dir ${paths.memberDataDir(member.sid)}`,
      `log ${paths.log(member.name)}`,
      `output ${paths.output(member.name)}`,
    ].join('; ');
  }

  /** The most telling line of the member's stdout/stderr: its first error line, else its last line. */
  private lastOutput(member: MemberLayout): string {
    const file = this.options.paths.output(member.name);
    if (!existsSync(file)) return '';
    const lines = readFileSync(file, 'utf8')
      .slice(-OUTPUT_TAIL_BYTES)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const line = lines.find((l) => /error/i.test(l)) ?? lines.at(-1);
    return line === undefined ? '' : `: ${line}`;
  }

  /** Our ensemble has one leader and takes writes; a ZooKeeper given with --zk takes writes. */
  private async waitEnsembleReady(deadline: number): Promise<void> {
    let problem = 'no leader elected yet';
    const servers = parseZkUrl(this.zk).servers;
    for (let remaining = deadline - Date.now(); remaining > 0; remaining = deadline - Date.now()) {
      const gone = this.view.members().find((m) => m.process === 'exited' || m.process === 'killed');
      if (gone !== undefined) {
        const member = this.layout.find((m) => m.name === gone.name);
        throw new UserError(
          `${gone.name} exited while the ensemble was forming${member === undefined ? '' : this.lastOutput(member)}`,
        );
      }
      if (this.layout.length > 0 && !this.view.settled()) {
        problem = this.unsettled();
        this.waiting = `the ensemble is not serving yet (${problem})`;
        await this.nextChange(remaining);
        continue;
      }
      try {
        this.waiting = 'the ensemble has not accepted a test write yet';
        await this.options.probeWrite(servers);
        return;
      } catch (err) {
        problem = `a test write failed: ${errorMessage(err)}`;
        this.waiting = problem;
        await delay(Math.min(PROBE_RETRY_MS, remaining));
      }
    }
    throw this.notReadyError(problem);
  }

  /** A master leads and every agent has registered with it. */
  private waitMesosReady(deadline: number): Promise<void> {
    return this.waitReady(deadline, () => this.mesos.notReady());
  }

  /** Waits until `problem` answers null (ready) or the deadline passes. */
  private async waitReady(deadline: number, problem: () => string | null): Promise<void> {
    for (let remaining = deadline - Date.now(); remaining > 0; remaining = deadline - Date.now()) {
      this.waiting = problem();
      if (this.waiting === null) return;
      await this.nextChange(remaining);
    }
    throw this.notReadyError(problem() ?? 'not ready');
  }

  private notReadyError(problem: string): UserError {
    return new UserError(
      `cluster ${this.options.paths.name} was not ready within ${this.options.spec.readyTimeoutMs / 1000} s: ${problem}`,
    );
  }

  private unsettled(): string {
    const members = this.view.members();
    const leaders = members.filter((m) => m.serverState === 'LEADING');
    if (leaders.length > 1) return `${leaders.map((m) => m.name).join(' and ')} claim to lead`;
    const waiting = members.filter(
      (m) => m.serverState === null || m.serverState === 'LOOKING' || m.phase !== 'broadcast',
    );
    return waiting.length === 0
      ? 'no member leads'
      : waiting.map((m) => `${m.name} is ${serverStateText(m)}`).join(', ');
  }

  private async nextChange(timeoutMs: number): Promise<void> {
    try {
      await once(this.changes, 'change', { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      // timed out: the caller's deadline check decides
    }
  }

  private onMemberMessage(member: string, raw: unknown): void {
    const message = parseMemberMessage(raw);
    if (message === null) this.options.log.warn({ member, message: raw }, 'ignored malformed member message');
    else if (message.type === 'election') {
      this.elections.member(member, message.step, message.at);
      this.changes.emit('change');
    } else this.observe({ type: 'message', member, message });
  }

  private observe(input: ViewInput): void {
    this.note(this.view.apply(input, Date.now()));
  }

  private note(entries: readonly TimelineEntry[]): void {
    this.elections.timeline(entries);
    for (const entry of this.stoppedTasks.fold(entries)) this.keep(entry);
    this.changes.emit('change');
  }

  private record(body: TimelineEventBody): void {
    this.keep({ ...body, at: Date.now() });
  }

  private keep(entry: TimelineEventBody & { at: number }): void {
    const event = this.timeline.record(entry);
    this.options.log.info({ event }, describeEvent(event));
  }

  /** The component a name stands for; `zk-leader` and `leader` (the leading master) only for a kill. */
  private resolve(target: string, leaderAllowed: boolean): string {
    if (target === ZK_LEADER && leaderAllowed && this.layout.length > 0) {
      const leader = this.view.leader();
      if (leader === undefined)
        throw new UserError('no ensemble member is leading right now (an election is under way)');
      return leader.name;
    }
    if (target === LEADING_MASTER && leaderAllowed && this.mesosLayout.masters.length > 0) {
      const leader = this.mesos.leading();
      if (leader === null) throw new UserError('no master is leading right now (an election is under way)');
      return leader;
    }
    if (target === LEADING_SCHEDULER && leaderAllowed && this.schedulerLayout.length > 0) {
      const leader = this.schedulers.leading();
      if (leader === null) throw new UserError('no scheduler is leading right now');
      return leader;
    }
    if (target === LEADING_CHRONOS && leaderAllowed && this.chronosLayout.length > 0) {
      const leader = this.chronos.leading();
      if (leader === null) throw new UserError('no Chronos is leading right now');
      return leader;
    }
    if (this.hosts.has(target) || this.mesos.has(target) || this.schedulers.has(target) || this.chronos.has(target))
      return target;
    const leaders = leaderAllowed
      ? [
          ...(this.layout.length > 0 ? [ZK_LEADER] : []),
          ...(this.mesosLayout.masters.length > 0 ? [LEADING_MASTER] : []),
          ...(this.schedulerLayout.length > 0 ? [LEADING_SCHEDULER] : []),
          ...(this.chronosLayout.length > 0 ? [LEADING_CHRONOS] : []),
        ]
      : [];
    const known = [
      ...this.hosts.keys(),
      ...this.mesos.names,
      ...this.schedulers.names,
      ...this.chronos.names,
      ...leaders,
    ].join(', ');
    throw new UserError(`no component named "${target}" (this cluster has ${known})`);
  }

  private hostOf(name: string): ForkHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new Error(`no host for ${name}`);
    return host;
  }

  private viewOf(name: string): MemberView {
    const view = this.view.member(name);
    if (view === undefined) throw new Error(`no view of ${name}`);
    return view;
  }

  private writeFile(error?: string): void {
    const file: ClusterFile = {
      name: this.options.paths.name,
      profile: this.options.spec.profile,
      zk: this.zk,
      members: [...this.layout],
      masters: this.mesosLayout.masters,
      agents: this.mesosLayout.agents,
      schedulers: this.schedulerLayout,
      chronos: this.chronosLayout,
      servicePorts: this.servicePorts,
      dashboard: { port: this.webPorts.dashboard },
      marathonAddress: { port: this.webPorts.marathonAddress },
      supervisor: {
        pid: process.pid,
        controlUrl: this.control?.url ?? '',
        token: this.token,
        phase: this.phase,
        ...(error === undefined ? {} : { error }),
        startedAt: this.startedAt,
      },
    };
    writeClusterFile(this.options.paths, file);
  }
}

/** `LOOKING`, `FOLLOWING (synchronization)`: a member's state, with its Zab phase while it does not serve yet. */
function serverStateText(m: MemberView): string {
  if (m.serverState === null) return 'not reporting a state';
  return m.serverState === 'LOOKING' || m.phase === 'broadcast'
    ? m.serverState
    : `${m.serverState} (${m.phase ?? 'starting'})`;
}

function memberStatus(member: MemberLayout, view: MemberView): EnsembleMemberStatus {
  return {
    name: member.name,
    sid: member.sid,
    kind: member.role,
    clientPort: member.clientPort,
    quorumPort: member.quorumPort,
    electionPort: member.electionPort,
    pid: view.pid,
    role: roleOf(view),
    state: view.process,
    zxid: view.zxid === null ? null : `0x${view.zxid.toString(16)}`,
  };
}

async function layoutEnsemble(
  spec: ClusterSpec,
  previous: readonly MemberLayout[],
  ports: PortAllocator,
): Promise<MemberLayout[]> {
  const { participants, observers } = spec.ensemble;
  const layout: MemberLayout[] = [];
  for (let sid = 1; sid <= participants + observers; sid++) {
    const old = previous.find((m) => m.sid === sid);
    layout.push({
      name: `zk-${sid}`,
      sid,
      role: sid <= participants ? 'participant' : 'observer',
      host: LOOPBACK,
      clientPort: await ports.allocate(old?.clientPort),
      quorumPort: await ports.allocate(old?.quorumPort),
      electionPort: await ports.allocate(old?.electionPort),
    });
  }
  return layout;
}

/** Every port of the ranges: none of them is handed out to a listener. */
function portsIn(ranges: readonly PortRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.end - r.begin + 1 }, (_, i) => r.begin + i));
}

function serverEntry({ sid, host, clientPort, quorumPort, electionPort, role }: MemberLayout): ServerEntry {
  return { sid, host, clientPort, quorumPort, electionPort, role };
}

// One Mesos master: HTTP endpoints and the agent link on one port, leadership through ZooKeeper, and
// while it leads, the leading master of that term (core, registry, effects). It reports its role.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import type { MaintenanceScheduleJson } from '../api/mesos.js';
import { BUILD } from '../common/build-info.js';
import { ChangeReporter } from '../common/change-reporter.js';
import type { MasterStep } from '../common/election-record.js';
import { errorMessage } from '../common/errors.js';
import type { ZkClient } from '../ensemble/client/index.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK } from '../common/ports.js';
import { ReadableLog } from '../common/readable-log.js';
import { MESOS_DIALECT, requestGuard } from '../common/request-guard.js';
import { AgentLink, GOING_AWAY_CLOSE_CODE, type Refusal } from './agent-link.js';
import type { MasterWorkerConfig } from './config.js';
import { NOT_LEADER_CLOSE_CODE, RECOVERING_CLOSE_CODE, type AgentToMaster } from './core/protocol.js';
import { formatDuration } from './core/state.js';
import type { Call, MasterInfo } from './core/v1.js';
import type { MasterIdentity } from './core/view.js';
import { createMasterApp, type HttpRole, type MasterHttpTarget } from './http/app.js';
import { SchedulerStreams } from './http/streams.js';
import { masterInfo, masterUrl } from './info.js';
import { LeadingMaster, NotLeadingError, type CallAnswer, type LeadingInput } from './leading.js';
import { Leadership, type LeaderState } from './leadership.js';
import { RegistryStore } from './registry.js';
import { parseZkUrl, type ZkUrl } from './zk-url.js';

/** What a master tells its host about itself. */
export interface MasterReport {
  role: 'leading' | 'standby';
  /** `http://host:port` of the leading master, null while none is known. */
  leader: string | null;
}

export interface MasterOptions {
  config: MasterWorkerConfig;
  log: Logger;
  /** Called whenever the role or the known leader changes. */
  onReport?: (report: MasterReport) => void;
  /** Each step of the contest for leading master, as it happens. */
  onStep?: (step: MasterStep) => void;
}

type Role =
  | { kind: 'standby' }
  | { kind: 'recovering'; term: number }
  | { kind: 'leading'; term: number; leading: LeadingMaster };

export class Master implements MasterHttpTarget {
  readonly info: MasterInfo;
  readonly identity: MasterIdentity;
  readonly streams: SchedulerStreams;
  readonly log: ReadableLog;
  private readonly zk: ZkUrl;
  private readonly server: Server;
  private readonly agents: AgentLink;
  private readonly leadership: Leadership;
  private current: Role = { kind: 'standby' };
  private term = 0;
  private readonly reporter: ChangeReporter<MasterReport>;

  private constructor(private readonly options: MasterOptions) {
    const { config, log } = options;
    this.reporter = new ChangeReporter(options.onReport);
    const host = config.host ?? LOOPBACK;
    this.zk = parseZkUrl(config.zk);
    this.info = masterInfo({ id: randomUUID(), ip: host, port: config.port, hostname: config.hostname ?? host });
    this.identity = identityOf(config, this.zk);
    this.log = new ReadableLog(config.logFile);
    this.streams = new SchedulerStreams((streamId) => this.submit({ kind: 'streamClosed', streamId }));
    const guard = requestGuard({
      dialect: MESOS_DIALECT,
      log,
      site: { hostnames: [host, config.hostname], ports: config.sitePorts ?? [] },
    });
    this.server = createServer(createMasterApp(this, guard));
    this.agents = new AgentLink({
      server: this.server,
      log,
      guard,
      admit: () => this.agentRefusal(),
      onMessage: (connection, message, remoteIp) => this.submit(agentInput(connection, message, remoteIp)),
      onClose: (connection) => this.submit({ kind: 'agentDisconnected', connection }),
    });
    this.leadership = new Leadership({
      url: this.zk,
      sessionTimeoutMs: config.timing.zkSessionTimeoutMs,
      info: this.info,
      log,
      onStep: options.onStep,
    });
    this.leadership.on('change', (state) => this.leadershipChanged(state));
  }

  /** Serves HTTP, then contends for leadership in the background. */
  static async start(options: MasterOptions): Promise<Master> {
    const master = new Master(options);
    await master.listen();
    master.leadership.start();
    return master;
  }

  get url(): string {
    return masterUrl(this.info);
  }

  /** The ZooKeeper session this master contends with (null between sessions). */
  get zkSession(): ZkClient | null {
    return this.leadership.client;
  }

  role(): HttpRole {
    const role = this.current;
    if (role.kind === 'leading') return { kind: 'leading', view: role.leading.view() };
    if (role.kind === 'recovering') return { kind: 'recovering' };
    return { kind: 'standby', leader: this.leadership.state.leader };
  }

  now(): number {
    return Date.now();
  }

  schedulerCall(streamId: string | null, call: Call): Promise<CallAnswer | null> {
    return this.leadingCall({ kind: 'schedulerCall', streamId, call });
  }

  updateMaintenance(schedule: MaintenanceScheduleJson): Promise<CallAnswer | null> {
    return this.leadingCall({ kind: 'updateMaintenance', schedule });
  }

  /** An input with an answer for the leading master of this term; rejects when this master does not lead. */
  private leadingCall(input: LeadingInput): Promise<CallAnswer | null> {
    const role = this.current;
    if (role.kind !== 'leading')
      return Promise.reject(new NotLeadingError('This master is no longer the leading master'));
    return role.leading.submit(input);
  }

  /** Leaves the group, ends every connection and stops serving. */
  async stop(): Promise<void> {
    this.depose({ code: GOING_AWAY_CLOSE_CODE, reason: 'master is stopping' });
    await this.leadership.stop();
    await this.agents.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private listen(): Promise<void> {
    const { port, host } = this.options.config;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host ?? LOOPBACK, () => {
        this.server.off('error', reject);
        this.options.log.info(
          `Master ${this.info.id} (${this.info.hostname ?? ''}) started on ${this.info.address?.ip ?? ''}:${port}`,
        );
        this.options.log.info(
          `Flags at startup: ${Object.entries(this.identity.flags)
            .map(([k, v]) => `--${k}="${v}"`)
            .join(' ')}`,
        );
        resolve();
      });
    });
  }

  private submit(input: LeadingInput): void {
    if (this.current.kind !== 'leading') return;
    this.current.leading.submit(input).catch(() => undefined);
  }

  private agentRefusal(): Refusal | null {
    if (this.current.kind === 'leading') return null;
    if (this.current.kind === 'recovering')
      return { code: RECOVERING_CLOSE_CODE, reason: 'Master has not finished recovery' };
    return { code: NOT_LEADER_CLOSE_CODE, reason: this.leadership.state.leader?.pid ?? '' };
  }

  private leadershipChanged(state: LeaderState): void {
    if (state.leading && this.current.kind === 'standby') void this.recover(++this.term);
    if (!state.leading && this.current.kind !== 'standby')
      this.depose({ code: NOT_LEADER_CLOSE_CODE, reason: state.leader?.pid ?? '' });
    this.reportChange();
  }

  /** Elected: read the registry, then lead with the agents it admitted. */
  private async recover(term: number): Promise<void> {
    const { log, config } = this.options;
    const client = this.leadership.client;
    this.current = { kind: 'recovering', term };
    log.info('Recovering from registrar');
    try {
      if (client === null) throw new Error('no ZooKeeper session');
      const store = new RegistryStore({ client, groupPath: this.zk.path, log });
      const registry = await store.load();
      if (this.current.kind !== 'recovering' || this.current.term !== term) return;
      log.info('Successfully recovered registrar');
      const leading = new LeadingMaster({
        core: { masterInfo: this.info, registry, ...coreTiming(config) },
        registry: store,
        targets: {
          toAgent: (connection, message) => this.agents.send(connection, message),
          toFramework: (streamId, event) => this.streams.send(streamId, event),
          closeStream: (streamId) => this.streams.close(streamId),
        },
        log,
        tickMs: Math.min(
          config.timing.allocationIntervalMs,
          config.timing.agentPingTimeoutMs,
          config.timing.heartbeatIntervalMs,
        ),
        now: () => this.now(),
        onFailure: (err) => this.abdicate(`Failed to update the registry: ${errorMessage(err)}`),
      });
      this.current = { kind: 'leading', term, leading };
      this.reportChange();
    } catch (err) {
      if (this.current.kind === 'recovering' && this.current.term === term)
        this.abdicate(`Failed to recover the registry: ${errorMessage(err)}`);
    }
  }

  private abdicate(why: string): void {
    this.options.log.error(`${why}; this master stops leading`);
    this.depose({ code: NOT_LEADER_CLOSE_CODE, reason: '' });
    this.leadership.abdicate(why);
    this.reportChange();
  }

  /** Ends the term: agents and frameworks must find the next leading master. */
  private depose(refusal: Refusal): void {
    const role = this.current;
    if (role.kind === 'standby') return;
    this.current = { kind: 'standby' };
    if (role.kind === 'leading') role.leading.stop();
    this.agents.closeAll(refusal);
    this.streams.closeAll();
  }

  /** Role and known leader right now. */
  get report(): MasterReport {
    const leader = this.leadership.state.leader;
    return {
      role: this.current.kind === 'leading' ? 'leading' : 'standby',
      leader: leader === null ? null : masterUrl(leader),
    };
  }

  private reportChange(): void {
    this.reporter.report(this.report);
  }
}

/** Mesos agent --port default. */
const AGENT_DEFAULT_PORT = 5051;

/** `slave(1)@ip:port`, from the address the link comes from and the agent's HTTP port. */
function agentPid(remoteIp: string, agent: { port?: number }): string {
  return `slave(1)@${remoteIp}:${agent.port ?? AGENT_DEFAULT_PORT}`;
}

function agentInput(connection: string, message: AgentToMaster, remoteIp: string): LeadingInput {
  switch (message.type) {
    case 'REGISTER':
      return {
        kind: 'agentRegister',
        connection,
        agent: message.agent,
        pid: agentPid(remoteIp, message.agent),
        version: message.version,
      };
    case 'REREGISTER': {
      const { agent, version, tasks, frameworks } = message;
      return { kind: 'agentReregister', connection, agent, pid: agentPid(remoteIp, agent), version, tasks, frameworks };
    }
    case 'STATUS_UPDATE':
      return { kind: 'statusUpdate', connection, update: message.update };
    case 'PONG':
      return { kind: 'agentPong', connection };
  }
}

function coreTiming(config: MasterWorkerConfig) {
  const t = config.timing;
  return {
    allocation: { intervalMs: t.allocationIntervalMs },
    agentPingTimeoutMs: t.agentPingTimeoutMs,
    maxAgentPingTimeouts: t.maxAgentPingTimeouts,
    agentReregisterTimeoutMs: t.agentReregisterTimeoutMs,
    heartbeatIntervalMs: t.heartbeatIntervalMs,
  };
}

function identityOf(config: MasterWorkerConfig, zk: ZkUrl): MasterIdentity {
  const startedAt = Date.now();
  const t = config.timing;
  const flags: Record<string, string> = {
    zk: `zk://${zk.servers}${zk.path}`,
    port: String(config.port),
    ip: config.host ?? LOOPBACK,
    hostname: config.hostname ?? config.host ?? LOOPBACK,
    allocation_interval: formatDuration(t.allocationIntervalMs),
    agent_ping_timeout: formatDuration(t.agentPingTimeoutMs),
    max_agent_ping_timeouts: String(t.maxAgentPingTimeouts),
    agent_reregister_timeout: formatDuration(t.agentReregisterTimeoutMs),
    zk_session_timeout: formatDuration(t.zkSessionTimeoutMs),
    registry: 'zookeeper',
    log_dir: dirname(config.logFile),
    ...(config.cluster === undefined ? {} : { cluster: config.cluster }),
  };
  return {
    ...BUILD,
    startedAt,
    flags,
    ...(config.cluster === undefined ? {} : { cluster: config.cluster }),
  };
}

// ClusterSpec: the numbers a cluster runs with. Profiles are presets of the same numbers, never
// branches in the code that uses them.
import { AGENT_TIMING, type AgentTiming } from '../agent/config.js';
import { CHRONOS_TIMING, type ChronosTiming } from '../chronos/config.js';
import { UserError } from '../common/errors.js';
import { MAX_AGENTS, MAX_MASTERS, MAX_OBSERVERS, MAX_SCHEDULERS } from '../common/limits.js';
import { MASTER_TIMING, type MasterTiming } from '../master/config.js';
import { parseZkUrl } from '../master/zk-url.js';
import { SCHEDULER_TIMING, type SchedulerTiming } from '../scheduler/config.js';

export const PROFILES = ['demo', 'realistic', 'teach'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface EnsembleTiming {
  /** ZooKeeper tickTime. */
  tickMs: number;
  /** Ticks a learner may take to connect to the leader and sync. */
  initLimit: number;
  /** Ticks a follower may lag or stay silent. */
  syncLimit: number;
  /** Bounds the ensemble clamps requested session timeouts to (ZooKeeper: 2 and 20 ticks). */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** ZooKeeper's finalizeWait: how long a quorum of agreeing votes must stand before a member decides. */
  finalizeWaitMs: number;
  /** How long each election notification takes to leave its member (0: at once). */
  electionMessageDelayMs: number;
}

export interface ClusterSpec {
  profile: ProfileName;
  timing: EnsembleTiming;
  ensemble: {
    /** Voting members (sids 1..participants). */
    participants: number;
    /** Non-voting members, numbered after the participants. */
    observers: number;
  };
  /** `zk://…/mesos` of a ZooKeeper that runs elsewhere: then no ensemble is started. */
  externalZk: string | null;
  mesos: {
    masters: number;
    agents: number;
  };
  marathon: {
    /** Schedulers (Marathon instances): one leads, the others stand by and proxy. */
    schedulers: number;
    /** Each leading scheduler runs the TCP load balancer on the apps' service ports. */
    loadBalancer: boolean;
    /** Marathon's --zk_session_timeout. */
    zkSessionTimeoutMs: number;
    /** Marathon's --failover_timeout: how long the masters keep its tasks while it is away. */
    failoverTimeoutSeconds: number;
  };
  chronos: {
    /** Chronos instances: one leads, the others stand by and proxy. */
    instances: number;
    /** Chronos's --zk_timeout. */
    zkSessionTimeoutMs: number;
    /** Chronos's --failover_timeout. */
    failoverTimeoutSeconds: number;
  };
  masterTiming: MasterTiming;
  agentTiming: AgentTiming;
  schedulerTiming: SchedulerTiming;
  chronosTiming: ChronosTiming;
  /** Session timeout the CLI and other parts ask for when they connect to the ensemble. */
  clientSessionTimeoutMs: number;
  /** How long a member, master or agent may take from launch to serving. */
  memberStartTimeoutMs: number;
  /** How long a member or master may take to exit after being asked to before it is killed. */
  memberStopGraceMs: number;
  /** How long an agent may take on `down` to kill its tasks and exit before it is killed. */
  agentStopGraceMs: number;
  /** How long `up` waits for the cluster to be ready. */
  readyTimeoutMs: number;
}

const PARTICIPANTS = 3;

/** ZooKeeper's finalizeWait (200 ms), notifications sent at once. */
const FULL_SPEED = { finalizeWaitMs: 200, electionMessageDelayMs: 0 };

function timing(tickMs: number, election = FULL_SPEED): EnsembleTiming {
  return {
    tickMs,
    initLimit: 10,
    syncLimit: 5,
    minSessionTimeoutMs: 2 * tickMs,
    maxSessionTimeoutMs: 20 * tickMs,
    ...election,
  };
}

type Preset = Omit<ClusterSpec, 'ensemble' | 'externalZk' | 'mesos' | 'marathon' | 'chronos' | 'chronosTiming'> & {
  marathonSession: { zkSessionTimeoutMs: number };
};

/** Marathon's and Chronos's default --failover_timeout (a week). */
const FAILOVER_TIMEOUT_SECONDS = 604_800;

const PRESETS: Record<ProfileName, Preset> = {
  demo: {
    profile: 'demo',
    timing: timing(100),
    masterTiming: MASTER_TIMING.demo,
    agentTiming: AGENT_TIMING.demo,
    schedulerTiming: SCHEDULER_TIMING.demo,
    marathonSession: { zkSessionTimeoutMs: 2_000 },
    clientSessionTimeoutMs: 1_000,
    memberStartTimeoutMs: 15_000,
    memberStopGraceMs: 3_000,
    agentStopGraceMs: 15_000,
    readyTimeoutMs: 30_000,
  },
  realistic: {
    profile: 'realistic',
    timing: timing(2_000),
    masterTiming: MASTER_TIMING.realistic,
    agentTiming: AGENT_TIMING.realistic,
    schedulerTiming: SCHEDULER_TIMING.realistic,
    marathonSession: { zkSessionTimeoutMs: 10_000 },
    clientSessionTimeoutMs: 10_000,
    memberStartTimeoutMs: 30_000,
    memberStopGraceMs: 10_000,
    agentStopGraceMs: 30_000,
    readyTimeoutMs: 120_000,
  },
  teach: {
    profile: 'teach',
    timing: timing(500, { finalizeWaitMs: 1_500, electionMessageDelayMs: 400 }),
    masterTiming: MASTER_TIMING.teach,
    agentTiming: AGENT_TIMING.teach,
    schedulerTiming: SCHEDULER_TIMING.teach,
    marathonSession: { zkSessionTimeoutMs: 4_000 },
    clientSessionTimeoutMs: 4_000,
    memberStartTimeoutMs: 15_000,
    memberStopGraceMs: 3_000,
    agentStopGraceMs: 15_000,
    readyTimeoutMs: 60_000,
  },
};

export interface SpecOptions {
  profile?: string;
  observers?: number;
  /** Default 3. */
  masters?: number;
  /** Default 2. */
  agents?: number;
  /** Default 1 (0 without masters). */
  schedulers?: number;
  /** Chronos instances; default 1 (0 without masters). */
  chronos?: number;
  /** Default true. */
  loadBalancer?: boolean;
  /** Use this ZooKeeper (`zk://host:port,…/path`) instead of starting the ensemble. */
  zk?: string;
}

export function clusterSpec(options: SpecOptions = {}): ClusterSpec {
  const profile = parseProfile(options.profile ?? 'demo');
  const observers = count('--observers', options.observers ?? 0, MAX_OBSERVERS);
  const masters = count('--masters', options.masters ?? 3, MAX_MASTERS);
  const agents = count('--agents', options.agents ?? 2, MAX_AGENTS);
  const schedulers = count('--schedulers', options.schedulers ?? (masters > 0 ? 1 : 0), MAX_SCHEDULERS);
  if (agents > 0 && masters === 0) throw new UserError('agents need a master: use --masters 1 or more with --agents');
  if (schedulers > 0 && masters === 0)
    throw new UserError('the scheduler needs a master: use --masters 1 or more, or --schedulers 0');
  const chronos = count('--chronos', options.chronos ?? (masters > 0 ? 1 : 0), MAX_SCHEDULERS);
  if (chronos > 0 && masters === 0)
    throw new UserError('Chronos needs a master: use --masters 1 or more, or --chronos 0');
  const externalZk = options.zk === undefined ? null : parseExternalZk(options.zk);
  const { marathonSession, ...preset } = PRESETS[profile];
  const marathon = {
    schedulers,
    loadBalancer: options.loadBalancer ?? true,
    failoverTimeoutSeconds: FAILOVER_TIMEOUT_SECONDS,
    ...marathonSession,
  };
  return {
    ...preset,
    ensemble: { participants: PARTICIPANTS, observers },
    externalZk,
    mesos: { masters, agents },
    marathon,
    chronos: { instances: chronos, failoverTimeoutSeconds: FAILOVER_TIMEOUT_SECONDS, ...marathonSession },
    chronosTiming: CHRONOS_TIMING[profile],
  };
}

function count(flag: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new UserError(`${flag} must be a whole number from 0 to ${max}, got ${value}`);
  return value;
}

function parseExternalZk(url: string): string {
  try {
    parseZkUrl(url);
  } catch (err) {
    throw new UserError(`--zk: ${(err as Error).message}`);
  }
  return url;
}

function parseProfile(name: string): ProfileName {
  const found = PROFILES.find((p) => p === name);
  if (found === undefined) throw new UserError(`unknown profile "${name}" (use ${PROFILES.join(' or ')})`);
  return found;
}

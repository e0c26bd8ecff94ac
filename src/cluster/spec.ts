// ClusterSpec: the numbers a cluster runs with. Profiles are presets of the same numbers, never
// branches in the code that uses them.
import { UserError } from '../common/errors.js';
import { MAX_OBSERVERS } from '../common/limits.js';

export const PROFILES = ['demo', 'realistic'] as const;
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
  /** Session timeout the CLI and other parts ask for when they connect to the ensemble. */
  clientSessionTimeoutMs: number;
  /** How long a member may take from fork to listening. */
  memberStartTimeoutMs: number;
  /** How long a member may take to exit after SIGTERM before it gets SIGKILL. */
  memberStopGraceMs: number;
  /** How long `up` waits for the cluster to be ready. */
  readyTimeoutMs: number;
}

const PARTICIPANTS = 3;

function timing(tickMs: number): EnsembleTiming {
  return { tickMs, initLimit: 10, syncLimit: 5, minSessionTimeoutMs: 2 * tickMs, maxSessionTimeoutMs: 20 * tickMs };
}

const PRESETS: Record<ProfileName, Omit<ClusterSpec, 'ensemble'>> = {
  demo: {
    profile: 'demo',
    timing: timing(100),
    clientSessionTimeoutMs: 1_000,
    memberStartTimeoutMs: 15_000,
    memberStopGraceMs: 3_000,
    readyTimeoutMs: 30_000,
  },
  realistic: {
    profile: 'realistic',
    timing: timing(2_000),
    clientSessionTimeoutMs: 10_000,
    memberStartTimeoutMs: 30_000,
    memberStopGraceMs: 10_000,
    readyTimeoutMs: 120_000,
  },
};

export interface SpecOptions {
  profile?: string;
  observers?: number;
}

export function clusterSpec(options: SpecOptions = {}): ClusterSpec {
  const profile = parseProfile(options.profile ?? 'demo');
  const observers = options.observers ?? 0;
  if (!Number.isInteger(observers) || observers < 0 || observers > MAX_OBSERVERS) {
    throw new UserError(`--observers must be a whole number from 0 to ${MAX_OBSERVERS}, got ${observers}`);
  }
  return { ...PRESETS[profile], ensemble: { participants: PARTICIPANTS, observers } };
}

function parseProfile(name: string): ProfileName {
  const found = PROFILES.find((p) => p === name);
  if (found === undefined) throw new UserError(`unknown profile "${name}" (use ${PROFILES.join(' or ')})`);
  return found;
}

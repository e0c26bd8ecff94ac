// What one master is started with (also the workerData of its worker thread), and the timing
// numbers of the two profiles. Profiles are numbers fed to the same code, never branches.
import type { ProfileName } from '../cluster/spec.js';

export interface MasterTiming {
  /** Mesos --allocation_interval. */
  allocationIntervalMs: number;
  /** Mesos --agent_ping_timeout. */
  agentPingTimeoutMs: number;
  /** Mesos --max_agent_ping_timeouts: missed pings before an agent becomes unreachable. */
  maxAgentPingTimeouts: number;
  /** Mesos --agent_reregister_timeout: how long agents have to come back after a failover. */
  agentReregisterTimeoutMs: number;
  /** HEARTBEAT period of scheduler event streams (Mesos: 15 s, not a flag). */
  heartbeatIntervalMs: number;
  /** Mesos --zk_session_timeout. */
  zkSessionTimeoutMs: number;
}

/**
 * `demo`: failover is watchable in about a second (an agent is unreachable after 5 × 200 ms, agents
 * have 2 s to re-register with a new leading master). `realistic`: Mesos's own defaults. `teach`: demo
 * in slow motion: a killed leading master's session expires after 4 s, agents have 20 s to re-register.
 */
export const MASTER_TIMING: Record<ProfileName, MasterTiming> = {
  demo: {
    allocationIntervalMs: 100,
    agentPingTimeoutMs: 200,
    maxAgentPingTimeouts: 5,
    agentReregisterTimeoutMs: 2_000,
    heartbeatIntervalMs: 1_000,
    zkSessionTimeoutMs: 1_000,
  },
  realistic: {
    allocationIntervalMs: 1_000,
    agentPingTimeoutMs: 15_000,
    maxAgentPingTimeouts: 5,
    agentReregisterTimeoutMs: 600_000,
    heartbeatIntervalMs: 15_000,
    zkSessionTimeoutMs: 10_000,
  },
  teach: {
    allocationIntervalMs: 100,
    agentPingTimeoutMs: 500,
    maxAgentPingTimeouts: 5,
    agentReregisterTimeoutMs: 20_000,
    heartbeatIntervalMs: 1_000,
    zkSessionTimeoutMs: 4_000,
  },
};

export interface MasterWorkerConfig {
  /** Component name, e.g. `master-1`. */
  name: string;
  /** HTTP (and agent link) port. */
  port: number;
  /** IPv4 address to bind and advertise in MasterInfo; default 127.0.0.1. */
  host?: string;
  /** Name advertised in MasterInfo and redirects; default the bind address. */
  hostname?: string;
  /** Ports of the cluster's web servers, whose pages may drive this one (see common/request-guard.ts). */
  sitePorts?: number[];
  /** `zk://host:port,…/mesos` (optionally `zk://user:pass@…`). */
  zk: string;
  timing: MasterTiming;
  /** JSON log file of this master. */
  logFile: string;
  /** Mesos --cluster: the name shown in /master/state and the web UI. */
  cluster?: string;
}

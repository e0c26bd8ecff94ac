// The status object of `status --json` / `up --json` (DESIGN section 4) and the results of the
// control operations, as sent over the control API.
import type { ProcessState } from './core/ensemble-view.js';
import type { PortRange } from './core/layout.js';
import type { MasterRole } from './core/mesos-view.js';
import type { ZkRole } from './core/timeline.js';
import type { UnservedPort } from '../scheduler/io/load-balancer.js';
import type { MemberRole } from './member-config.js';
import type { SupervisorPhase } from './cluster-file.js';
import type { ProfileName } from './spec.js';

export interface EnsembleMemberStatus {
  name: string;
  sid: number;
  /** Votes (participant) or only follows (observer). */
  kind: MemberRole;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  pid: number | null;
  role: ZkRole | null;
  state: ProcessState;
  /** Last zxid the member reported, `0x…`. */
  zxid: string | null;
}

export interface ClusterStatus {
  name: string;
  profile: ProfileName;
  phase: SupervisorPhase;
  /** While it starts: why it is not ready yet (no master leads, agents not registered, …); null otherwise. */
  waiting: string | null;
  supervisorPid: number;
  /** Where Mesos masters find the ensemble: `zk://h1:p1,…/mesos`. */
  zk: string;
  ensemble: EnsembleMemberStatus[];
  masters: MasterStatus[];
  agents: AgentStatus[];
  /** `http://host:port` of the Marathon v2 API (the leading scheduler's, else one that proxies to it). */
  marathon: string | null;
  schedulers: SchedulerStatus[];
  /**
   * `http://host:port` of the Chronos REST API (the leading Chronos's, else one that proxies to it); this and
   * `chronosInstances` are absent from a supervisor started before Chronos was part of the cluster.
   */
  chronos?: string | null;
  chronosInstances?: ChronosStatus[];
  /** `http://127.0.0.1:port/?token=…`: the live dashboard, null until it serves. */
  dashboard: string | null;
}

export interface MasterStatus {
  name: string;
  /** `http://host:port`: the Mesos endpoints and the v1 scheduler API. */
  url: string;
  role: MasterRole | null;
  state: ProcessState;
  /** Masters are worker threads of the supervisor: its pid while they run. */
  pid: number | null;
}

export interface SchedulerStatus {
  name: string;
  /** `http://host:port` of its Marathon v2 API. */
  url: string;
  role: 'leading' | 'standby' | null;
  state: ProcessState;
  /** Schedulers are worker threads of the supervisor: its pid while they run. */
  pid: number | null;
  /** Subscribed with the leading master as a framework. */
  subscribed: boolean;
  frameworkId: string | null;
  /** While it leads: service ports its load balancer cannot listen on, and why. */
  unservedPorts: UnservedPort[];
}

export interface ChronosStatus {
  name: string;
  /** `http://host:port` of its REST API. */
  url: string;
  role: 'leading' | 'standby' | null;
  state: ProcessState;
  /** Chronos instances are worker threads of the supervisor: its pid while they run. */
  pid: number | null;
  /** Subscribed with the leading master as a framework. */
  subscribed: boolean;
  frameworkId: string | null;
}

/** Mesos's v0 rendering of an agent's resources. */
export interface AgentResources {
  cpus: number;
  mem: number;
  disk: number;
  ports: string;
}

export interface AgentStatus {
  name: string;
  url: string;
  /** Mesos agent id, once the agent has registered (kept while it is down). */
  id: string | null;
  state: ProcessState;
  pid: number | null;
  registered: boolean;
  /** The master it is registered with (or trying to). */
  master: string | null;
  /** Its slice of host ports. */
  portRange: PortRange;
  /** From the agent's own state; null while it does not answer. */
  resources: AgentResources | null;
  /** Tasks not in a terminal state; null while the agent does not answer. */
  tasks: number | null;
}

export interface KillResult {
  name: string;
  /** Its process id; for a worker thread (a master, an agent, a scheduler), its supervisor's. */
  pid: number;
  /** A worker thread of the supervisor rather than a process of its own. */
  thread: boolean;
  /** Its role when it was killed: an ensemble role, or a master's 'leading'/'standby'. */
  role: ZkRole | MasterRole | null;
  /** When the kill signal was sent, ms since the epoch. */
  at: number;
}

export interface StartResult {
  name: string;
  /** As in KillResult. */
  pid: number;
  thread: boolean;
  /** `the leading master` when a word for a kind (`leader`) chose the one killed while it led; null otherwise. */
  was: string | null;
}

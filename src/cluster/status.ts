// The status object of `status --json` / `up --json` (DESIGN section 4) and the results of the
// control operations, as sent over the control API.
import type { ProcessState } from './core/ensemble-view.js';
import type { ZkRole } from './core/timeline.js';
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
  supervisorPid: number;
  /** Where Mesos masters find the ensemble: `zk://h1:p1,…/mesos`. */
  zk: string;
  ensemble: EnsembleMemberStatus[];
  /** Masters, agents, Marathon and the dashboard are not part of the cluster yet. */
  masters: never[];
  agents: never[];
  marathon: null;
  dashboard: null;
}

export interface KillResult {
  name: string;
  pid: number;
  role: ZkRole | null;
  /** When the kill signal was sent, ms since the epoch. */
  at: number;
}

export interface StartResult {
  name: string;
  pid: number;
}

// What the dashboard's WebSocket sends: one snapshot of the whole cluster. Types only, shared by the
// supervisor that builds it (src/cluster/dashboard/) and the page that draws it.
import type { ElectionSummary, MasterContest, TrafficItem } from '../../common/election-record.js';

export type ComponentState = 'starting' | 'running' | 'killed' | 'exited';

export interface MemberCard {
  name: string;
  kind: 'participant' | 'observer';
  role: 'leader' | 'follower' | 'observer' | 'looking' | null;
  state: ComponentState;
  zxid: string | null;
  /** Client connections from its `srvr` answer; null while it does not answer. */
  connections: number | null;
}

export interface MasterCard {
  name: string;
  url: string;
  role: 'leading' | 'standby' | null;
  state: ComponentState;
}

/** cpus and mem as numbers, ports as a count. */
export interface ResourceAmounts {
  cpus: number;
  mem: number;
  ports: number;
}

export interface AgentTask {
  id: string;
  name: string;
  state: string;
  /** `host:port` of each of its host ports. */
  endpoints: string[];
}

export interface AgentCard {
  name: string;
  url: string;
  state: ComponentState;
  registered: boolean;
  master: string | null;
  /** From the leading master's state; null until a leading master has known the agent. */
  used: ResourceAmounts | null;
  total: ResourceAmounts | null;
  tasks: AgentTask[];
  /**
   * No leading master answers now: `used`, `total` and `tasks` are what the last one said (the agent is
   * re-registering with the next), shown greyed rather than emptied.
   */
  stale: boolean;
}

export interface SchedulerCard {
  name: string;
  url: string;
  role: 'leading' | 'standby' | null;
  state: ComponentState;
  subscribed: boolean;
}

export interface TimelineLine {
  seq: number;
  at: number;
  type: string;
  /** The same line `minicluster events` prints. */
  text: string;
}

export interface AppTask {
  id: string;
  state: string;
  /** `host:port` of each of its ports. */
  endpoints: string[];
  healthy: boolean | null;
}

export interface AppCard {
  id: string;
  instances: number;
  running: number;
  healthy: number;
  staged: number;
  /** Health checks of the app: with none, "healthy" means nothing. */
  healthChecks: number;
  deploying: boolean;
  /** Why its instances wait (from /v2/queue), in words; null while nothing waits. */
  waiting: string | null;
  tasks: AppTask[];
  /** Its service ports the load balancer cannot listen on, and why. */
  unservedPorts: { servicePort: number; reason: string }[];
}

export interface ChartPoint {
  at: number;
  value: number;
}

export interface ChartSeries {
  /** Running tasks, one point whenever the count changes. */
  running: ChartPoint[];
  /** Each election of a leading master: how long the masters were without a leader, in ms. */
  gaps: ChartPoint[];
}

export interface DashboardElections {
  /** The recorded elections, newest first (the steps of one come from `api/elections/N`). */
  list: ElectionSummary[];
  /** Each master's znode, the znode it watches and the member its session is on. */
  contest: MasterContest[];
  /** The newest messages between members, oldest first, numbered: the page animates those it has not seen. */
  traffic: TrafficItem[];
}

export interface DashboardSnapshot {
  cluster: { name: string; profile: string; phase: string };
  /** When the snapshot was taken, ms since the epoch. */
  at: number;
  members: MemberCard[];
  masters: MasterCard[];
  agents: AgentCard[];
  schedulers: SchedulerCard[];
  marathon: string | null;
  /** Newest first. */
  events: TimelineLine[];
  /** Null while the scheduler does not answer. */
  apps: AppCard[] | null;
  chart: ChartSeries;
  elections: DashboardElections;
}

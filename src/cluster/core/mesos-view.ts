// What the supervisor knows about each master (process, role) and agent (process, registration) from
// their worker messages, and the timeline events each observation produces: elections with the
// leaderless gap, (re-)registrations, and one summary line per failover. Pure: time comes in as `now`.
import type { AgentWorkerMessage } from '../../agent/worker.js';
import { LOOPBACK } from '../../common/ports.js';
import type { MasterWorkerMessage } from '../../master/worker.js';
import type { ProcessState } from './ensemble-view.js';
import type { LeaderLoss, TimelineEntry } from './timeline.js';

export type MasterRole = 'leading' | 'standby';

export interface MasterView {
  name: string;
  port: number;
  process: ProcessState;
  role: MasterRole | null;
}

export interface AgentView {
  name: string;
  port: number;
  process: ProcessState;
  registered: boolean;
  /** Kept while the agent is down: a restarted agent recovers it from its checkpoint. */
  agentId: string | null;
  /** Name of the master it is registered with (or trying to): ours by port, else Mesos's `master@ip:port`. */
  master: string | null;
  /** Its live tasks, as it last reported them. */
  tasks: number;
}

export type MesosInput =
  | { type: 'launched'; name: string }
  | { type: 'master-message'; name: string; message: MasterWorkerMessage }
  | { type: 'agent-message'; name: string; message: AgentWorkerMessage }
  | { type: 'killed'; name: string }
  | { type: 'exited'; name: string; code: number | null };

type MasterInput = Exclude<MesosInput, { type: 'agent-message' }>;
type AgentInput = Exclude<MesosInput, { type: 'master-message' }>;

interface Failover {
  lost: string;
  how: LeaderLoss;
  at: number;
  leader: string | null;
  leaderlessMs: number;
}

export class MesosView {
  private readonly masters = new Map<string, MasterView>();
  private readonly agents = new Map<string, AgentView>();
  private leader: string | null = null;
  /** When masters last had no leader (null while one leads). */
  private leaderlessSince: number | null = null;
  private failover: Failover | null = null;

  constructor(layout: {
    masters: readonly { name: string; port: number }[];
    agents: readonly { name: string; port: number }[];
  }) {
    for (const { name, port } of layout.masters) this.masters.set(name, { name, port, process: 'exited', role: null });
    for (const { name, port } of layout.agents)
      this.agents.set(name, {
        name,
        port,
        process: 'exited',
        registered: false,
        agentId: null,
        master: null,
        tasks: 0,
      });
  }

  master(name: string): MasterView | undefined {
    const m = this.masters.get(name);
    return m === undefined ? undefined : { ...m };
  }

  agent(name: string): AgentView | undefined {
    const a = this.agents.get(name);
    return a === undefined ? undefined : { ...a };
  }

  /** The name of the master leading now. */
  leading(): string | null {
    return this.leader;
  }

  /** Why the masters and agents are not ready yet (a master leads, every agent registered with it), or null when they are. */
  notReady(): string | null {
    if (this.masters.size === 0) return null;
    if (this.leader === null) return 'no master is leading yet';
    const waiting = [...this.agents.values()].filter((a) => !a.registered || a.master !== this.leader);
    return waiting.length === 0
      ? null
      : `${waiting.map((a) => a.name).join(', ')} not registered with ${this.leader} yet`;
  }

  apply(input: MesosInput, now: number): TimelineEntry[] {
    const master = this.masters.get(input.name);
    if (master !== undefined && input.type !== 'agent-message') return this.applyMaster(master, input, now);
    const agent = this.agents.get(input.name);
    if (agent !== undefined && input.type !== 'master-message') return this.applyAgent(agent, input, now);
    return [];
  }

  private applyMaster(m: MasterView, input: MasterInput, now: number): TimelineEntry[] {
    switch (input.type) {
      case 'launched':
        if (this.leader === null && this.leaderlessSince === null) this.leaderlessSince = now;
        Object.assign(m, { process: 'starting', role: null });
        return [];
      case 'master-message':
        return this.onMasterMessage(m, input.message, now);
      case 'killed': {
        const leading = this.leader === m.name;
        Object.assign(m, { process: 'killed', role: null });
        return [{ type: 'master-killed', at: now, master: m.name, leading }, ...this.leaderGone(m.name, 'killed', now)];
      }
      case 'exited':
        if (m.process === 'killed') return [];
        Object.assign(m, { process: 'exited', role: null });
        return [
          { type: 'component-exited', at: now, component: m.name, code: input.code },
          ...this.leaderGone(m.name, 'exited', now),
        ];
    }
  }

  private onMasterMessage(m: MasterView, message: MasterWorkerMessage, now: number): TimelineEntry[] {
    if (message.type === 'ready') {
      m.process = 'running';
      return [{ type: 'master-started', at: now, master: m.name, url: message.url }];
    }
    m.role = message.role;
    if (message.role === 'standby') {
      if (this.leader !== m.name) return [];
      return [{ type: 'master-deposed', at: now, master: m.name }, ...this.leaderGone(m.name, 'deposed', now)];
    }
    if (this.leader === m.name) return [];
    const leaderlessMs = now - (this.leaderlessSince ?? now);
    this.leader = m.name;
    this.leaderlessSince = null;
    if (this.failover !== null) Object.assign(this.failover, { leader: m.name, leaderlessMs });
    return [{ type: 'master-elected', at: now, master: m.name, leaderlessMs }, ...this.failoverDone(now)];
  }

  private leaderGone(name: string, how: LeaderLoss, now: number): TimelineEntry[] {
    if (this.leader !== name) return [];
    this.leader = null;
    this.leaderlessSince = now;
    this.failover = { lost: name, how, at: now, leader: null, leaderlessMs: 0 };
    return [];
  }

  private applyAgent(a: AgentView, input: AgentInput, now: number): TimelineEntry[] {
    switch (input.type) {
      case 'launched':
        Object.assign(a, { process: 'starting', registered: false, master: null });
        return [];
      case 'agent-message':
        return this.onAgentMessage(a, input.message, now);
      case 'killed':
        Object.assign(a, { process: 'killed', registered: false, master: null });
        return [{ type: 'agent-killed', at: now, agent: a.name }, ...this.failoverDone(now)];
      case 'exited':
        if (a.process === 'killed') return [];
        Object.assign(a, { process: 'exited', registered: false, master: null });
        return [{ type: 'component-exited', at: now, component: a.name, code: input.code }, ...this.failoverDone(now)];
    }
  }

  private onAgentMessage(a: AgentView, message: AgentWorkerMessage, now: number): TimelineEntry[] {
    if (message.type === 'ready') {
      a.process = 'running';
      return [{ type: 'agent-started', at: now, agent: a.name, url: `http://${LOOPBACK}:${a.port}` }];
    }
    const before = { ...a };
    const master = message.master === null ? null : this.masterName(message.master);
    Object.assign(a, {
      registered: message.registered,
      agentId: message.agentId ?? a.agentId,
      master,
      tasks: message.tasks,
    });
    if (message.registered && (!before.registered || before.master !== master) && message.agentId !== null) {
      const again = before.agentId !== null;
      return [
        { type: 'agent-registered', at: now, agent: a.name, master: master ?? '?', agentId: message.agentId, again },
        ...this.failoverDone(now),
      ];
    }
    if (!message.registered && before.registered && before.master !== null) {
      return [{ type: 'agent-disconnected', at: now, agent: a.name, master: before.master }];
    }
    return [];
  }

  /** The failover summary once a new master leads and every running agent is registered with it. */
  private failoverDone(now: number): TimelineEntry[] {
    const f = this.failover;
    if (f === null || f.leader === null || f.leader !== this.leader) return [];
    const live = [...this.agents.values()].filter((a) => a.process === 'running' || a.process === 'starting');
    if (live.some((a) => !a.registered || a.master !== f.leader)) return [];
    this.failover = null;
    return [
      {
        type: 'failover',
        at: now,
        lost: f.lost,
        how: f.how,
        leader: f.leader,
        leaderlessMs: f.leaderlessMs,
        reregistered: live.length,
        agents: this.agents.size,
        tasks: live.reduce((sum, a) => sum + a.tasks, 0),
        afterMs: now - f.at,
      },
    ];
  }

  /** `master@ip:port` → the name of our master on that port, else the text as given. */
  private masterName(pid: string): string {
    const port = Number(/:(\d+)$/.exec(pid)?.[1]);
    return [...this.masters.values()].find((m) => m.port === port)?.name ?? pid;
  }
}

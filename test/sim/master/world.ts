// A simulated Mesos cluster around MasterCore on a virtual clock: two masters taking turns as leading
// master, agents and one framework joined by FIFO links with seeded latency. A crashed leader's
// in-flight messages, both ways, are lost; the registry it persisted is what the next leader recovers.
import { MasterCore } from '../../../src/master/core/master.js';
import {
  EMPTY_REGISTRY,
  type MasterInput,
  type MasterOutput,
  type Registry,
} from '../../../src/master/core/protocol.js';
import type { InputWithoutTime } from '../../unit/master/harness.js';
import { Rng } from '../prng.js';
import { SimAgent } from './agent.js';
import { SimScheduler } from './scheduler.js';

/** Demo-profile-like numbers, so a failover settles in a few simulated seconds. */
export const SIM_TIMING = {
  tickMs: 100,
  allocationIntervalMs: 100,
  agentPingTimeoutMs: 500,
  maxAgentPingTimeouts: 5,
  agentReregisterTimeoutMs: 3_000,
  heartbeatIntervalMs: 1_000,
  /** How often agents re-send unacknowledged status updates. */
  statusRetryMs: 1_000,
  /** How often the framework reconciles implicitly. */
  reconcileEveryMs: 2_000,
};

interface Leader {
  name: string;
  term: number;
  core: MasterCore;
}

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

export interface WorldOptions {
  seed: number;
  agents: number;
  wantedTasks: number;
}

export class World {
  readonly rng: Rng;
  now = 0;
  term = 0;
  leader: Leader | null = null;
  registry: Registry = EMPTY_REGISTRY;
  readonly agents: SimAgent[];
  readonly scheduler: SimScheduler;
  /** Task ids that an agent started, ever. */
  readonly ran = new Set<string>();
  readonly logs: string[] = [];
  private queue: Scheduled[] = [];
  private seq = 0;
  private readonly linkClock = new Map<string, number>();

  constructor(options: WorldOptions) {
    this.rng = new Rng(options.seed);
    this.agents = Array.from(
      { length: options.agents },
      (_, i) => new SimAgent(this, `agent-${i + 1}`, 'cpus:2;mem:1024;disk:1000;ports:[31000-31099]'),
    );
    this.scheduler = new SimScheduler(this, options.wantedTasks);
    this.every(
      SIM_TIMING.tickMs,
      () => this.leader !== null && this.apply(this.leader, this.leader.core.handle({ kind: 'tick', now: this.now })),
    );
    this.every(SIM_TIMING.statusRetryMs, () => this.agents.forEach((a) => a.retryUpdates()));
    this.every(SIM_TIMING.reconcileEveryMs, () => this.scheduler.reconcile());
  }

  at(time: number, run: () => void): void {
    const item = { at: time, seq: this.seq++, run };
    const index = this.queue.findIndex((q) => q.at > time);
    if (index === -1) this.queue.push(item);
    else this.queue.splice(index, 0, item);
  }

  private every(ms: number, run: () => void): void {
    const again = (): void => {
      run();
      this.at(this.now + ms, again);
    };
    this.at(this.now + ms, again);
  }

  /** Runs `run` after a seeded latency, in order with everything else sent on `link`. */
  deliver(link: string, run: () => void): void {
    const at = Math.max(this.now + this.rng.int(1, 30), this.linkClock.get(link) ?? 0);
    this.linkClock.set(link, at);
    this.at(at, run);
  }

  run(ms: number): void {
    this.runUntil(() => false, ms);
  }

  /** Runs until `done` holds (checked after every step) or `ms` pass; says whether `done` held. */
  runUntil(done: () => boolean, ms: number): boolean {
    const end = this.now + ms;
    for (let next = this.queue[0]; next !== undefined && next.at <= end; next = this.queue[0]) {
      this.queue.shift();
      this.now = next.at;
      next.run();
      if (done()) return true;
    }
    this.now = end;
    return done();
  }

  /** A message to the leading master of `term`; lost if that master is gone by the time it arrives. */
  toMaster(term: number, link: string, input: InputWithoutTime): void {
    this.deliver(`${link}>master`, () => {
      const leader = this.leader;
      if (leader?.term === term) this.apply(leader, leader.core.handle({ ...input, now: this.now } as MasterInput));
    });
  }

  elect(name: string): void {
    const term = ++this.term;
    const core = new MasterCore({
      masterInfo: {
        id: `${name}.${term}`,
        ip: 16777343,
        port: 5050,
        pid: `master@127.0.0.1:${5050 + term}`,
        hostname: name,
      },
      now: this.now,
      registry: this.registry,
      allocation: { intervalMs: SIM_TIMING.allocationIntervalMs },
      agentPingTimeoutMs: SIM_TIMING.agentPingTimeoutMs,
      maxAgentPingTimeouts: SIM_TIMING.maxAgentPingTimeouts,
      agentReregisterTimeoutMs: SIM_TIMING.agentReregisterTimeoutMs,
      heartbeatIntervalMs: SIM_TIMING.heartbeatIntervalMs,
    });
    this.leader = { name, term, core };
    this.logs.push(`${this.now} ${name}: Elected as the leading master! (term ${term})`);
    for (const agent of this.agents)
      this.at(this.now + this.rng.int(10, 500), () => this.term === term && agent.detect(term));
    this.at(this.now + this.rng.int(10, 500), () => this.term === term && this.scheduler.detect(term));
  }

  crashLeader(): void {
    if (this.leader !== null) this.logs.push(`${this.now} ${this.leader.name}: killed`);
    this.leader = null;
  }

  private apply(leader: Leader, outputs: MasterOutput[]): void {
    for (const o of outputs) this.perform(leader, o);
  }

  private perform(leader: Leader, o: MasterOutput): void {
    const alive = (): boolean => this.leader === leader;
    switch (o.kind) {
      case 'persistRegistry':
        this.registry = o.registry;
        return;
      case 'toAgent': {
        const agent = this.agents.find((a) => a.connection === o.connection);
        if (agent !== undefined)
          this.deliver(`master>${agent.name}`, () => alive() && agent.receive(leader.term, o.connection, o.message));
        return;
      }
      case 'toFramework':
        this.deliver('master>framework', () => alive() && this.scheduler.receive(leader.term, o.streamId, o.event));
        return;
      case 'callAnswer':
        if (o.status >= 400) this.logs.push(`${this.now} ${leader.name}: call answered ${o.status} ${o.message ?? ''}`);
        return;
      case 'closeStream':
        return;
      case 'log':
        this.logs.push(`${this.now} ${leader.name}: ${o.message}`);
        return;
    }
  }
}

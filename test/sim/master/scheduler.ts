// A simulated framework that keeps a fixed number of tasks: subscribes (again with its framework id
// after each failover), launches from offers, acknowledges updates and reconciles. Like a real
// scheduler it keeps its own record of tasks across failovers and relaunches only what is reported gone.
import {
  isTerminalState,
  type Call,
  type Event,
  type Offer,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../../../src/master/core/v1.js';
import type { DistributiveOmit } from '../../unit/master/harness.js';
import type { World } from './world.js';

const TASK_CPUS = 0.5;
const TASK_MEM = 64;
const MAX_TASKS_PER_OFFER = 2;

/** Answers meaning the task does not run (UNKNOWN and UNREACHABLE are not terminal in Mesos, but nothing runs for us). */
const GONE: ReadonlySet<TaskState> = new Set<TaskState>(['TASK_UNKNOWN', 'TASK_UNREACHABLE']);

type CallWithoutFramework = DistributiveOmit<Exclude<Call, { type: 'SUBSCRIBE' }>, 'framework_id'>;

export class SimScheduler {
  frameworkId: string | null = null;
  streamId: string | null = null;
  subscribedTerm: number | null = null;
  /** The framework's own record: task id → last known state and agent. */
  readonly known = new Map<string, { state: TaskState | 'LAUNCHED'; agentId: string }>();
  /** Every status received, in order. */
  readonly seen: TaskStatus[] = [];
  readonly errors: string[] = [];
  launched = 0;
  private streams = 0;

  constructor(
    private readonly world: World,
    /** How many tasks it keeps running; the simulation raises it to launch during failovers. */
    public wanted: number,
  ) {}

  detect(term: number): void {
    this.streamId = `stream#${++this.streams}`;
    this.subscribedTerm = null;
    const framework_info = {
      user: 'root',
      name: 'sim',
      roles: ['*'],
      failover_timeout: 604800,
      checkpoint: true,
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
      ...(this.frameworkId === null ? {} : { id: { value: this.frameworkId } }),
    };
    const call: Call = {
      type: 'SUBSCRIBE',
      subscribe: { framework_info },
      ...(this.frameworkId === null ? {} : { framework_id: { value: this.frameworkId } }),
    };
    this.world.toMaster(term, 'framework', { kind: 'schedulerCall', streamId: this.streamId, call });
  }

  private call(call: CallWithoutFramework): void {
    if (this.subscribedTerm === null || this.frameworkId === null) return;
    const full = { ...call, framework_id: { value: this.frameworkId } } as Call;
    this.world.toMaster(this.subscribedTerm, 'framework', {
      kind: 'schedulerCall',
      streamId: this.streamId,
      call: full,
    });
  }

  receive(term: number, streamId: string, event: Event): void {
    if (streamId !== this.streamId) return;
    switch (event.type) {
      case 'SUBSCRIBED':
        this.frameworkId = event.subscribed.framework_id.value;
        this.subscribedTerm = term;
        this.reconcile();
        return;
      case 'OFFERS':
        event.offers.offers.forEach((offer) => this.useOffer(offer));
        return;
      case 'UPDATE':
        this.onUpdate(event.update.status);
        return;
      case 'ERROR':
        this.errors.push(event.error.message);
        return;
      case 'RESCIND':
      case 'FAILURE':
      case 'HEARTBEAT':
        return;
    }
  }

  /** Explicit for the tasks it knows (with their agents), then implicit. */
  reconcile(): void {
    const tasks = [...this.known].map(([id, t]) => ({ task_id: { value: id }, agent_id: { value: t.agentId } }));
    if (tasks.length > 0) this.call({ type: 'RECONCILE', reconcile: { tasks } });
    this.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
  }

  private onUpdate(status: TaskStatus): void {
    this.seen.push(status);
    const id = status.task_id.value;
    const entry = this.known.get(id);
    if (isTerminalState(status.state) || GONE.has(status.state)) this.known.delete(id);
    else if (entry !== undefined) entry.state = status.state;
    if (status.uuid !== undefined && status.agent_id !== undefined) {
      this.call({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
      });
    }
  }

  private useOffer(offer: Offer): void {
    const scalar = (name: string): number =>
      offer.resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    const ports = offer.resources
      .flatMap((r) => (r.name === 'ports' ? (r.ranges?.range ?? []) : []))
      .flatMap((r) => Array.from({ length: r.end - r.begin + 1 }, (_, i) => r.begin + i));
    const fit = Math.min(
      Math.floor(scalar('cpus') / TASK_CPUS),
      Math.floor(scalar('mem') / TASK_MEM),
      ports.length,
      MAX_TASKS_PER_OFFER,
    );
    const count = Math.max(0, Math.min(fit, this.wanted - this.known.size));
    const tasks = ports.slice(0, count).map((port) => this.taskFor(offer, port));
    const filters = { refuse_seconds: 0.5 };
    if (tasks.length === 0) {
      this.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters } });
      return;
    }
    this.call({
      type: 'ACCEPT',
      accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters },
    });
  }

  private taskFor(offer: Offer, port: number): TaskInfo {
    const id = `sim.${this.launched++}`;
    this.known.set(id, { state: 'LAUNCHED', agentId: offer.agent_id.value });
    return {
      name: id,
      task_id: { value: id },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: TASK_CPUS }, role: '*', allocation_info: { role: '*' } },
        { name: 'mem', type: 'SCALAR', scalar: { value: TASK_MEM }, role: '*', allocation_info: { role: '*' } },
        {
          name: 'ports',
          type: 'RANGES',
          ranges: { range: [{ begin: port, end: port }] },
          role: '*',
          allocation_info: { role: '*' },
        },
      ],
      command: { value: `serve --port ${port}`, shell: true },
    };
  }

  runningTaskIds(): string[] {
    return [...this.known].filter(([, t]) => t.state === 'TASK_RUNNING').map(([id]) => id);
  }
}

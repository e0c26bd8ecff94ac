// A simulated agent: registers (or re-registers with its running tasks) with each leading master it
// detects, runs what RUN_TASK asks at once, and sends status updates reliably: one unacknowledged
// update in flight per task, re-sent until the master relays the framework's acknowledgement.
import type { MasterToAgent, StatusUpdate } from '../../../src/master/core/protocol.js';
import { parseResourceText } from '../../../src/master/core/resources.js';
import { isTerminalState, type FrameworkInfo, type Task, type TaskState } from '../../../src/master/core/v1.js';
import type { World } from './world.js';

interface AgentTask {
  task: Task;
  framework: FrameworkInfo;
  /** Unacknowledged updates; the head is the one in flight. */
  pending: StatusUpdate[];
}

export class SimAgent {
  id: string | null = null;
  connection: string | null = null;
  /** The term of the leading master this agent is registered with. */
  registeredTerm: number | null = null;
  readonly tasks = new Map<string, AgentTask>();
  /** Every kill or shutdown this agent was told, as `TYPE taskOrFramework`. */
  readonly kills: string[] = [];
  private connections = 0;
  private uuids = 0;
  private term = 0;

  constructor(
    private readonly world: World,
    readonly name: string,
    private readonly resources: string,
  ) {}

  private send(input: Parameters<World['toMaster']>[2]): void {
    this.world.toMaster(this.term, this.name, input);
  }

  /** A (new) leading master is detected: register, or re-register with the tasks it runs. */
  detect(term: number): void {
    this.term = term;
    this.connection = `${this.name}#${++this.connections}`;
    this.registeredTerm = null;
    const agent = {
      hostname: this.name,
      port: 5051,
      resources: parseResourceText(this.resources),
      ...(this.id === null ? {} : { id: { value: this.id } }),
    };
    const common = { connection: this.connection, agent, pid: `slave(1)@127.0.0.1:${5051}`, version: '1.11.0' };
    if (this.id === null) {
      this.send({ kind: 'agentRegister', ...common });
      return;
    }
    const tasks = [...this.tasks.values()].map((t) => ({
      ...t.task,
      status_update_state: t.pending[0]?.status.state,
      status_update_uuid: t.pending[0]?.status.uuid,
    }));
    const frameworks = [...new Map([...this.tasks.values()].map((t) => [t.framework.id?.value, t.framework])).values()];
    this.send({ kind: 'agentReregister', ...common, tasks, frameworks });
  }

  /** The link to the master breaks; the agent reconnects after `afterMs`. */
  dropLink(afterMs: number): void {
    if (this.connection === null || this.registeredTerm === null) return;
    this.send({ kind: 'agentDisconnected', connection: this.connection });
    this.connection = null;
    this.registeredTerm = null;
    const term = this.term;
    this.world.at(this.world.now + afterMs, () => this.world.term === term && this.detect(term));
  }

  receive(term: number, connection: string, message: MasterToAgent): void {
    if (connection !== this.connection) return;
    switch (message.type) {
      case 'REGISTERED':
      case 'REREGISTERED':
        this.id = message.agent_id.value;
        this.registeredTerm = term;
        this.retryUpdates();
        return;
      case 'RUN_TASK':
        this.run(message);
        return;
      case 'KILL_TASK':
        this.kills.push(`KILL_TASK ${message.task_id.value}`);
        this.finish(message.task_id.value, 'TASK_KILLED');
        return;
      case 'SHUTDOWN_FRAMEWORK':
        this.kills.push(`SHUTDOWN_FRAMEWORK ${message.framework_id.value}`);
        for (const [id, t] of this.tasks)
          if (t.framework.id?.value === message.framework_id.value) this.finish(id, 'TASK_KILLED');
        return;
      case 'ACKNOWLEDGE':
        this.acknowledged(message.task_id.value, message.uuid);
        return;
      case 'PING':
        this.send({ kind: 'agentPong', connection });
        return;
    }
  }

  private run(message: Extract<MasterToAgent, { type: 'RUN_TASK' }>): void {
    const info = message.task;
    const framework_id = message.framework.id ?? { value: '' };
    const task: Task = {
      name: info.name,
      task_id: info.task_id,
      framework_id,
      agent_id: info.agent_id,
      state: 'TASK_RUNNING',
      resources: info.resources,
      statuses: [],
    };
    this.tasks.set(info.task_id.value, { task, framework: message.framework, pending: [] });
    this.world.ran.add(info.task_id.value);
    this.update(info.task_id.value, 'TASK_RUNNING');
  }

  private finish(taskId: string, state: TaskState): void {
    const t = this.tasks.get(taskId);
    if (t === undefined || isTerminalState(t.task.state)) return;
    t.task.state = state;
    this.update(taskId, state);
  }

  private update(taskId: string, state: TaskState): void {
    const t = this.tasks.get(taskId);
    if (t === undefined) return;
    const status = {
      task_id: t.task.task_id,
      state,
      source: 'SOURCE_EXECUTOR' as const,
      agent_id: t.task.agent_id,
      uuid: `${this.name}-u${++this.uuids}`,
      timestamp: this.world.now / 1000,
    };
    t.pending.push({ framework_id: t.task.framework_id, status, latest_state: t.task.state });
    if (t.pending.length === 1) this.sendHead(t);
  }

  private sendHead(t: AgentTask): void {
    const head = t.pending[0];
    if (head === undefined || this.connection === null || this.registeredTerm === null) return;
    this.send({ kind: 'statusUpdate', connection: this.connection, update: head });
  }

  /** Re-sends every task's unacknowledged head update (at least once delivery). */
  retryUpdates(): void {
    for (const t of this.tasks.values()) this.sendHead(t);
  }

  private acknowledged(taskId: string, uuid: string): void {
    const t = this.tasks.get(taskId);
    if (t === undefined || t.pending[0]?.status.uuid !== uuid) return;
    t.pending.shift();
    if (t.pending.length === 0 && isTerminalState(t.task.state)) this.tasks.delete(taskId);
    else this.sendHead(t);
  }

  allAcknowledged(): boolean {
    return [...this.tasks.values()].every((t) => t.pending.length === 0);
  }

  runningTaskIds(): string[] {
    return [...this.tasks.values()].filter((t) => t.task.state === 'TASK_RUNNING').map((t) => t.task.task_id.value);
  }
}

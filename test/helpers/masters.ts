// Test masters: N Mesos masters in this process against one ZooKeeper URL, with their log lines kept
// in memory; a fake agent speaking the agent link's JSON protocol; a collector of scheduler events.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { WebSocket } from 'ws';
import type { Subscription } from '../../src/api/mesos.js';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import { MASTER_TIMING, type MasterTiming } from '../../src/master/config.js';
import { AGENT_LINK_PATH, type AgentToMaster, type MasterToAgent } from '../../src/master/core/protocol.js';
import { parseResourceText } from '../../src/master/core/resources.js';
import type { Event, FrameworkInfo, Task, TaskState } from '../../src/master/core/v1.js';
import { Master } from '../../src/master/master.js';
import { waitUntil } from './ensemble.js';

export { waitUntil };

export interface TestMastersOptions {
  /** `zk://…/mesos`. */
  zk: string;
  count?: number;
  timing?: Partial<MasterTiming>;
}

interface Slot {
  name: string;
  port: number;
  master: Master | null;
  logs: string[];
}

export class TestMasters {
  private constructor(
    private readonly slots: Slot[],
    private readonly options: TestMastersOptions,
  ) {}

  static async start(options: TestMastersOptions): Promise<TestMasters> {
    const ports = new PortAllocator();
    const slots: Slot[] = [];
    for (let i = 1; i <= (options.count ?? 3); i++)
      slots.push({ name: `master-${i}`, port: await ports.allocate(), master: null, logs: [] });
    const masters = new TestMasters(slots, options);
    await Promise.all(slots.map((_, i) => masters.start(i)));
    return masters;
  }

  get count(): number {
    return this.slots.length;
  }

  master(i: number): Master {
    const m = this.slot(i).master;
    if (m === null) throw new Error(`${this.slot(i).name} is not running`);
    return m;
  }

  running(): Master[] {
    return this.slots.flatMap((s) => (s.master === null ? [] : [s.master]));
  }

  logs(i: number): string[] {
    return this.slot(i).logs;
  }

  indexOf(master: Master): number {
    return this.slots.findIndex((s) => s.master === master);
  }

  /** Starts master i (again, with a new id), on the same port. */
  async start(i: number): Promise<Master> {
    const slot = this.slot(i);
    const timing = { ...MASTER_TIMING.demo, ...this.options.timing };
    const log = pino({ level: 'info', base: { component: slot.name } }, collect(slot.logs));
    slot.master = await Master.start({
      config: { name: slot.name, port: slot.port, zk: this.options.zk, timing, logFile: '' },
      log,
    });
    return slot.master;
  }

  /** Waits until exactly one master leads and every other running master names it as leader. */
  async leading(timeoutMs = 15_000): Promise<Master> {
    return waitUntil(
      'one leading master known to all',
      () => {
        const running = this.running();
        const leaders = running.filter((m) => m.report.role === 'leading');
        const leader = leaders[0];
        if (leaders.length !== 1 || leader === undefined) return undefined;
        return running.every((m) => m.report.leader === leader.url) ? leader : undefined;
      },
      timeoutMs,
    );
  }

  async stop(i: number): Promise<void> {
    const slot = this.slot(i);
    const m = slot.master;
    slot.master = null;
    await m?.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.slots.map((_, i) => this.stop(i)));
  }

  private slot(i: number): Slot {
    const slot = this.slots[i];
    if (slot === undefined) throw new Error(`no master ${i}`);
    return slot;
  }
}

function collect(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  });
}

export function frameworkInfo(name: string, over: Partial<FrameworkInfo> = {}): FrameworkInfo {
  return {
    user: 'root',
    name,
    roles: ['*'],
    failover_timeout: 604800,
    checkpoint: true,
    hostname: 'localhost',
    capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    ...over,
  };
}

/** Keeps every event of a subscription; waits for the next one of a type not taken yet. */
export class EventLog {
  readonly events: Event[] = [];
  private taken = new Set<number>();
  private ended = false;

  constructor(subscription: Subscription) {
    void (async () => {
      for await (const event of subscription.events) this.events.push(event);
      this.ended = true;
    })();
  }

  get closed(): boolean {
    return this.ended;
  }

  /** The first event of `type` (matching `where`) not taken yet. */
  async next<T extends Event['type']>(
    type: T,
    where: (e: Extract<Event, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<Event, { type: T }>> {
    return waitUntil(
      `a ${type} event`,
      () => {
        const i = this.events.findIndex(
          (e, n) => e.type === type && !this.taken.has(n) && where(e as Extract<Event, { type: T }>),
        );
        if (i < 0) return undefined;
        this.taken.add(i);
        return this.events[i] as Extract<Event, { type: T }>;
      },
      timeoutMs,
    );
  }
}

export interface FakeAgentOptions {
  hostname?: string;
  resources?: string;
  /** Re-register as this agent with these tasks. */
  reregister?: { agentId: string; tasks: Task[]; frameworks: FrameworkInfo[] };
}

/** An agent speaking the agent link's JSON protocol; answers PINGs. */
export class FakeAgent {
  readonly messages: MasterToAgent[] = [];
  agentId: string | null = null;
  closeCode: number | null = null;
  closeReason = '';
  private taken = new Set<number>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as MasterToAgent;
      if (message.type === 'PING') this.send({ type: 'PONG' });
      else this.messages.push(message);
      if (message.type === 'REGISTERED' || message.type === 'REREGISTERED') this.agentId = message.agent_id.value;
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString('utf8');
    });
  }

  /** Opens the link to `masterUrl`; registers (or re-registers) unless the master closes it. */
  static async connect(masterUrl: string, options: FakeAgentOptions = {}): Promise<FakeAgent> {
    const ws = new WebSocket(`${masterUrl.replace(/^http/, 'ws')}${AGENT_LINK_PATH}`);
    const agent = new FakeAgent(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
      ws.once('error', reject);
    });
    if (ws.readyState !== WebSocket.OPEN) return agent;
    const info = {
      hostname: options.hostname ?? LOOPBACK,
      port: 5051,
      resources: parseResourceText(options.resources ?? 'cpus:2;mem:1024;disk:1000;ports:[31000-31099]'),
    };
    const re = options.reregister;
    if (re === undefined) agent.send({ type: 'REGISTER', agent: info, version: '1.11.0' });
    else
      agent.send({
        type: 'REREGISTER',
        agent: { ...info, id: { value: re.agentId } },
        version: '1.11.0',
        tasks: re.tasks,
        frameworks: re.frameworks,
      });
    return agent;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: AgentToMaster): void {
    this.ws.send(JSON.stringify(message));
  }

  /** A status update with a fresh uuid (so the master expects an acknowledgement); resolves with the uuid. */
  status(frameworkId: string, taskId: string, state: TaskState): string {
    const uuid = Buffer.from(randomUUID()).toString('base64');
    const status = {
      task_id: { value: taskId },
      state,
      source: 'SOURCE_EXECUTOR' as const,
      timestamp: Date.now() / 1000,
      uuid,
    };
    this.send({ type: 'STATUS_UPDATE', update: { framework_id: { value: frameworkId }, status } });
    return uuid;
  }

  async next<T extends MasterToAgent['type']>(
    type: T,
    timeoutMs = 10_000,
  ): Promise<Extract<MasterToAgent, { type: T }>> {
    return waitUntil(
      `${type} on the agent link`,
      () => {
        const i = this.messages.findIndex((m, n) => m.type === type && !this.taken.has(n));
        if (i < 0) return undefined;
        this.taken.add(i);
        return this.messages[i] as Extract<MasterToAgent, { type: T }>;
      },
      timeoutMs,
    );
  }

  async closed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return waitUntil(
      'the agent link to close',
      () => (this.closeCode === null ? undefined : { code: this.closeCode, reason: this.closeReason }),
      timeoutMs,
    );
  }

  /** Drops the link without a goodbye. */
  kill(): void {
    this.ws.terminate();
  }
}

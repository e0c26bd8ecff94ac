// Agents in tests: a fake leading master (agent-link JSON over a WebSocket, announced as a `json.info_`
// znode) and agents in worker threads (dist/agent/worker.js), killable abruptly and restartable.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import { AGENT_TIMING, type AgentWorkerConfig } from '../../src/agent/config.js';
import type { AgentWorkerMessage } from '../../src/agent/worker.js';
import { LOOPBACK, PortAllocator } from '../../src/common/ports.js';
import { ZkClient } from '../../src/ensemble/client/index.js';
import {
  AGENT_LINK_PATH,
  type AgentToMaster,
  type MasterToAgent,
  type StatusUpdate,
} from '../../src/master/core/protocol.js';
import type { FrameworkInfo, KillPolicy, TaskInfo, TaskState } from '../../src/master/core/v1.js';
import { masterInfo } from '../../src/master/info.js';
import { TestEnsemble, waitUntil } from './ensemble.js';
import { REPO_ROOT } from './repo.js';

export const AGENT_ENTRY = join(REPO_ROOT, 'dist', 'agent', 'worker.js');
export const FRAMEWORK: FrameworkInfo = {
  user: 'root',
  name: 'test',
  id: { value: 'fw-test' },
  checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }],
};
const PING_MS = 200;

export interface FakeMasterOptions {
  /** `host:port,…` of the ensemble. */
  servers: string;
  /** Acknowledge every status update at once (default true). */
  autoAck?: boolean;
}

/** A leading master as far as an agent can tell: it registers agents, pings, relays tasks and acks. */
export class FakeMaster {
  readonly id = randomUUID();
  /** Every status update received, in order. */
  readonly updates: StatusUpdate[] = [];
  readonly received: AgentToMaster[] = [];
  autoAck: boolean;
  private socket: WebSocket | null = null;
  private agents = 0;
  private readonly pinger: NodeJS.Timeout;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    private readonly zk: ZkClient,
    readonly port: number,
    options: FakeMasterOptions,
  ) {
    this.autoAck = options.autoAck ?? true;
    wss.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as AgentToMaster));
    });
    this.pinger = setInterval(() => this.send({ type: 'PING' }), PING_MS);
  }

  static async start(options: FakeMasterOptions): Promise<FakeMaster> {
    const port = await new PortAllocator().allocate();
    const server = createServer();
    const wss = new WebSocketServer({ server, path: AGENT_LINK_PATH });
    await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
    const zk = await ZkClient.connect(options.servers, { sessionTimeoutMs: 2_000 });
    const master = new FakeMaster(server, wss, zk, port, options);
    await zk.mkdirp('/mesos');
    const info = masterInfo({ id: master.id, ip: LOOPBACK, port, hostname: 'localhost' });
    await zk.create('/mesos/json.info_', Buffer.from(JSON.stringify(info)), { mode: 'ephemeral_sequential' });
    return master;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  send(message: MasterToAgent): void {
    this.socket?.send(JSON.stringify(message));
  }

  runTask(task: TaskInfo, framework: FrameworkInfo = FRAMEWORK): void {
    this.send({ type: 'RUN_TASK', framework, task });
  }

  killTask(taskId: string, killPolicy?: KillPolicy): void {
    this.send({
      type: 'KILL_TASK',
      framework_id: FRAMEWORK.id ?? { value: '' },
      task_id: { value: taskId },
      ...(killPolicy === undefined ? {} : { kill_policy: killPolicy }),
    });
  }

  acknowledge(update: StatusUpdate): void {
    this.send({
      type: 'ACKNOWLEDGE',
      framework_id: update.framework_id,
      task_id: update.status.task_id,
      uuid: update.status.uuid ?? '',
    });
  }

  /** States of one task's updates, in the order received. */
  statesOf(taskId: string): TaskState[] {
    return this.updates.filter((u) => u.status.task_id.value === taskId).map((u) => u.status.state);
  }

  async waitForState(taskId: string, state: TaskState, timeoutMs = 15_000): Promise<StatusUpdate> {
    return waitUntil(
      `${taskId} reaching ${state} (seen: ${this.statesOf(taskId).join(', ')})`,
      () => this.updates.find((u) => u.status.task_id.value === taskId && u.status.state === state),
      timeoutMs,
    );
  }

  async waitFor<T extends AgentToMaster['type']>(
    type: T,
    timeoutMs = 15_000,
  ): Promise<Extract<AgentToMaster, { type: T }>> {
    return waitUntil(
      `a ${type} message`,
      () => this.received.find((m): m is Extract<AgentToMaster, { type: T }> => m.type === type),
      timeoutMs,
    );
  }

  /** Forgets the messages received so far. */
  clear(): void {
    this.received.length = 0;
    this.updates.length = 0;
  }

  /** Leaves the group (its znode goes with its session) and closes the link. */
  async stop(): Promise<void> {
    clearInterval(this.pinger);
    await this.zk.close();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(message: AgentToMaster): void {
    this.received.push(message);
    const master_info = masterInfo({ id: this.id, ip: LOOPBACK, port: this.port, hostname: 'localhost' });
    switch (message.type) {
      case 'REGISTER':
        this.send({ type: 'REGISTERED', agent_id: { value: `${this.id}-S${this.agents++}` }, master_info });
        return;
      case 'REREGISTER':
        this.send({ type: 'REREGISTERED', agent_id: message.agent.id ?? { value: '' }, master_info });
        return;
      case 'STATUS_UPDATE':
        this.updates.push(message.update);
        if (this.autoAck) this.acknowledge(message.update);
        return;
      case 'PONG':
        return;
    }
  }
}

export interface AgentOptions {
  servers: string;
  workDir?: string;
  resources?: string;
  containerizers?: AgentWorkerConfig['containerizers'];
}

export async function agentConfig(o: AgentOptions): Promise<AgentWorkerConfig> {
  const workDir = o.workDir ?? mkdtempSync(join(tmpdir(), 'minicluster-agent-'));
  return {
    name: 'agent-1',
    port: await new PortAllocator().allocate(),
    zk: `zk://${o.servers}/mesos`,
    workDir,
    resources: o.resources ?? 'cpus:2;mem:1024;disk:1000;ports:[31000-31499]',
    timing: AGENT_TIMING.demo,
    ...(o.containerizers === undefined ? {} : { containerizers: o.containerizers }),
    logFile: join(workDir, 'agent.log'),
  };
}

/** A one-member ensemble, a fake master registered in it, and one agent registered with that master. */
export interface AgentRig {
  ensemble: TestEnsemble;
  master: FakeMaster;
  agent: AgentWorker;
  /** Stops the agent (killing its tasks), the master and the ensemble, and removes the work dir. */
  stop(): Promise<void>;
}

export async function startAgentRig(o: Omit<AgentOptions, 'servers'> = {}): Promise<AgentRig> {
  const ensemble = await TestEnsemble.start({ participants: 1 });
  const master = await FakeMaster.start({ servers: ensemble.connectString });
  const agent = new AgentWorker(await agentConfig({ ...o, servers: ensemble.connectString }));
  await agent.start();
  await agent.waitRegistered();
  return {
    ensemble,
    master,
    agent,
    stop: async () => {
      await agent.stop(true);
      await master.stop();
      await ensemble.stop();
      rmSync(agent.config.workDir, { recursive: true, force: true });
    },
  };
}

/** One agent in a worker thread, as the supervisor's WorkerHost runs it. */
export class AgentWorker {
  status: Extract<AgentWorkerMessage, { type: 'state' }> | null = null;
  private worker: Worker | null = null;

  constructor(readonly config: AgentWorkerConfig) {}

  get url(): string {
    return `http://${LOOPBACK}:${this.config.port}`;
  }

  /** Starts the worker; resolves once it reports ready. */
  async start(): Promise<void> {
    const worker = new Worker(AGENT_ENTRY, { workerData: this.config });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: AgentWorkerMessage) => {
        if (m.type === 'state') this.status = m;
        if (m.type === 'ready') resolve();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`agent worker exited with code ${code} before it was ready`)));
    });
  }

  async waitRegistered(timeoutMs = 15_000): Promise<string> {
    return waitUntil(
      'the agent to register',
      () => (this.status?.registered === true ? (this.status.agentId ?? undefined) : undefined),
      timeoutMs,
    );
  }

  /** Ends the thread abruptly (no goodbye); its tasks keep running. */
  async kill(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
    this.status = null;
  }

  /** Graceful stop; `shutdownTasks` kills the tasks first. */
  async stop(shutdownTasks = false): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ type: 'stop', shutdownTasks });
    await exited;
    this.worker = null;
  }
}

// The Mesos part of a cluster: masters and agents as worker threads of the supervisor. Lays them out
// (ports kept across restarts, each agent with its own work dir, port slice and share of the host),
// starts, kills and stops them, follows their reports and answers their status.
import { mkdirSync } from 'node:fs';
import { agentResources, type AgentWorkerConfig } from '../agent/config.js';
import type { AgentStopMessage } from '../agent/worker.js';
import { AgentClient, liveTasks } from '../api/agent.js';
import type { MasterStep } from '../common/election-record.js';
import { UserError, errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { LOOPBACK, type PortAllocator } from '../common/ports.js';
import type { MasterWorkerConfig } from '../master/config.js';
import { resourcesFromV1, scalarOf } from '../master/core/resources.js';
import type { AgentLayout, ClusterFile, MasterLayout } from './cluster-file.js';
import { agentPortSlices, agentResourceText, type HostResources, type PortRange } from './core/layout.js';
import { MesosView, type MesosInput } from './core/mesos-view.js';
import type { TimelineEntry } from './core/timeline.js';
import { WorkerHost } from './host.js';
import { packagePath, type ClusterPaths } from './paths.js';
import type { ClusterSpec } from './spec.js';
import type { AgentResources, AgentStatus, KillResult, MasterStatus, StartResult } from './status.js';
import { parseAgentMessage, parseMasterElection, parseMasterMessage } from './worker-messages.js';

/** How long `status` waits for an agent's own state. */
const AGENT_STATE_TIMEOUT_MS = 1_000;

export interface MesosLayout {
  masters: MasterLayout[];
  agents: AgentLayout[];
}

/** Agent port slices first: the supervisor reserves them before it hands out listening ports. */
export function agentSlices(spec: ClusterSpec, previous: ClusterFile | null, taken: readonly PortRange[]): PortRange[] {
  const names = agentNames(spec.mesos.agents);
  return agentPortSlices({
    count: names.length,
    previous: names.map((n) => previous?.agents?.find((a) => a.name === n)?.portRange),
    taken,
  });
}

export interface LayoutOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
  previous: ClusterFile | null;
  ports: PortAllocator;
  slices: readonly PortRange[];
}

export async function layoutMesos(o: LayoutOptions): Promise<MesosLayout> {
  const masters: MasterLayout[] = [];
  for (let i = 1; i <= o.spec.mesos.masters; i++) {
    const name = `master-${i}`;
    masters.push({ name, port: await o.ports.allocate(o.previous?.masters?.find((m) => m.name === name)?.port) });
  }
  const host = hostResources(o.paths.dir);
  const agents: AgentLayout[] = [];
  for (const [i, name] of agentNames(o.spec.mesos.agents).entries()) {
    const portRange = o.slices[i];
    if (portRange === undefined) throw new Error(`no port slice for ${name}`);
    const port = await o.ports.allocate(o.previous?.agents?.find((a) => a.name === name)?.port);
    const resources = agentResourceText(host, o.spec.mesos.agents, portRange);
    agents.push({ name, port, workDir: o.paths.agentWorkDir(name), resources, portRange });
  }
  return { masters, agents };
}

function agentNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `agent-${i + 1}`);
}

/** cpus, mem and disk as Mesos would detect them for one agent on this host. */
function hostResources(dir: string): HostResources {
  mkdirSync(dir, { recursive: true });
  const detected = resourcesFromV1(agentResources({ workDir: dir }));
  return { cpus: scalarOf(detected, 'cpus'), memMb: scalarOf(detected, 'mem'), diskMb: scalarOf(detected, 'disk') };
}

export interface MesosOptions {
  paths: ClusterPaths;
  spec: ClusterSpec;
  /** `zk://…/mesos`. */
  zk: string;
  layout: MesosLayout;
  /** Ports of the cluster's web servers, handed to each master and agent for its request guard. */
  sitePorts: number[];
  log: Logger;
  /** Timeline entries produced by what masters and agents report. */
  observe(entries: TimelineEntry[]): void;
  /** A step of the masters' contest, as a master reported it. */
  onElectionStep(master: string, step: MasterStep, at: number): void;
}

interface Component {
  kind: 'master' | 'agent';
  host: WorkerHost;
}

export class MesosComponents {
  private readonly view: MesosView;
  private readonly components = new Map<string, Component>();

  constructor(private readonly options: MesosOptions) {
    this.view = new MesosView(options.layout);
    for (const m of options.layout.masters) this.components.set(m.name, { kind: 'master', host: this.masterHost(m) });
    for (const a of options.layout.agents) this.components.set(a.name, { kind: 'agent', host: this.agentHost(a) });
  }

  get names(): string[] {
    return [...this.components.keys()];
  }

  has(name: string): boolean {
    return this.components.has(name);
  }

  /** Whether its worker thread runs (or is starting). */
  isUp(name: string): boolean {
    return this.component(name).host.pid !== null;
  }

  /** The name of the leading master, null during an election. */
  leading(): string | null {
    return this.view.leading();
  }

  /** Why masters and agents are not ready (a master leads and every agent registered with it), or null. */
  notReady(): string | null {
    return this.view.notReady();
  }

  startAll(): Promise<void> {
    return Promise.all(this.names.map((name) => this.launch(name))).then(() => undefined);
  }

  async start(name: string): Promise<StartResult> {
    const { host } = this.component(name);
    if (host.pid !== null) throw new UserError(`${name} is already running`);
    await this.launch(name);
    return { name, pid: host.pid ?? 0, thread: true, was: null };
  }

  /** Ends the worker thread abruptly: no goodbye on any connection; an agent's tasks keep running. */
  async kill(name: string): Promise<KillResult> {
    const { host } = this.component(name);
    if (host.pid === null) throw new UserError(`${name} is not running`);
    const role = this.view.master(name)?.role ?? null;
    const result: KillResult = { name, pid: host.pid, thread: true, role, at: Date.now() };
    this.apply({ type: 'killed', name });
    await host.kill();
    return result;
  }

  /** Stops the agents, each once it has killed its tasks (one killed with `kill` is started again to do so). */
  async stopAgents(): Promise<void> {
    await Promise.all(this.ofKind('agent').map(([name, c]) => this.shutDownAgent(name, c.host)));
  }

  /** Stops the masters (after the agents, so their last task updates reach a master). */
  async stopMasters(): Promise<void> {
    await Promise.all(this.ofKind('master').map(([, c]) => c.host.stop()));
  }

  /** What the agents do while they stop: `agent-1 is killing 3 tasks, agent-2 is stopping`. */
  agentsStopping(): string {
    const busy = this.ofKind('agent').flatMap(([name]) => {
      const agent = this.view.agent(name);
      if (agent === undefined || agent.process === 'exited' || agent.process === 'killed') return [];
      if (agent.process === 'starting') return [`${name} is starting again to kill its tasks`];
      return [
        agent.tasks === 0
          ? `${name} is stopping`
          : `${name} is killing ${agent.tasks} task${agent.tasks === 1 ? '' : 's'}`,
      ];
    });
    return busy.length === 0 ? 'the agents are stopping' : busy.join(', ');
  }

  /** The ids of the tasks the running agents have not seen end. */
  async liveTaskIds(): Promise<string[]> {
    const up = this.options.layout.agents.filter((a) => this.isUp(a.name));
    const states = await Promise.all(
      up.map((a) => new AgentClient(urlOf(a.port)).state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null)),
    );
    return states.flatMap((state) => (state === null ? [] : liveTasks(state).map(({ task }) => task.id)));
  }

  async status(): Promise<{ masters: MasterStatus[]; agents: AgentStatus[] }> {
    const masters = this.options.layout.masters.map((m): MasterStatus => {
      const view = this.view.master(m.name);
      return {
        name: m.name,
        url: urlOf(m.port),
        role: view?.role ?? null,
        state: view?.process ?? 'exited',
        pid: this.component(m.name).host.pid,
      };
    });
    const agents = await Promise.all(this.options.layout.agents.map((a) => this.agentStatus(a)));
    return { masters, agents };
  }

  private async agentStatus(a: AgentLayout): Promise<AgentStatus> {
    const view = this.view.agent(a.name);
    const pid = this.component(a.name).host.pid;
    const own =
      pid === null
        ? null
        : await new AgentClient(urlOf(a.port)).state({ timeoutMs: AGENT_STATE_TIMEOUT_MS }).catch(() => null);
    return {
      name: a.name,
      url: urlOf(a.port),
      id: view?.agentId ?? null,
      state: view?.process ?? 'exited',
      pid,
      registered: view?.registered ?? false,
      master: view?.master ?? null,
      portRange: a.portRange,
      resources: own === null ? null : v0Resources(own.resources),
      tasks: own === null ? null : liveTasks(own).length,
    };
  }

  private async shutDownAgent(name: string, host: WorkerHost): Promise<void> {
    if (this.view.agent(name)?.process === 'killed') {
      try {
        await this.launch(name);
      } catch (err) {
        this.options.log.warn(
          { agent: name, err: errorMessage(err) },
          'could not start the agent to stop its tasks; they keep running',
        );
        return;
      }
    }
    await host.stop();
  }

  private async launch(name: string): Promise<void> {
    const { host } = this.component(name);
    try {
      await host.start();
    } catch (err) {
      const reason = `${errorMessage(err)} (log ${this.options.paths.log(name)})`;
      this.options.observe([{ type: 'member-failed', at: Date.now(), member: name, reason }]);
      throw new UserError(`${name} failed to start: ${reason}`);
    }
  }

  private apply(input: MesosInput): void {
    this.options.observe(this.view.apply(input, Date.now()));
  }

  private ofKind(kind: Component['kind']): [string, Component][] {
    return [...this.components.entries()].filter(([, c]) => c.kind === kind);
  }

  private component(name: string): Component {
    const found = this.components.get(name);
    if (found === undefined) throw new Error(`no component ${name}`);
    return found;
  }

  private masterHost(m: MasterLayout): WorkerHost {
    const { spec, paths, zk, sitePorts } = this.options;
    const config: MasterWorkerConfig = {
      name: m.name,
      port: m.port,
      sitePorts,
      zk,
      timing: spec.masterTiming,
      logFile: paths.log(m.name),
      cluster: paths.name,
    };
    return this.workerHost(
      m.name,
      { entry: packagePath('dist', 'master', 'worker.js'), workerData: config, stopGraceMs: spec.memberStopGraceMs },
      (raw) => {
        const step = parseMasterElection(raw);
        if (step !== null) {
          this.options.onElectionStep(m.name, step.step, step.at);
          return undefined;
        }
        const message = parseMasterMessage(raw);
        return message === null ? null : { type: 'master-message', name: m.name, message };
      },
    );
  }

  private agentHost(a: AgentLayout): WorkerHost {
    const { spec, paths, zk, sitePorts } = this.options;
    const config: AgentWorkerConfig = {
      name: a.name,
      port: a.port,
      sitePorts,
      zk,
      workDir: a.workDir,
      resources: a.resources,
      attributes: agentAttributes(a.name),
      timing: spec.agentTiming,
      logFile: paths.log(a.name),
    };
    const stopMessage: AgentStopMessage = { type: 'stop', shutdownTasks: true };
    const entry = packagePath('dist', 'agent', 'worker.js');
    return this.workerHost(
      a.name,
      { entry, workerData: config, stopGraceMs: spec.agentStopGraceMs, stopMessage },
      (raw) => {
        const message = parseAgentMessage(raw);
        return message === null ? null : { type: 'agent-message', name: a.name, message };
      },
    );
  }

  private workerHost(
    name: string,
    o: { entry: string; workerData: unknown; stopGraceMs: number; stopMessage?: { type: 'stop' } },
    /** The input a message stands for; null when it is malformed; undefined when it was handled already. */
    parse: (raw: unknown) => MesosInput | null | undefined,
  ): WorkerHost {
    return new WorkerHost({
      name,
      ...o,
      readyTimeoutMs: this.options.spec.memberStartTimeoutMs,
      events: {
        onLaunch: () => this.apply({ type: 'launched', name }),
        onMessage: (raw) => {
          const input = parse(raw);
          if (input === null)
            this.options.log.warn({ component: name, message: raw }, 'ignored malformed worker message');
          else if (input !== undefined) this.apply(input);
        },
        onExit: (exit) => this.apply({ type: 'exited', name, code: exit.code }),
      },
    });
  }
}

/** Mesos --attributes of an agent: agents alternate between two racks, so constraints have something to spread over. */
export function agentAttributes(name: string): string {
  const n = Number(name.slice(name.lastIndexOf('-') + 1));
  return `rack:rack-${n % 2 === 1 ? 1 : 2}`;
}

function urlOf(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}

function v0Resources(r: Record<string, number | string>): AgentResources {
  const num = (key: string): number => (typeof r[key] === 'number' ? r[key] : 0);
  return {
    cpus: num('cpus'),
    mem: num('mem'),
    disk: num('disk'),
    ports: typeof r['ports'] === 'string' ? r['ports'] : '',
  };
}

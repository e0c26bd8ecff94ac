// A seeded, deterministic simulation of a leading Mesos master with agents around one SchedulerCore:
// it turns the core's calls into offers and status updates, keeps a store built from the persisted
// writes (to restore a core from it), and checks the effect order persist → calls → events.
import { MARATHON_MAX_VERSIONS } from '../../src/common/limits.js';
import {
  containsResources,
  parseResourceText,
  resourcesFromV1,
  resourcesToV1,
  subtractResources,
  sumResources,
  type Resources,
} from '../../src/master/core/resources.js';
import {
  isTerminalState,
  type Offer,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../../src/master/core/v1.js';
import type { CallWithoutFramework } from '../../src/api/mesos.js';
import { SCHEDULER_TIMING, type SchedulerTiming } from '../../src/scheduler/config.js';
import { normalizeApp } from '../../src/scheduler/core/app.js';
import type { AppDefinition } from '../../src/scheduler/core/app-types.js';
import { isMarathonLevel } from '../../src/scheduler/core/health.js';
import type { DeployRequest, Effect, Output, StoredState, StoreWrite } from '../../src/scheduler/core/messages.js';
import type {
  AppVersion,
  DeploymentPlan,
  Instance,
  LaunchDelay,
  MarathonEvent,
  RootGroup,
  TaskFailure,
} from '../../src/scheduler/core/model.js';
import { SchedulerCore, type SchedulerOptions } from '../../src/scheduler/core/scheduler.js';
import { Rng } from '../sim/prng.js';

export const FRAMEWORK_ID = 'sim-master-0000';
export const MASTER_URL = 'http://127.0.0.1:5050';
export const START = Date.parse('2024-03-01T10:00:00.000Z');

/** Options for a core under test; ids are a counter so runs repeat exactly. */
export function schedulerOptions(timing: Partial<SchedulerTiming> = {}): SchedulerOptions {
  let n = 0;
  return {
    frameworkName: 'marathon',
    user: 'root',
    role: '*',
    hostname: 'localhost',
    webuiUrl: 'http://localhost:8080',
    failoverTimeoutSeconds: 604800,
    newId: () => `id${String(++n).padStart(4, '0')}`,
    timing: { ...SCHEDULER_TIMING.demo, ...timing },
    servicePortRange: { min: 10000, max: 20000 },
  };
}

/** A normalised app from Marathon app JSON. */
/** A core already subscribed as FRAMEWORK_ID with the master at MASTER_URL. */
export function subscribedCore(): SchedulerCore {
  const core = new SchedulerCore({ options: schedulerOptions() });
  core.input({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: START });
  return core;
}

export function appDef(json: Record<string, unknown>): AppDefinition {
  const result = normalizeApp(json);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.app;
}

export function deployRequest(now: number, o: Partial<DeployRequest> = {}): DeployRequest {
  return {
    upsert: [],
    remove: [],
    removeGroups: [],
    upsertGroups: [],
    restart: [],
    killInstances: [],
    force: false,
    createOnly: false,
    now,
    ...o,
  };
}

export function offerOf(o: { id: string; agentId: string; hostname?: string; resources?: string }): Offer {
  return {
    id: { value: o.id },
    framework_id: { value: FRAMEWORK_ID },
    agent_id: { value: o.agentId },
    hostname: o.hostname ?? `host-${o.agentId}`,
    resources: resourcesToV1(
      resourcesFromV1(parseResourceText(o.resources ?? 'cpus:4;mem:4096;disk:10000;ports:[31000-31099]')),
      '*',
    ),
    attributes: [],
    executor_ids: [],
    allocation_info: { role: '*' },
  };
}

export function callsOf(effects: readonly Effect[]): CallWithoutFramework[] {
  return effects.flatMap((e) => (e.type === 'call' ? [e.call] : []));
}

export function eventsOf(effects: readonly Effect[]): MarathonEvent[] {
  return effects.flatMap((e) => (e.type === 'event' ? [e.event] : []));
}

export function writesOf(effects: readonly Effect[]): StoreWrite[] {
  return effects.flatMap((e) => (e.type === 'persist' ? e.writes : []));
}

const RANK: Record<Effect['type'], number> = { persist: 0, call: 1, event: 2, log: 3 };

/** Throws unless every persist precedes every call, and every call every event. */
export function assertEffectOrder(effects: readonly Effect[]): void {
  effects.forEach((e, i) => {
    const previous = effects[i - 1];
    if (previous !== undefined && RANK[previous.type] > RANK[e.type])
      throw new Error(`effect ${e.type} after ${previous.type}`);
  });
}

/** The store as the shell keeps it: every write applied in order; app versions pruned like the core does. */
export class SimStore {
  frameworkId: string | null = null;
  root: RootGroup | null = null;
  readonly versions = new Map<string, AppVersion[]>();
  readonly instances = new Map<string, Instance>();
  readonly deployments = new Map<string, DeploymentPlan>();
  readonly failures = new Map<string, TaskFailure>();
  readonly delays = new Map<string, LaunchDelay>();

  apply(w: StoreWrite): void {
    switch (w.kind) {
      case 'framework-id':
        this.frameworkId = w.frameworkId;
        return;
      case 'root':
        this.root = w.root;
        return;
      case 'app-version': {
        const kept = [w.app, ...(this.versions.get(w.app.id) ?? []).filter((v) => v.version !== w.app.version)];
        this.versions.set(
          w.app.id,
          kept.sort((a, b) => b.version.localeCompare(a.version)).slice(0, MARATHON_MAX_VERSIONS),
        );
        return;
      }
      case 'delete-app':
        this.versions.delete(w.appId);
        this.failures.delete(w.appId);
        return;
      case 'instance':
        this.instances.set(w.instance.instanceId, w.instance);
        return;
      case 'delete-instance':
        this.instances.delete(w.instanceId);
        return;
      case 'deployment':
        this.deployments.set(w.plan.id, w.plan);
        return;
      case 'delete-deployment':
        this.deployments.delete(w.id);
        return;
      case 'task-failure':
        this.failures.set(w.failure.appId, w.failure);
        return;
      case 'delay':
        this.delays.set(w.delay.appId, w.delay);
        return;
      case 'delete-delay':
        this.delays.delete(w.appId);
        return;
    }
  }

  /** A deep copy, as a restarted scheduler would read it. */
  state(): StoredState {
    return structuredClone({
      frameworkId: this.frameworkId,
      root: this.root,
      versions: [...this.versions.values()].flat(),
      instances: [...this.instances.values()],
      deployments: [...this.deployments.values()],
      failures: [...this.failures.values()],
      delays: [...this.delays.values()],
    });
  }
}

/** How a simulated task behaves once running. */
export interface TaskBehaviour {
  /** Ends on its own this long after TASK_RUNNING. */
  exitAfterMs?: number;
  exitState?: TaskState;
  /** What Marathon-level probes see. */
  healthy: boolean;
}

export interface SimTask {
  info: TaskInfo;
  appId: string;
  agentId: string;
  state: TaskState;
  resources: Resources;
  behaviour: TaskBehaviour;
  runningAt?: number;
}

interface SimAgent {
  id: string;
  hostname: string;
  total: Resources;
  offered: boolean;
  filteredUntil: number;
}

export interface SimOptions {
  seed: number;
  agents?: number;
  agentResources?: string;
  timing?: Partial<SchedulerTiming>;
  /** Per task, from its TaskInfo (default: runs forever, healthy). */
  behaviour?: (info: TaskInfo) => TaskBehaviour;
  allocationMs?: number;
}

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

export class MesosSim {
  now = START;
  readonly rng: Rng;
  core: SchedulerCore;
  readonly options: SchedulerOptions;
  readonly store = new SimStore();
  readonly tasks = new Map<string, SimTask>();
  readonly events: MarathonEvent[] = [];
  readonly writes: { at: number; write: StoreWrite }[] = [];
  readonly calls: { at: number; call: CallWithoutFramework }[] = [];
  readonly logs: string[] = [];
  /** Checked after every input and command. */
  readonly invariants: (() => void)[] = [];
  private readonly agents: SimAgent[];
  private readonly schedule: Scheduled[] = [];
  private readonly offers = new Map<string, string>();
  private readonly unacked = new Set<string>();
  /** Agents cut off from the master: no offers, no kills reach them, their tasks' updates wait. */
  private readonly partitioned = new Set<string>();
  private seq = 0;
  private offerSeq = 0;
  private suppressed = false;
  private connected = false;

  constructor(private readonly o: SimOptions) {
    this.rng = new Rng(o.seed);
    this.options = schedulerOptions(o.timing);
    this.core = new SchedulerCore({ options: this.options });
    this.agents = Array.from({ length: o.agents ?? 2 }, (_, i) => ({
      id: `sim-master-S${i}`,
      hostname: `agent-${i + 1}`,
      total: resourcesFromV1(
        parseResourceText(
          o.agentResources ?? `cpus:4;mem:4096;disk:10000;ports:[${31000 + i * 500}-${31499 + i * 500}]`,
        ),
      ),
      offered: false,
      filteredUntil: 0,
    }));
    this.every(o.allocationMs ?? 100, () => this.allocate());
    this.every(this.options.timing.tickMs, () => this.feed({ type: 'tick', now: this.now }));
    this.at(this.now, () => this.subscribe());
  }

  // ---- driving ----

  runFor(ms: number): void {
    this.runUntil(() => false, ms, { quiet: true });
  }

  /** Runs the simulation until `done` holds; throws when `withinMs` passes first. */
  runUntil(done: () => boolean, withinMs: number, o: { quiet?: boolean; what?: string } = {}): void {
    const deadline = this.now + withinMs;
    for (;;) {
      if (done()) return;
      const next = this.schedule[0];
      if (next === undefined || next.at > deadline) break;
      this.schedule.shift();
      this.now = next.at;
      next.run();
    }
    this.now = deadline;
    if (!o.quiet) throw new Error(`not reached within ${withinMs} ms: ${o.what ?? 'condition'}`);
  }

  /** A command of the core: its effects run like the shell runs them, then the reply. */
  command<R>(run: (core: SchedulerCore, now: number) => Output<R>): Output<R>['reply'] {
    const output = run(this.core, this.now);
    this.apply(output.effects);
    return output.reply;
  }

  deploy(o: Partial<DeployRequest>): ReturnType<SchedulerCore['deploy']>['reply'] {
    return this.command((core, now) => core.deploy(deployRequest(now, o)));
  }

  /** The scheduler fails over: a new core restored from the store subscribes again. */
  failover(): void {
    this.connected = false;
    this.core = new SchedulerCore({ options: this.options, state: this.store.state() });
    this.at(this.now + this.rng.int(50, 300), () => this.subscribe());
  }

  /** A task the scheduler never launched shows up running on an agent. */
  injectUnknownTask(taskId: string): void {
    const agent = this.rng.pick(this.agents);
    const info: TaskInfo = { name: 'stray', task_id: { value: taskId }, agent_id: { value: agent.id }, resources: [] };
    this.tasks.set(taskId, {
      info,
      appId: '/stray',
      agentId: agent.id,
      state: 'TASK_RUNNING',
      resources: resourcesFromV1([]),
      behaviour: { healthy: true },
    });
    this.send(taskId, 'TASK_RUNNING', { uuid: true });
  }

  /** The agent drops off the master, which reports its live tasks TASK_UNREACHABLE; they keep running. */
  partition(agentId: string): void {
    this.partitioned.add(agentId);
    for (const t of this.tasksOn(agentId)) this.send(t.info.task_id.value, 'TASK_UNREACHABLE', { uuid: false });
  }

  /** The agent re-registers: the master reports each of its live tasks in its state again. */
  reconnect(agentId: string): void {
    this.partitioned.delete(agentId);
    for (const t of this.tasksOn(agentId)) this.send(t.info.task_id.value, t.state, { uuid: false });
  }

  private tasksOn(agentId: string): SimTask[] {
    return [...this.tasks.values()].filter((t) => t.agentId === agentId && !isTerminalState(t.state));
  }

  liveTasks(appId: string): SimTask[] {
    return [...this.tasks.values()].filter((t) => t.appId === appId && !isTerminalState(t.state));
  }

  runningTasks(appId: string): SimTask[] {
    return this.liveTasks(appId).filter((t) => t.state === 'TASK_RUNNING');
  }

  get unacknowledged(): number {
    return this.unacked.size;
  }

  // ---- the core's side ----

  private feed(input: Parameters<SchedulerCore['input']>[0]): void {
    this.apply(this.core.input(input));
  }

  private apply(effects: Effect[]): void {
    assertEffectOrder(effects);
    for (const e of effects) {
      switch (e.type) {
        case 'persist':
          for (const write of e.writes) {
            this.store.apply(write);
            this.writes.push({ at: this.now, write });
          }
          break;
        case 'call':
          this.calls.push({ at: this.now, call: e.call });
          this.onCall(e.call);
          break;
        case 'event':
          this.events.push(e.event);
          break;
        case 'log':
          this.logs.push(e.msg);
          break;
      }
    }
    for (const check of this.invariants) check();
  }

  private subscribe(): void {
    this.connected = true;
    this.suppressed = false;
    this.offers.clear();
    for (const a of this.agents) Object.assign(a, { offered: false, filteredUntil: 0 });
    this.feed({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: this.now });
  }

  // ---- the master's side ----

  private onCall(call: CallWithoutFramework): void {
    if (!this.connected) throw new Error(`call ${call.type} while not subscribed`);
    switch (call.type) {
      case 'ACCEPT':
        this.accept(
          call.accept.offer_ids.map((o) => o.value),
          call.accept.operations ?? [],
          call.accept.filters?.refuse_seconds,
        );
        return;
      case 'DECLINE':
        call.decline.offer_ids.forEach((o) => this.answerOffer(o.value, call.decline.filters?.refuse_seconds));
        return;
      case 'KILL':
        this.kill(call.kill.task_id.value);
        return;
      case 'ACKNOWLEDGE':
        this.unacked.delete(call.acknowledge.uuid);
        return;
      case 'RECONCILE':
        this.reconcile((call.reconcile?.tasks ?? []).map((t) => t.task_id.value));
        return;
      case 'REVIVE':
        this.suppressed = false;
        for (const a of this.agents) a.filteredUntil = 0;
        return;
      case 'SUPPRESS':
        this.suppressed = true;
        return;
      case 'TEARDOWN':
        throw new Error('unexpected TEARDOWN');
    }
  }

  private answerOffer(offerId: string, refuseSeconds: number | undefined): SimAgent {
    const agentId = this.offers.get(offerId);
    const agent = this.agents.find((a) => a.id === agentId);
    if (agent === undefined) throw new Error(`offer ${offerId} is not outstanding`);
    this.offers.delete(offerId);
    agent.offered = false;
    agent.filteredUntil = this.now + (refuseSeconds ?? 5) * 1000;
    return agent;
  }

  private accept(
    offerIds: string[],
    operations: { type: string; launch?: { task_infos: TaskInfo[] } }[],
    refuseSeconds: number | undefined,
  ): void {
    const agent = this.answerOffer(offerIds[0] ?? '', refuseSeconds);
    for (const info of operations.flatMap((op) => op.launch?.task_infos ?? [])) {
      const resources = resourcesFromV1(info.resources);
      if (!containsResources(this.free(agent), resources))
        throw new Error(`task ${info.task_id.value} does not fit agent ${agent.id}`);
      if (this.tasks.has(info.task_id.value)) throw new Error(`duplicate task id ${info.task_id.value}`);
      const behaviour = this.o.behaviour?.(info) ?? { healthy: true };
      const appId = `/${info.task_id.value.split('.instance-')[0]?.replaceAll('_', '/') ?? ''}`;
      this.tasks.set(info.task_id.value, {
        info,
        appId,
        agentId: agent.id,
        state: 'TASK_STAGING',
        resources,
        behaviour,
      });
      this.later(10, 60, () => this.transition(info.task_id.value, 'TASK_STARTING'));
      this.later(60, 300, () => this.transition(info.task_id.value, 'TASK_RUNNING'));
    }
  }

  private free(agent: SimAgent): Resources {
    const used = [...this.tasks.values()]
      .filter((t) => t.agentId === agent.id && !isTerminalState(t.state))
      .map((t) => t.resources);
    return subtractResources(agent.total, sumResources(used));
  }

  private allocate(): void {
    if (!this.connected || this.suppressed) return;
    const offers = this.agents
      .filter((a) => !a.offered && a.filteredUntil <= this.now && !this.partitioned.has(a.id))
      .map((a): Offer => {
        const id = `sim-master-O${++this.offerSeq}`;
        this.offers.set(id, a.id);
        a.offered = true;
        return { ...offerOf({ id, agentId: a.id, hostname: a.hostname }), resources: resourcesToV1(this.free(a), '*') };
      });
    if (offers.length > 0)
      this.feed({ type: 'offers', offers: this.rng.chance(0.5) ? offers : offers.reverse(), now: this.now });
  }

  private kill(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task === undefined) return this.reconcile([taskId]);
    if (isTerminalState(task.state) || this.partitioned.has(task.agentId)) return;
    this.later(5, 50, () => this.transition(taskId, 'TASK_KILLING'));
    this.later(60, 200, () => this.transition(taskId, 'TASK_KILLED'));
  }

  private transition(taskId: string, state: TaskState): void {
    const task = this.tasks.get(taskId);
    if (task === undefined || isTerminalState(task.state) || task.state === state) return;
    if (state === 'TASK_STARTING' && task.state !== 'TASK_STAGING') return;
    if (state === 'TASK_RUNNING' && task.state !== 'TASK_STARTING' && task.state !== 'TASK_STAGING') return;
    task.state = state;
    if (state === 'TASK_RUNNING') this.started(task);
    this.send(taskId, state, { uuid: true });
  }

  private started(task: SimTask): void {
    task.runningAt = this.now;
    const { exitAfterMs, exitState } = task.behaviour;
    if (exitAfterMs !== undefined)
      this.at(this.now + exitAfterMs, () => this.transition(task.info.task_id.value, exitState ?? 'TASK_FAILED'));
    const app = this.core.root.apps[task.appId];
    app?.healthChecks.forEach((check, index) => {
      if (isMarathonLevel(check.protocol)) this.probe(task, index, check.intervalSeconds * 1000);
    });
  }

  private probe(task: SimTask, checkIndex: number, intervalMs: number): void {
    this.at(this.now + intervalMs, () => {
      if (task.state !== 'TASK_RUNNING' || !this.connected) return;
      const alive = task.behaviour.healthy;
      this.feed({
        type: 'health',
        taskId: task.info.task_id.value,
        checkIndex,
        alive,
        cause: alive ? null : 'HTTP 503',
        now: this.now,
      });
      this.probe(task, checkIndex, intervalMs);
    });
  }

  private reconcile(taskIds: string[]): void {
    const ids =
      taskIds.length > 0
        ? taskIds
        : [...this.tasks.values()].filter((t) => !isTerminalState(t.state)).map((t) => t.info.task_id.value);
    const stateOf = (task: SimTask | undefined): TaskState =>
      task === undefined ? 'TASK_GONE' : this.partitioned.has(task.agentId) ? 'TASK_UNREACHABLE' : task.state;
    for (const id of ids) this.later(1, 20, () => this.send(id, stateOf(this.tasks.get(id)), { uuid: false }));
  }

  private send(taskId: string, state: TaskState, o: { uuid: boolean }): void {
    const task = this.tasks.get(taskId);
    if (task !== undefined && this.partitioned.has(task.agentId) && state !== 'TASK_UNREACHABLE') return;
    const uuid = o.uuid ? `u${++this.seq}` : undefined;
    const status: TaskStatus = {
      task_id: { value: taskId },
      state,
      source: o.uuid ? 'SOURCE_EXECUTOR' : 'SOURCE_MASTER',
      ...(task === undefined ? {} : { agent_id: { value: task.agentId } }),
      ...(uuid === undefined ? {} : { uuid }),
      ...(state === 'TASK_FAILED' ? { message: 'Command exited with status 1' } : {}),
    };
    if (!this.connected) return;
    if (uuid !== undefined) this.unacked.add(uuid);
    this.feed({ type: 'update', status, now: this.now });
  }

  // ---- the clock ----

  private at(at: number, run: () => void): void {
    const item = { at, seq: ++this.seq, run };
    const index = this.schedule.findIndex((s) => s.at > at);
    if (index === -1) this.schedule.push(item);
    else this.schedule.splice(index, 0, item);
  }

  private later(minMs: number, maxMs: number, run: () => void): void {
    this.at(this.now + this.rng.int(minMs, maxMs), run);
  }

  private every(ms: number, run: () => void): void {
    this.at(this.now + ms, () => {
      run();
      this.every(ms, run);
    });
  }
}

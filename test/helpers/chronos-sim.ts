// A seeded, deterministic simulation of a leading Mesos master with agents around one ChronosCore on a
// virtual clock: offers, task lifecycles, acknowledgements, reconciliation; the store built from the
// persisted writes; failovers that restore a new core from that store (optionally after a crash between
// a write and its calls); and a record of what the master launched and the core counted, for invariants.
import { CHRONOS_TIMING } from '../../src/chronos/config.js';
import { ChronosCore, type ChronosOptions } from '../../src/chronos/core/chronos.js';
import type { Job } from '../../src/chronos/core/job.js';
import type { Effect, JobRuns, Output, RunRecord, StoredState, StoreWrite } from '../../src/chronos/core/messages.js';
import { parseTaskId } from '../../src/chronos/core/task.js';
import type { CallWithoutFramework, Offer, TaskInfo, TaskState, TaskStatus } from '../../src/framework/mesos-types.js';
import { Rng } from '../sim/prng.js';

export const FRAMEWORK_ID = 'sim-chronos-0000';
export const MASTER_URL = 'http://127.0.0.1:5050';

export function chronosOptions(o: Partial<ChronosOptions> = {}): ChronosOptions {
  return {
    frameworkName: 'chronos',
    role: '*',
    hostname: 'localhost',
    webuiUrl: 'http://localhost:4400',
    failoverTimeoutSeconds: 604_800,
    defaults: { cpus: 0.1, mem: 128, disk: 256, user: 'root' },
    disableAfterFailures: 0,
    timing: CHRONOS_TIMING.demo,
    ...o,
  };
}

export function offerOf(o: { id: string; agentId: string; cpus?: number; mem?: number; disk?: number }): Offer {
  const scalar = (name: string, value: number) => ({
    name,
    type: 'SCALAR' as const,
    scalar: { value },
    role: '*',
    allocation_info: { role: '*' },
  });
  return {
    id: { value: o.id },
    framework_id: { value: FRAMEWORK_ID },
    agent_id: { value: o.agentId },
    hostname: `host-${o.agentId}`,
    resources: [scalar('cpus', o.cpus ?? 4), scalar('mem', o.mem ?? 8192), scalar('disk', o.disk ?? 100_000)],
    attributes: [],
    executor_ids: [],
    allocation_info: { role: '*' },
  };
}

export function callsOf(effects: readonly Effect[]): CallWithoutFramework[] {
  return effects.flatMap((e) => (e.type === 'call' ? [e.call] : []));
}

export function writesOf(effects: readonly Effect[]): StoreWrite[] {
  return effects.flatMap((e) => (e.type === 'persist' ? e.writes : []));
}

/** The TaskInfos of the ACCEPT calls among the effects. */
export function launchesOf(effects: readonly Effect[]): TaskInfo[] {
  return callsOf(effects).flatMap((c) =>
    c.type === 'ACCEPT'
      ? (c.accept.operations ?? []).flatMap((op) => (op.type === 'LAUNCH' ? op.launch.task_infos : []))
      : [],
  );
}

const RANK: Record<Effect['type'], number> = { persist: 0, call: 1, event: 2, log: 3 };

export function assertEffectOrder(effects: readonly Effect[]): void {
  effects.forEach((e, i) => {
    const previous = effects[i - 1];
    if (previous !== undefined && RANK[previous.type] > RANK[e.type])
      throw new Error(`effect ${e.type} after ${previous.type}`);
  });
}

/** The store as the shell keeps it: every write applied in order, values copied. */
export class ChronosStore {
  frameworkId: string | null = null;
  readonly jobs = new Map<string, Job>();
  readonly runs = new Map<string, JobRuns>();
  readonly histories = new Map<string, RunRecord[]>();

  apply(w: StoreWrite): void {
    switch (w.kind) {
      case 'framework-id':
        this.frameworkId = w.frameworkId;
        return;
      case 'job':
        this.jobs.set(w.job.name, structuredClone(w.job));
        return;
      case 'runs':
        this.runs.set(w.runs.name, structuredClone(w.runs));
        return;
      case 'history':
        this.histories.set(w.history.name, structuredClone(w.history.runs));
        return;
      case 'delete-job':
        this.jobs.delete(w.name);
        this.runs.delete(w.name);
        this.histories.delete(w.name);
        return;
    }
  }

  state(): StoredState {
    return structuredClone({
      frameworkId: this.frameworkId,
      jobs: [...this.jobs.values()],
      runs: [...this.runs.values()],
      histories: [...this.histories].map(([name, runs]) => ({ name, runs })),
    });
  }
}

export interface TaskBehaviour {
  durationMs: number;
  exit: 'TASK_FINISHED' | 'TASK_FAILED';
}

interface SimTask {
  taskId: string;
  job: string;
  agentId: string;
  state: TaskState;
  cpus: number;
  mem: number;
  /** The latest update not acknowledged yet; resent to each new subscription. */
  unacked: TaskStatus | null;
}

interface SimAgent {
  id: string;
  offered: string | null;
  filteredUntil: number;
}

export interface SimOptions {
  seed: number;
  agents?: number;
  options?: Partial<ChronosOptions>;
  allocationMs?: number;
  behaviour?: (task: TaskInfo, rng: Rng) => TaskBehaviour;
}

/** Events by time, then insertion order. */
class Clock {
  private readonly heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  push(at: number, run: () => void): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, run });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p] as (typeof h)[0], h[i] as (typeof h)[0]];
      i = p;
    }
  }

  pop(limit: number): { at: number; run: () => void } | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined || top.at > limit) return undefined;
    const last = h.pop() as (typeof h)[0];
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as (typeof h)[0], h[i] as (typeof h)[0]];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as { at: number; seq: number };
    const y = this.heap[b] as { at: number; seq: number };
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

export class ChronosSim {
  now: number;
  readonly rng: Rng;
  core: ChronosCore | null;
  readonly options: ChronosOptions;
  readonly store = new ChronosStore();
  /** Tasks the master created (ACCEPT), in order. */
  readonly launches: { at: number; seq: number; taskId: string; job: string; attempt: number }[] = [];
  /** Launches the core stored (a new task in a job's runs, not a repeat of one Mesos never saw). */
  readonly stored: { at: number; seq: number; taskId: string; job: string; attempt: number }[] = [];
  /** Successes the core counted (a job's stored successCount went up). */
  readonly successes: { at: number; seq: number; job: string }[] = [];
  /** When no core led: [from, to). */
  readonly outages: { from: number; to: number }[] = [];
  /** Since when no core leads, while none does. */
  failing: number | null = null;
  readonly logs: string[] = [];
  private readonly clock = new Clock();
  private readonly tasks = new Map<string, SimTask>();
  private readonly agents: SimAgent[];
  private readonly taskRng: Rng;
  private suppressed = false;
  private connected = false;
  private offerSeq = 0;
  private uuidSeq = 0;
  private crashAfterNextPersist = false;
  /** Orders the records above when they happen at the same virtual time. */
  private seq = 0;
  private downMs = 0;

  constructor(private readonly o: SimOptions & { start: number }) {
    this.now = o.start;
    this.rng = new Rng(o.seed);
    this.taskRng = this.rng.fork();
    this.options = chronosOptions(o.options);
    this.core = new ChronosCore({ options: this.options });
    this.agents = Array.from({ length: o.agents ?? 3 }, (_, i) => ({
      id: `agent-${i + 1}`,
      offered: null,
      filteredUntil: 0,
    }));
    this.every(this.options.timing.tickMs, () => this.feed({ type: 'tick', now: this.now }));
    this.every(o.allocationMs ?? 500, () => this.allocate());
    this.at(this.now, () => this.subscribe());
  }

  // ---- driving ----

  runUntilTime(time: number): void {
    for (let next = this.clock.pop(time); next !== undefined; next = this.clock.pop(time)) {
      this.now = next.at;
      next.run();
    }
    this.now = time;
  }

  runFor(ms: number): void {
    this.runUntilTime(this.now + ms);
  }

  /** Runs `run` at virtual time `at`. */
  schedule(at: number, run: () => void): void {
    this.at(at, run);
  }

  /** A command on the leading core; its effects run as the shell runs them. */
  command<R>(run: (core: ChronosCore, now: number) => Output<R>): Output<R>['reply'] {
    if (this.core === null) throw new Error('no leading Chronos');
    const output = run(this.core, this.now);
    this.apply(output.effects);
    return output.reply;
  }

  /** Runs a command's effects as the shell runs them (the core's effects came from outside, e.g. the API). */
  runEffects(effects: Effect[]): void {
    this.apply(effects);
  }

  /** The leading Chronos dies now (after storing the next write, without sending its calls, when `afterPersist`); a new one leads after `downMs`. */
  failover(o: { downMs: number; afterPersist?: boolean }): void {
    if (o.afterPersist === true) {
      this.crashAfterNextPersist = true;
      this.downMs = o.downMs;
      return;
    }
    this.crash(o.downMs);
  }

  get leading(): boolean {
    return this.core !== null;
  }

  liveTasks(): { taskId: string; job: string; state: TaskState }[] {
    return [...this.tasks.values()].filter((t) => !isEnded(t.state));
  }

  // ---- the core's side ----

  private crash(downMs: number): void {
    if (this.core === null) return;
    this.core = null;
    this.connected = false;
    for (const a of this.agents) a.offered = null;
    const from = this.now;
    this.failing = from;
    this.at(this.now + downMs, () => {
      this.outages.push({ from, to: this.now });
      this.failing = null;
      this.core = new ChronosCore({ options: this.options, state: this.store.state() });
      this.at(this.now + this.rng.int(20, 200), () => this.subscribe());
    });
  }

  private feed(input: Parameters<ChronosCore['input']>[0]): void {
    if (this.core === null) return;
    this.apply(this.core.input(input));
  }

  private apply(effects: Effect[]): void {
    assertEffectOrder(effects);
    let crashed = false;
    for (const e of effects) {
      switch (e.type) {
        case 'persist':
          for (const w of e.writes) this.persist(w);
          if (this.crashAfterNextPersist) {
            this.crashAfterNextPersist = false;
            crashed = true;
          }
          break;
        case 'call':
          if (!crashed) this.onCall(e.call);
          break;
        case 'event':
          break;
        case 'log':
          this.logs.push(`${new Date(this.now).toISOString()} ${e.msg}`);
          break;
      }
    }
    if (crashed) this.crash(this.downMs);
  }

  private persist(w: StoreWrite): void {
    if (w.kind === 'job') {
      const before = this.store.jobs.get(w.job.name)?.successCount ?? 0;
      if (w.job.successCount > before) this.successes.push({ at: this.now, seq: ++this.seq, job: w.job.name });
    }
    if (w.kind === 'runs') {
      const known = new Set(this.store.runs.get(w.runs.name)?.tasks.map((t) => t.taskId));
      for (const t of w.runs.tasks)
        if (!known.has(t.taskId) && t.relaunches === 0)
          this.stored.push({ at: this.now, seq: ++this.seq, taskId: t.taskId, job: w.runs.name, attempt: t.attempt });
    }
    this.store.apply(w);
  }

  private subscribe(): void {
    if (this.core === null) return;
    this.connected = true;
    this.suppressed = false;
    for (const a of this.agents) Object.assign(a, { offered: null, filteredUntil: 0 });
    this.feed({ type: 'subscribed', frameworkId: FRAMEWORK_ID, master: MASTER_URL, now: this.now });
    for (const t of this.tasks.values()) if (t.unacked !== null) this.deliver(t.unacked);
  }

  // ---- the master's side ----

  private onCall(call: CallWithoutFramework): void {
    if (!this.connected) throw new Error(`call ${call.type} while not subscribed`);
    switch (call.type) {
      case 'ACCEPT':
        return this.accept(
          call.accept.offer_ids[0]?.value ?? '',
          call.accept.operations ?? [],
          call.accept.filters?.refuse_seconds,
        );
      case 'DECLINE':
        return call.decline.offer_ids.forEach((o) => this.answer(o.value, call.decline.filters?.refuse_seconds));
      case 'KILL':
        return this.kill(call.kill.task_id.value);
      case 'ACKNOWLEDGE': {
        const task = this.tasks.get(call.acknowledge.task_id.value);
        if (task?.unacked?.uuid === call.acknowledge.uuid) task.unacked = null;
        return;
      }
      case 'RECONCILE':
        return this.reconcile((call.reconcile?.tasks ?? []).map((t) => t.task_id.value));
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

  private answer(offerId: string, refuseSeconds: number | undefined): SimAgent | undefined {
    const agent = this.agents.find((a) => a.offered === offerId);
    if (agent === undefined) return undefined;
    agent.offered = null;
    agent.filteredUntil = this.now + (refuseSeconds ?? 5) * 1000;
    return agent;
  }

  private accept(
    offerId: string,
    operations: { type: string; launch?: { task_infos: TaskInfo[] } }[],
    refuse?: number,
  ): void {
    const agent = this.answer(offerId, refuse);
    for (const info of operations.flatMap((op) => op.launch?.task_infos ?? [])) {
      const id = info.task_id.value;
      if (agent === undefined) {
        this.later(1, 5, () =>
          this.send({ taskId: id, agentId: info.agent_id.value, state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS' }),
        );
        continue;
      }
      const live = this.tasks.get(id);
      if (live !== undefined && !isEnded(live.state)) throw new Error(`duplicate task id ${id}`);
      const parts = parseTaskId(id);
      if (parts === null) throw new Error(`not a Chronos task id: ${id}`);
      const scalar = (name: string): number => info.resources.find((r) => r.name === name)?.scalar?.value ?? 0;
      const task: SimTask = {
        taskId: id,
        job: parts.job,
        agentId: agent.id,
        state: 'TASK_STAGING',
        cpus: scalar('cpus'),
        mem: scalar('mem'),
        unacked: null,
      };
      this.tasks.set(id, task);
      this.launches.push({ at: this.now, seq: ++this.seq, taskId: id, job: parts.job, attempt: parts.attempt });
      const behaviour = this.o.behaviour?.(info, this.taskRng) ?? { durationMs: 1000, exit: 'TASK_FINISHED' };
      this.later(20, 200, () => {
        this.transition(task, 'TASK_RUNNING');
        this.at(this.now + behaviour.durationMs, () => this.transition(task, behaviour.exit));
      });
    }
  }

  private allocate(): void {
    if (!this.connected || this.suppressed) return;
    const offers = this.agents
      .filter((a) => a.offered === null && a.filteredUntil <= this.now)
      .map((a) => {
        a.offered = `offer-${++this.offerSeq}`;
        const used = this.liveOn(a.id);
        return offerOf({ id: a.offered, agentId: a.id, cpus: 4 - used.cpus, mem: 8192 - used.mem });
      });
    if (offers.length > 0) this.feed({ type: 'offers', offers, now: this.now });
  }

  private liveOn(agentId: string): { cpus: number; mem: number } {
    const live = [...this.tasks.values()].filter((t) => t.agentId === agentId && !isEnded(t.state));
    return { cpus: live.reduce((n, t) => n + t.cpus, 0), mem: live.reduce((n, t) => n + t.mem, 0) };
  }

  private kill(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (task === undefined || isEnded(task.state)) return;
    this.later(50, 150, () => this.transition(task, 'TASK_KILLED'));
  }

  private transition(task: SimTask, state: TaskState): void {
    if (isEnded(task.state)) return;
    task.state = state;
    this.send({ taskId: task.taskId, agentId: task.agentId, state, uuid: true });
  }

  private reconcile(asked: string[]): void {
    const ids = asked.length > 0 ? asked : this.liveTasks().map((t) => t.taskId);
    for (const id of ids) {
      const task = this.tasks.get(id);
      this.later(1, 20, () =>
        task === undefined
          ? this.send({ taskId: id, agentId: '', state: 'TASK_LOST', reason: 'REASON_RECONCILIATION' })
          : this.send({ taskId: id, agentId: task.agentId, state: task.state, reason: 'REASON_RECONCILIATION' }),
      );
    }
  }

  private send(o: { taskId: string; agentId: string; state: TaskState; reason?: string; uuid?: boolean }): void {
    const status: TaskStatus = {
      task_id: { value: o.taskId },
      state: o.state,
      ...(o.agentId === '' ? {} : { agent_id: { value: o.agentId } }),
      ...(o.reason === undefined ? {} : { reason: o.reason }),
      ...(o.uuid === true ? { uuid: `u${++this.uuidSeq}` } : {}),
      ...(o.state === 'TASK_FAILED' ? { message: 'Command exited with status 1' } : {}),
    };
    const task = this.tasks.get(o.taskId);
    if (o.uuid === true && task !== undefined) task.unacked = status;
    this.deliver(status);
  }

  private deliver(status: TaskStatus): void {
    if (this.connected) this.feed({ type: 'update', status, now: this.now });
  }

  // ---- the clock ----

  private at(at: number, run: () => void): void {
    this.clock.push(at, run);
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

function isEnded(state: TaskState): boolean {
  return !['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(state);
}

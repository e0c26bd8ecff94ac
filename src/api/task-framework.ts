// A small Mesos framework over the v1 scheduler API (behind `minicluster run`, the benchmark and the
// tests): it subscribes, launches queued tasks on offers that fit, acknowledges every status update,
// follows its tasks across master failovers (re-subscribing with its framework id, then reconciling)
// and tears down.
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../common/errors.js';
import { isTerminalState, type FrameworkInfo, type Offer, type TaskState, type TaskStatus } from '../master/core/v1.js';
import { SchedulerClient, type CallWithoutFramework, type Subscription } from './mesos.js';
import { placeTasks, type QueuedTask, type TaskRequest } from './offer-fit.js';

export type { TaskRequest } from './offer-fit.js';

export interface TaskFrameworkOptions {
  /** `http://host:port` of masters; any will do, calls follow redirects to the leading one. */
  masters: readonly string[];
  name: string;
  /** How long the masters keep this framework and its tasks while it is disconnected. */
  failoverTimeoutSeconds: number;
  /** How long to keep trying to subscribe (and to re-subscribe after the event stream ended). */
  subscribeTimeoutMs: number;
  onUpdate?(task: LaunchedTask, status: TaskStatus): void;
}

/** A queued or launched task: where it runs and every status it went through. */
export class LaunchedTask {
  agentId: string | null = null;
  /** `http://host:port` of the agent it was launched on. */
  agentUrl: string | null = null;
  ports: number[] = [];
  /** When the ACCEPT that launches it was sent (ms since the epoch). */
  acceptedAt: number | null = null;
  readonly statuses: TaskStatus[] = [];
  /** When this framework first heard of each state (ms since the epoch). */
  readonly heardAt = new Map<TaskState, number>();
  private readonly waiters = new Set<{
    wanted: TaskState | null;
    resolve(s: TaskStatus): void;
    reject(e: Error): void;
  }>();

  constructor(
    readonly id: string,
    readonly request: TaskRequest,
  ) {}

  get state(): TaskState | null {
    return this.statuses.at(-1)?.state ?? null;
  }

  /** Resolves with the first status in `state` (null: the first terminal one); rejects if the task ends otherwise. */
  waitFor(state: TaskState | null = null): Promise<TaskStatus> {
    const seen = this.statuses.find((s) => (state === null ? isTerminalState(s.state) : s.state === state));
    if (seen !== undefined) return Promise.resolve(seen);
    const ended = this.statuses.find((s) => isTerminalState(s.state));
    if (ended !== undefined)
      return Promise.reject(new Error(`task ${this.id} ended ${ended.state} before ${state ?? 'ending'}`));
    return new Promise((resolve, reject) => this.waiters.add({ wanted: state, resolve, reject }));
  }

  record(status: TaskStatus): void {
    this.statuses.push(status);
    if (!this.heardAt.has(status.state)) this.heardAt.set(status.state, Date.now());
    const terminal = isTerminalState(status.state);
    for (const w of this.waiters) {
      if (w.wanted === status.state || (w.wanted === null && terminal)) w.resolve(status);
      else if (terminal)
        w.reject(
          new Error(
            `task ${this.id} ended ${status.state}${status.message === undefined ? '' : ` (${status.message})`} before ${w.wanted}`,
          ),
        );
      else continue;
      this.waiters.delete(w);
    }
  }

  fail(err: Error): void {
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }
}

const RETRY_MS = 100;
/** Offers that fit nothing queued come back after this (an idle framework suppresses offers instead). */
const BUSY_REFUSE_SECONDS = 1;

export class TaskFramework {
  private readonly queue: QueuedTask[] = [];
  private readonly tasks = new Map<string, LaunchedTask>();
  private suppressed = false;
  private closing = false;
  private failure: Error | null = null;
  private readonly followed: Promise<void>;

  private constructor(
    private readonly options: TaskFrameworkOptions,
    private readonly info: FrameworkInfo,
    private subscription: Subscription,
  ) {
    this.followed = this.follow();
  }

  static async start(options: TaskFrameworkOptions): Promise<TaskFramework> {
    const info: FrameworkInfo = {
      user: userInfo().username,
      name: options.name,
      roles: ['*'],
      failover_timeout: options.failoverTimeoutSeconds,
      checkpoint: true,
      hostname: hostname(),
      // PARTITION_AWARE: a task on an agent that is away for a while is TASK_UNREACHABLE, not (terminally) TASK_LOST.
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    };
    return new TaskFramework(options, info, await subscribe(options, info, undefined));
  }

  get frameworkId(): string {
    return this.subscription.frameworkId;
  }

  /** Queues a task; it launches on the first offer it fits. */
  launch(request: TaskRequest): LaunchedTask {
    if (this.failure !== null) throw this.failure;
    const id = `${request.name}.${randomUUID()}`;
    const task = new LaunchedTask(id, request);
    this.tasks.set(id, task);
    this.queue.push({ id, request });
    if (this.suppressed) {
      this.suppressed = false;
      this.send({ type: 'REVIVE' });
    }
    return task;
  }

  kill(task: LaunchedTask): void {
    this.send({
      type: 'KILL',
      kill: { task_id: { value: task.id }, ...(task.agentId === null ? {} : { agent_id: { value: task.agentId } }) },
    });
  }

  /** Removes the framework: the masters kill its tasks. */
  async teardown(): Promise<void> {
    this.closing = true;
    try {
      await this.subscription.call({ type: 'TEARDOWN' });
    } finally {
      this.subscription.close();
      await this.followed;
    }
  }

  /** Disconnects without teardown: its tasks keep running for the failover timeout. */
  async close(): Promise<void> {
    this.closing = true;
    this.subscription.close();
    await this.followed;
  }

  private async follow(): Promise<void> {
    for (;;) {
      const removed = await this.handleEvents();
      if (removed !== null) return this.fail(removed);
      if (this.closing) return;
      try {
        this.subscription = await subscribe(this.options, this.info, this.frameworkId);
      } catch (err) {
        return this.fail(new Error(`lost the masters and could not subscribe again: ${errorMessage(err)}`));
      }
      this.suppressed = false;
      this.reconcile();
    }
  }

  /** Handles events until the stream ends (a torn stream ends it too); an Error when the master removed the framework. */
  private async handleEvents(): Promise<Error | null> {
    try {
      for await (const event of this.subscription.events) {
        if (event.type === 'OFFERS') this.onOffers(event.offers.offers);
        else if (event.type === 'UPDATE') this.onUpdate(event.update.status);
        else if (event.type === 'ERROR')
          return new Error(`the master removed framework ${this.frameworkId}: ${event.error.message}`);
      }
    } catch {
      // the stream broke off inside a record: as good as ended
    }
    return null;
  }

  private onOffers(offers: Offer[]): void {
    for (const offer of offers) {
      const placements = placeTasks(offer, this.queue);
      if (placements.length === 0) {
        this.send({
          type: 'DECLINE',
          decline: { offer_ids: [offer.id], filters: { refuse_seconds: BUSY_REFUSE_SECONDS } },
        });
        continue;
      }
      const placed = new Set(placements.map((p) => p.id));
      const taken = this.queue.filter((q) => placed.has(q.id));
      this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => !placed.has(q.id)));
      const acceptedAt = Date.now();
      for (const p of placements)
        Object.assign(this.task(p.id), {
          agentId: offer.agent_id.value,
          agentUrl: agentUrl(offer),
          ports: p.ports,
          acceptedAt,
        });
      const launch = { type: 'LAUNCH' as const, launch: { task_infos: placements.map((p) => p.info) } };
      // The unused rest of the offer comes back at once (Mesos filters it for 5 s by default).
      this.send(
        { type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [launch], filters: { refuse_seconds: 0 } } },
        () => this.queue.unshift(...taken),
      );
    }
    if (this.queue.length === 0 && !this.suppressed) {
      this.suppressed = true;
      this.send({ type: 'SUPPRESS' });
    }
  }

  private onUpdate(status: TaskStatus): void {
    if (status.uuid !== undefined && status.agent_id !== undefined) {
      this.send({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
      });
    }
    const task = this.tasks.get(status.task_id.value);
    if (task === undefined) return;
    task.record(status);
    this.options.onUpdate?.(task, status);
  }

  /** After a re-subscription: the latest state of every launched task that has not ended. */
  private reconcile(): void {
    const open = [...this.tasks.values()].filter(
      (t) => t.agentId !== null && (t.state === null || !isTerminalState(t.state)),
    );
    if (open.length === 0) return;
    this.send({
      type: 'RECONCILE',
      reconcile: { tasks: open.map((t) => ({ task_id: { value: t.id }, agent_id: { value: t.agentId ?? '' } })) },
    });
  }

  /** Sends a call without waiting; a failed one runs `onError` (a lost stream is noticed by follow()). */
  private send(call: CallWithoutFramework, onError: () => void = () => undefined): void {
    this.subscription.call(call).catch(onError);
  }

  private task(id: string): LaunchedTask {
    const task = this.tasks.get(id);
    if (task === undefined) throw new Error(`unknown task ${id}`);
    return task;
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const task of this.tasks.values()) task.fail(err);
  }
}

/** SUBSCRIBE through each master in turn until one takes it or the time is up. */
async function subscribe(
  options: TaskFrameworkOptions,
  info: FrameworkInfo,
  frameworkId: string | undefined,
): Promise<Subscription> {
  const deadline = Date.now() + options.subscribeTimeoutMs;
  let lastError: unknown = new Error('no master to subscribe with');
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const master = options.masters[attempt % options.masters.length];
    if (master === undefined) break;
    try {
      return await new SchedulerClient({ master }).subscribe({
        frameworkInfo: info,
        ...(frameworkId === undefined ? {} : { frameworkId }),
      });
    } catch (err) {
      lastError = err;
      if ((attempt + 1) % options.masters.length === 0) await delay(RETRY_MS);
    }
  }
  throw lastError;
}

function agentUrl(offer: Offer): string | null {
  const address = offer.url?.address;
  if (address === undefined) return null;
  return `${offer.url?.scheme ?? 'http'}://${address.ip ?? address.hostname ?? offer.hostname}:${address.port}`;
}

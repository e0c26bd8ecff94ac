// Runs a framework core's effects in the fixed order: persist, then Mesos calls, then events and log lines,
// committing queued batches together, each one whole or not at all. A failed write stops the runner:
// memory no longer matches the store. Generic over the records a core writes (W) and the events it raises (E).
import type { CallWithoutFramework } from '../api/mesos.js';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';

/** What a framework core returns: records to store, calls to the master, events, log lines. */
export type FrameworkEffect<W, E> =
  | { type: 'persist'; writes: W[] }
  | { type: 'call'; call: CallWithoutFramework }
  | { type: 'event'; event: E }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

export interface EffectTargets<W, E> {
  /**
   * Stores each batch whole, in order; on failure it rejects with the number of batches stored before
   * the failure as `committed` (0 when absent).
   */
  persist(batches: W[][]): Promise<void>;
  call(call: CallWithoutFramework): Promise<void>;
  publish(event: E): void;
  log: Logger;
  /** The store refused a write; the scheduler must stop leading. */
  onStoreFailure(err: unknown): void;
  /**
   * Calls later groups need not wait for: they go out after their group's write like the others, but their answers
   * hold nothing up (acknowledgements, whose order nothing depends on). None unless given.
   */
  detached?(call: CallWithoutFramework): boolean;
}

interface Batch<W, E> {
  effects: readonly FrameworkEffect<W, E>[];
  done(stored: boolean): void;
}

/**
 * Group commit: the batches that queued while a write was in flight are persisted together in the next
 * write; each group's calls go out after its write and after the previous group's calls, in order.
 */
export class EffectRunner<W, E> {
  private pending: Batch<W, E>[] = [];
  private draining = false;
  private failed = false;
  /** The calls of the last group sent. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly targets: EffectTargets<W, E>) {}

  /** Queues a batch behind the ones before it; resolves once its calls went out (false: the store failed). */
  run(effects: readonly FrameworkEffect<W, E>[]): Promise<boolean> {
    return new Promise((done) => {
      this.pending.push({ effects, done });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const stored = group.slice(0, await this.persist(group));
      for (const batch of group.slice(stored.length)) batch.done(false);
      if (stored.length === 0) continue;
      this.sending = this.sending.then(() => this.dispatch(stored));
      void this.sending.then(() => {
        for (const batch of stored) batch.done(true);
      });
    }
    this.draining = false;
  }

  /** How many batches of the group are stored (all of them, unless a write failed). */
  private async persist(group: readonly Batch<W, E>[]): Promise<number> {
    if (this.failed) return 0;
    const batches = group.map((b) => b.effects.flatMap((e) => (e.type === 'persist' ? e.writes : [])));
    try {
      if (batches.some((writes) => writes.length > 0)) await this.targets.persist(batches);
      return group.length;
    } catch (err) {
      this.failed = true;
      const records = batches.reduce((sum, writes) => sum + writes.length, 0);
      this.targets.log.error(`Failed to persist ${records} records: ${errorMessage(err)}`);
      this.targets.onStoreFailure(err);
      return committedOf(err);
    }
  }

  /** Calls, events and log lines of a stored group, in order; resolves once its calls (not detached) are answered. */
  private async dispatch(group: readonly Batch<W, E>[]): Promise<void> {
    const { call, publish, log } = this.targets;
    const calls: Promise<void>[] = [];
    for (const effect of group.flatMap((b) => b.effects)) {
      switch (effect.type) {
        case 'persist':
          break;
        case 'call': {
          const sent = call(effect.call);
          if (this.targets.detached?.(effect.call) !== true) calls.push(sent);
          break;
        }
        case 'event':
          publish(effect.event);
          break;
        case 'log':
          log[effect.level](effect.fields ?? {}, effect.msg);
          break;
      }
    }
    await Promise.all(calls);
  }
}

function committedOf(err: unknown): number {
  const committed = (err as { committed?: unknown } | null)?.committed;
  return typeof committed === 'number' ? committed : 0;
}

/** Fan-out of events to the API's subscribers (the event stream, the load balancer, the probes). */
export class LocalEventBus<E> {
  private readonly listeners = new Set<(event: E) => void>();

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: E): void {
    for (const listener of this.listeners) listener(event);
  }
}

// Runs the core's effects in the fixed order: persist, then Mesos calls, then events and log lines,
// committing queued batches together. A failed write stops the runner: memory no longer matches the store.
import { errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logging.js';
import type { CallWithoutFramework } from '../../api/mesos.js';
import type { Effect, StoreWrite } from '../core/messages.js';
import type { MarathonEvent } from '../core/model.js';

export interface EffectTargets {
  persist(writes: StoreWrite[]): Promise<void>;
  call(call: CallWithoutFramework): Promise<void>;
  publish(event: MarathonEvent): void;
  log: Logger;
  /** The store refused a write; the scheduler must stop leading. */
  onStoreFailure(err: unknown): void;
}

interface Batch {
  effects: readonly Effect[];
  done(stored: boolean): void;
}

/**
 * Group commit: the batches that queued while a write was in flight are persisted together in the next
 * write; each group's calls go out after its write and after the previous group's calls, in order.
 */
export class EffectRunner {
  private pending: Batch[] = [];
  private draining = false;
  private failed = false;
  /** The calls of the last group sent. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly targets: EffectTargets) {}

  /** Queues a batch behind the ones before it; resolves once its calls went out (false: the store failed). */
  run(effects: readonly Effect[]): Promise<boolean> {
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
      if (!(await this.persist(group))) {
        for (const batch of group) batch.done(false);
        continue;
      }
      this.sending = this.sending.then(() => this.dispatch(group));
      void this.sending.then(() => {
        for (const batch of group) batch.done(true);
      });
    }
    this.draining = false;
  }

  private async persist(group: readonly Batch[]): Promise<boolean> {
    if (this.failed) return false;
    const writes = group.flatMap((b) => b.effects.flatMap((e) => (e.type === 'persist' ? e.writes : [])));
    try {
      if (writes.length > 0) await this.targets.persist(writes);
      return true;
    } catch (err) {
      this.failed = true;
      this.targets.log.error(`Failed to persist ${writes.length} records: ${errorMessage(err)}`);
      this.targets.onStoreFailure(err);
      return false;
    }
  }

  /** Calls, events and log lines of a stored group, in order; resolves once the calls are answered. */
  private async dispatch(group: readonly Batch[]): Promise<void> {
    const { call, publish, log } = this.targets;
    const calls: Promise<void>[] = [];
    for (const effect of group.flatMap((b) => b.effects)) {
      switch (effect.type) {
        case 'persist':
          break;
        case 'call':
          calls.push(call(effect.call));
          break;
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

/** Fan-out of events to the API's subscribers (the event stream, the load balancer, the probes). */
export class LocalEventBus {
  private readonly listeners = new Set<(event: MarathonEvent) => void>();

  subscribe(listener: (event: MarathonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: MarathonEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

// Runs the core's effects one batch at a time in the fixed order: persist, then Mesos calls, then
// events and log lines. A failed write stops the runner: the state in memory is no longer the stored one.
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

export class EffectRunner {
  private tail: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly targets: EffectTargets) {}

  /** Queues a batch behind the ones before it; resolves once it ran (false: the store failed). */
  run(effects: readonly Effect[]): Promise<boolean> {
    const done = this.tail.then(() => this.execute(effects));
    this.tail = done.then(() => undefined);
    return done;
  }

  private async execute(effects: readonly Effect[]): Promise<boolean> {
    if (this.failed) return false;
    const { persist, call, publish, log } = this.targets;
    const writes = effects.flatMap((e) => (e.type === 'persist' ? e.writes : []));
    try {
      if (writes.length > 0) await persist(writes);
    } catch (err) {
      this.failed = true;
      log.error(`Failed to persist ${writes.length} records: ${errorMessage(err)}`);
      this.targets.onStoreFailure(err);
      return false;
    }
    const calls: Promise<void>[] = [];
    for (const effect of effects) {
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
    return true;
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

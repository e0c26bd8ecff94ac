// NodeCache and ChildrenCache: keep one node's data, or one node's child names, current by
// re-reading with a watch after every event and every reconnect; 'change' after every read.
import { EventEmitter } from 'node:events';
import { Err, type Stat } from '../../wire/records.js';
import type { ZkClient, ZkState } from '../client.js';
import { isZkError } from '../errors.js';
import { Serial } from './serial.js';

/** Re-reads on watch events and reconnects until stopped; subclasses say what to read. */
abstract class WatchedValue<T> extends EventEmitter<{ change: [T | null]; error: [unknown] }> {
  private value: T | null = null;
  private stopped = false;
  private readonly refresher = new Serial(
    () => this.refresh(),
    (err) => this.listenerCount('error') > 0 && this.emit('error', err),
  );
  protected readonly watch = (): void => {
    if (!this.stopped) this.refresher.run();
  };
  private readonly onState = (state: ZkState): void => {
    if (state === 'connected') this.watch();
  };

  constructor(
    protected readonly client: ZkClient,
    protected readonly path: string,
  ) {
    super();
  }

  /** The last value read; null while the node does not exist. */
  get current(): T | null {
    return this.value;
  }

  /** Reads the first value and keeps it current. */
  async start(): Promise<void> {
    this.client.on('state', this.onState);
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.client.off('state', this.onState);
  }

  /** The value with a watch armed; null (with an exists watch armed) when the node is missing. */
  protected abstract read(): Promise<T>;

  private async refresh(): Promise<void> {
    for (;;) {
      try {
        return this.update(await this.read());
      } catch (err) {
        if (!isZkError(err, Err.NoNode)) throw err;
      }
      if ((await this.client.exists(this.path, { watch: this.watch })) === null) return this.update(null);
    }
  }

  private update(value: T | null): void {
    if (this.stopped) return;
    this.value = value;
    this.emit('change', value);
  }
}

export class NodeCache extends WatchedValue<{ data: Buffer | null; stat: Stat }> {
  protected read(): Promise<{ data: Buffer | null; stat: Stat }> {
    return this.client.getData(this.path, { watch: this.watch });
  }
}

/** Child names, sorted. */
export class ChildrenCache extends WatchedValue<string[]> {
  protected async read(): Promise<string[]> {
    return (await this.client.getChildren(this.path, { watch: this.watch })).sort();
  }
}

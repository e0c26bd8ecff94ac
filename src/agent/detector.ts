// Leading master detection as Mesos agents do it: the lowest `json.info_` child of the zk:// path leads,
// its data is MasterInfo JSON; watched on one session at a time, re-read on every change or `detect()`.
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../common/errors.js';
import { CLIENT_RECONNECT_BACKOFF_MS } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import { ChildrenCache, currentLeader, Err, isZkError, ZkClient } from '../ensemble/client/index.js';
import { Serial } from '../ensemble/client/recipes/serial.js';
import type { MasterInfo } from '../master/core/v1.js';
import { parseMasterInfo } from '../master/info.js';
import { parseZkUrl, type ZkUrl } from '../master/zk-url.js';

/** The label Mesos masters give their group nodes. */
const MASTER_NODE_PREFIX = 'json.info_';

export interface DetectorOptions {
  /** `zk://host:port,…/mesos`. */
  zk: string;
  sessionTimeoutMs: number;
  logger: Logger;
  /** Called with the leading master after every look (null: nobody leads). */
  onLeader(master: MasterInfo | null): void;
}

export class MasterDetector {
  private readonly url: ZkUrl;
  private client: ZkClient | null = null;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private readonly looker = new Serial(
    () => this.look(),
    (err) =>
      this.options.logger.warn({ err: errorMessage(err) }, 'Failed to detect the leading master; will try again'),
  );

  constructor(private readonly options: DetectorOptions) {
    this.url = parseZkUrl(options.zk);
  }

  /** Connects in the background (retrying) and keeps detecting until stopped. */
  start(): void {
    this.running = this.sessions();
  }

  /** Looks for the leader again now. */
  detect(): void {
    this.looker.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.close();
    await this.running;
  }

  private async sessions(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (err) {
        this.options.logger.warn(
          { err: errorMessage(err) },
          'ZooKeeper session for master detection failed; reconnecting',
        );
        await delay(CLIENT_RECONNECT_BACKOFF_MS);
      }
    }
  }

  /** One ZooKeeper session: resolves once it expired or was closed. */
  private async session(): Promise<void> {
    const auth = this.url.digest === null ? [] : [{ scheme: 'digest', auth: this.url.digest }];
    const client = await ZkClient.connect(this.url.servers, { sessionTimeoutMs: this.options.sessionTimeoutMs, auth });
    if (this.stopped) return client.close();
    this.client = client;
    const ended = new Promise<void>((resolve) =>
      client.on('state', (state) => (state === 'expired' || state === 'closed') && resolve()),
    );
    const children = new ChildrenCache(client, this.url.path);
    children.on('change', () => this.detect());
    children.on('error', (err) =>
      this.options.logger.warn({ err: errorMessage(err) }, 'Watching the master group failed'),
    );
    try {
      await children.start();
      await ended;
    } finally {
      children.stop();
      this.client = null;
      await client.close();
    }
  }

  private async look(): Promise<void> {
    const client = this.client;
    if (client === null || this.stopped) return;
    let leader: { data: Buffer | null } | null = null;
    try {
      leader = await currentLeader(client, this.url.path, (name) => name.startsWith(MASTER_NODE_PREFIX));
    } catch (err) {
      if (!isZkError(err, Err.NoNode)) throw err;
    }
    if (!this.stopped) this.options.onLeader(parseMasterInfo(leader?.data ?? null));
  }
}

// Scheduler leader election as Marathon 1.3+ and Chronos do it: a Curator LeaderLatch under a path of the
// framework's (ephemeral sequential `_c_<uuid>-latch-<seq>` nodes holding `host:port`); standbys learn the leader from it.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { errorMessage } from '../common/errors.js';
import type { Logger } from '../common/logging.js';
import { ChildrenCache, LeaderElection, ZkClient, currentLeader } from '../ensemble/client/index.js';
import type { ZkUrl } from '../master/zk-url.js';

const isLatch = (name: string): boolean => name.includes('-latch-');
/** Wait before reading the latch again after a read failed (the session may be reconnecting). */
const LATCH_READ_RETRY_MS = 250;

export interface SchedulerElectionOptions {
  zk: ZkUrl;
  /** The latch's node under the zk path: Marathon's `leader-curator`, Chronos's `candidate`. */
  latch: string;
  sessionTimeoutMs: number;
  /** This scheduler's `host:port`, the latch participant id. */
  participant: string;
  log: Logger;
}

export interface ElectionState {
  leading: boolean;
  /** `host:port` of the leading scheduler; null while none is known. */
  leader: string | null;
}

export class SchedulerElection extends EventEmitter<{ change: [ElectionState] }> {
  private readonly election: LeaderElection;
  private readonly path: string;
  private watcher: { client: ZkClient; cache: ChildrenCache } | null = null;
  private current: ElectionState = { leading: false, leader: null };
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerElectionOptions) {
    super();
    const { zk, sessionTimeoutMs, participant, log } = options;
    this.path = `${zk.path}/${options.latch}`;
    const auth = zk.digest === null ? [] : [{ scheme: 'digest', auth: zk.digest }];
    this.election = new LeaderElection({
      connect: () => ZkClient.connect(zk.servers, { sessionTimeoutMs, auth }),
      path: this.path,
      prefix: `_c_${randomUUID()}-latch-`,
      isContender: isLatch,
      data: Buffer.from(participant),
      logger: log,
    });
    this.election.on('leader', () => this.leadershipChanged());
    this.election.on('notLeader', () => this.leadershipChanged());
  }

  get state(): ElectionState {
    return this.current;
  }

  /** The session this scheduler contends with: the leader's store writes go through it. */
  get client(): ZkClient | null {
    return this.election.client;
  }

  /** Joins the latch (retrying until ZooKeeper answers) and follows who leads. */
  async start(): Promise<void> {
    for (;;) {
      try {
        await this.election.start();
        break;
      } catch (err) {
        this.options.log.warn(`Failed to join the leader latch at ${this.path}: ${errorMessage(err)}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await this.watchLatch();
  }

  /** Stops leading and contends again on a new session (after the state store failed, say). */
  async abdicate(): Promise<void> {
    await this.election.abdicate();
    await this.watchLatch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watcher?.cache.stop();
    this.watcher = null;
    await this.election.stop();
  }

  /** Re-reads who leads whenever the latch's children change. */
  private async watchLatch(): Promise<void> {
    const client = this.election.client;
    if (client === null || this.watcher?.client === client) return;
    this.watcher?.cache.stop();
    const cache = new ChildrenCache(client, this.path);
    cache.on('change', () => this.refresh());
    cache.on('error', (err) => this.options.log.warn(`Watching the leader latch failed: ${errorMessage(err)}`));
    this.watcher = { client, cache };
    await cache.start();
  }

  /**
   * This scheduler's own leadership changes at once, whatever the latch reads say: a term must begin
   * (or end) even when the session that saw the change cannot read the latch any more.
   */
  private leadershipChanged(): void {
    const { participant } = this.options;
    const leading = this.election.isLeader;
    const leader = leading ? participant : this.current.leader === participant ? null : this.current.leader;
    this.update({ leading, leader });
    this.refresh();
  }

  /** Reads who leads (again after a failure, on whichever session contends then) and follows the latch. */
  private refresh(): void {
    clearTimeout(this.retry);
    void this.readLeader().then(
      (leader) => this.update({ leading: this.election.isLeader, leader }),
      (err: unknown) => {
        this.options.log.warn(`Failed to read the leader latch: ${errorMessage(err)}; reading it again`);
        if (!this.stopped) this.retry = setTimeout(() => this.refresh(), LATCH_READ_RETRY_MS);
      },
    );
    void this.watchLatch().catch(() => undefined);
  }

  private async readLeader(): Promise<string | null> {
    const client = this.election.client;
    if (client === null) return null;
    const leader = await currentLeader(client, this.path, isLatch);
    return leader?.data?.toString('utf8') ?? null;
  }

  private update(next: ElectionState): void {
    if (next.leading === this.current.leading && next.leader === this.current.leader) return;
    this.current = next;
    this.emit('change', next);
  }
}

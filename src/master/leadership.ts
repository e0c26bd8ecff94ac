// Contending for and detecting the leading master through ZooKeeper, as Mesos does: one
// EPHEMERAL_SEQUENTIAL `json.info_` znode per master under the group path holding its MasterInfo JSON,
// every master watching the whole group (a standby also the znode just before its own), the lowest
// sequence leading. A lost session (expired, closed, or disconnected for longer than its timeout) ends
// leadership at once; then the master contends again. Each step of the contest is reported as it happens.
import type { MasterStep } from '../common/election-record.js';
import { EventEmitter } from 'node:events';
import { errorMessage } from '../common/errors.js';
import { MASTER_ZK_RETRY_MS } from '../common/limits.js';
import type { Logger } from '../common/logging.js';
import { Err, ZkClient, electionOrder, isZkError, type ZkState } from '../ensemble/client/index.js';
import { Serial } from '../ensemble/client/recipes/serial.js';
import type { MasterInfo } from './core/v1.js';
import { parseMasterInfo } from './info.js';
import type { ZkUrl } from './zk-url.js';

/** Mesos's label for MasterInfo JSON znodes. */
export const MASTER_INFO_LABEL = 'json.info';
const PREFIX = `${MASTER_INFO_LABEL}_`;

/** Group members are `<label>_<sequence>` (or a bare sequence); others, like `registry`, are not. */
export function isGroupMember(name: string): boolean {
  return /(^|_)\d{10}$/.test(name);
}

/** The sequence number Mesos logs as a candidate's id. */
export function sequenceOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('_') + 1));
}

export interface LeadershipOptions {
  url: ZkUrl;
  sessionTimeoutMs: number;
  /** This master, as written into its znode. */
  info: MasterInfo;
  log: Logger;
  /** Each step of the contest, for the supervisor's record of elections. */
  onStep?: (step: MasterStep) => void;
}

export interface LeaderState {
  /** The detected leading master; null while none is known. */
  leader: MasterInfo | null;
  /** Whether this master is the leading master. */
  leading: boolean;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Leadership extends EventEmitter<{ change: [LeaderState] }> {
  private session: ZkClient | null = null;
  private node: string | null = null;
  private leaderNode: string | null = null;
  /** The znode before this master's own that it watches while it stands by. */
  private watched: string | null = null;
  private readonly redetect = (): void => this.detector.run();
  private current: LeaderState = { leader: null, leading: false };
  private expiryTimer: NodeJS.Timeout | undefined;
  private joining = false;
  private stopped = false;
  private readonly detector = new Serial(
    () => this.detect(),
    (err) => this.detectFailed(err),
  );

  constructor(private readonly options: LeadershipOptions) {
    super();
  }

  get state(): LeaderState {
    return this.current;
  }

  /** The session this master contends with; null between sessions. */
  get client(): ZkClient | null {
    return this.session;
  }

  /** Joins the group in the background (retrying until ZooKeeper answers). */
  start(): void {
    void this.join();
  }

  /** Leaves the group: closing the session removes this master's znode. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.expiryTimer);
    const session = this.session;
    this.session = null;
    this.update(null, false);
    await session?.close();
  }

  /** Gives up the session, and leadership with it; contends again on a new session. */
  abdicate(why: string): void {
    if (this.session !== null) this.renew(this.session, why);
  }

  private async join(): Promise<void> {
    if (this.joining) return;
    this.joining = true;
    while (!this.stopped && this.session === null) {
      const session = await this.connect();
      if (session === null) break;
      try {
        await this.enter(session);
      } catch (err) {
        this.options.log.warn(`Failed to join the ZK group: ${errorMessage(err)}; retrying`);
        this.drop(session);
        await delay(MASTER_ZK_RETRY_MS);
      }
    }
    this.joining = false;
  }

  private async connect(): Promise<ZkClient | null> {
    const { url, sessionTimeoutMs, log } = this.options;
    const auth = url.digest === null ? [] : [{ scheme: 'digest', auth: url.digest }];
    while (!this.stopped) {
      try {
        const session = await ZkClient.connect(url.servers, { sessionTimeoutMs, auth });
        if (!this.stopped) return session;
        await session.close();
      } catch (err) {
        log.warn(`Failed to connect to ZooKeeper at ${url.servers}: ${errorMessage(err)}; retrying`);
        await delay(MASTER_ZK_RETRY_MS);
      }
    }
    return null;
  }

  private async enter(session: ZkClient): Promise<void> {
    const { url, log } = this.options;
    this.session = session;
    session.on('state', (state) => this.sessionState(session, state));
    log.info(`Group process connected to ZooKeeper (sessionId=0x${session.sessionId.toString(16)})`);
    this.reportSession(session);
    log.info(`Trying to create path '${url.path}' in ZooKeeper`);
    await session.mkdirp(url.path);
    log.info('Joining the ZK group');
    const node = await this.createNode(session);
    if (session !== this.session) return;
    this.candidate(session, node);
    this.detector.run();
  }

  /** Creates this master's znode; after a ConnectionLoss it first looks for the one it may have made. */
  private async createNode(session: ZkClient): Promise<string> {
    const prefix = `${this.options.url.path}/${PREFIX}`;
    const data = Buffer.from(JSON.stringify(this.options.info));
    for (;;) {
      try {
        const mine = (await session.getEphemerals(prefix))[0];
        return baseName(mine ?? (await session.create(prefix, data, { mode: 'ephemeral_sequential' })));
      } catch (err) {
        if (!isZkError(err, Err.ConnectionLoss) || session !== this.session) throw err;
      }
    }
  }

  private async detect(): Promise<void> {
    const session = this.session;
    if (session === null || this.node === null) return;
    const { path } = this.options.url;
    const children = await session.getChildren(path, { watch: this.redetect });
    const order = electionOrder(children, isGroupMember);
    if (session !== this.session) return;
    if (!order.includes(this.node)) return this.contendAgain(session);
    await this.watchPredecessor(session, order);
    if (session !== this.session) return;
    const lowest = order[0];
    if (lowest === undefined || lowest === this.leaderNode) return;
    const leader = lowest === this.node ? this.options.info : await this.readLeader(session, lowest);
    if (leader === undefined) return this.detect();
    if (session !== this.session) return;
    this.leaderNode = lowest;
    this.announce(lowest, leader);
  }

  /** This master's znode went away while its session lives on: a new candidacy. */
  private async contendAgain(session: ZkClient): Promise<void> {
    this.options.log.warn(`Lost candidacy as a ${this.current.leading ? 'leader' : 'follower'}... Contend again`);
    this.node = null;
    this.leaderNode = null;
    this.update(null, false);
    const node = await this.createNode(session);
    if (session !== this.session) return;
    this.candidate(session, node);
    return this.detect();
  }

  private candidate(session: ZkClient, node: string): void {
    this.node = node;
    this.watched = null;
    this.options.log.info(`New candidate (id='${sequenceOf(node)}') has entered the contest for leadership`);
    this.options.onStep?.({ step: 'candidate', znode: node, sessionId: hexId(session) });
  }

  /** A standby watches the znode just before its own: it goes first when that one does. */
  private async watchPredecessor(session: ZkClient, order: readonly string[]): Promise<void> {
    const node = this.node;
    const before = node === null ? undefined : order[order.indexOf(node) - 1];
    if (node === null || before === undefined || before === this.watched) return;
    await session.exists(`${this.options.url.path}/${before}`, { watch: this.redetect });
    if (session !== this.session || node !== this.node) return;
    this.watched = before;
    this.options.onStep?.({ step: 'watching', znode: node, watched: before });
  }

  /** The leader's MasterInfo; null if its znode holds none; undefined if the znode is gone meanwhile. */
  private async readLeader(session: ZkClient, name: string): Promise<MasterInfo | null | undefined> {
    const path = `${this.options.url.path}/${name}`;
    this.options.log.info(`Trying to get '${path}' in ZooKeeper`);
    try {
      const info = parseMasterInfo((await session.getData(path)).data);
      if (info === null) this.options.log.warn(`Leading master's znode '${path}' holds no MasterInfo JSON`);
      return info;
    } catch (err) {
      if (isZkError(err, Err.NoNode)) return undefined;
      throw err;
    }
  }

  private announce(node: string, leader: MasterInfo | null): void {
    const { log } = this.options;
    log.info(`Detected a new leader: (id='${sequenceOf(node)}')`);
    if (leader !== null) log.info(`A new leading master (UPID=${leader.pid ?? ''}) is detected`);
    const leading = node === this.node;
    this.options.onStep?.({ step: 'elected', znode: this.node ?? '', leader: node, leading });
    if (leading) log.info('Elected as the leading master!');
    else if (leader !== null) log.info(`The newly elected leader is ${leader.pid ?? ''} with id ${leader.id}`);
    this.update(leader, leading);
  }

  private detectFailed(err: unknown): void {
    if (isZkError(err, Err.ConnectionLoss) || isZkError(err, Err.SessionExpired)) return;
    this.options.log.warn(`Failed to detect the leading master: ${errorMessage(err)}`);
  }

  private sessionState(session: ZkClient, state: ZkState): void {
    if (session !== this.session) return;
    const { log } = this.options;
    switch (state) {
      case 'disconnected':
        log.warn('Lost connection to ZooKeeper, attempting to reconnect ...');
        this.armExpiry(session);
        return;
      case 'connected':
        clearTimeout(this.expiryTimer);
        log.info(`Group process reconnected to ZooKeeper (sessionId=0x${session.sessionId.toString(16)})`);
        this.reportSession(session);
        this.detector.run();
        return;
      case 'expired':
        log.warn(`ZooKeeper session expired (sessionId=0x${session.sessionId.toString(16)})`);
        this.renew(session, 'session expired');
        return;
      case 'closed':
        this.renew(session, 'session closed');
        return;
      case 'connecting':
        return;
    }
  }

  /** ZooKeeper clients learn of expiry only on reconnecting; like Mesos, expire it here after the timeout. */
  private armExpiry(session: ZkClient): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      if (session !== this.session || session.state === 'connected') return;
      const id = `0x${session.sessionId.toString(16)}`;
      this.options.log.warn(
        `Timed out waiting to connect to ZooKeeper. Forcing ZooKeeper session (sessionId=${id}) expiration`,
      );
      this.renew(session, 'session expiration forced');
    }, session.sessionTimeoutMs);
  }

  /** Ends this session at once (not leading any more), then contends on a new one. */
  private renew(session: ZkClient, why: string): void {
    if (session !== this.session || this.stopped) return;
    this.options.onStep?.({ step: 'session-lost', sessionId: hexId(session), why });
    if (this.current.leading) this.options.log.warn(`Lost leadership: ${why}; contending again`);
    this.drop(session);
    this.update(null, false);
    void delay(MASTER_ZK_RETRY_MS).then(() => this.join());
  }

  private drop(session: ZkClient): void {
    if (session !== this.session) return;
    clearTimeout(this.expiryTimer);
    this.session = null;
    this.node = null;
    this.leaderNode = null;
    this.watched = null;
    void session.close();
  }

  private reportSession(session: ZkClient): void {
    this.options.onStep?.({ step: 'session', sessionId: hexId(session), server: session.connectedTo });
  }

  private update(leader: MasterInfo | null, leading: boolean): void {
    if (leader?.id === this.current.leader?.id && leading === this.current.leading) return;
    this.current = { leader, leading };
    this.emit('change', this.current);
  }
}

function hexId(session: ZkClient): string {
  return `0x${session.sessionId.toString(16)}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// Leader election: each contender owns an ephemeral sequential znode under one path; the lowest
// sequence leads and every other contender watches only its predecessor. Expiry ⇒ a new session.
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { CLIENT_RECONNECT_BACKOFF_MS } from '../../../common/limits.js';
import { Err } from '../../wire/records.js';
import type { ZkClient, ZkState } from '../client.js';
import { isZkError } from '../errors.js';
import { Serial } from './serial.js';

export interface LeaderElectionOptions {
  /** Opens a session: at start, and again whenever the session expires. */
  connect: () => Promise<ZkClient>;
  /** Parent of the contender nodes; created when missing. */
  path: string;
  /** Name prefix of this contender's node, e.g. Mesos's `json.info_` or Curator's `_c_<id>-latch-`. */
  prefix: string;
  /** Which children of `path` are contenders (default: names starting with `prefix`). */
  isContender?: (name: string) => boolean;
  /** Data of this contender's node (Mesos: MasterInfo JSON). */
  data?: Buffer | null;
  logger?: Logger;
}

const SEQUENCE_DIGITS = 10;

/** Contender names in election order (by their sequence suffix). */
export function electionOrder(names: readonly string[], isContender: (name: string) => boolean): string[] {
  const sequence = (name: string): number => Number(name.slice(-SEQUENCE_DIGITS));
  return names.filter((n) => isContender(n) && Number.isFinite(sequence(n))).sort((a, b) => sequence(a) - sequence(b));
}

/** The leading contender's node name and data, or null when nobody contends. */
export async function currentLeader(
  client: ZkClient,
  path: string,
  isContender: (name: string) => boolean,
): Promise<{ name: string; data: Buffer | null } | null> {
  for (const name of electionOrder(await client.getChildren(path), isContender)) {
    try {
      return { name, data: (await client.getData(`${path}/${name}`)).data };
    } catch (err) {
      if (!isZkError(err, Err.NoNode)) throw err;
    }
  }
  return null;
}

export class LeaderElection extends EventEmitter<{ leader: []; notLeader: [] }> {
  private session: ZkClient | null = null;
  private node: string | null = null;
  private leading = false;
  private stopped = false;
  private renewing = false;
  private readonly isContender: (name: string) => boolean;
  private readonly logger: Logger;
  private readonly checker = new Serial(
    () => this.check(),
    (err) => this.logger.warn({ err }, 'leader election check failed; retrying on reconnect'),
  );
  private readonly onState = (state: ZkState): void => {
    if (state === 'connected') this.checker.run();
    if (state === 'expired') void this.renew();
  };

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.isContender = options.isContender ?? ((name) => name.startsWith(options.prefix));
    this.logger = options.logger ?? pino({ level: 'silent' });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The session contending right now (replaced after an expiry). */
  get client(): ZkClient | null {
    return this.session;
  }

  /** This contender's node name, null until created. */
  get nodeName(): string | null {
    return this.node;
  }

  /** Connects, creates this contender's node and resolves once its place is known. */
  async start(): Promise<void> {
    await this.join();
  }

  /** The data of the leading contender's node (possibly this one), null when nobody contends. */
  async leaderData(): Promise<Buffer | null> {
    if (this.session === null) return null;
    return (await currentLeader(this.session, this.options.path, this.isContender))?.data ?? null;
  }

  /**
   * Leaves the election by closing the session, which removes this contender's ephemeral node in the
   * same step (and never waits on a disconnected session the way a delete would).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.setLeader(false);
    const session = this.session;
    this.session = null;
    if (session === null) return;
    session.off('state', this.onState);
    await session.close();
  }

  /**
   * Gives up leadership (or its place in line): closes this session, which removes its node, and
   * contends again on a new session at the back of the line.
   */
  async abdicate(): Promise<void> {
    const session = this.session;
    if (session === null || this.stopped) return;
    this.setLeader(false);
    session.off('state', this.onState);
    this.session = null;
    await session.close();
    await this.renew();
  }

  private async join(): Promise<void> {
    const session = await this.options.connect();
    if (this.stopped) return session.close();
    this.session = session;
    this.node = null;
    session.on('state', this.onState);
    try {
      await session.mkdirp(this.options.path);
      this.node = await this.createNode(session);
    } catch (err) {
      session.off('state', this.onState);
      this.session = null;
      await session.close();
      throw err;
    }
    await this.check().catch((err: unknown) => this.logger.warn({ err }, 'leader election check failed'));
  }

  /** After an expiry: not leader at once, then contend again on a fresh session. */
  private async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    while (!this.stopped && (this.session === null || this.session.state === 'expired')) {
      this.setLeader(false);
      this.session?.off('state', this.onState);
      this.session = null;
      try {
        await this.join();
      } catch (err) {
        this.logger.warn({ err }, 'rejoining the election failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, CLIENT_RECONNECT_BACKOFF_MS));
      }
    }
    this.renewing = false;
  }

  /** Creates the node; after a ConnectionLoss it looks for the one it may have created first. */
  private async createNode(session: ZkClient): Promise<string> {
    const prefixPath = this.nodePath(this.options.prefix);
    for (;;) {
      try {
        const mine = await session.getEphemerals(prefixPath);
        const existing = mine[0];
        if (existing !== undefined) return baseName(existing);
        return baseName(await session.create(prefixPath, this.options.data ?? null, { mode: 'ephemeral_sequential' }));
      } catch (err) {
        if (!isZkError(err, Err.ConnectionLoss) || session.state === 'closed') throw err;
      }
    }
  }

  private async check(): Promise<void> {
    const session = this.session;
    if (session === null || this.stopped || this.node === null) return;
    const order = electionOrder(await session.getChildren(this.options.path), this.isContender);
    const place = order.indexOf(this.node);
    if (place < 0) {
      this.setLeader(false);
      this.node = await this.createNode(session);
      return this.check();
    }
    const predecessor = order[place - 1];
    if (predecessor === undefined) return this.setLeader(true);
    this.setLeader(false);
    const watch = (): void => this.checker.run();
    if ((await session.exists(this.nodePath(predecessor), { watch })) === null) return this.check();
  }

  private setLeader(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.logger.info({ node: this.node, leading }, leading ? 'elected leader' : 'no longer leader');
    this.emit(leading ? 'leader' : 'notLeader');
  }

  private nodePath(name: string): string {
    return `${this.options.path}/${name}`;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

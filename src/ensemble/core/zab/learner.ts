// The learner side of Zab — a follower, or an observer that neither acks nor counts: register with the
// leader, take its epoch, sync (DIFF/TRUNC/SNAP), then log and apply what the leader broadcasts.

import type { ZabMessage } from '../../wire/peer.js';
import type { SnapshotData } from '../../wire/snapshot.js';
import type { LinkId, ZabPhase } from '../effects.js';
import { epochOf, hexZxid, type Txn, type TxnBody } from '../txn.js';
import type { ZabLog } from './log.js';
import { newEpochZxid, type Epochs, type ZabAction, type ZabHost, type ZabTiming } from './types.js';

export interface LearnerOptions extends ZabTiming {
  sid: number;
  observer: boolean;
  leaderSid: number;
  log: ZabLog;
  epochs: Epochs;
  host: ZabHost;
  now: number;
}

export class Learner {
  private link: LinkId | null = null;
  private zabPhase: ZabPhase = 'discovery';
  private lastHeardAt: number;
  private newEpoch: number | null = null;
  private done = false;

  constructor(private readonly opts: LearnerOptions) {
    this.lastHeardAt = opts.now;
  }

  get phase(): ZabPhase {
    return this.zabPhase;
  }

  get leaderSid(): number {
    return this.opts.leaderSid;
  }

  /** Asks the shell to dial the leader's quorum port. */
  start(): void {
    this.emit({ kind: 'phase', phase: 'discovery' });
    this.emit({ kind: 'connectToLeader', sid: this.opts.leaderSid });
  }

  linkUp(link: LinkId, now: number): void {
    if (this.link !== null) {
      this.emit({ kind: 'closeQuorumLink', link });
      return;
    }
    this.link = link;
    this.lastHeardAt = now;
    const { sid, epochs } = this.opts;
    this.send({ type: this.opts.observer ? 'OBSERVERINFO' : 'FOLLOWERINFO', sid, acceptedEpoch: epochs.acceptedEpoch });
  }

  linkDown(link: LinkId): void {
    if (link === this.link) this.lose('Connection to the leader closed');
  }

  /** Part of a snapshot arrived: the leader is not silent (ZooKeeper's read timeout counts from each read). */
  snapshotProgress(link: LinkId, now: number): void {
    if (link === this.link) this.lastHeardAt = now;
  }

  tick(now: number): void {
    const { tickMs, initLimit, syncLimit } = this.opts;
    const limit = (this.zabPhase === 'broadcast' ? syncLimit : initLimit) * tickMs;
    if (now - this.lastHeardAt > limit)
      this.lose(this.link === null ? 'Failed to connect to the leader' : 'Read timed out');
  }

  /** Forwards a write this member's server accepted. */
  request(sessionId: bigint, cxid: number, body: TxnBody): void {
    this.send({ type: 'REQUEST', sessionId, cxid, body });
  }

  /** Asks the leader to answer once every commit it has sent before has arrived here. */
  sync(path: string, token: number): void {
    this.send({ type: 'SYNCREQUEST', path, token });
  }

  receive(link: LinkId, msg: ZabMessage, now: number): void {
    if (link !== this.link || this.done) return;
    this.lastHeardAt = now;
    switch (msg.type) {
      case 'LEADERINFO':
        return this.onLeaderInfo(msg.newEpoch);
      case 'DIFF':
        return this.info(`Getting a diff from the leader ${hexZxid(msg.zxid)}`);
      case 'TRUNC':
        return this.onTrunc(msg.zxid);
      case 'SNAP':
        return this.onSnap(msg.snapshot);
      case 'PROPOSAL':
        this.onProposal(msg.txn);
        return;
      case 'COMMIT':
        this.opts.log.commitThrough(msg.zxid, (t) => this.opts.host.apply(t));
        return;
      case 'INFORM':
        if (this.onProposal(msg.txn)) this.opts.log.commitThrough(msg.txn.zxid, (t) => this.opts.host.apply(t));
        return;
      case 'NEWLEADER':
        return this.onNewLeader(msg.zxid);
      case 'UPTODATE':
        return this.onUpToDate();
      case 'PING':
        this.send({ type: 'PING', zxid: msg.zxid, sessions: this.opts.host.touchedSessions() });
        return;
      case 'SYNC':
        this.emit({ kind: 'syncDone' });
        return;
      case 'FOLLOWERINFO':
      case 'OBSERVERINFO':
      case 'ACKEPOCH':
      case 'ACK':
      case 'REQUEST':
      case 'REVALIDATE':
      case 'SYNCREQUEST':
        return this.lose(`Unexpected ${msg.type} from the leader`);
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private onLeaderInfo(newEpoch: number): void {
    const { epochs } = this.opts;
    if (newEpoch < epochs.acceptedEpoch) {
      this.lose(`Leaders epoch, ${newEpoch} is less than accepted epoch, ${epochs.acceptedEpoch}`);
      return;
    }
    const fresh = newEpoch > epochs.acceptedEpoch;
    if (fresh) {
      epochs.acceptedEpoch = newEpoch;
      this.emit({ kind: 'persistEpochs', acceptedEpoch: newEpoch });
    }
    this.newEpoch = newEpoch;
    this.send({
      type: 'ACKEPOCH',
      lastZxid: this.opts.log.lastLoggedZxid,
      currentEpoch: fresh ? epochs.currentEpoch : -1,
    });
    this.setPhase('synchronization');
  }

  private onTrunc(zxid: bigint): void {
    this.info(`Getting a truncate from the leader ${hexZxid(zxid)}`);
    if (!this.opts.log.truncateAfter(zxid)) {
      this.lose(`Cannot truncate to ${hexZxid(zxid)}: already applied ${hexZxid(this.opts.log.appliedZxid)}`);
      return;
    }
    this.emit({ kind: 'truncateLog', afterZxid: zxid });
  }

  private onSnap(snapshot: SnapshotData): void {
    this.info(`Getting a snapshot from the leader ${hexZxid(snapshot.lastZxid)}`);
    this.opts.log.resetTo(snapshot.lastZxid);
    this.opts.host.installSnapshot(snapshot);
    this.emit({ kind: 'saveSnapshot', snapshot });
    this.emit({ kind: 'truncateLog', afterZxid: snapshot.lastZxid });
  }

  /** Logs a txn (durably, before any ack); false when it is out of order and the role is over. */
  private onProposal(txn: Txn): boolean {
    const expected = this.opts.log.lastLoggedZxid;
    if (!this.opts.log.append(txn)) {
      this.lose(`Got zxid ${hexZxid(txn.zxid)} expected a zxid after ${hexZxid(expected)}`);
      return false;
    }
    this.emit({ kind: 'persistTxns', txns: [txn] });
    if (!this.opts.observer) this.send({ type: 'ACK', zxid: txn.zxid });
    return true;
  }

  private onNewLeader(zxid: bigint): void {
    const epoch = epochOf(zxid);
    if (epoch !== this.newEpoch) {
      this.lose(`NEWLEADER for epoch ${epoch} while following epoch ${this.newEpoch ?? 'none'}`);
      return;
    }
    this.opts.epochs.currentEpoch = epoch;
    this.emit({ kind: 'persistEpochs', currentEpoch: epoch });
    this.send({ type: 'ACK', zxid });
  }

  /** The leader's history up to the new epoch is committed: apply it, and serve. */
  private onUpToDate(): void {
    if (this.newEpoch === null) return this.lose('UPTODATE before LEADERINFO');
    const start = newEpochZxid(this.newEpoch);
    this.opts.log.commitThrough(start - 1n, (t) => this.opts.host.apply(t));
    if (!this.opts.observer) this.send({ type: 'ACK', zxid: start });
    this.setPhase('broadcast');
  }

  private setPhase(phase: ZabPhase): void {
    this.zabPhase = phase;
    this.emit({ kind: 'phase', phase });
  }

  private send(msg: ZabMessage): void {
    if (this.link !== null && !this.done) this.emit({ kind: 'sendQuorum', link: this.link, msg });
  }

  private info(msg: string): void {
    this.emit({ kind: 'log', level: 'info', msg });
  }

  private lose(reason: string): void {
    if (this.done) return;
    if (this.link !== null) this.emit({ kind: 'closeQuorumLink', link: this.link });
    const msg = `Exception when ${this.opts.observer ? 'observing' : 'following'} the leader`;
    this.emit({ kind: 'log', level: 'warn', msg, fields: { reason } });
    this.done = true;
    this.emit({ kind: 'lost', reason });
  }

  private emit(action: ZabAction): void {
    this.opts.host.emit(action);
  }
}

// The Zab leader: discovery (a new epoch from a quorum's accepted epochs), synchronization of every
// learner (DIFF/TRUNC/SNAP, NEWLEADER), then broadcast (proposals, quorum acks, commits in zxid order),
// pings and the synced-quorum check that ends leadership when followers fall away.

import type { EnsembleStep } from '../../../common/election-record.js';
import { COMMIT_SAMPLE_INTERVAL_MS } from '../../../common/limits.js';
import type { ZabMessage } from '../../wire/peer.js';
import type { LinkId, ServerSpec, ZabPhase } from '../effects.js';
import { hexZxid, zxidOf, type Txn, type TxnBody } from '../txn.js';
import type { SyncPlan, ZabLog } from './log.js';
import { newEpochZxid, type Epochs, type ZabAction, type ZabHost, type ZabTiming } from './types.js';

export interface LeaderOptions extends ZabTiming {
  sid: number;
  servers: ServerSpec[];
  /** Config text sent with NEWLEADER. */
  config: string;
  log: ZabLog;
  epochs: Epochs;
  host: ZabHost;
  now: number;
}

/** A write to order: from this member's server or forwarded by a learner. */
export interface ProposalRequest {
  sessionId: bigint;
  cxid: number;
  body: TxnBody;
}

/** Where a sync answer goes: a learner's link, or this member's own server. */
export type SyncTarget = { kind: 'link'; link: LinkId; path: string } | { kind: 'local' };

type LearnerStage = 'registered' | 'epochSent' | 'epochAcked' | 'syncing' | 'newLeaderAcked' | 'upToDate';

interface LearnerHandle {
  link: LinkId;
  sid: number;
  observer: boolean;
  stage: LearnerStage;
  /** When it was last heard from, or its snapshot last moved: the read timeout counts from here. */
  lastHeardAt: number;
  lastZxid: bigint;
}

/** Stages in which a learner receives the broadcast (it has been sent its sync). */
const FORWARDING: ReadonlySet<LearnerStage> = new Set(['syncing', 'newLeaderAcked', 'upToDate']);
/** The last counter a zxid can carry before the epoch must change. */
const MAX_COUNTER = 0xffffffff;

export class Leader {
  private zabPhase: ZabPhase = 'discovery';
  private newEpoch: number | null = null;
  private readonly participants: Set<number>;
  private readonly observers: Set<number>;
  private readonly quorum: number;
  /** sid → accepted epoch of the learners (and this leader) that registered before the epoch was chosen. */
  private readonly connecting = new Map<number, number>();
  private readonly epochAcks = new Set<number>();
  private readonly newLeaderAcks = new Set<number>();
  private readonly learners = new Map<LinkId, LearnerHandle>();
  /** Links that connected but have not said who they are, with when they connected. */
  private readonly unidentified = new Map<LinkId, number>();
  /** Outstanding proposals (zxid order) → participants that acked them. */
  private readonly acks = new Map<bigint, Set<number>>();
  private readonly syncWaiters: { after: bigint; target: SyncTarget }[] = [];
  private counter = 0;
  private deadline: number;
  private nextPingAt = 0;
  private nextCheckAt = 0;
  /** When the next commit is reported to the supervisor (the first one always is); null before the first. */
  private nextCommitReportAt: number | null = null;
  private done = false;

  constructor(private readonly opts: LeaderOptions) {
    this.participants = new Set(opts.servers.filter((s) => s.role === 'participant').map((s) => s.sid));
    this.observers = new Set(opts.servers.filter((s) => s.role === 'observer').map((s) => s.sid));
    this.quorum = Math.floor(this.participants.size / 2) + 1;
    this.deadline = opts.now + opts.initLimit * opts.tickMs;
  }

  get phase(): ZabPhase {
    return this.zabPhase;
  }

  get epoch(): number | null {
    return this.newEpoch;
  }

  /** Connected learners and how many followers are synced (in broadcast) right now. */
  learnerCounts(now: number): { learners: number; syncedFollowers: number } {
    const handles = [...this.learners.values()];
    return {
      learners: handles.length,
      syncedFollowers: handles.filter((h) => !h.observer && this.synced(h, now)).length,
    };
  }

  start(): void {
    this.emit({ kind: 'phase', phase: 'discovery' });
    this.connecting.set(this.opts.sid, this.opts.epochs.acceptedEpoch);
    this.advance(this.opts.now);
  }

  linkUp(link: LinkId, now: number): void {
    this.unidentified.set(link, now);
  }

  linkDown(link: LinkId): void {
    this.unidentified.delete(link);
    this.learners.delete(link);
  }

  /**
   * A piece of a learner's snapshot went out: its sync deadline (initLimit ticks) counts from the last
   * piece, as ZooKeeper's counts from when the leader finished writing the snapshot.
   */
  snapshotProgress(link: LinkId, now: number): void {
    const h = this.learners.get(link);
    if (h !== undefined) h.lastHeardAt = now;
  }

  receive(link: LinkId, msg: ZabMessage, now: number): void {
    if (this.done) return;
    const h = this.learners.get(link);
    if (h === undefined) {
      if (msg.type === 'FOLLOWERINFO' || msg.type === 'OBSERVERINFO')
        this.register(link, msg.sid, msg.acceptedEpoch, now);
      return;
    }
    h.lastHeardAt = now;
    switch (msg.type) {
      case 'FOLLOWERINFO':
      case 'OBSERVERINFO':
        return this.dropLearner(h, `${msg.type} on a registered link`);
      case 'ACKEPOCH':
        return this.onAckEpoch(h, msg.lastZxid, msg.currentEpoch, now);
      case 'ACK':
        return this.onAck(h, msg.zxid, now);
      case 'REQUEST':
        if (this.zabPhase === 'broadcast') this.propose(msg, now);
        return;
      case 'SYNCREQUEST':
        return this.sync({ kind: 'link', link, path: msg.path });
      case 'PING':
        if (msg.sessions.length > 0) this.emit({ kind: 'touchSessions', sessions: msg.sessions });
        return;
      case 'REVALIDATE':
        return;
      case 'LEADERINFO':
      case 'DIFF':
      case 'TRUNC':
      case 'SNAP':
      case 'PROPOSAL':
      case 'INFORM':
      case 'COMMIT':
      case 'NEWLEADER':
      case 'UPTODATE':
      case 'SYNC':
        this.dropLearner(h, `unexpected ${msg.type} from a learner`);
        return;
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  tick(now: number): void {
    if (this.done) return;
    this.dropSilentLearners(now);
    if (this.zabPhase !== 'broadcast') {
      if (now > this.deadline) this.lose(this.stageTimeout());
      return;
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + Math.max(1, Math.floor(this.opts.tickMs / 2));
      const zxid = this.opts.log.lastLoggedZxid;
      for (const h of this.forwarding()) this.send(h.link, { type: 'PING', zxid, sessions: [] });
    }
    if (now >= this.nextCheckAt) {
      this.nextCheckAt = now + this.opts.tickMs;
      this.checkSyncedQuorum(now);
    }
  }

  /** Orders a write: the txn is logged here (counted as this leader's ack) before followers see it. */
  propose(req: ProposalRequest, now: number): void {
    if (this.done || this.zabPhase !== 'broadcast' || this.newEpoch === null) return;
    if (this.counter >= MAX_COUNTER) {
      this.lose('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start');
      return;
    }
    this.counter++;
    const txn: Txn = {
      zxid: zxidOf(this.newEpoch, this.counter),
      time: now,
      sessionId: req.sessionId,
      cxid: req.cxid,
      body: req.body,
    };
    this.opts.log.append(txn);
    this.emit({ kind: 'persistTxns', txns: [txn] });
    for (const h of this.forwarding()) if (!h.observer) this.send(h.link, { type: 'PROPOSAL', txn });
    this.acks.set(txn.zxid, new Set([this.opts.sid]));
    this.commitReady(now);
  }

  /** Answers once every proposal outstanding now has committed (at once if none is). */
  sync(target: SyncTarget): void {
    const last = [...this.acks.keys()].at(-1);
    if (last === undefined) this.answerSync(target);
    else this.syncWaiters.push({ after: last, target });
  }

  private register(link: LinkId, sid: number, acceptedEpoch: number, now: number): void {
    this.unidentified.delete(link);
    if (!this.participants.has(sid) && !this.observers.has(sid)) {
      this.emit({ kind: 'closeQuorumLink', link });
      return;
    }
    for (const old of this.learners.values()) if (old.sid === sid) this.dropLearner(old, 'it connected again');
    const h: LearnerHandle = {
      link,
      sid,
      observer: this.observers.has(sid),
      stage: 'registered',
      lastHeardAt: now,
      lastZxid: -1n,
    };
    this.learners.set(link, h);
    this.step({ step: 'learner-info', from: sid, acceptedEpoch, observer: h.observer });
    if (this.newEpoch === null) {
      this.connecting.set(sid, Math.max(acceptedEpoch, this.connecting.get(sid) ?? acceptedEpoch));
      this.advance(now);
    } else {
      this.sendLeaderInfo(h);
    }
  }

  private onAckEpoch(h: LearnerHandle, lastZxid: bigint, currentEpoch: number, now: number): void {
    if (h.stage !== 'epochSent') return;
    const { epochs, log } = this.opts;
    const ahead =
      currentEpoch > epochs.currentEpoch || (currentEpoch === epochs.currentEpoch && lastZxid > log.lastLoggedZxid);
    // An observer can never lead, so one that is ahead is truncated rather than followed.
    if (currentEpoch !== -1 && ahead && !h.observer) {
      this.lose(
        `Follower sid: ${h.sid} is ahead of the leader: epoch ${currentEpoch} zxid ${hexZxid(lastZxid)} vs epoch ${epochs.currentEpoch} zxid ${hexZxid(log.lastLoggedZxid)}`,
      );
      return;
    }
    h.lastZxid = lastZxid;
    h.stage = 'epochAcked';
    this.step({ step: 'epoch-acked', from: h.sid, lastZxid: hexZxid(lastZxid), currentEpoch });
    if (!h.observer) this.epochAcks.add(h.sid);
    if (this.zabPhase === 'discovery') this.advance(now);
    else this.syncLearner(h);
  }

  private onAck(h: LearnerHandle, zxid: bigint, now: number): void {
    if (h.stage === 'syncing' && this.newEpoch !== null && zxid === newEpochZxid(this.newEpoch)) {
      h.stage = 'newLeaderAcked';
      if (!h.observer) this.newLeaderAcks.add(h.sid);
      if (this.zabPhase === 'broadcast') this.upToDate(h);
      else this.advance(now);
      return;
    }
    const acked = this.acks.get(zxid);
    if (acked === undefined || h.observer) return;
    acked.add(h.sid);
    this.commitReady(now);
  }

  /** Moves discovery → synchronization → broadcast as far as the quorums received so far allow. */
  private advance(now: number): void {
    if (this.newEpoch === null && this.countParticipants(this.connecting.keys()) >= this.quorum) this.chooseEpoch(now);
    if (this.done) return;
    if (this.zabPhase === 'discovery' && this.newEpoch !== null && this.epochAcks.size >= this.quorum)
      this.startSync(now);
    if (this.zabPhase === 'synchronization' && this.newLeaderAcks.size >= this.quorum) this.startBroadcast(now);
  }

  private chooseEpoch(now: number): void {
    const epoch = Math.max(...this.connecting.values()) + 1;
    this.newEpoch = epoch;
    this.opts.epochs.acceptedEpoch = epoch;
    this.emit({ kind: 'persistEpochs', acceptedEpoch: epoch });
    const acceptedEpochs = [...this.connecting].map(([sid, acceptedEpoch]) => ({ sid, acceptedEpoch }));
    this.step({ step: 'new-epoch', epoch, acceptedEpochs });
    this.epochAcks.add(this.opts.sid);
    this.deadline = now + this.opts.initLimit * this.opts.tickMs;
    for (const h of this.learners.values()) if (h.stage === 'registered') this.sendLeaderInfo(h);
  }

  private startSync(now: number): void {
    const epoch = this.newEpoch ?? 0;
    this.opts.epochs.currentEpoch = epoch;
    this.emit({ kind: 'persistEpochs', currentEpoch: epoch });
    this.setPhase('synchronization');
    this.newLeaderAcks.add(this.opts.sid);
    this.deadline = now + this.opts.initLimit * this.opts.tickMs;
    for (const h of this.learners.values()) if (h.stage === 'epochAcked') this.syncLearner(h);
  }

  /** A quorum holds the new epoch's history: it is committed; apply it and start serving. */
  private startBroadcast(now: number): void {
    const start = newEpochZxid(this.newEpoch ?? 0);
    const sids = [...this.newLeaderAcks].sort((a, b) => a - b).join(',');
    this.emit({
      kind: 'log',
      level: 'info',
      msg: `Have quorum of supporters, sids: [ ${sids} ]; starting up and setting last processed zxid: ${hexZxid(start)}`,
    });
    this.opts.log.commitThrough(start - 1n, (t) => this.opts.host.apply(t));
    this.step({ step: 'newleader-acked', sids: [...this.newLeaderAcks].sort((a, b) => a - b), zxid: hexZxid(start) });
    this.nextPingAt = now;
    this.nextCheckAt = now + this.opts.tickMs;
    this.setPhase('broadcast');
    for (const h of this.learners.values()) if (h.stage === 'newLeaderAcked') this.upToDate(h);
  }

  private sendLeaderInfo(h: LearnerHandle): void {
    h.stage = 'epochSent';
    this.send(h.link, { type: 'LEADERINFO', newEpoch: this.newEpoch ?? 0 });
  }

  /** Sends the learner what it lacks, then NEWLEADER; from here on it receives the broadcast. */
  private syncLearner(h: LearnerHandle): void {
    const withPending = !(h.observer && this.zabPhase === 'broadcast');
    const plan = this.opts.log.planSync(h.lastZxid, withPending);
    this.emit({
      kind: 'log',
      level: 'info',
      msg: `Synchronizing with Learner sid: ${h.sid} peerLastZxid=${hexZxid(h.lastZxid)} by ${plan.mode}`,
    });
    const header = this.syncHeader(plan);
    this.send(h.link, header);
    this.step({
      step: 'sync',
      to: h.sid,
      mode: plan.mode,
      txns: plan.entries.length,
      peerZxid: hexZxid(h.lastZxid),
      zxid: hexZxid(header.zxid),
    });
    for (const e of plan.entries) {
      this.send(h.link, { type: 'PROPOSAL', txn: e.txn });
      if (e.committed) this.send(h.link, { type: 'COMMIT', zxid: e.txn.zxid });
    }
    this.send(h.link, { type: 'NEWLEADER', zxid: newEpochZxid(this.newEpoch ?? 0), config: this.opts.config });
    h.stage = 'syncing';
  }

  private syncHeader(plan: SyncPlan): Extract<ZabMessage, { type: SyncPlan['mode'] }> {
    switch (plan.mode) {
      case 'DIFF':
      case 'TRUNC':
        return { type: plan.mode, zxid: plan.zxid };
      case 'SNAP': {
        const snapshot = this.opts.host.snapshot();
        return { type: 'SNAP', zxid: snapshot.lastZxid, snapshot };
      }
      default: {
        const never: never = plan;
        return never;
      }
    }
  }

  private upToDate(h: LearnerHandle): void {
    h.stage = 'upToDate';
    this.send(h.link, { type: 'UPTODATE' });
    this.step({ step: 'uptodate', to: h.sid });
  }

  /** Commits outstanding proposals from the oldest while each has a quorum of acks. */
  private commitReady(now: number): void {
    for (const [zxid, acked] of this.acks) {
      if (this.countParticipants(acked) < this.quorum) return;
      this.acks.delete(zxid);
      this.reportCommit(zxid, acked, now);
      const txn = this.opts.log.pendingTxns.find((t) => t.zxid === zxid);
      for (const h of this.forwarding()) {
        if (!h.observer) this.send(h.link, { type: 'COMMIT', zxid });
        else if (txn !== undefined) this.send(h.link, { type: 'INFORM', txn });
      }
      this.opts.log.commitThrough(zxid, (t) => this.opts.host.apply(t));
      this.releaseSyncs(zxid);
    }
  }

  /** The first commit of this leadership, then one every COMMIT_SAMPLE_INTERVAL_MS at most. */
  private reportCommit(zxid: bigint, acked: ReadonlySet<number>, now: number): void {
    const first = this.nextCommitReportAt === null;
    if (!first && now < (this.nextCommitReportAt ?? 0)) return;
    this.nextCommitReportAt = now + COMMIT_SAMPLE_INTERVAL_MS;
    this.step({ step: 'commit', zxid: hexZxid(zxid), acks: [...acked].sort((a, b) => a - b), first });
  }

  private releaseSyncs(committed: bigint): void {
    while (this.syncWaiters[0] !== undefined && this.syncWaiters[0].after <= committed) {
      const w = this.syncWaiters.shift();
      if (w !== undefined) this.answerSync(w.target);
    }
  }

  private answerSync(target: SyncTarget): void {
    if (target.kind === 'local') this.emit({ kind: 'syncDone' });
    else if (this.learners.has(target.link)) this.send(target.link, { type: 'SYNC', path: target.path });
  }

  private checkSyncedQuorum(now: number): void {
    const synced = [
      this.opts.sid,
      ...[...this.learners.values()].filter((h) => !h.observer && this.synced(h, now)).map((h) => h.sid),
    ];
    if (synced.length >= this.quorum) return;
    const sids = synced.sort((a, b) => a - b).join(',');
    this.lose(`Not sufficient followers synced, only synced with sids: [ ${sids} ]`);
  }

  private synced(h: LearnerHandle, now: number): boolean {
    return h.stage === 'upToDate' && now - h.lastHeardAt <= this.opts.syncLimit * this.opts.tickMs;
  }

  private dropSilentLearners(now: number): void {
    const { tickMs, initLimit, syncLimit } = this.opts;
    for (const [link, since] of this.unidentified) {
      if (now - since > initLimit * tickMs) {
        this.unidentified.delete(link);
        this.emit({ kind: 'closeQuorumLink', link });
      }
    }
    for (const h of [...this.learners.values()]) {
      const limit = (h.stage === 'upToDate' ? syncLimit : initLimit) * tickMs;
      if (now - h.lastHeardAt > limit) this.dropLearner(h, 'read timed out');
    }
  }

  private dropLearner(h: LearnerHandle, why: string): void {
    this.learners.delete(h.link);
    this.emit({ kind: 'closeQuorumLink', link: h.link });
    this.emit({ kind: 'log', level: 'warn', msg: `Closing connection to learner sid: ${h.sid}: ${why}` });
  }

  private stageTimeout(): string {
    if (this.newEpoch === null) return 'Timeout while waiting for epoch from quorum';
    if (this.zabPhase === 'discovery') return 'Timeout while waiting for epoch to be acked by quorum';
    return 'Timeout while waiting for NEWLEADER to be acked by quorum';
  }

  private *forwarding(): Iterable<LearnerHandle> {
    for (const h of this.learners.values()) if (FORWARDING.has(h.stage)) yield h;
  }

  private countParticipants(sids: Iterable<number>): number {
    let n = 0;
    for (const sid of sids) if (this.participants.has(sid)) n++;
    return n;
  }

  private setPhase(phase: ZabPhase): void {
    this.zabPhase = phase;
    this.emit({ kind: 'phase', phase });
  }

  private send(link: LinkId, msg: ZabMessage): void {
    this.emit({ kind: 'sendQuorum', link, msg });
  }

  private lose(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.emit({ kind: 'log', level: 'warn', msg: reason });
    for (const link of [...this.learners.keys(), ...this.unidentified.keys()])
      this.emit({ kind: 'closeQuorumLink', link });
    this.learners.clear();
    this.unidentified.clear();
    this.emit({ kind: 'lost', reason });
  }

  private step(step: EnsembleStep): void {
    this.emit({ kind: 'electionStep', step });
  }

  private emit(action: ZabAction): void {
    this.opts.host.emit(action);
  }
}

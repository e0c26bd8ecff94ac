// One ensemble member as a pure core: Fast Leader Election, the Zab role it won, the client-facing
// server and the replicated state, driven by MemberInput and answered with Effects.

import type { EnsembleStep } from '../../common/election-record.js';
import { CONTAINER_CHECK_INTERVAL_MS, SNAP_COUNT } from '../../common/limits.js';

import type { ElectionNotification, SessionTimeout } from '../wire/peer.js';
import type { SnapshotData } from '../wire/snapshot.js';
import { encodeTxn } from '../wire/txn.js';
import type { ConnId, Effect, MemberInput, PeerState, RecoveredState, ServerSpec, ZabPhase } from './effects.js';
import { FastLeaderElection, voteReport, type ElectionAction } from './election.js';
import { ZkServer, type ServerOutput } from './server/server.js';
import type { MemberInfo } from './server/fourletter.js';
import { SessionTracker } from './sessions.js';
import { ReplicatedState } from './tree/state.js';
import { hexZxid, type Txn, type TxnBody } from './txn.js';
import { Leader } from './zab/leader.js';
import { Learner } from './zab/learner.js';
import { ZabLog } from './zab/log.js';
import { newEpochZxid, type Epochs, type ZabAction, type ZabHost } from './zab/types.js';

/** Members' first snapshots are spread over this many steps of snapCount / steps txns. */
const SNAPSHOT_STAGGER_STEPS = 8;

export interface MemberOptions {
  sid: number;
  servers: ServerSpec[];
  tickMs: number;
  initLimit: number;
  syncLimit: number;
  finalizeWaitMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  secret: Buffer;
  clientPort: number;
  /** Shown by the four-letter words only. */
  dataDir: string;
  recovered: RecoveredState;
  now: number;
  /** Configuration text sent in notifications and NEWLEADER and shown by `conf`. */
  config?: string;
  /** Applied txns between snapshots (default SNAP_COUNT). */
  snapCount?: number;
  /** `envi` lines. */
  env?: Record<string, string>;
}

type Role = { kind: 'looking' } | { kind: 'leading'; zab: Leader } | { kind: 'learning'; zab: Learner };

/** ZooKeeper's version line, as srvr prints it. */
const VERSION = '3.8.0-minicluster';

export class Member {
  private readonly election: FastLeaderElection;
  private readonly log: ZabLog;
  private readonly epochs: Epochs;
  private state: ReplicatedState;
  private readonly server: ZkServer;
  private readonly tracker: SessionTracker;
  private readonly host: ZabHost;
  private readonly config: string;
  private readonly snapCount: number;
  private role: Role = { kind: 'looking' };
  private phase: ZabPhase = 'election';
  private now: number;
  private out: Effect[] = [];
  private lostReason: string | null = null;
  /** Syncs of this member's clients waiting for the leader, in the order asked. */
  private pendingSyncs: { conn: ConnId; xid: number }[] = [];
  private nextSyncToken = 1;
  private appliedSinceSnapshot: number;
  /** Serialized sizes of the proposals made while leading (mntr's zk_*_proposal_size). */
  private proposalSizes: MemberInfo['proposalSizes'];
  private nextContainerCheckAt: number;

  constructor(private readonly opts: MemberOptions) {
    const { recovered } = opts;
    this.now = opts.now;
    this.config = opts.config ?? defaultConfig(opts.servers);
    this.snapCount = opts.snapCount ?? SNAP_COUNT;
    this.appliedSinceSnapshot = this.snapshotHeadStart();
    this.state = recovered.snapshot === null ? new ReplicatedState() : ReplicatedState.fromSnapshot(recovered.snapshot);
    this.log = new ZabLog({ appliedZxid: this.state.lastZxid, pending: recovered.txns });
    this.epochs = { acceptedEpoch: recovered.acceptedEpoch, currentEpoch: recovered.currentEpoch };
    this.election = new FastLeaderElection({
      sid: opts.sid,
      servers: opts.servers,
      finalizeWaitMs: opts.finalizeWaitMs,
      config: this.config,
    });
    this.server = new ZkServer({
      sid: opts.sid,
      state: this.state,
      tickMs: opts.tickMs,
      minSessionTimeoutMs: opts.minSessionTimeoutMs,
      maxSessionTimeoutMs: opts.maxSessionTimeoutMs,
      secret: opts.secret,
    });
    this.tracker = new SessionTracker({ tickMs: opts.tickMs });
    this.host = {
      emit: (a) => this.onZab(a),
      apply: (t) => this.apply(t),
      snapshot: () => this.state.toSnapshot(),
      installSnapshot: (s) => this.installSnapshot(s),
      touchedSessions: () => this.touchedSessions(),
    };
    this.nextContainerCheckAt = opts.now + CONTAINER_CHECK_INTERVAL_MS;
    this.lookForLeader();
  }

  get peerState(): PeerState {
    return this.election.state;
  }

  get zabPhase(): ZabPhase {
    return this.phase;
  }

  get leaderSid(): number | null {
    switch (this.role.kind) {
      case 'looking':
        return null;
      case 'leading':
        return this.opts.sid;
      case 'learning':
        return this.role.zab.leaderSid;
      default: {
        const never: never = this.role;
        return never;
      }
    }
  }

  /** The replicated state (read-only use: digests and checks). */
  get replicated(): ReplicatedState {
    return this.state;
  }

  /** What the core asks for in answer to `input` (the first call also returns what starting asked for). */
  handle(input: MemberInput): Effect[] {
    this.dispatch(input);
    if (this.lostReason !== null) {
      this.lostReason = null;
      this.lookForLeader();
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  private dispatch(input: MemberInput): void {
    switch (input.kind) {
      case 'tick':
        this.now = input.now;
        return this.tick();
      case 'electionMessage':
        this.step({ step: 'vote-received', from: input.from, vote: voteReport(input.msg) });
        return this.onElection(this.election.receive(input.from, input.msg, this.now));
      case 'electionLinkDown':
        // The transport re-sends the last notification when the link comes back; nothing to do here.
        return;
      case 'quorumLinkUp':
        return this.onQuorumLinkUp(input.link);
      case 'quorumMessage':
        if (this.role.kind !== 'looking') this.role.zab.receive(input.link, input.msg, this.now);
        return;
      case 'quorumLinkDown':
        if (this.role.kind !== 'looking') this.role.zab.linkDown(input.link);
        return;
      case 'quorumSnapshotProgress':
        if (this.role.kind !== 'looking') this.role.zab.snapshotProgress(input.link, this.now);
        return;
      case 'clientOpened':
        this.now = input.now;
        return this.server.opened(input.conn, { ip: input.ip, port: input.port, now: input.now });
      case 'clientConnect':
        this.now = input.now;
        return this.serverOut(this.server.connect(input.conn, input.request, input.now));
      case 'clientRequest':
        this.now = input.now;
        return this.serverOut(this.server.request(input.conn, input.xid, input.request, input.now));
      case 'clientFourLetterWord':
        this.now = input.now;
        return this.serverOut(this.server.fourLetterWord(input.conn, input.word, this.memberInfo(), input.now));
      case 'clientClosed':
        return this.serverOut(this.server.closed(input.conn));
      default: {
        const never: never = input;
        return never;
      }
    }
  }

  private tick(): void {
    const { role, now } = this;
    switch (role.kind) {
      case 'looking':
        this.server.drainTouchedSessions();
        return this.onElection(this.election.tick(now));
      case 'leading':
        role.zab.tick(now);
        if (role.zab.phase === 'broadcast') this.leaderHousekeeping(role.zab);
        return;
      case 'learning':
        return role.zab.tick(now);
      default: {
        const never: never = role;
        return never;
      }
    }
  }

  /** Session expiry and container clean-up: only the leader decides them, as txns. */
  private leaderHousekeeping(leader: Leader): void {
    const { now } = this;
    for (const id of this.server.drainTouchedSessions()) this.tracker.touch(id, now);
    for (const id of this.tracker.expired(now)) {
      const timeoutMs = this.state.sessions.get(id)?.timeoutMs ?? 0;
      this.logInfo(`Expiring session ${hexZxid(id)}, timeout of ${timeoutMs}ms exceeded`);
      this.step({ step: 'session-expired', sessionId: hexZxid(id), timeoutMs });
      leader.propose({ sessionId: id, cxid: 0, body: { type: 'closeSession' } }, now);
    }
    if (now < this.nextContainerCheckAt) return;
    this.nextContainerCheckAt = now + CONTAINER_CHECK_INTERVAL_MS;
    for (const path of this.state.containersToDelete(now))
      leader.propose({ sessionId: 0n, cxid: 0, body: { type: 'deleteContainer', path } }, now);
  }

  private onQuorumLinkUp(link: number): void {
    if (this.role.kind === 'looking') this.out.push({ kind: 'closeQuorumLink', link });
    else this.role.zab.linkUp(link, this.now);
  }

  // ---- election ----

  private lookForLeader(): void {
    if (this.role.kind === 'leading') this.out.push({ kind: 'listenQuorum', listen: false });
    this.role = { kind: 'looking' };
    this.pendingSyncs = [];
    this.serverOut(this.server.setServing(false, this.now));
    this.logInfo('LOOKING');
    this.setPhase('election');
    const { currentEpoch } = this.epochs;
    const lastZxid = this.log.lastLoggedZxid;
    const actions = this.election.lookForLeader({ lastZxid, currentEpoch: BigInt(currentEpoch), now: this.now });
    const voter = this.opts.servers.some((s) => s.sid === this.opts.sid && s.role === 'participant');
    const round = Number(this.election.round);
    this.step({ step: 'looking', round, zxid: hexZxid(lastZxid), epoch: currentEpoch, voter });
    this.onElection(actions);
  }

  private onElection(actions: ElectionAction[]): void {
    for (const a of actions) {
      if (a.kind === 'send') this.sendElection(a.to, a.msg);
      else this.takeRole(a);
    }
  }

  private sendElection(to: number, msg: ElectionNotification): void {
    this.out.push({ kind: 'sendElection', to, msg });
    this.step({ step: 'vote-sent', to, vote: voteReport(msg) });
  }

  private takeRole(decided: Extract<ElectionAction, { kind: 'decided' }>): void {
    const { state, leader: leaderSid, tookMs, by } = decided;
    this.step({
      step: 'decided',
      state,
      leader: leaderSid,
      tookMs,
      by,
      zxid: hexZxid(decided.zxid),
      epoch: Number(decided.peerEpoch),
      candidates: decided.candidates.map((c) => ({ sid: c.sid, zxid: hexZxid(c.zxid), epoch: Number(c.peerEpoch) })),
    });
    this.logInfo(`${state} - LEADER ELECTION TOOK - ${tookMs} MS`);
    const { sid, servers, tickMs, initLimit, syncLimit } = this.opts;
    const common = {
      sid,
      log: this.log,
      epochs: this.epochs,
      host: this.host,
      now: this.now,
      tickMs,
      initLimit,
      syncLimit,
    };
    if (state === 'LEADING') {
      this.out.push({ kind: 'listenQuorum', listen: true });
      const zab = new Leader({ ...common, servers, config: this.config });
      this.role = { kind: 'leading', zab };
      zab.start();
      return;
    }
    this.logInfo(`${state} - leader is sid ${leaderSid}`);
    const zab = new Learner({ ...common, observer: state === 'OBSERVING', leaderSid });
    this.role = { kind: 'learning', zab };
    zab.start();
  }

  // ---- Zab host ----

  private onZab(a: ZabAction): void {
    switch (a.kind) {
      case 'phase':
        return this.onPhase(a.phase);
      case 'syncDone':
        return this.syncDone();
      case 'touchSessions':
        for (const s of a.sessions) this.tracker.touch(s.sessionId, this.now);
        return;
      case 'lost':
        this.lostReason = a.reason;
        return;
      case 'persistTxns':
        if (this.role.kind === 'leading') for (const t of a.txns) this.recordProposalSize(encodeTxn(t).length);
        this.out.push(a);
        return;
      case 'persistEpochs':
      case 'truncateLog':
      case 'saveSnapshot':
      case 'connectToLeader':
      case 'sendQuorum':
      case 'closeQuorumLink':
      case 'electionStep':
      case 'log':
        this.out.push(a);
        return;
      default: {
        const never: never = a;
        return never;
      }
    }
  }

  private recordProposalSize(bytes: number): void {
    const p = this.proposalSizes;
    this.proposalSizes =
      p === undefined
        ? { last: bytes, min: bytes, max: bytes }
        : { last: bytes, min: Math.min(p.min, bytes), max: Math.max(p.max, bytes) };
  }

  private onPhase(phase: ZabPhase): void {
    if (phase === 'synchronization') this.election.updatePeerEpoch(BigInt(this.epochs.acceptedEpoch));
    if (phase === 'broadcast') {
      if (this.role.kind === 'leading') {
        this.state.advanceLastZxid(newEpochZxid(this.epochs.currentEpoch));
        this.tracker.resetAll(this.state.sessions, this.now);
      }
      this.serverOut(this.server.setServing(true, this.now));
    }
    this.setPhase(phase);
  }

  private apply(txn: Txn): void {
    this.serverOut(this.server.committed(txn, this.now));
    if (this.role.kind === 'leading') this.trackSession(txn);
    if (++this.appliedSinceSnapshot < this.snapCount) return;
    this.appliedSinceSnapshot = 0;
    this.out.push({ kind: 'takeSnapshot', snapshot: this.state.toSnapshot() });
  }

  private trackSession(txn: Txn): void {
    const { body } = txn;
    if (body.type === 'createSession') this.tracker.add(txn.sessionId, body.timeoutMs, this.now);
    else if (body.type === 'closeSession') this.tracker.remove(txn.sessionId);
  }

  private installSnapshot(snapshot: SnapshotData): void {
    this.state = ReplicatedState.fromSnapshot(snapshot);
    this.server.replaceState(this.state);
    this.appliedSinceSnapshot = this.snapshotHeadStart();
  }

  /**
   * Txns counted toward the next snapshot from the start: members begin an eighth of snapCount apart by
   * sid, so an ensemble never snapshots at the same txn everywhere (ZooKeeper randomizes the point for
   * the same reason); each then snapshots every snapCount txns.
   */
  private snapshotHeadStart(): number {
    return ((this.opts.sid - 1) % SNAPSHOT_STAGGER_STEPS) * Math.floor(this.snapCount / SNAPSHOT_STAGGER_STEPS);
  }

  private touchedSessions(): SessionTimeout[] {
    return this.server.drainTouchedSessions().flatMap((sessionId) => {
      const s = this.state.sessions.get(sessionId);
      return s === undefined ? [] : [{ sessionId, timeoutMs: s.timeoutMs }];
    });
  }

  // ---- client server ----

  private serverOut(outputs: ServerOutput[]): void {
    for (const o of outputs) {
      switch (o.kind) {
        case 'submit':
          this.submit(o.sessionId, o.cxid, o.body);
          break;
        case 'sync':
          this.startSync(o.conn, o.xid, o.path);
          break;
        case 'connectResponse':
        case 'reply':
        case 'notify':
        case 'fourLetterReply':
        case 'closeClient':
        case 'log':
          this.out.push(o);
          break;
        default: {
          const never: never = o;
          return never;
        }
      }
    }
  }

  /** A write accepted here: proposed if leading, forwarded to the leader if learning. */
  private submit(sessionId: bigint, cxid: number, body: TxnBody): void {
    if (this.role.kind === 'leading') this.role.zab.propose({ sessionId, cxid, body }, this.now);
    else if (this.role.kind === 'learning') this.role.zab.request(sessionId, cxid, body);
  }

  private startSync(conn: ConnId, xid: number, path: string): void {
    if (this.role.kind === 'looking') return;
    this.pendingSyncs.push({ conn, xid });
    if (this.role.kind === 'leading') this.role.zab.sync({ kind: 'local' });
    else this.role.zab.sync(path, this.nextSyncToken++);
  }

  private syncDone(): void {
    const next = this.pendingSyncs.shift();
    if (next !== undefined) this.serverOut(this.server.syncDone(next.conn, next.xid));
  }

  private memberInfo(): MemberInfo {
    const { role } = this;
    const counts = role.kind === 'leading' ? role.zab.learnerCounts(this.now) : { learners: 0, syncedFollowers: 0 };
    const serving = this.phase === 'broadcast';
    const zxid = this.state.lastZxid;
    return {
      mode: serving ? modeOf(this.election.state) : null,
      peerState: `${this.election.state.toLowerCase()} - ${this.phase}`,
      zxid,
      version: VERSION,
      serverId: this.opts.sid,
      clientPort: this.opts.clientPort,
      config: this.config,
      syncedFollowers: counts.syncedFollowers,
      learners: counts.learners,
      quorumSize: Math.floor(this.opts.servers.filter((s) => s.role === 'participant').length / 2) + 1,
      ...(role.kind === 'leading' && this.proposalSizes !== undefined ? { proposalSizes: this.proposalSizes } : {}),
      dataDir: this.opts.dataDir,
      env: this.opts.env ?? {},
    };
  }

  private setPhase(phase: ZabPhase): void {
    this.phase = phase;
    const state = this.election.state;
    this.out.push({
      kind: 'stateChanged',
      state,
      phase,
      leader: this.leaderSid,
      zxid: this.state.lastZxid,
      epoch: this.epochs.currentEpoch,
    });
  }

  private step(step: EnsembleStep): void {
    this.out.push({ kind: 'electionStep', step });
  }

  private logInfo(msg: string): void {
    this.out.push({ kind: 'log', level: 'info', msg });
  }
}

function modeOf(state: PeerState): MemberInfo['mode'] {
  switch (state) {
    case 'LEADING':
      return 'leader';
    case 'FOLLOWING':
      return 'follower';
    case 'OBSERVING':
      return 'observer';
    case 'LOOKING':
      return null;
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** Without addresses: the membership alone, in zoo.cfg's words. */
function defaultConfig(servers: ServerSpec[]): string {
  return [...servers.map((s) => `server.${s.sid}=${s.role}`), 'version=0'].join('\n');
}

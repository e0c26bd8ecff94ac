// Fast Leader Election (ZooKeeper's electionAlg=3) as a pure state machine: notifications in,
// notifications and a decision out; time arrives as `now` (ms) with each call.

import { MAX_NOTIFICATION_INTERVAL_MS } from '../../common/limits.js';
import type { ElectionNotification } from '../wire/peer.js';
import type { VoteReport, WinReason } from '../../common/election-record.js';
import type { PeerState, ServerSpec } from './effects.js';

/** Who a server proposes as leader, ordered by (peerEpoch, zxid, sid). */
export interface Vote {
  leader: number;
  zxid: bigint;
  peerEpoch: bigint;
}

/** A vote as recorded from a notification, with the round and state it was sent in. */
interface RecordedVote extends Vote {
  electionEpoch: bigint;
  state: PeerState;
}

export type SettledState = Exclude<PeerState, 'LOOKING'>;

/** A member heard proposing itself in the current round, with its credentials. */
export interface Candidate {
  sid: number;
  zxid: bigint;
  peerEpoch: bigint;
}

export type ElectionAction =
  | { kind: 'send'; to: number; msg: ElectionNotification }
  | {
      kind: 'decided';
      state: SettledState;
      leader: number;
      tookMs: number;
      /** The leader's zxid and epoch, as the winning vote carried them. */
      zxid: bigint;
      peerEpoch: bigint;
      by: WinReason;
      /** Every voter heard proposing itself this round, this member included. */
      candidates: Candidate[];
    };

export interface ElectionOptions {
  sid: number;
  servers: ServerSpec[];
  /** How long a quorum of matching votes must stand unchallenged before deciding (ZooKeeper: 200 ms). */
  finalizeWaitMs: number;
  /** Config text carried in every notification. */
  config: string;
}

/** Java's Long.MIN_VALUE: an observer proposes itself with it, so every real vote beats it. */
const NO_ZXID = -(1n << 63n);

export class FastLeaderElection {
  private readonly voters: Set<number>;
  private readonly known: Set<number>;
  private readonly quorum: number;
  private peerState: PeerState = 'LOOKING';
  private logicalClock = 0n;
  private initialVote: Vote;
  private proposal: Vote;
  /** The vote this server settled on (non-LOOKING) — what it answers LOOKING peers with. */
  private current: RecordedVote;
  private readonly recvSet = new Map<number, RecordedVote>();
  private readonly outOfElection = new Map<number, RecordedVote>();
  /** Voters' own proposals heard this round (a voter's first vote is for itself). */
  private readonly candidates = new Map<number, Candidate>();
  private startedAt = 0;
  private decideAt: number | null = null;
  private notTimeoutMs: number;
  private resendAt = 0;

  constructor(private readonly opts: ElectionOptions) {
    this.voters = new Set(opts.servers.filter((s) => s.role === 'participant').map((s) => s.sid));
    this.known = new Set(opts.servers.map((s) => s.sid));
    this.quorum = Math.floor(this.voters.size / 2) + 1;
    this.initialVote = { leader: opts.sid, zxid: NO_ZXID, peerEpoch: NO_ZXID };
    this.proposal = this.initialVote;
    this.current = { ...this.initialVote, electionEpoch: 0n, state: 'LOOKING' };
    this.notTimeoutMs = opts.finalizeWaitMs;
  }

  get state(): PeerState {
    return this.peerState;
  }

  get round(): bigint {
    return this.logicalClock;
  }

  /** The current proposal while LOOKING, else the vote this server settled on. */
  get vote(): Vote {
    return this.peerState === 'LOOKING' ? this.proposal : this.current;
  }

  /** Starts a new round voting for itself with its last logged zxid and current epoch. */
  lookForLeader(self: { lastZxid: bigint; currentEpoch: bigint; now: number }): ElectionAction[] {
    this.logicalClock += 1n;
    this.peerState = 'LOOKING';
    this.startedAt = self.now;
    this.initialVote = this.isVoter(this.opts.sid)
      ? { leader: this.opts.sid, zxid: self.lastZxid, peerEpoch: self.currentEpoch }
      : { leader: this.opts.sid, zxid: NO_ZXID, peerEpoch: NO_ZXID };
    this.recvSet.clear();
    this.outOfElection.clear();
    this.candidates.clear();
    this.noteCandidate(this.opts.sid, this.initialVote);
    this.notTimeoutMs = this.opts.finalizeWaitMs;
    this.resendAt = self.now + this.notTimeoutMs;
    this.setProposal(this.initialVote, self.now);
    return this.broadcast();
  }

  /** Once the new epoch is known the settled vote reports it, as ZooKeeper's updateElectionVote does. */
  updatePeerEpoch(epoch: bigint): void {
    this.current = { ...this.current, peerEpoch: epoch };
  }

  receive(from: number, n: ElectionNotification, now: number): ElectionAction[] {
    if (!this.known.has(from) || from === this.opts.sid) return [];
    if (!this.isVoter(from)) return this.isVoter(this.opts.sid) ? [this.answer(from)] : [];
    if (this.peerState !== 'LOOKING') return n.state === 'LOOKING' ? [this.answer(from)] : [];
    this.resendAt = now + this.notTimeoutMs;
    const out: ElectionAction[] = [];
    if (n.state === 'LOOKING' && n.electionEpoch < this.logicalClock && this.isVoter(this.opts.sid))
      out.push(this.answer(from));
    if (!this.isVoter(n.leader)) return out;
    switch (n.state) {
      case 'LOOKING':
        out.push(...this.onLooking(from, n, now));
        break;
      case 'FOLLOWING':
      case 'LEADING':
        out.push(...this.onSettled(from, n, now));
        break;
      case 'OBSERVING':
        break;
      default: {
        const never: never = n.state;
        return never;
      }
    }
    return out;
  }

  /** Decides once finalizeWait has passed unchallenged; re-sends with back-off while nothing arrives. */
  tick(now: number): ElectionAction[] {
    if (this.peerState !== 'LOOKING') return [];
    if (this.decideAt !== null && now >= this.decideAt) {
      return [this.decide({ ...this.proposal, electionEpoch: this.logicalClock, state: 'LOOKING' }, now)];
    }
    if (now < this.resendAt) return [];
    this.notTimeoutMs = Math.min(this.notTimeoutMs * 2, MAX_NOTIFICATION_INTERVAL_MS);
    this.resendAt = now + this.notTimeoutMs;
    return this.broadcast();
  }

  private onLooking(from: number, n: ElectionNotification, now: number): ElectionAction[] {
    const theirs: Vote = { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
    let sends: ElectionAction[] = [];
    if (n.electionEpoch > this.logicalClock) {
      this.logicalClock = n.electionEpoch;
      this.recvSet.clear();
      this.candidates.clear();
      this.noteCandidate(this.opts.sid, this.initialVote);
      this.noteCandidate(from, theirs);
      this.setProposal(beats(theirs, this.initialVote) ? theirs : this.initialVote, now);
      sends = this.broadcast();
    } else if (n.electionEpoch < this.logicalClock) {
      return [];
    } else {
      this.noteCandidate(from, theirs);
      if (beats(theirs, this.proposal)) {
        this.setProposal(theirs, now);
        sends = this.broadcast();
      }
    }
    this.recvSet.set(from, { ...theirs, electionEpoch: n.electionEpoch, state: 'LOOKING' });
    this.checkQuorum(now);
    return sends;
  }

  /** A FOLLOWING/LEADING peer reports a leader: join it once a quorum agrees and the leader says LEADING. */
  private onSettled(from: number, n: ElectionNotification, now: number): ElectionAction[] {
    const theirs: RecordedVote = {
      leader: n.leader,
      zxid: n.zxid,
      peerEpoch: n.peerEpoch,
      electionEpoch: n.electionEpoch,
      state: n.state,
    };
    if (n.electionEpoch === this.logicalClock) {
      this.recvSet.set(from, theirs);
      if (this.hasQuorum(this.recvSet, theirs) && this.checkLeader(this.recvSet, theirs))
        return [this.decide(theirs, now)];
    }
    this.outOfElection.set(from, theirs);
    if (this.hasQuorum(this.outOfElection, theirs) && this.checkLeader(this.outOfElection, theirs)) {
      this.logicalClock = n.electionEpoch;
      return [this.decide(theirs, now)];
    }
    return [];
  }

  private setProposal(vote: Vote, now: number): void {
    this.proposal = vote;
    if (this.isVoter(this.opts.sid))
      this.recvSet.set(this.opts.sid, { ...vote, electionEpoch: this.logicalClock, state: 'LOOKING' });
    this.decideAt = null;
    this.checkQuorum(now);
  }

  /** Starts (or keeps) the finalizeWait timer while a quorum of this round's votes matches the proposal. */
  private checkQuorum(now: number): void {
    const mine: RecordedVote = { ...this.proposal, electionEpoch: this.logicalClock, state: 'LOOKING' };
    if (!this.hasQuorum(this.recvSet, mine)) this.decideAt = null;
    else this.decideAt ??= now + this.opts.finalizeWaitMs;
  }

  private hasQuorum(votes: Map<number, RecordedVote>, vote: RecordedVote): boolean {
    let n = 0;
    for (const [sid, v] of votes) if (this.isVoter(sid) && sameVote(v, vote)) n++;
    return n >= this.quorum;
  }

  /** The proposed leader must itself be LEADING in what we heard (or be us, in our own round). */
  private checkLeader(votes: Map<number, RecordedVote>, vote: RecordedVote): boolean {
    if (vote.leader === this.opts.sid) return this.logicalClock === vote.electionEpoch;
    return votes.get(vote.leader)?.state === 'LEADING';
  }

  private decide(vote: RecordedVote, now: number): ElectionAction {
    const state: SettledState =
      vote.leader === this.opts.sid ? 'LEADING' : this.isVoter(this.opts.sid) ? 'FOLLOWING' : 'OBSERVING';
    const candidates = [...this.candidates.values()].sort((a, b) => a.sid - b.sid);
    const by = vote.state === 'LOOKING' ? whyWon(vote, candidates) : 'established';
    this.peerState = state;
    this.current = {
      leader: vote.leader,
      zxid: vote.zxid,
      peerEpoch: vote.peerEpoch,
      electionEpoch: vote.electionEpoch,
      state,
    };
    this.decideAt = null;
    this.recvSet.clear();
    this.outOfElection.clear();
    const { leader, zxid, peerEpoch } = vote;
    return { kind: 'decided', state, leader, tookMs: now - this.startedAt, zxid, peerEpoch, by, candidates };
  }

  /** Remembers a voter that proposed itself this round, with its credentials. */
  private noteCandidate(sid: number, vote: Vote): void {
    if (this.isVoter(sid) && vote.leader === sid)
      this.candidates.set(sid, { sid, zxid: vote.zxid, peerEpoch: vote.peerEpoch });
  }

  private broadcast(): ElectionAction[] {
    const msg = this.notification();
    return [...this.voters].filter((sid) => sid !== this.opts.sid).map((to) => ({ kind: 'send', to, msg }));
  }

  private answer(to: number): ElectionAction {
    return { kind: 'send', to, msg: this.notification() };
  }

  private notification(): ElectionNotification {
    const looking = this.peerState === 'LOOKING';
    const vote = this.vote;
    return {
      state: this.peerState,
      leader: vote.leader,
      zxid: vote.zxid,
      electionEpoch: looking ? this.logicalClock : this.current.electionEpoch,
      peerEpoch: vote.peerEpoch,
      config: this.opts.config,
    };
  }

  private isVoter(sid: number): boolean {
    return this.voters.has(sid);
  }
}

/** A notification as the election record shows it; an observer's vote carries no zxid or epoch. */
export function voteReport(n: ElectionNotification): VoteReport {
  return {
    leader: n.leader,
    zxid: n.zxid === NO_ZXID ? null : `0x${n.zxid.toString(16)}`,
    epoch: n.peerEpoch === NO_ZXID ? null : Number(n.peerEpoch),
    round: Number(n.electionEpoch),
    state: n.state,
  };
}

/** ZooKeeper's totalOrderPredicate: does `a` beat `b`? */
export function beats(a: Vote, b: Vote): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

/** Which part of the order (epoch, zxid, sid) puts the winning vote ahead of the best other candidate. */
export function whyWon(winner: Vote, candidates: readonly Candidate[]): WinReason {
  const rivals = candidates.filter((c) => c.sid !== winner.leader).map((c) => ({ ...c, leader: c.sid }));
  const best = rivals.reduce<Vote | null>((top, v) => (top === null || beats(v, top) ? v : top), null);
  if (best === null) return 'alone';
  if (winner.peerEpoch !== best.peerEpoch) return 'epoch';
  return winner.zxid !== best.zxid ? 'zxid' : 'sid';
}

/** Votes agree fully while either is LOOKING; settled votes agree on leader and epoch. */
function sameVote(a: RecordedVote, b: RecordedVote): boolean {
  if (a.state === 'LOOKING' || b.state === 'LOOKING') {
    return (
      a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch
    );
  }
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

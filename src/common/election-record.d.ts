// The election record, types only: the steps members and masters report, and what the supervisor keeps of
// each election (a declaration file, so the browser code imports it too). Zxids are `0x` + hex.

export type ZkPeerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';
export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

/** A vote as Fast Leader Election sends it: the proposed leader with its zxid and epoch, in a round. */
export interface VoteReport {
  leader: number;
  /** The proposed leader's last zxid; null in an observer's vote, which can never win. */
  zxid: string | null;
  /** The proposed leader's epoch; null in an observer's vote. */
  epoch: number | null;
  /** The election round (ZooKeeper's logical clock, electionEpoch). */
  round: number;
  /** The state of the member that sent it. */
  state: ZkPeerState;
}

/** A member that proposed itself, with what it proposed. */
export interface CandidateReport {
  sid: number;
  zxid: string;
  epoch: number;
}

/**
 * Which part of the order (epoch, zxid, sid) made the winner's vote beat the best other candidate's;
 * `alone` when no other candidate was heard of, `established` when the member joined a leader that
 * already led (FOLLOWING/LEADING votes from a quorum).
 */
export type WinReason = 'epoch' | 'zxid' | 'sid' | 'alone' | 'established';

/** One step of the ensemble's consensus as a member reports it: election, Zab discovery and sync, commits. */
export type EnsembleStep =
  /** `voter`: a participant, which may win (an observer only learns the leader). */
  | { step: 'looking'; round: number; zxid: string; epoch: number; voter: boolean }
  | { step: 'vote-sent'; to: number; vote: VoteReport }
  | { step: 'vote-received'; from: number; vote: VoteReport }
  | {
      step: 'decided';
      state: Exclude<ZkPeerState, 'LOOKING'>;
      leader: number;
      tookMs: number;
      by: WinReason;
      /** The leader's zxid and epoch as the winning vote carried them. */
      zxid: string;
      epoch: number;
      /** Every member heard proposing itself in the round, this one included. */
      candidates: CandidateReport[];
    }
  /** Leader, discovery: a learner registered (FOLLOWERINFO / OBSERVERINFO) with its accepted epoch. */
  | { step: 'learner-info'; from: number; acceptedEpoch: number; observer: boolean }
  /** Leader, discovery: a quorum's accepted epochs are known; the new epoch is one above the highest. */
  | { step: 'new-epoch'; epoch: number; acceptedEpochs: { sid: number; acceptedEpoch: number }[] }
  /** Leader, discovery: a learner took the epoch (ACKEPOCH) and said where its log ends. */
  | { step: 'epoch-acked'; from: number; lastZxid: string; currentEpoch: number }
  /** Leader, synchronisation: how a learner is brought to the leader's history, and with how many txns. */
  | { step: 'sync'; to: number; mode: SyncMode; txns: number; peerZxid: string; zxid: string }
  /** Leader: a quorum acked NEWLEADER; it starts broadcasting. */
  | { step: 'newleader-acked'; sids: number[]; zxid: string }
  | { step: 'uptodate'; to: number }
  /** Leader: a proposal committed with these acks; the first of a leadership always, later ones sampled. */
  | { step: 'commit'; zxid: string; acks: number[]; first: boolean }
  /** Leader: a client session expired (its ephemeral znodes go with it). */
  | { step: 'session-expired'; sessionId: string; timeoutMs: number };

/** One step of the masters' contest as a master reports it (Mesos's words: candidate, leading master). */
export type MasterStep =
  /** Its ZooKeeper session is connected to `server` (host:port). */
  | { step: 'session'; sessionId: string; server: string | null }
  /** It entered the contest with an EPHEMERAL_SEQUENTIAL `json.info_` znode. */
  | { step: 'candidate'; znode: string; sessionId: string }
  /** A standby watches the znode just before its own. */
  | { step: 'watching'; znode: string; watched: string }
  /** It detected the leading master: the lowest sequence, `leading` when that is its own znode. */
  | { step: 'elected'; znode: string; leader: string; leading: boolean }
  | { step: 'session-lost'; sessionId: string; why: string };

/** What the supervisor itself saw: the leader of the contest lost (killed, exited, or it stopped leading). */
export interface LostStep {
  step: 'lost';
  how: 'killed' | 'exited' | 'stopped leading';
}

export type ElectionKind = 'ensemble' | 'masters';

export interface RecordedStep {
  /** ms since the epoch. */
  at: number;
  /** The lane it happens on, or a message's sender (`zk-2`, `master-1`, `ZooKeeper` in a masters' contest). */
  from: string;
  /** A message's receiver; null for a step that stays on one lane. */
  to: string | null;
  /** One line in ZooKeeper's and Mesos's words. */
  text: string;
  detail: EnsembleStep | MasterStep | LostStep;
}

export interface ElectionSummary {
  /** Numbers the elections of this supervisor, from 1. */
  id: number;
  kind: ElectionKind;
  startedAt: number;
  /** When the winner was known; null while undecided. */
  decidedAt: number | null;
  winner: string | null;
  /** One sentence saying why the winner won; null while undecided. */
  verdict: string | null;
  /** The diagram's lanes, left to right. */
  lanes: string[];
  steps: number;
  /** Steps beyond the cap per election, not kept. */
  dropped: number;
}

export interface ElectionRecord extends Omit<ElectionSummary, 'steps'> {
  steps: RecordedStep[];
}

/** A master's place in the contest for leading master, as the picture draws it. */
export interface MasterContest {
  master: string;
  /** Its `json.info_` znode; null before it entered the contest. */
  znode: string | null;
  /** The znode it watches while it stands by. */
  watching: string | null;
  /** The member its ZooKeeper session is connected to. */
  member: string | null;
}

/** What the dashboard animates: the newest messages between components (votes, Zab rounds), numbered. */
export interface TrafficItem {
  seq: number;
  at: number;
  from: string;
  to: string;
  /** The message: `vote zk-3`, FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF, TRUNC, SNAP, NEWLEADER, ACK, UPTODATE, PROPOSAL, COMMIT. */
  label: string;
  /** Messages of one round share a wave number in order (PROPOSAL 0, ACK 1, COMMIT 2); others have 0. */
  wave: number;
}

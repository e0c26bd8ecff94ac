// The seam between an ensemble member's pure core and its I/O shell: what the shell feeds in
// (MemberInput) and what the core asks the shell to do (Effect), executed in the order
// persist → send → reply.

import type { EnsembleStep } from '../../common/election-record.js';
import type { ConnectRequest, ConnectResponse, ClientRequest, Reply, WatcherEvent } from '../wire/records.js';
import type { ElectionNotification, ZabMessage } from '../wire/peer.js';
import type { SnapshotData } from '../wire/snapshot.js';
import type { Txn } from './txn.js';

/** A client connection on this member, numbered by the shell. */
export type ConnId = number;
/** A quorum-port link (leader: one per connected learner; learner: its link to the leader). */
export type LinkId = number;

export type PeerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';
/** Zab sub-phase as mntr's zk_peer_state shows it ("leading - broadcast"). */
export type ZabPhase = 'election' | 'discovery' | 'synchronization' | 'broadcast';

export interface ServerSpec {
  sid: number;
  role: 'participant' | 'observer';
}

/** What a member finds on disk at start. Txns are those after the snapshot, in zxid order. */
export interface RecoveredState {
  acceptedEpoch: number;
  currentEpoch: number;
  snapshot: SnapshotData | null;
  txns: Txn[];
}

export type MemberInput =
  | { kind: 'tick'; now: number }
  | { kind: 'electionMessage'; from: number; msg: ElectionNotification }
  | { kind: 'electionLinkDown'; sid: number }
  | { kind: 'quorumLinkUp'; link: LinkId }
  | { kind: 'quorumMessage'; link: LinkId; msg: ZabMessage }
  | { kind: 'quorumLinkDown'; link: LinkId }
  /** A snapshot moves on the link: the leader wrote a piece of it, or the learner read some. */
  | { kind: 'quorumSnapshotProgress'; link: LinkId }
  | { kind: 'clientOpened'; conn: ConnId; ip: string; port: number; now: number }
  | { kind: 'clientConnect'; conn: ConnId; request: ConnectRequest; now: number }
  | { kind: 'clientRequest'; conn: ConnId; xid: number; request: ClientRequest; now: number }
  | { kind: 'clientFourLetterWord'; conn: ConnId; word: string; now: number }
  | { kind: 'clientClosed'; conn: ConnId };

export type Effect =
  // persist (the shell makes these durable before performing any later send or reply)
  | { kind: 'persistTxns'; txns: Txn[] }
  | { kind: 'persistEpochs'; acceptedEpoch?: number; currentEpoch?: number }
  | { kind: 'truncateLog'; afterZxid: bigint }
  | { kind: 'saveSnapshot'; snapshot: SnapshotData }
  /** A snapshot of applied state, stored in the background a bounded piece per turn: nothing waits for it. */
  | { kind: 'takeSnapshot'; snapshot: SnapshotData }
  // send
  | { kind: 'sendElection'; to: number; msg: ElectionNotification }
  | { kind: 'listenQuorum'; listen: boolean }
  | { kind: 'connectToLeader'; sid: number }
  | { kind: 'sendQuorum'; link: LinkId; msg: ZabMessage }
  | { kind: 'closeQuorumLink'; link: LinkId }
  // reply
  | { kind: 'connectResponse'; conn: ConnId; response: ConnectResponse }
  | { kind: 'reply'; conn: ConnId; reply: Reply }
  | { kind: 'notify'; conn: ConnId; event: WatcherEvent }
  | { kind: 'fourLetterReply'; conn: ConnId; text: string }
  /** Close after flushing what was already queued on the connection. */
  | { kind: 'closeClient'; conn: ConnId }
  // observe
  | { kind: 'stateChanged'; state: PeerState; phase: ZabPhase; leader: number | null; zxid: bigint; epoch: number }
  /** A step of an election (or of Zab's discovery, sync and commits) for the supervisor's record of it. */
  | { kind: 'electionStep'; step: EnsembleStep }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

/** Which stage of the fixed order an effect belongs to. */
export function effectStage(e: Effect): 'persist' | 'send' | 'reply' | 'observe' {
  switch (e.kind) {
    case 'persistTxns':
    case 'persistEpochs':
    case 'truncateLog':
    case 'saveSnapshot':
    case 'takeSnapshot':
      return 'persist';
    case 'sendElection':
    case 'listenQuorum':
    case 'connectToLeader':
    case 'sendQuorum':
    case 'closeQuorumLink':
      return 'send';
    case 'connectResponse':
    case 'reply':
    case 'notify':
    case 'fourLetterReply':
    case 'closeClient':
      return 'reply';
    case 'stateChanged':
    case 'electionStep':
    case 'log':
      return 'observe';
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The storage a member runs on: SQLite in a process, memory in the simulation. */
export interface MemberStorage {
  load(): RecoveredState;
  /** Durable when it returns. */
  appendTxns(txns: Txn[]): void;
  setEpochs(epochs: { acceptedEpoch?: number; currentEpoch?: number }): void;
  truncateAfter(zxid: bigint): void;
  /** Replaces state with the snapshot, durable when it returns; log entries at or below its zxid are dropped. */
  saveSnapshot(snapshot: SnapshotData): void;
  /**
   * Starts storing a snapshot of applied state, then dropping the log entries it covers, one bounded
   * step at a time. A snapshot saved or begun later supersedes an unfinished one.
   */
  beginSnapshot(snapshot: SnapshotData): SnapshotJob;
  close(): void;
}

export interface SnapshotJob {
  /** Does one bounded piece of the work; false once nothing is left (finished, or superseded). */
  step(): boolean;
}

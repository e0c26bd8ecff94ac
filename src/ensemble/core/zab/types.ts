// What the Zab leader and learner state machines ask of the member that hosts them, and the
// actions they emit (in order) for it to carry out.

import type { SessionTimeout } from '../../wire/peer.js';
import type { SnapshotData } from '../../wire/snapshot.js';
import type { Effect, ZabPhase } from '../effects.js';
import type { Txn } from '../txn.js';

export type ZabAction =
  | Extract<
      Effect,
      {
        kind:
          | 'persistTxns'
          | 'persistEpochs'
          | 'truncateLog'
          | 'saveSnapshot'
          | 'connectToLeader'
          | 'sendQuorum'
          | 'closeQuorumLink'
          | 'electionStep'
          | 'log';
      }
    >
  | { kind: 'phase'; phase: ZabPhase }
  /** The oldest sync this member asked for is answered (answers come in the order asked). */
  | { kind: 'syncDone' }
  /** Leader: learners report activity on these sessions. */
  | { kind: 'touchSessions'; sessions: SessionTimeout[] }
  /** The role is over; the member goes back to LOOKING. */
  | { kind: 'lost'; reason: string };

/** The epochs a member has persisted, shared with the Zab role it plays. */
export interface Epochs {
  acceptedEpoch: number;
  currentEpoch: number;
}

export interface ZabHost {
  emit(action: ZabAction): void;
  /** Applies a committed txn to the replicated state, now. */
  apply(txn: Txn): void;
  /** The replicated state as it is now (leader: for SNAP sync). */
  snapshot(): SnapshotData;
  /** Replaces the replicated state (learner: SNAP sync). */
  installSnapshot(snapshot: SnapshotData): void;
  /** Learner: sessions touched since the last PING, drained. */
  touchedSessions(): SessionTimeout[];
}

export interface ZabTiming {
  tickMs: number;
  /** Ticks a learner may take to connect and sync. */
  initLimit: number;
  /** Ticks a follower may stay silent once synced. */
  syncLimit: number;
}

export const newEpochZxid = (epoch: number): bigint => BigInt(epoch) << 32n;

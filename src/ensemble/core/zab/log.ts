// A member's view of its transaction history: txns logged but not yet known committed (pending), the
// latest committed txns kept for DIFF sync, and the zxid the replicated state has applied.

import { COMMITTED_LOG_FOR_DIFF } from '../../../common/limits.js';
import type { Txn } from '../txn.js';

export interface SyncEntry {
  txn: Txn;
  /** Sent as PROPOSAL then COMMIT when true; as PROPOSAL alone when the txn is not yet committed. */
  committed: boolean;
}

/** How the leader brings one learner up to its history. */
export type SyncPlan =
  | { mode: 'DIFF'; zxid: bigint; entries: SyncEntry[] }
  | { mode: 'TRUNC'; zxid: bigint; entries: SyncEntry[] }
  | { mode: 'SNAP'; entries: SyncEntry[] };

export interface ZabLogOptions {
  /** The zxid of the replicated state as recovered (the snapshot's). */
  appliedZxid: bigint;
  /** Logged txns after it, in zxid order; their commit status is unknown until a leader settles it. */
  pending: Txn[];
  committedLogSize?: number;
}

export class ZabLog {
  private pending: Txn[];
  private readonly committed: Txn[] = [];
  /** The zxid just before committed[0] (the applied zxid while the committed log is empty). */
  private floor: bigint;
  private applied: bigint;
  private readonly committedLogSize: number;

  constructor(opts: ZabLogOptions) {
    this.applied = opts.appliedZxid;
    this.floor = opts.appliedZxid;
    this.pending = opts.pending.filter((t) => t.zxid > opts.appliedZxid);
    this.committedLogSize = opts.committedLogSize ?? COMMITTED_LOG_FOR_DIFF;
  }

  get appliedZxid(): bigint {
    return this.applied;
  }

  get lastLoggedZxid(): bigint {
    return this.pending.at(-1)?.zxid ?? this.applied;
  }

  get pendingTxns(): readonly Txn[] {
    return this.pending;
  }

  /** Records a logged txn; false if it does not follow the last logged zxid. */
  append(txn: Txn): boolean {
    if (txn.zxid <= this.lastLoggedZxid) return false;
    this.pending.push(txn);
    return true;
  }

  /** Moves pending txns up to `zxid` into the committed log, in order, handing each to `apply`. */
  commitThrough(zxid: bigint, apply: (txn: Txn) => void): number {
    let n = 0;
    for (let head = this.pending[0]; head !== undefined && head.zxid <= zxid; head = this.pending[0]) {
      this.pending.shift();
      this.applied = head.zxid;
      this.committed.push(head);
      if (this.committed.length > this.committedLogSize) this.floor = this.committed.shift()?.zxid ?? this.floor;
      apply(head);
      n++;
    }
    return n;
  }

  /** Drops pending txns after `zxid`; false when applied state is already past it. */
  truncateAfter(zxid: bigint): boolean {
    if (this.applied > zxid) return false;
    this.pending = this.pending.filter((t) => t.zxid <= zxid);
    return true;
  }

  /** The state was replaced by a snapshot at `zxid`: nothing else is known. */
  resetTo(zxid: bigint): void {
    this.pending = [];
    this.committed.length = 0;
    this.applied = zxid;
    this.floor = zxid;
  }

  /**
   * What a learner whose last logged zxid is `peerLastZxid` needs: the committed log, then (when
   * `withPending`) the pending txns. DIFF when the peer's last zxid is in that history, TRUNC to the
   * last history zxid below it when it is not (or the peer is ahead), SNAP when it is older than the log.
   */
  planSync(peerLastZxid: bigint, withPending: boolean): SyncPlan {
    const pending = withPending ? this.pending.map((txn) => ({ txn, committed: false })) : [];
    if (peerLastZxid < this.floor) return { mode: 'SNAP', entries: pending };
    const history = [...this.committed.map((txn) => ({ txn, committed: true })), ...pending];
    const at = history.findIndex((e) => e.txn.zxid > peerLastZxid);
    const split = at === -1 ? history.length : at;
    const common = split === 0 ? this.floor : (history[split - 1]?.txn.zxid ?? this.floor);
    const entries = history.slice(split);
    if (common !== peerLastZxid) return { mode: 'TRUNC', zxid: common, entries };
    return { mode: 'DIFF', zxid: history.at(-1)?.txn.zxid ?? this.floor, entries };
  }
}

// Storing a snapshot a bounded step at a time, for every storage: its encoding piece by piece, then
// the record that makes it the one to recover from, then the log entries it covers in batches.

import { LOG_COMPACTION_BATCH, SNAPSHOT_PIECE_BYTES } from '../../common/limits.js';
import type { SnapshotJob } from '../core/effects.js';
import { snapshotPieces, type SnapshotData } from '../wire/snapshot.js';

/** What a storage offers to store snapshots in pieces. */
export interface SnapshotStore {
  /** Piece 0 starts the snapshot at `zxid` afresh. */
  putSnapshotPiece(zxid: bigint, index: number, bytes: Buffer): void;
  /** Makes the snapshot at `zxid`, stored in `pieces` pieces, the one to recover from; drops every other. */
  completeSnapshot(zxid: bigint, pieces: number): void;
  /** Drops up to `max` log entries at or below `zxid`; returns how many it dropped. */
  dropLogThrough(zxid: bigint, max: number): number;
}

/** Starts snapshot jobs on one store; a job begun later supersedes an unfinished one. */
export class SnapshotJobs {
  private generation = 0;

  constructor(private readonly store: SnapshotStore) {}

  begin(snapshot: SnapshotData): SnapshotJob {
    const generation = ++this.generation;
    return new PiecewiseSnapshot(this.store, snapshot, () => generation === this.generation);
  }

  /** Stores a snapshot and compacts the log before returning. */
  save(snapshot: SnapshotData): void {
    const job = this.begin(snapshot);
    while (job.step());
  }
}

class PiecewiseSnapshot implements SnapshotJob {
  private readonly pieces: Iterator<Buffer, void>;
  private written = 0;
  private stored = false;

  constructor(
    private readonly store: SnapshotStore,
    private readonly snapshot: SnapshotData,
    private readonly current: () => boolean,
  ) {
    this.pieces = (snapshot.encoded ?? snapshotPieces(snapshot, SNAPSHOT_PIECE_BYTES))[Symbol.iterator]();
  }

  step(): boolean {
    if (!this.current()) return false;
    const zxid = this.snapshot.lastZxid;
    if (this.stored) return this.store.dropLogThrough(zxid, LOG_COMPACTION_BATCH) === LOG_COMPACTION_BATCH;
    const next = this.pieces.next();
    if (next.done === true) {
      this.store.completeSnapshot(zxid, this.written);
      this.stored = true;
    } else {
      this.store.putSnapshotPiece(zxid, this.written++, next.value);
    }
    return true;
  }
}

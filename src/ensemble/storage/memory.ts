// Member storage in memory, for the simulation: what was handed to it is what survives a crash,
// kept as encoded bytes so a restarted member shares nothing with the one that crashed.

import type { MemberStorage, RecoveredState, SnapshotJob } from '../core/effects.js';
import type { Txn } from '../core/txn.js';
import { decodeSnapshot, type SnapshotData } from '../wire/snapshot.js';
import { decodeTxn, encodeTxn } from '../wire/txn.js';
import { SnapshotJobs, type SnapshotStore } from './snapshot-job.js';

export class MemoryStorage implements MemberStorage, SnapshotStore {
  private acceptedEpoch = 0;
  private currentEpoch = 0;
  private snapshot: { zxid: bigint; data: Buffer } | null = null;
  /** Pieces of the snapshot being stored. */
  private pieces: { zxid: bigint; bytes: Buffer[] } | null = null;
  private txns: { zxid: bigint; body: Buffer }[] = [];
  private readonly snapshots = new SnapshotJobs(this);

  load(): RecoveredState {
    const after = this.snapshot?.zxid ?? -1n;
    return {
      acceptedEpoch: this.acceptedEpoch,
      currentEpoch: this.currentEpoch,
      snapshot: this.snapshot === null ? null : decodeSnapshot(this.snapshot.data),
      txns: this.txns.filter((t) => t.zxid > after).map((t) => decodeTxn(t.body)),
    };
  }

  /** All or nothing, like one SQLite transaction; zxids must increase. */
  appendTxns(txns: Txn[]): void {
    let last = this.txns.at(-1)?.zxid ?? -1n;
    for (const t of txns) {
      if (t.zxid <= last) throw new Error(`txn 0x${t.zxid.toString(16)} appended after 0x${last.toString(16)}`);
      last = t.zxid;
    }
    for (const t of txns) this.txns.push({ zxid: t.zxid, body: encodeTxn(t) });
  }

  setEpochs(epochs: { acceptedEpoch?: number; currentEpoch?: number }): void {
    this.acceptedEpoch = epochs.acceptedEpoch ?? this.acceptedEpoch;
    this.currentEpoch = epochs.currentEpoch ?? this.currentEpoch;
  }

  truncateAfter(zxid: bigint): void {
    this.txns = this.txns.filter((t) => t.zxid <= zxid);
  }

  saveSnapshot(snapshot: SnapshotData): void {
    this.snapshots.save(snapshot);
  }

  beginSnapshot(snapshot: SnapshotData): SnapshotJob {
    return this.snapshots.begin(snapshot);
  }

  putSnapshotPiece(zxid: bigint, index: number, bytes: Buffer): void {
    if (index === 0) this.pieces = { zxid, bytes: [] };
    if (this.pieces?.zxid !== zxid || this.pieces.bytes.length !== index)
      throw new Error(`snapshot piece ${index} of 0x${zxid.toString(16)} out of order`);
    this.pieces.bytes.push(bytes);
  }

  completeSnapshot(zxid: bigint, pieces: number): void {
    const stored = this.pieces;
    if (stored?.zxid !== zxid || stored.bytes.length !== pieces)
      throw new Error(`snapshot 0x${zxid.toString(16)} is missing pieces`);
    this.snapshot = { zxid, data: Buffer.concat(stored.bytes) };
    this.pieces = null;
  }

  dropLogThrough(zxid: bigint, max: number): number {
    const after = this.txns.findIndex((t) => t.zxid > zxid);
    const n = Math.min(max, after === -1 ? this.txns.length : after);
    this.txns.splice(0, n);
    return n;
  }

  close(): void {}
}

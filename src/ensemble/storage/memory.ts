// Member storage in memory, for the simulation: what was handed to it is what survives a crash,
// kept as encoded bytes so a restarted member shares nothing with the one that crashed.

import type { MemberStorage, RecoveredState } from '../core/effects.js';
import type { Txn } from '../core/txn.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotData } from '../wire/snapshot.js';
import { decodeTxn, encodeTxn } from '../wire/txn.js';

export class MemoryStorage implements MemberStorage {
  private acceptedEpoch = 0;
  private currentEpoch = 0;
  private snapshot: { zxid: bigint; data: Buffer } | null = null;
  private txns: { zxid: bigint; body: Buffer }[] = [];

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
    this.snapshot = { zxid: snapshot.lastZxid, data: encodeSnapshot(snapshot) };
    this.txns = this.txns.filter((t) => t.zxid > snapshot.lastZxid);
  }

  close(): void {}
}

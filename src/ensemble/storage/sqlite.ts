// The durable member storage: txn log, epochs and the latest snapshot (in pieces) in one SQLite file,
// written with synchronous=FULL so every returned call is on disk; one SQLite transaction per call.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MemberStorage, RecoveredState, SnapshotJob } from '../core/effects.js';
import type { Txn } from '../core/txn.js';
import { decodeSnapshot, type SnapshotData } from '../wire/snapshot.js';
import { decodeTxn, encodeTxn } from '../wire/txn.js';
import { SnapshotJobs, type SnapshotStore } from './snapshot-job.js';

export interface SqliteStorageOptions {
  /** Database file; its directory is created when missing. */
  file: string;
}

/** A snapshot is recovered from once its row in `snapshots` says how many pieces it has. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS txns (zxid INTEGER PRIMARY KEY, body BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS epochs (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS snapshot_pieces (zxid INTEGER NOT NULL, piece INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (zxid, piece));
  CREATE TABLE IF NOT EXISTS snapshots (zxid INTEGER PRIMARY KEY, pieces INTEGER NOT NULL);
`;

/** zxids are stored as SQLite's signed 64-bit integers. */
const toSql = (zxid: bigint): bigint => BigInt.asIntN(64, zxid);

export class SqliteStorage implements MemberStorage, SnapshotStore {
  private readonly db: Database.Database;
  private readonly insertTxn: Database.Statement<[bigint, Buffer]>;
  private readonly setEpoch: Database.Statement<[string, number]>;
  private readonly deleteAfter: Database.Statement<[bigint]>;
  private readonly deleteThrough: Database.Statement<[bigint, number]>;
  private readonly insertPiece: Database.Statement<[bigint, number, Buffer]>;
  private readonly deletePiecesOf: Database.Statement<[bigint]>;
  private readonly deleteOtherPieces: Database.Statement<[bigint]>;
  private readonly insertSnapshot: Database.Statement<[bigint, number]>;
  private readonly deleteOtherSnapshots: Database.Statement<[bigint]>;
  private readonly snapshots = new SnapshotJobs(this);

  constructor(opts: SqliteStorageOptions) {
    mkdirSync(dirname(opts.file), { recursive: true });
    this.db = new Database(opts.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.insertTxn = this.db.prepare('INSERT INTO txns (zxid, body) VALUES (?, ?)');
    this.setEpoch = this.db.prepare(
      'INSERT INTO epochs (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.deleteAfter = this.db.prepare('DELETE FROM txns WHERE zxid > ?');
    this.deleteThrough = this.db.prepare(
      'DELETE FROM txns WHERE zxid IN (SELECT zxid FROM txns WHERE zxid <= ? ORDER BY zxid LIMIT ?)',
    );
    this.insertPiece = this.db.prepare('INSERT INTO snapshot_pieces (zxid, piece, data) VALUES (?, ?, ?)');
    this.deletePiecesOf = this.db.prepare('DELETE FROM snapshot_pieces WHERE zxid = ?');
    this.deleteOtherPieces = this.db.prepare('DELETE FROM snapshot_pieces WHERE zxid <> ?');
    this.insertSnapshot = this.db.prepare('INSERT OR REPLACE INTO snapshots (zxid, pieces) VALUES (?, ?)');
    this.deleteOtherSnapshots = this.db.prepare('DELETE FROM snapshots WHERE zxid <> ?');
  }

  load(): RecoveredState {
    const epochs = new Map<string, number>();
    for (const row of this.db.prepare('SELECT name, value FROM epochs').all() as { name: string; value: bigint }[]) {
      epochs.set(row.name, Number(row.value));
    }
    const snapshot = this.loadSnapshot();
    const after = toSql(snapshot?.lastZxid ?? -1n);
    const rows = this.db.prepare('SELECT body FROM txns WHERE zxid > ? ORDER BY zxid').all(after) as { body: Buffer }[];
    return {
      acceptedEpoch: epochs.get('acceptedEpoch') ?? 0,
      currentEpoch: epochs.get('currentEpoch') ?? 0,
      snapshot,
      txns: rows.map((r) => decodeTxn(r.body)),
    };
  }

  appendTxns(txns: Txn[]): void {
    this.db.transaction(() => {
      for (const t of txns) this.insertTxn.run(toSql(t.zxid), encodeTxn(t));
    })();
  }

  setEpochs(epochs: { acceptedEpoch?: number; currentEpoch?: number }): void {
    this.db.transaction(() => {
      if (epochs.acceptedEpoch !== undefined) this.setEpoch.run('acceptedEpoch', epochs.acceptedEpoch);
      if (epochs.currentEpoch !== undefined) this.setEpoch.run('currentEpoch', epochs.currentEpoch);
    })();
  }

  truncateAfter(zxid: bigint): void {
    this.deleteAfter.run(toSql(zxid));
  }

  /** Keeps only this snapshot and the log entries after it, in one transaction. */
  saveSnapshot(snapshot: SnapshotData): void {
    this.db.transaction(() => this.snapshots.save(snapshot))();
  }

  beginSnapshot(snapshot: SnapshotData): SnapshotJob {
    return this.snapshots.begin(snapshot);
  }

  putSnapshotPiece(zxid: bigint, index: number, bytes: Buffer): void {
    if (index === 0) this.deletePiecesOf.run(toSql(zxid));
    this.insertPiece.run(toSql(zxid), index, bytes);
  }

  completeSnapshot(zxid: bigint, pieces: number): void {
    const at = toSql(zxid);
    this.db.transaction(() => {
      this.insertSnapshot.run(at, pieces);
      this.deleteOtherSnapshots.run(at);
      this.deleteOtherPieces.run(at);
    })();
  }

  dropLogThrough(zxid: bigint, max: number): number {
    return this.deleteThrough.run(toSql(zxid), max).changes;
  }

  close(): void {
    this.db.close();
  }

  private loadSnapshot(): SnapshotData | null {
    const latest = this.db.prepare('SELECT zxid, pieces FROM snapshots ORDER BY zxid DESC LIMIT 1').get() as
      | { zxid: bigint; pieces: bigint }
      | undefined;
    if (latest === undefined) return null;
    const rows = this.db.prepare('SELECT data FROM snapshot_pieces WHERE zxid = ? ORDER BY piece').all(latest.zxid) as {
      data: Buffer;
    }[];
    if (BigInt(rows.length) !== latest.pieces)
      throw new Error(
        `snapshot 0x${BigInt.asUintN(64, latest.zxid).toString(16)} has ${rows.length} of its ${latest.pieces} pieces`,
      );
    return decodeSnapshot(Buffer.concat(rows.map((r) => r.data)));
  }
}

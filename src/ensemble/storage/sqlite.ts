// The durable member storage: txn log, epochs and the latest snapshot in one SQLite file, written
// with synchronous=FULL so every returned call is on disk; one SQLite transaction per call.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MemberStorage, RecoveredState } from '../core/effects.js';
import type { Txn } from '../core/txn.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotData } from '../wire/snapshot.js';
import { decodeTxn, encodeTxn } from '../wire/txn.js';

export interface SqliteStorageOptions {
  /** Database file; its directory is created when missing. */
  file: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS txns (zxid INTEGER PRIMARY KEY, body BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS epochs (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS snapshots (zxid INTEGER PRIMARY KEY, data BLOB NOT NULL);
`;

/** zxids are stored as SQLite's signed 64-bit integers. */
const toSql = (zxid: bigint): bigint => BigInt.asIntN(64, zxid);

export class SqliteStorage implements MemberStorage {
  private readonly db: Database.Database;
  private readonly insertTxn: Database.Statement<[bigint, Buffer]>;
  private readonly setEpoch: Database.Statement<[string, number]>;
  private readonly deleteAfter: Database.Statement<[bigint]>;
  private readonly deleteThrough: Database.Statement<[bigint]>;
  private readonly insertSnapshot: Database.Statement<[bigint, Buffer]>;
  private readonly deleteOldSnapshots: Database.Statement<[bigint]>;

  constructor(opts: SqliteStorageOptions) {
    mkdirSync(dirname(opts.file), { recursive: true });
    this.db = new Database(opts.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.insertTxn = this.db.prepare('INSERT INTO txns (zxid, body) VALUES (?, ?)');
    this.setEpoch = this.db.prepare('INSERT INTO epochs (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.deleteAfter = this.db.prepare('DELETE FROM txns WHERE zxid > ?');
    this.deleteThrough = this.db.prepare('DELETE FROM txns WHERE zxid <= ?');
    this.insertSnapshot = this.db.prepare('INSERT OR REPLACE INTO snapshots (zxid, data) VALUES (?, ?)');
    this.deleteOldSnapshots = this.db.prepare('DELETE FROM snapshots WHERE zxid <> ?');
  }

  load(): RecoveredState {
    const epochs = new Map<string, number>();
    for (const row of this.db.prepare('SELECT name, value FROM epochs').all() as { name: string; value: bigint }[]) {
      epochs.set(row.name, Number(row.value));
    }
    const snap = this.db.prepare('SELECT data FROM snapshots ORDER BY zxid DESC LIMIT 1').get() as { data: Buffer } | undefined;
    const snapshot = snap === undefined ? null : decodeSnapshot(snap.data);
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

  /** Keeps only this snapshot and the log entries after it. */
  saveSnapshot(snapshot: SnapshotData): void {
    const zxid = toSql(snapshot.lastZxid);
    this.db.transaction(() => {
      this.insertSnapshot.run(zxid, encodeSnapshot(snapshot));
      this.deleteOldSnapshots.run(zxid);
      this.deleteThrough.run(zxid);
    })();
  }

  close(): void {
    this.db.close();
  }
}

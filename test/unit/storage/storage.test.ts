// Both member storages keep the same contract: txns, epochs and the latest snapshot survive a reopen,
// truncation and snapshots drop the right log entries, one append is all-or-nothing, and a background
// snapshot is stored in bounded steps that only take effect at the last piece.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_PIECE_BYTES } from '../../../src/common/limits.js';
import type { MemberStorage } from '../../../src/ensemble/core/effects.js';
import { zxidOf, type Txn } from '../../../src/ensemble/core/txn.js';
import { MemoryStorage } from '../../../src/ensemble/storage/memory.js';
import { SqliteStorage } from '../../../src/ensemble/storage/sqlite.js';
import { encodeSnapshot, type SnapshotData } from '../../../src/ensemble/wire/snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'minicluster-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const txn = (epoch: number, counter: number): Txn => ({
  zxid: zxidOf(epoch, counter),
  time: 1_700_000_000_000 + counter,
  sessionId: 0x0300000e446b0000n,
  cxid: counter,
  body:
    counter % 2 === 0
      ? { type: 'createSession', timeoutMs: 6000, passwd: Buffer.alloc(16, counter) }
      : {
          type: 'request',
          request: { op: 'create', path: `/n${counter}`, data: Buffer.from('x'), acl: [], flags: 0 },
          authIds: [{ scheme: 'ip', id: '127.0.0.1' }],
        },
});

const snapshot = (lastZxid: bigint): SnapshotData => ({
  lastZxid,
  nodes: [],
  sessions: [{ sessionId: 7n, timeoutMs: 4000, passwd: Buffer.alloc(16, 1) }],
});

/** A snapshot whose encoding takes about three pieces. */
const largeSnapshot = (lastZxid: bigint): SnapshotData => {
  const stat = {
    czxid: 1n,
    mzxid: 1n,
    ctime: 1,
    mtime: 1,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    dataLength: 200,
    numChildren: 0,
    pzxid: 1n,
  };
  const count = Math.ceil((3 * SNAPSHOT_PIECE_BYTES) / 300);
  const nodes = Array.from({ length: count }, (_, i) => ({
    path: `/n${i}`,
    data: String.fromCharCode(i & 0xff).repeat(200),
    acl: [],
    stat,
    storedCversion: 0,
  }));
  return { lastZxid, nodes, sessions: [] };
};

const zxids = (s: MemberStorage): bigint[] => s.load().txns.map((t) => t.zxid);

let files = 0;
const kinds: [string, () => { open: () => MemberStorage; reopen: (s: MemberStorage) => MemberStorage }][] = [
  [
    'SqliteStorage',
    () => {
      const file = join(dir, `member-${++files}`, 'zk.db');
      return {
        open: () => new SqliteStorage({ file }),
        reopen: (s) => {
          s.close();
          return new SqliteStorage({ file });
        },
      };
    },
  ],
  ['MemoryStorage', () => ({ open: () => new MemoryStorage(), reopen: (s) => s })],
];

describe.each(kinds)('%s', (_name, make) => {
  it('starts empty', () => {
    expect(make().open().load()).toEqual({ acceptedEpoch: 0, currentEpoch: 0, snapshot: null, txns: [] });
  });

  it('keeps appended txns, epochs and the snapshot across a reopen', () => {
    const m = make();
    let s = m.open();
    s.appendTxns([txn(1, 1), txn(1, 2)]);
    s.appendTxns([txn(0x7fff, 3)]);
    s.setEpochs({ acceptedEpoch: 0x7fff });
    s.setEpochs({ currentEpoch: 5 });
    s = m.reopen(s);
    const loaded = s.load();
    expect(loaded.acceptedEpoch).toBe(0x7fff);
    expect(loaded.currentEpoch).toBe(5);
    expect(loaded.txns).toEqual([txn(1, 1), txn(1, 2), txn(0x7fff, 3)]);
    s.close();
  });

  it('truncates after a zxid', () => {
    const m = make();
    let s = m.open();
    s.appendTxns([1, 2, 3, 4].map((n) => txn(2, n)));
    s.truncateAfter(zxidOf(2, 2));
    s = m.reopen(s);
    expect(zxids(s)).toEqual([zxidOf(2, 1), zxidOf(2, 2)]);
    s.appendTxns([txn(3, 1)]);
    expect(zxids(s)).toEqual([zxidOf(2, 1), zxidOf(2, 2), zxidOf(3, 1)]);
    s.close();
  });

  it('keeps only the latest snapshot and the log after it', () => {
    const m = make();
    let s = m.open();
    s.appendTxns([1, 2, 3, 4].map((n) => txn(1, n)));
    s.saveSnapshot(snapshot(zxidOf(1, 1)));
    s.saveSnapshot(snapshot(zxidOf(1, 3)));
    s = m.reopen(s);
    const loaded = s.load();
    expect(loaded.snapshot).toEqual(snapshot(zxidOf(1, 3)));
    expect(loaded.txns.map((t) => t.zxid)).toEqual([zxidOf(1, 4)]);
    s.close();
  });

  it('stores a background snapshot in steps; until its last piece what is stored recovers the one before', () => {
    const m = make();
    let s = m.open();
    s.appendTxns([1, 2, 3, 4].map((n) => txn(1, n)));
    s.saveSnapshot(snapshot(zxidOf(1, 1)));
    const job = s.beginSnapshot(largeSnapshot(zxidOf(1, 3)));
    let steps = 0;
    while (steps < 2 && job.step()) steps++;
    expect(s.load()).toMatchObject({ snapshot: snapshot(zxidOf(1, 1)), txns: [1, 2, 3].map((n) => txn(1, n + 1)) });
    while (job.step()) steps++;
    expect(steps).toBeGreaterThan(3);
    s.appendTxns([txn(1, 5)]);
    s = m.reopen(s);
    const loaded = s.load();
    expect(
      loaded.snapshot !== null && encodeSnapshot(loaded.snapshot).equals(encodeSnapshot(largeSnapshot(zxidOf(1, 3)))),
    ).toBe(true);
    expect(loaded.txns.map((t) => t.zxid)).toEqual([zxidOf(1, 4), zxidOf(1, 5)]);
    s.close();
  });

  it('drops an unfinished background snapshot that a later one supersedes', () => {
    const s = make().open();
    s.appendTxns([1, 2, 3, 4].map((n) => txn(1, n)));
    const first = s.beginSnapshot(largeSnapshot(zxidOf(1, 2)));
    expect(first.step()).toBe(true);
    s.saveSnapshot(snapshot(zxidOf(1, 3)));
    expect(first.step()).toBe(false);
    expect(s.load()).toMatchObject({ snapshot: snapshot(zxidOf(1, 3)), txns: [txn(1, 4)] });
    const second = s.beginSnapshot(largeSnapshot(zxidOf(1, 4)));
    expect(second.step()).toBe(true);
    const third = s.beginSnapshot(largeSnapshot(zxidOf(1, 4)));
    expect(second.step()).toBe(false);
    while (third.step());
    expect(s.load()).toMatchObject({ snapshot: { lastZxid: zxidOf(1, 4) }, txns: [] });
    s.close();
  });

  it('stores nothing of an append that fails part way', () => {
    const s = make().open();
    s.appendTxns([txn(1, 2)]);
    expect(() => s.appendTxns([txn(1, 3), txn(1, 2)])).toThrow();
    expect(zxids(s)).toEqual([zxidOf(1, 2)]);
    s.close();
  });
});

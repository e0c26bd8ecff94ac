// Snapshot codec: a whole data tree plus the live sessions at one zxid, as stored on disk (in pieces
// of bounded size) and as streamed after a SNAP packet (then ZooKeeper's "BenWasHere" mark), read back
// a node at a time as the bytes arrive. Layout: int magic, int version, long lastZxid, vector<node>,
// vector<session>.

import { TruncatedError, WireError } from './errors.js';
import { JuteReader, JuteWriter, readACLList, readStat, writeACLList, writeStat } from './jute.js';
import type { ACL, Stat } from './records.js';

export interface SnapshotNode {
  path: string;
  /** The data bytes as one latin1 char per byte (the data tree's own form of them); null for none. */
  data: string | null;
  acl: readonly ACL[];
  /** As stored: ephemeralOwner keeps the container / TTL markers (clients are shown 0 for those). */
  stat: Stat;
  /** Child creations so far (drives sequential suffixes); Stat.cversion is derived from it. */
  storedCversion: number;
}

export interface SnapshotSession {
  sessionId: bigint;
  timeoutMs: number;
  passwd: Buffer;
}

export interface SnapshotData {
  lastZxid: bigint;
  nodes: SnapshotNode[];
  sessions: SnapshotSession[];
  /** The bytes it arrived as in a SNAP sync, in order: storage keeps them rather than encode it again. */
  encoded?: Buffer[];
}

/** "MCSN" */
const SNAPSHOT_MAGIC = 0x4d43534e;
const SNAPSHOT_VERSION = 1;

export function encodeSnapshot(s: SnapshotData): Buffer {
  const [whole] = snapshotPieces(s, Infinity); // without a bound there is exactly one piece
  return whole ?? Buffer.alloc(0);
}

/**
 * The encoding in consecutive pieces of about `pieceBytes` each (the last node of a piece may cross
 * it), produced one at a time as the caller asks; their concatenation is encodeSnapshot's bytes.
 */
export function* snapshotPieces(s: SnapshotData, pieceBytes: number): Generator<Buffer, void, undefined> {
  let w = new JuteWriter(4096);
  w.writeInt(SNAPSHOT_MAGIC).writeInt(SNAPSHOT_VERSION).writeLong(s.lastZxid).writeInt(s.nodes.length);
  for (const node of s.nodes) {
    writeNode(w, node);
    if (w.length < pieceBytes) continue;
    yield w.toBuffer();
    w = new JuteWriter(4096);
  }
  w.writeVector(s.sessions, (x, v) => x.writeLong(v.sessionId).writeInt(v.timeoutMs).writeBuffer(v.passwd));
  yield w.toBuffer();
}

export function decodeSnapshot(buf: Buffer): SnapshotData {
  const r = new JuteReader(buf);
  const magic = r.readInt();
  const version = r.readInt();
  if (magic !== SNAPSHOT_MAGIC || version !== SNAPSHOT_VERSION) {
    throw new WireError(`not a snapshot (magic 0x${(magic >>> 0).toString(16)}, version ${version})`);
  }
  const snapshot: SnapshotData = {
    lastZxid: r.readLong(),
    nodes: r.requiredVector(readNode, 'nodes'),
    sessions: r.requiredVector(readSession, 'sessions'),
  };
  r.done();
  return snapshot;
}

function writeNode(w: JuteWriter, n: SnapshotNode): void {
  w.writeString(n.path).writeLatin1Buffer(n.data);
  writeACLList(w, n.acl);
  writeStat(w, n.stat);
  w.writeInt(n.storedCversion);
}

function readNode(r: JuteReader): SnapshotNode {
  return {
    path: r.requiredString('path'),
    data: r.readLatin1Buffer(),
    acl: readACLList(r),
    stat: readStat(r),
    storedCversion: r.readInt(),
  };
}

function readSession(r: JuteReader): SnapshotSession {
  return { sessionId: r.readLong(), timeoutMs: r.readInt(), passwd: r.requiredBuffer('passwd') };
}

/** What ZooKeeper's leader writes after a snapshot in a SNAP sync, and its learner checks. */
const SNAP_SYNC_MARK = 'BenWasHere';

/** The bytes that follow a SNAP packet on a quorum link: the snapshot in pieces, then the mark. */
export function* snapSyncPieces(s: SnapshotData, pieceBytes: number): Generator<Buffer, void, undefined> {
  yield* snapshotPieces(s, pieceBytes);
  yield new JuteWriter(16).writeString(SNAP_SYNC_MARK).toBuffer();
}

type StreamStage = 'header' | 'nodes' | 'sessions' | 'mark';

/**
 * Reads the snapshot that follows a SNAP packet as its bytes arrive: each call takes the whole items
 * (header, nodes, the sessions, the mark) at the front of the bytes it is given and says how many
 * bytes it used; the snapshot is returned once the mark is read.
 */
export class SnapshotStreamDecoder {
  private stage: StreamStage = 'header';
  private lastZxid = 0n;
  private nodesLeft = 0;
  private readonly nodes: SnapshotNode[] = [];
  private sessions: SnapshotSession[] = [];
  private readonly encoded: Buffer[] = [];
  private finished = false;

  /** @param maxItemBytes the largest single item (a node, the session list) accepted. */
  constructor(private readonly maxItemBytes: number) {}

  read(buf: Buffer): { used: number; snapshot: SnapshotData | null } {
    let used = 0;
    let encodedEnd = 0;
    while (!this.finished) {
      const item = this.readItem(buf.subarray(used));
      if (item === null) break;
      used += item;
      if (!this.finished) encodedEnd = used;
    }
    if (encodedEnd > 0) this.encoded.push(buf.subarray(0, encodedEnd));
    if (!this.finished) return { used, snapshot: null };
    const { lastZxid, nodes, sessions, encoded } = this;
    return { used, snapshot: { lastZxid, nodes, sessions, encoded } };
  }

  /** Bytes of the item read from the front of `buf`, or null when it has not fully arrived. */
  private readItem(buf: Buffer): number | null {
    const r = new JuteReader(buf);
    try {
      this.readStage(r);
      return r.offset;
    } catch (err) {
      if (!(err instanceof TruncatedError)) throw err;
      if (err.needed > this.maxItemBytes) throw new WireError(`snapshot item of ${err.needed}+ bytes`);
      return null;
    }
  }

  private readStage(r: JuteReader): void {
    switch (this.stage) {
      case 'header':
        return this.readHeader(r);
      case 'nodes':
        this.nodes.push(readNode(r));
        if (--this.nodesLeft === 0) this.stage = 'sessions';
        return;
      case 'sessions':
        this.sessions = r.requiredVector(readSession, 'sessions');
        this.stage = 'mark';
        return;
      case 'mark': {
        const mark = r.readString();
        if (mark !== SNAP_SYNC_MARK) throw new WireError(`missing signature after the snapshot (${mark ?? 'null'})`);
        this.finished = true;
        return;
      }
      default: {
        const never: never = this.stage;
        return never;
      }
    }
  }

  private readHeader(r: JuteReader): void {
    const magic = r.readInt();
    const version = r.readInt();
    const lastZxid = r.readLong();
    const count = r.readInt();
    if (magic !== SNAPSHOT_MAGIC || version !== SNAPSHOT_VERSION) {
      throw new WireError(`not a snapshot (magic 0x${(magic >>> 0).toString(16)}, version ${version})`);
    }
    if (count < 0) throw new WireError(`snapshot of ${count} nodes`);
    this.lastZxid = lastZxid;
    this.nodesLeft = count;
    this.stage = count === 0 ? 'sessions' : 'nodes';
  }
}

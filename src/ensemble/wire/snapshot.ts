// Snapshot codec: a whole data tree plus the live sessions at one zxid, as stored on disk (in pieces
// of bounded size) and as sent in a SNAP sync. Layout: int magic, int version, long lastZxid,
// vector<node>, vector<session>.

import { WireError } from './errors.js';
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

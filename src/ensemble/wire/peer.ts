// Peer protocol codecs: the election link (hello, then length-prefixed notifications) and the
// quorum link (QuorumPacket records back to back, mapped onto typed Zab messages).

import { MAX_ELECTION_HELLO_BYTES, MAX_QUORUM_PACKET_BYTES } from '../../common/limits.js';
import { epochOf, type Txn, type TxnBody } from '../core/txn.js';
import { TruncatedError, WireError } from './errors.js';
import { ByteQueue, frame } from './framing.js';
import { JuteReader, JuteWriter, readId, writeIdList } from './jute.js';
import { OpCode, type Id } from './records.js';
import { type SnapshotData, SnapshotStreamDecoder, snapSyncPieces } from './snapshot.js';
import { decodeTxn, encodeTxn, readTxnRecord, txnTypeOf, writeTxnRecord } from './txn.js';

// ---- election link ----

/** First long of a hello: protocol version (V2 carries several addresses separated by '|'). */
const ELECTION_PROTOCOL_V1 = -65536n;
const ELECTION_PROTOCOL_V2 = -65535n;

export interface ElectionHello {
  sid: number;
  /** "host:electionPort"; null for an old peer that sends only its sid. */
  electionAddr: string | null;
}

export function encodeElectionHello(h: ElectionHello): Buffer {
  const w = new JuteWriter(64);
  if (h.electionAddr === null) return w.writeLong(BigInt(h.sid)).toBuffer();
  return w.writeLong(ELECTION_PROTOCOL_V1).writeLong(BigInt(h.sid)).writeString(h.electionAddr).toBuffer();
}

/**
 * The hello at the start of an election stream: null while more bytes are needed, else the hello and
 * how many bytes it took (notification frames follow). Garbage or an oversized hello → WireError.
 */
export function decodeElectionHello(head: Buffer): { hello: ElectionHello; bytes: number } | null {
  const r = new JuteReader(head);
  try {
    const hello = readElectionHello(r);
    if (r.offset > MAX_ELECTION_HELLO_BYTES) throw new WireError(`election hello of ${r.offset} bytes`);
    return { hello, bytes: r.offset };
  } catch (e) {
    if (!(e instanceof TruncatedError)) throw e;
    if (e.needed > MAX_ELECTION_HELLO_BYTES) throw new WireError(`election hello of ${e.needed}+ bytes`);
    return null;
  }
}

function readElectionHello(r: JuteReader): ElectionHello {
  const first = r.readLong();
  const sid = (v: bigint): number => {
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError(`bad sid ${v}`);
    return Number(v);
  };
  if (first >= 0n) return { sid: sid(first), electionAddr: null };
  if (first !== ELECTION_PROTOCOL_V1 && first !== ELECTION_PROTOCOL_V2) {
    throw new WireError(`unknown election protocol ${first}`);
  }
  return { sid: sid(r.readLong()), electionAddr: r.requiredString('electionAddr') };
}

export const ELECTION_STATES = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'] as const;
export type ElectionState = (typeof ELECTION_STATES)[number];

export interface ElectionNotification {
  state: ElectionState;
  /** The proposed leader's sid. */
  leader: number;
  /** The proposed leader's last zxid. */
  zxid: bigint;
  /** The sender's round (logical clock). */
  electionEpoch: bigint;
  /** The proposed leader's epoch. */
  peerEpoch: bigint;
  /** The `server.N=` lines and `version=` of the sender's view, as ZooKeeper sends them. */
  config: string;
}

/** Notification format version we send (2 = with config). */
const NOTIFICATION_VERSION = 2;
/** Sizes of the older forms: without peerEpoch, and version 1 without config. */
const NOTIFICATION_V0_BYTES = 28;
const NOTIFICATION_V1_BYTES = 40;

/** A notification as one frame (int length, payload). */
export function encodeNotification(n: ElectionNotification): Buffer {
  const w = new JuteWriter(256);
  w.writeInt(ELECTION_STATES.indexOf(n.state)).writeLong(BigInt(n.leader)).writeLong(n.zxid);
  w.writeLong(n.electionEpoch).writeLong(n.peerEpoch).writeInt(NOTIFICATION_VERSION).writeString(n.config);
  return frame(w.toBuffer());
}

/** Decodes a notification payload (frame body); the 28- and 40-byte forms of older peers too. */
export function decodeNotification(body: Buffer): ElectionNotification {
  if (body.length < NOTIFICATION_V0_BYTES) throw new WireError(`notification of ${body.length} bytes`);
  const r = new JuteReader(body);
  const state = ELECTION_STATES[r.readInt()];
  if (state === undefined) throw new WireError('unknown election state');
  const leader = r.readSafeLong('leader');
  const zxid = r.readLong();
  const electionEpoch = r.readLong();
  if (body.length === NOTIFICATION_V0_BYTES) {
    return { state, leader, zxid, electionEpoch, peerEpoch: zxid >> 32n, config: '' };
  }
  const peerEpoch = r.readLong();
  const version = body.length === NOTIFICATION_V1_BYTES ? 1 : r.readInt();
  const config = version > 1 ? r.requiredString('config') : '';
  return { state, leader, zxid, electionEpoch, peerEpoch, config };
}

// ---- quorum link ----

/** A jute QuorumPacket: what travels on the quorum link, back to back, with no outer length. */
export interface QuorumPacket {
  type: number;
  zxid: bigint;
  data: Buffer | null;
  authinfo: Id[] | null;
}

export const PacketType = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
} as const;

export function readQuorumPacket(r: JuteReader): QuorumPacket {
  return { type: r.readInt(), zxid: r.readLong(), data: r.readBuffer(), authinfo: r.readVector(readId) };
}

export function encodeQuorumPacket(p: QuorumPacket): Buffer {
  const w = new JuteWriter(32 + (p.data?.length ?? 0));
  w.writeInt(p.type).writeLong(p.zxid).writeBuffer(p.data);
  if (p.authinfo === null) w.writeInt(-1);
  else writeIdList(w, p.authinfo);
  return w.toBuffer();
}

export interface SessionTimeout {
  sessionId: bigint;
  timeoutMs: number;
}

export type ZabMessage =
  /** Learner → leader: who it is and the epoch it last accepted. */
  | { type: 'FOLLOWERINFO' | 'OBSERVERINFO'; sid: number; acceptedEpoch: number }
  | { type: 'LEADERINFO'; newEpoch: number }
  /** currentEpoch −1: the learner had already accepted this epoch. */
  | { type: 'ACKEPOCH'; lastZxid: bigint; currentEpoch: number }
  | { type: 'DIFF' | 'TRUNC'; zxid: bigint }
  | { type: 'SNAP'; zxid: bigint; snapshot: SnapshotData }
  | { type: 'PROPOSAL' | 'INFORM'; txn: Txn }
  | { type: 'COMMIT' | 'ACK'; zxid: bigint }
  /** config: the leader's view, which ZooKeeper leaders send; absent when not sent. */
  | { type: 'NEWLEADER'; zxid: bigint; config?: string }
  | { type: 'UPTODATE' }
  /** Leader → learner with no sessions; learner → leader with the sessions touched since. */
  | { type: 'PING'; zxid: bigint; sessions: SessionTimeout[] }
  /** A learner forwarding a write, createSession or closeSession it accepted. */
  | { type: 'REQUEST'; sessionId: bigint; cxid: number; body: TxnBody }
  /** A learner forwarding a client's sync (a REQUEST packet of op sync; token rides in the cxid). */
  | { type: 'SYNCREQUEST'; path: string; token: number }
  /** Learner asks with valid unset; the leader answers with valid set. */
  | { type: 'REVALIDATE'; sessionId: bigint; timeoutMs: number; valid?: boolean }
  /** Leader → learner: answers the oldest pending SYNCREQUEST, after every commit sent before it. */
  | { type: 'SYNC'; path: string };

export type ZabType = ZabMessage['type'];
type MsgOf<T extends ZabType> = MsgWithType<ZabMessage, T>;
type MsgWithType<M, T> = M extends { type: infer X } ? (T extends X ? M : never) : never;

interface MessageCodec<T extends ZabType> {
  code: number;
  toPacket: (m: MsgOf<T>) => Omit<QuorumPacket, 'type'>;
  /** Decodes a packet of `code` (REQUEST packets may be a SYNCREQUEST). */
  fromPacket: (p: QuorumPacket) => ZabMessage;
}

/** ZooKeeper's learner protocol version, sent in LearnerInfo and LEADERINFO. */
const LEARNER_PROTOCOL_VERSION = 0x10000;

const epochZxid = (epoch: number): bigint => BigInt(epoch) << 32n;

function packet(zxid: bigint, data: Buffer | null = null, authinfo: Id[] | null = null): Omit<QuorumPacket, 'type'> {
  return { zxid, data, authinfo };
}

function write(f: (w: JuteWriter) => unknown): Buffer {
  const w = new JuteWriter(64);
  f(w);
  return w.toBuffer();
}

function dataBuf(p: QuorumPacket): Buffer {
  if (p.data === null) throw new WireError(`packet type ${p.type} without data`);
  return p.data;
}

const dataOf = (p: QuorumPacket): JuteReader => new JuteReader(dataBuf(p));

/** Reads a record from the packet data that must use all of it. */
function exactly<T>(p: QuorumPacket, read: (r: JuteReader) => T): T {
  const r = dataOf(p);
  const v = read(r);
  r.done();
  return v;
}

function learnerInfo(type: 'FOLLOWERINFO' | 'OBSERVERINFO'): MessageCodec<typeof type> {
  return {
    code: PacketType[type],
    toPacket: (m) =>
      packet(
        epochZxid(m.acceptedEpoch),
        write((w) => w.writeLong(BigInt(m.sid)).writeInt(LEARNER_PROTOCOL_VERSION).writeLong(0n)),
      ),
    // LearnerInfo {long sid, int protocolVersion, long configVersion}; older learners send the sid only.
    fromPacket: (p) => ({ type, sid: dataOf(p).readSafeLong('sid'), acceptedEpoch: epochOf(p.zxid) }),
  };
}

type ZxidOnlyType = 'DIFF' | 'TRUNC' | 'COMMIT' | 'ACK';

function zxidOnly(type: ZxidOnlyType): MessageCodec<ZxidOnlyType> {
  return { code: PacketType[type], toPacket: (m) => packet(m.zxid), fromPacket: (p) => ({ type, zxid: p.zxid }) };
}

function txnCarrier(type: 'PROPOSAL' | 'INFORM'): MessageCodec<typeof type> {
  return {
    code: PacketType[type],
    toPacket: (m) => packet(m.txn.zxid, encodeTxn(m.txn)),
    fromPacket: (p) => {
      const txn = decodeTxn(dataBuf(p));
      if (txn.zxid !== p.zxid) throw new WireError(`${type} zxid ${p.zxid} carries txn ${txn.zxid}`);
      return { type, txn };
    },
  };
}

function readPingSessions(p: QuorumPacket): SessionTimeout[] {
  if (p.data === null) return [];
  const r = new JuteReader(p.data);
  const sessions: SessionTimeout[] = [];
  while (r.remaining > 0) sessions.push({ sessionId: r.readLong(), timeoutMs: r.readInt() });
  return sessions;
}

/** REQUEST data: long sessionId, int cxid, int op, request record; a write's auth ids ride in authinfo. */
function requestFromPacket(p: QuorumPacket): ZabMessage {
  return exactly(p, (r) => {
    const sessionId = r.readLong();
    const cxid = r.readInt();
    const op = r.readInt();
    if (op === OpCode.sync) return { type: 'SYNCREQUEST', path: r.requiredString('path'), token: cxid };
    return { type: 'REQUEST', sessionId, cxid, body: readTxnRecord(op, r, () => p.authinfo ?? []) };
  });
}

const MESSAGE_CODECS: { [T in ZabType]: MessageCodec<T> } = {
  FOLLOWERINFO: learnerInfo('FOLLOWERINFO'),
  OBSERVERINFO: learnerInfo('OBSERVERINFO'),
  LEADERINFO: {
    code: PacketType.LEADERINFO,
    toPacket: (m) =>
      packet(
        epochZxid(m.newEpoch),
        write((w) => w.writeInt(LEARNER_PROTOCOL_VERSION)),
      ),
    fromPacket: (p) => ({ type: 'LEADERINFO', newEpoch: epochOf(p.zxid) }),
  },
  ACKEPOCH: {
    code: PacketType.ACKEPOCH,
    toPacket: (m) =>
      packet(
        m.lastZxid,
        write((w) => w.writeInt(m.currentEpoch)),
      ),
    fromPacket: (p) => ({ type: 'ACKEPOCH', lastZxid: p.zxid, currentEpoch: exactly(p, (r) => r.readInt()) }),
  },
  DIFF: zxidOnly('DIFF'),
  TRUNC: zxidOnly('TRUNC'),
  COMMIT: zxidOnly('COMMIT'),
  ACK: zxidOnly('ACK'),
  // As in ZooKeeper, the SNAP packet carries no data: the snapshot follows it on the stream
  // (zabMessagePieces writes it, QuorumPacketDecoder reads it).
  SNAP: {
    code: PacketType.SNAP,
    toPacket: (m) => packet(m.zxid),
    fromPacket: () => {
      throw new WireError('a SNAP packet is read with the snapshot that follows it');
    },
  },
  PROPOSAL: txnCarrier('PROPOSAL'),
  INFORM: txnCarrier('INFORM'),
  NEWLEADER: {
    code: PacketType.NEWLEADER,
    toPacket: (m) => packet(m.zxid, m.config === undefined ? null : Buffer.from(m.config, 'utf8')),
    fromPacket: (p) =>
      p.data === null
        ? { type: 'NEWLEADER', zxid: p.zxid }
        : { type: 'NEWLEADER', zxid: p.zxid, config: p.data.toString('utf8') },
  },
  UPTODATE: {
    code: PacketType.UPTODATE,
    toPacket: () => packet(-1n),
    fromPacket: () => ({ type: 'UPTODATE' }),
  },
  PING: {
    code: PacketType.PING,
    toPacket: (m) =>
      packet(
        m.zxid,
        m.sessions.length === 0
          ? null
          : write((w) => m.sessions.forEach((s) => w.writeLong(s.sessionId).writeInt(s.timeoutMs))),
      ),
    fromPacket: (p) => ({ type: 'PING', zxid: p.zxid, sessions: readPingSessions(p) }),
  },
  REQUEST: {
    code: PacketType.REQUEST,
    toPacket: (m) =>
      packet(
        -1n,
        write((w) => {
          w.writeLong(m.sessionId).writeInt(m.cxid).writeInt(txnTypeOf(m.body));
          writeTxnRecord(w, m.body);
        }),
        m.body.type === 'request' ? m.body.authIds : null,
      ),
    fromPacket: requestFromPacket,
  },
  SYNCREQUEST: {
    code: PacketType.REQUEST,
    toPacket: (m) =>
      packet(
        -1n,
        write((w) => w.writeLong(0n).writeInt(m.token).writeInt(OpCode.sync).writeString(m.path)),
      ),
    fromPacket: requestFromPacket,
  },
  REVALIDATE: {
    code: PacketType.REVALIDATE,
    toPacket: (m) =>
      packet(
        -1n,
        write((w) => {
          w.writeLong(m.sessionId).writeInt(m.timeoutMs);
          if (m.valid !== undefined) w.writeBool(m.valid);
        }),
      ),
    fromPacket: (p) =>
      exactly(p, (r) => {
        const sessionId = r.readLong();
        const timeoutMs = r.readInt();
        return r.remaining > 0
          ? { type: 'REVALIDATE', sessionId, timeoutMs, valid: r.readBool() }
          : { type: 'REVALIDATE', sessionId, timeoutMs };
      }),
  },
  SYNC: {
    code: PacketType.SYNC,
    toPacket: (m) =>
      packet(
        -1n,
        write((w) => w.writeString(m.path)),
      ),
    fromPacket: (p) => ({ type: 'SYNC', path: exactly(p, (r) => r.requiredString('path')) }),
  },
};

/** Packet type code → decoder (REQUEST and SYNCREQUEST share code 1 and one decoder). */
const DECODERS: ReadonlyMap<number, (p: QuorumPacket) => ZabMessage> = new Map(
  Object.values(MESSAGE_CODECS).map((c: MessageCodec<ZabType>) => [c.code, c.fromPacket]),
);

export function toQuorumPacket<T extends ZabType>(m: MsgOf<T> & { type: T }): QuorumPacket {
  const codec: MessageCodec<T> = MESSAGE_CODECS[m.type];
  return { type: codec.code, ...codec.toPacket(m) };
}

export function fromQuorumPacket(p: QuorumPacket): ZabMessage {
  const decode = DECODERS.get(p.type);
  if (decode === undefined) throw new WireError(`unknown quorum packet type ${p.type}`);
  return decode(p);
}

export function encodeZabMessage(m: ZabMessage): Buffer {
  return Buffer.concat([...zabMessagePieces(m, Infinity)]);
}

/**
 * A message's bytes in pieces of about `pieceBytes`, to write one at a time: the packet alone, or for
 * SNAP the packet, then the snapshot in pieces and the mark ZooKeeper ends it with.
 */
export function* zabMessagePieces(m: ZabMessage, pieceBytes: number): Generator<Buffer, void, undefined> {
  yield encodeQuorumPacket(toQuorumPacket(m));
  if (m.type === 'SNAP') yield* snapSyncPieces(m.snapshot, pieceBytes);
}

/**
 * Splits a quorum link's byte stream into messages; waits for whole packets, bounded in size. After a
 * SNAP packet it reads the snapshot that follows a node at a time, and yields SNAP with it once whole.
 */
export class QuorumPacketDecoder {
  private readonly queue = new ByteQueue();
  /** Bytes the packet at the head of the queue needs at least (0: unknown yet). */
  private need = 0;
  /** The SNAP being received: its zxid and the snapshot read so far. */
  private snap: { zxid: bigint; decoder: SnapshotStreamDecoder } | null = null;

  constructor(private readonly maxBytes: number = MAX_QUORUM_PACKET_BYTES) {}

  get buffered(): number {
    return this.queue.length;
  }

  /** A snapshot is arriving: bytes keep coming though no message is complete yet. */
  get receivingSnapshot(): boolean {
    return this.snap !== null;
  }

  push(chunk: Buffer): ZabMessage[] {
    this.queue.push(chunk);
    const out: ZabMessage[] = [];
    while (this.queue.length > 0) {
      if (this.snap !== null) {
        const snap = this.readSnapshot(this.snap);
        if (snap === null) break;
        out.push(snap);
        continue;
      }
      if (this.queue.length < this.need) break;
      const p = this.nextPacket();
      if (p === null) break;
      if (p.type === PacketType.SNAP) this.snap = { zxid: p.zxid, decoder: new SnapshotStreamDecoder(this.maxBytes) };
      else out.push(fromQuorumPacket(p));
    }
    return out;
  }

  private readSnapshot(snap: { zxid: bigint; decoder: SnapshotStreamDecoder }): ZabMessage | null {
    const { used, snapshot } = snap.decoder.read(this.queue.contiguous());
    this.queue.consume(used);
    if (snapshot === null) return null;
    this.snap = null;
    return { type: 'SNAP', zxid: snap.zxid, snapshot };
  }

  private nextPacket(): QuorumPacket | null {
    const r = new JuteReader(this.queue.contiguous());
    try {
      const p = readQuorumPacket(r);
      if (r.offset > this.maxBytes) throw new WireError(`quorum packet of ${r.offset} bytes`);
      this.queue.consume(r.offset);
      this.need = 0;
      return p;
    } catch (e) {
      if (!(e instanceof TruncatedError)) throw e;
      if (e.needed > this.maxBytes) throw new WireError(`quorum packet of ${e.needed}+ bytes`);
      this.need = e.needed;
      return null;
    }
  }
}

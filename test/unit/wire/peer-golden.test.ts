// Election hellos, notifications and quorum packets captured from a real ZooKeeper 3.8 ensemble
// decode with our peer codecs and re-encode to the same bytes, except where noted below.
import { describe, expect, it } from 'vitest';
import { MAX_ELECTION_MESSAGE_BYTES } from '../../../src/common/limits.js';
import { FrameDecoder, JuteReader, OpCode, WireError } from '../../../src/ensemble/wire/index.js';
import {
  PacketType,
  QuorumPacketDecoder,
  decodeElectionHello,
  decodeNotification,
  encodeElectionHello,
  encodeNotification,
  encodeQuorumPacket,
  encodeZabMessage,
  fromQuorumPacket,
  readQuorumPacket,
  type QuorumPacket,
  type ZabMessage,
} from '../../../src/ensemble/wire/peer.js';
import { readTxnHeader } from '../../../src/ensemble/wire/txn.js';
import { parsePeerCapture } from './golden-files.js';

const streams = parsePeerCapture();
const election = streams.filter((s) => s.kind === 'ELECTION').flatMap((s) => s.messages);
const quorum = streams.filter((s) => s.kind === 'QUORUM').flatMap((s) => s.messages);

const field = (desc: string, key: string): string | undefined => new RegExp(`${key}=([^ ]+)`).exec(desc)?.[1];
const hexField = (desc: string, key: string): bigint => {
  const v = field(desc, key) ?? 'missing';
  return v.startsWith('0x-') ? -BigInt(`0x${v.slice(3)}`) : BigInt(v);
};

function packetOf(bytes: Buffer): QuorumPacket {
  const r = new JuteReader(bytes);
  const p = readQuorumPacket(r);
  r.done();
  return p;
}

/**
 * Packets a real 3.8 ensemble sends that our Zab deliberately encodes differently, with the reason:
 * - PROPOSAL: ZooKeeper replicates derived txn records (CreateTxn, CreateSessionTxn …) plus a TxnDigest;
 *   our txns carry the client's write request as sent, so these bodies are not ours to decode.
 * - REQUEST of createSession: ZooKeeper derives the password from the session id and forwards only the
 *   timeout; our forwarded createSession carries the password the accepting member chose.
 */
function notOurFormat(p: QuorumPacket): string | null {
  if (p.type === PacketType.PROPOSAL) return 'ZooKeeper txn records';
  if (p.type === PacketType.REQUEST && p.data?.readInt32BE(12) === OpCode.createSession)
    return 'createSession without password';
  return null;
}

/** A follower's PING with an empty (not null) data buffer decodes to no sessions, which we send as null data. */
function isEmptyFollowerPing(p: QuorumPacket): boolean {
  return p.type === PacketType.PING && p.data !== null && p.data.length === 0;
}

describe('election link captures', () => {
  it('has hellos and notifications to check', () => {
    expect(election.filter((m) => m.desc.startsWith('initial')).length).toBeGreaterThanOrEqual(2);
    expect(election.filter((m) => m.desc.startsWith('notification')).length).toBeGreaterThanOrEqual(10);
  });

  it('hellos decode (with the byte count) and re-encode identically', () => {
    for (const m of election.filter((x) => x.desc.startsWith('initial'))) {
      const got = decodeElectionHello(m.bytes);
      expect(got).toEqual({
        hello: { sid: Number(field(m.desc, 'sid')), electionAddr: '127.0.0.1:23883' },
        bytes: m.bytes.length,
      });
      expect(encodeElectionHello(got?.hello ?? { sid: 0, electionAddr: null })).toEqual(m.bytes);
      expect(decodeElectionHello(m.bytes.subarray(0, m.bytes.length - 1))).toBeNull();
    }
  });

  it('notifications decode to the captured values and re-encode identically', () => {
    for (const m of election.filter((x) => x.desc.startsWith('notification'))) {
      const bodies = new FrameDecoder(MAX_ELECTION_MESSAGE_BYTES).push(m.bytes);
      expect(bodies).toHaveLength(1);
      const n = decodeNotification(bodies[0] ?? Buffer.alloc(0));
      expect(n).toMatchObject({
        state: field(m.desc, 'state'),
        leader: Number(field(m.desc, 'leader')),
        zxid: hexField(m.desc, 'zxid'),
        electionEpoch: hexField(m.desc, 'electionEpoch'),
        peerEpoch: hexField(m.desc, 'peerEpoch'),
      });
      expect(n.config).toHaveLength(Number(field(m.desc, 'configLen')));
      expect(n.config.split('\n')[0]).toBe('server.1=127.0.0.1:22881:23881:participant;127.0.0.1:22281');
      expect(encodeNotification(n)).toEqual(m.bytes);
    }
  });
});

describe('quorum link captures', () => {
  it('every packet is one QuorumPacket record that re-encodes identically', () => {
    expect(quorum.length).toBeGreaterThanOrEqual(40);
    for (const m of quorum) {
      const p = packetOf(m.bytes);
      expect(p.type).toBe(Number(field(m.desc, 'type')?.split('/')[0]));
      expect(p.zxid).toBe(hexField(m.desc, 'zxid'));
      expect(p.data?.length ?? -1).toBe(Number(field(m.desc, 'dataLen')));
      expect(encodeQuorumPacket(p)).toEqual(m.bytes);
    }
  });

  it('every packet in our format maps to a Zab message and back to the same bytes', () => {
    let exact = 0;
    for (const m of quorum) {
      const p = packetOf(m.bytes);
      if (notOurFormat(p) !== null) continue;
      const back = encodeZabMessage(fromQuorumPacket(p));
      if (isEmptyFollowerPing(p)) expect(back).toEqual(encodeQuorumPacket({ ...p, data: null }));
      else {
        expect(back, m.desc).toEqual(m.bytes);
        exact++;
      }
    }
    expect(exact).toBeGreaterThanOrEqual(30);
  });

  it('packets in ZooKeeper-only formats are rejected with WireError, their headers still readable', () => {
    const foreign = quorum.map((m) => packetOf(m.bytes)).filter((p) => notOurFormat(p) !== null);
    expect(foreign.length).toBe(8);
    for (const p of foreign) {
      expect(() => fromQuorumPacket(p)).toThrow(WireError);
      if (p.type === PacketType.PROPOSAL) {
        const h = readTxnHeader(new JuteReader(p.data ?? Buffer.alloc(0)));
        expect(h.zxid).toBe(p.zxid);
        expect([OpCode.createSession, OpCode.create, OpCode.setData]).toContain(h.type);
      }
    }
  });

  it('decodes the discovery and sync handshake to the captured values', () => {
    const messages = quorum
      .map((m) => packetOf(m.bytes))
      .filter((p) => notOurFormat(p) === null)
      .map(fromQuorumPacket);
    const first = (type: ZabMessage['type']): ZabMessage | undefined => messages.find((x) => x.type === type);
    expect(first('FOLLOWERINFO')).toEqual({ type: 'FOLLOWERINFO', sid: 1, acceptedEpoch: 6 });
    expect(first('LEADERINFO')).toEqual({ type: 'LEADERINFO', newEpoch: 7 });
    expect(first('ACKEPOCH')).toEqual({ type: 'ACKEPOCH', lastZxid: 0x600000006n, currentEpoch: 6 });
    expect(first('DIFF')).toEqual({ type: 'DIFF', zxid: 0x600000006n });
    expect(first('NEWLEADER')).toMatchObject({ type: 'NEWLEADER', zxid: 0x700000000n });
    expect(first('UPTODATE')).toEqual({ type: 'UPTODATE' });
    expect(messages).toContainEqual({
      type: 'PING',
      zxid: 0x600000006n,
      sessions: [{ sessionId: 0x01000016cc650000n, timeoutMs: 30000 }],
    });
    expect(messages).toContainEqual({
      type: 'REQUEST',
      sessionId: 0x01000016cc650000n,
      cxid: 1,
      body: {
        type: 'request',
        request: {
          op: 'create',
          path: '/qtest',
          data: Buffer.from('hello'),
          acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
          flags: 0,
        },
        authIds: [{ scheme: 'ip', id: '127.0.0.1' }],
      },
    });
  });

  it('QuorumPacketDecoder splits each captured stream however it is chunked', () => {
    for (const s of streams.filter((x) => x.kind === 'QUORUM')) {
      const ours = s.messages.filter((m) => notOurFormat(packetOf(m.bytes)) === null);
      const stream = Buffer.concat(ours.map((m) => m.bytes));
      const expected = ours.map((m) => fromQuorumPacket(packetOf(m.bytes)));
      for (const size of [1, 7, stream.length]) {
        const d = new QuorumPacketDecoder();
        const got: ZabMessage[] = [];
        for (let i = 0; i < stream.length; i += size) got.push(...d.push(stream.subarray(i, i + size)));
        expect(got).toEqual(expected);
        expect(d.buffered).toBe(0);
      }
    }
  });
});

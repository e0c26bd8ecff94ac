// Property tests for the peer codecs: txns, snapshots, Zab messages and election messages
// round-trip; garbage and mutated captures only ever raise WireError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ELECTION_MESSAGE_BYTES } from '../../../src/common/limits.js';
import type { Txn, TxnBody } from '../../../src/ensemble/core/txn.js';
import {
  ELECTION_STATES,
  FrameDecoder,
  QuorumPacketDecoder,
  WireError,
  decodeElectionHello,
  decodeElectionNotification,
  decodeSnapshot,
  decodeTxn,
  encodeElectionHello,
  encodeElectionNotification,
  encodeSnapshot,
  encodeTxn,
  encodeZabMessage,
  snapshotPieces,
  type ElectionNotification,
  type SnapshotData,
  type ZabMessage,
} from '../../../src/ensemble/wire/index.js';
import {
  acls,
  bytes,
  fuzzSeed,
  id,
  int32,
  int64,
  nullableBytes,
  safeLong,
  stat,
  text,
  writeRequest,
} from './arbitraries.js';
import { parsePeerCapture } from './golden-files.js';

const seed = fuzzSeed('wire peer');
const runs = { seed, numRuns: 300 };

function onlyWireErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
  }
}

const txnBody: fc.Arbitrary<TxnBody> = fc.oneof(
  fc.record({ type: fc.constant('createSession' as const), timeoutMs: int32, passwd: bytes }),
  fc.record({ type: fc.constant('closeSession' as const) }),
  fc.record({ type: fc.constant('request' as const), request: writeRequest, authIds: fc.array(id, { maxLength: 3 }) }),
  fc.record({ type: fc.constant('deleteContainer' as const), path: text }),
  fc.record({ type: fc.constant('error' as const), err: int32 }),
);

const txn: fc.Arbitrary<Txn> = fc.record({ zxid: int64, time: safeLong, sessionId: int64, cxid: int32, body: txnBody });

const snapshot: fc.Arbitrary<SnapshotData> = fc.record({
  lastZxid: int64,
  nodes: fc.array(
    fc.record({
      path: text,
      data: nullableBytes.map((b) => b?.toString('latin1') ?? null),
      acl: acls,
      stat,
      storedCversion: int32,
    }),
    { maxLength: 4 },
  ),
  sessions: fc.array(fc.record({ sessionId: int64, timeoutMs: int32, passwd: bytes }), { maxLength: 3 }),
});

const epoch = int32;
const sid = fc.integer({ min: 0, max: 2 ** 31 - 1 });

const zabMessage: fc.Arbitrary<ZabMessage> = fc.oneof(
  fc.record({ type: fc.constantFrom('FOLLOWERINFO' as const, 'OBSERVERINFO' as const), sid, acceptedEpoch: epoch }),
  fc.record({ type: fc.constant('LEADERINFO' as const), newEpoch: epoch }),
  fc.record({ type: fc.constant('ACKEPOCH' as const), lastZxid: int64, currentEpoch: epoch }),
  fc.record({ type: fc.constantFrom('DIFF' as const, 'TRUNC' as const), zxid: int64 }),
  fc.record({ type: fc.constant('SNAP' as const), zxid: int64, snapshot }),
  fc.record({ type: fc.constantFrom('PROPOSAL' as const, 'INFORM' as const), txn }),
  fc.record({ type: fc.constantFrom('COMMIT' as const, 'ACK' as const), zxid: int64 }),
  fc.record({ type: fc.constant('NEWLEADER' as const), zxid: int64, config: text }, { requiredKeys: ['type', 'zxid'] }),
  fc.record({ type: fc.constant('UPTODATE' as const) }),
  fc.record({
    type: fc.constant('PING' as const),
    zxid: int64,
    sessions: fc.array(fc.record({ sessionId: int64, timeoutMs: int32 }), { maxLength: 3 }),
  }),
  fc.record({ type: fc.constant('REQUEST' as const), sessionId: int64, cxid: int32, body: txnBody }),
  fc.record({ type: fc.constant('SYNCREQUEST' as const), path: text, token: int32 }),
  fc.record(
    { type: fc.constant('REVALIDATE' as const), sessionId: int64, timeoutMs: int32, valid: fc.boolean() },
    { requiredKeys: ['type', 'sessionId', 'timeoutMs'] },
  ),
  fc.record({ type: fc.constant('SYNC' as const), path: text }),
);

const notification: fc.Arbitrary<ElectionNotification> = fc.record({
  state: fc.constantFrom(...ELECTION_STATES),
  leader: int32,
  zxid: int64,
  electionEpoch: int64,
  peerEpoch: int64,
  config: fc.string({ maxLength: 200 }),
});

/** Splits a buffer at the given cut sizes (the rest in one piece). */
function chunked(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const n of cuts) {
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  out.push(buf.subarray(at));
  return out;
}

const capture = parsePeerCapture().flatMap((s) => s.messages.map((m) => m.bytes));
const mutated = fc
  .tuple(
    fc.constantFrom(...capture),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.nat(),
  )
  .map(([b, edits, cut]) => {
    const out = Buffer.from(b);
    for (const [at, v] of edits) out[at % out.length] = v;
    return out.subarray(0, cut % (out.length + 1));
  });
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  mutated,
);

/** A decoded SNAP without the bytes it arrived as (the messages generated carry none). */
function withoutBytes(m: ZabMessage): ZabMessage {
  if (m.type !== 'SNAP') return m;
  const { encoded: _bytes, ...snapshot } = m.snapshot;
  return { ...m, snapshot };
}

describe('peer codecs round-trip', () => {
  it('txns', () => {
    fc.assert(
      fc.property(txn, (t) => {
        expect(decodeTxn(encodeTxn(t))).toEqual(t);
      }),
      runs,
    );
  });

  it('snapshots', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        expect(decodeSnapshot(encodeSnapshot(s))).toEqual(s);
      }),
      runs,
    );
  });

  it('snapshots in pieces: each piece ends at the first node past the bound, and together they are the whole encoding', () => {
    fc.assert(
      fc.property(snapshot, fc.integer({ min: 1, max: 200 }), (s, bound) => {
        const pieces = [...snapshotPieces(s, bound)];
        expect(Buffer.concat(pieces)).toEqual(encodeSnapshot(s));
        expect(pieces.length).toBeLessThanOrEqual(s.nodes.length + 1);
        const largestNode = Math.max(
          0,
          ...s.nodes.map((n) => encodeSnapshot({ lastZxid: 0n, nodes: [n], sessions: [] }).length),
        );
        for (const p of pieces.slice(0, -1)) expect(p.length).toBeLessThan(bound + largestNode + 20);
      }),
      runs,
    );
  });

  it('Zab messages through QuorumPacketDecoder, however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(zabMessage, { maxLength: 6 }), fc.array(fc.nat(40), { maxLength: 30 }), (messages, cuts) => {
        const d = new QuorumPacketDecoder();
        const encoded = Buffer.concat(messages.map(encodeZabMessage));
        const got = chunked(encoded, cuts).flatMap((c) => d.push(c));
        expect(got.map(withoutBytes)).toEqual(messages);
        for (const m of got)
          if (m.type === 'SNAP') expect(encodeSnapshot(m.snapshot)).toEqual(Buffer.concat(m.snapshot.encoded ?? []));
        expect(d.buffered).toBe(0);
      }),
      runs,
    );
  });

  it('election notifications and hellos', () => {
    fc.assert(
      fc.property(notification, (n) => {
        const [body] = new FrameDecoder(MAX_ELECTION_MESSAGE_BYTES).push(encodeElectionNotification(n));
        expect(decodeElectionNotification(body ?? Buffer.alloc(0))).toEqual(n);
      }),
      runs,
    );
    fc.assert(
      fc.property(sid, fc.option(text, { nil: null }), bytes, (s, addr, rest) => {
        const hello = encodeElectionHello({ sid: s, electionAddr: addr });
        expect(decodeElectionHello(Buffer.concat([hello, rest]))).toEqual({
          hello: { sid: s, electionAddr: addr },
          bytes: hello.length,
        });
      }),
      runs,
    );
  });
});

describe('peer codecs under garbage', () => {
  it('decoders throw nothing but WireError', () => {
    fc.assert(
      fc.property(garbage, (b) => {
        onlyWireErrors(() => decodeTxn(b));
        onlyWireErrors(() => decodeSnapshot(b));
        onlyWireErrors(() => decodeElectionNotification(b));
        onlyWireErrors(() => decodeElectionHello(b));
        onlyWireErrors(() => new QuorumPacketDecoder().push(b));
      }),
      { ...runs, numRuns: 3000 },
    );
  });

  it('QuorumPacketDecoder rejects a packet announcing more than its limit', () => {
    const d = new QuorumPacketDecoder(1000);
    const head = Buffer.from('00000002' + '0000000000000001' + '00100000', 'hex');
    expect(() => d.push(head)).toThrow(WireError);
  });
});
